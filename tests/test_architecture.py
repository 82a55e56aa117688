"""The seams between the domain packages, read from the source with ``ast``.

Each domain package of ``groupes/`` holds its models, its rules (plain functions
that flush, never commit), its forms and its views (``views.py``, ``*_views.py``).

1. No module imports another package's views: helpers several packages use live
   in non-view modules (``meetings/loading.py``, ``exports/responses.py``,
   ``exports/printing.py``…); ``cli.py`` and ``benchmarks/`` call those, not views.
   Only the application factory (``groupes/__init__.py``) imports every blueprint.
2. The rule modules (every module but views) import each other without a cycle
   between packages. Views sit on top and may import any package's rules.
   Left out of the graph:
   - imports of models (``*.models``, and ``groupes/models.py``): mappers refer to
     each other across packages by nature;
   - imports under ``if TYPE_CHECKING:``, which never run;
   - ``groupes/__init__.py``, ``cli.py``, ``extensions.py``, ``config.py``: the
     factory, the command line and the plumbing, which assemble everything.
   Imports made inside functions count: a lazy import hides a cycle, it does not
   break it.

The bottom layer, which every package may import (``is_leaf``), is ``site`` (dates and
the Paris time zone, French formatting, text, the forms' shared fields, HTTP helpers,
page cache, stamps, rate limits: every module but ``site/views.py``) and a few
primitives that every layer asks or writes to:
- ``auth.permissions`` (who may do what) with the two model queries it reads,
  ``groups.reach`` (which programmes people and organisations take part in) and
  ``privacy.confidential`` (what huis clos withholds);
- ``privacy.access_log`` (who read or changed what) with ``privacy.rights_log``,
  which writes the changes of rights into it;
- ``mail.addresses`` (the syntax of an e-mail address);
- ``minutes.parts`` (``PartKey``, how a part of the minutes is named in forms and revisions).
The plumbing is ``extensions``, ``config``, ``dbtypes``, ``errors`` (the ``DomainError``
family every package raises) and the models.
A leaf imports only other leaves, models and the plumbing: that is checked too.

3. One transaction owner: the rule modules flush, the view (or the command) commits once,
   after the change and the mail that announces it are both in the session. The few rule
   modules that commit on purpose are listed in ``COMMITS_ALLOWED``, each with its reason.

Run it alone: ``pytest tests/test_architecture.py``.
"""

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "groupes"
ASSEMBLERS = {"groupes", "groupes.cli", "groupes.extensions", "groupes.config"}
PLUMBING = {"groupes.extensions", "groupes.config", "groupes.dbtypes", "groupes.errors", "groupes.models"}
LEAF_MODULES = {
    "groupes.auth.permissions",
    "groupes.groups.reach",
    "groupes.privacy.confidential",
    "groupes.privacy.access_log",
    "groupes.privacy.rights_log",
    "groupes.mail.addresses",
    "groupes.minutes.parts",
}


# Rule modules that call ``.commit()`` themselves, and why.
COMMITS_ALLOWED = {
    "groupes.minutes.writing": "the autosave (save_part) retries a lost race in a new transaction",
    "groupes.minutes.cowriting": "an editor's update is stored with the text it gives, retried on a lost race",
    "groupes.minutes.review": "mark_read: reading a page records it, and a page read commits nothing else",
    "groupes.site.rate_limits": "the counters are committed at once on the request's connection, shared by every worker",
    "groupes.privacy.access_log": "record_now: written in its own commit once the response is made",
    "groupes.mail.outbox": "each message's claim and delivery commit alone, so one failure holds up no other",
    "groupes.search.index": "rebuild runs from commands (rebuild-index, restore, import), outside any request",
    # What must follow the commit, and only a commit, is done by the function that commits.
    "groupes.privacy.retention": "the purge removes the files of what it erased once the erasure is committed",
    "groupes.privacy.personal_data": "an erasure empties the kept documents and pages once it is committed",
    "groupes.interchange.reader": "an import is all or nothing: the database's refusal at the commit is an import error",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_view(module: str) -> bool:
    last = module.rsplit(".", 1)[-1]
    return last == "views" or last.endswith("_views")


def is_model(module: str) -> bool:
    return module == "groupes.models" or module.endswith(".models")


def is_leaf(module: str) -> bool:
    return (module.startswith("groupes.site.") and not is_view(module)) or module in LEAF_MODULES


def package_of(module: str) -> str:
    """``groupes.meetings.planning`` → ``meetings``; ``groupes.backup`` → ``backup``."""
    return module.split(".")[1] if module.count(".") else module


def type_checking(test: ast.expr) -> bool:
    return "TYPE_CHECKING" in ast.unparse(test)


def imports(path: Path) -> list[tuple[str, int]]:
    """(module imported, line) for every import that runs, at any depth; ``from a import b``
    gives ``a.b`` when ``b`` is a module, ``a`` otherwise."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[str, int]] = []

    def walk(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and type_checking(child.test):
                for other in child.orelse:
                    walk(other)
                continue
            if isinstance(child, ast.Import):
                found.extend((alias.name, child.lineno) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parent = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join(parent + ([child.module] if child.module else []))
                for alias in child.names:
                    whole = f"{base}.{alias.name}"
                    found.append((whole if is_module(whole) else base, child.lineno))
            walk(child)

    walk(ast.parse(path.read_text(encoding="utf-8")))
    return list(dict.fromkeys(found))


def is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def package_graph() -> dict[str, dict[str, list[str]]]:
    """package → package it imports → the imports that make the edge (``module:line → module``)."""
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in sources():
        module = module_name(path)
        if module in ASSEMBLERS or is_view(module):
            continue
        for target, line in imports(path):
            if not target.startswith("groupes.") or target in PLUMBING or is_model(target):
                continue
            if is_leaf(target):
                continue
            if package_of(target) != package_of(module):
                graph[package_of(module)][package_of(target)].append(f"{module}:{line} → {target}")
    return graph


def find_cycle(graph: dict[str, dict[str, list[str]]]) -> list[str] | None:
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        stack.append(node)
        for target in sorted(graph.get(node, {})):
            if state.get(target) == "open":
                return stack[stack.index(target) :] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_rule_modules_of_the_packages_import_each_other_without_a_cycle():
    graph = package_graph()
    cycle = find_cycle(graph)
    if cycle:
        edges = [f"  {a} → {b}: {', '.join(graph[a][b])}" for a, b in zip(cycle, cycle[1:], strict=False)]
        raise AssertionError("A cycle between packages: " + " → ".join(cycle) + "\n" + "\n".join(edges))


def test_the_leaves_import_only_leaves_models_and_plumbing():
    wrong = []
    for path in sources():
        module = module_name(path)
        if not is_leaf(module):
            continue
        for target, line in imports(path):
            if target.startswith("groupes.") and not (is_leaf(target) or is_model(target) or target in PLUMBING):
                wrong.append(f"{module}:{line} → {target}")
    assert not wrong, "\n".join(wrong)


def test_no_module_imports_another_packages_views():
    wrong = []
    for path in [*sources(), *sorted((ROOT / "benchmarks").glob("*.py"))]:
        module = module_name(path)
        if module == "groupes":
            continue  # the factory registers every blueprint
        for target, line in imports(path):
            if target.startswith("groupes.") and is_view(target) and package_of(target) != package_of(module):
                wrong.append(f"{module}:{line} → {target}")
    assert not wrong, "\n".join(wrong)


def test_the_walk_sees_the_imports_it_must():
    """The tests above would pass on a walk that found nothing."""
    assert "meetings" in package_graph()["minutes"]
    assert "groupes.groups.reach" in [target for target, _ in imports(PACKAGE / "auth" / "permissions.py")]
    assert is_view("groupes.meetings.agenda_views") and not is_leaf("groupes.site.views")


def commits(path: Path) -> list[int]:
    """Lines of the ``….commit()`` calls of a module."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit"
    ]


def test_rule_modules_flush_and_leave_the_commit_to_their_caller():
    wrong = []
    for path in sources():
        module = module_name(path)
        if module in ASSEMBLERS or is_view(module) or module in COMMITS_ALLOWED:
            continue
        wrong.extend(f"{module}:{line}" for line in commits(path))
    assert not wrong, "A rule module commits (make it flush; its view or command commits):\n" + "\n".join(wrong)


def test_every_module_allowed_to_commit_still_does():
    """An entry no longer needed goes from the list."""
    assert [m for m in COMMITS_ALLOWED if not commits(ROOT.joinpath(*m.split(".")).with_suffix(".py"))] == []
