"""What changed between two revisions of the minutes, part by part and word by word."""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from groupes.meetings.models import Meeting
from groupes.minutes.parts import PartKey

# Words, runs of spaces and single signs: a change of one word marks that word only.
TOKENS = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


@dataclass
class Fragment:
    op: str  # "same", "added", "removed"
    text: str


class Fragments(list[Fragment]):
    """The fragments of a comparison; ``simplified`` when the texts were too long to be
    compared word by word all along."""

    simplified = False


@dataclass
class PartChange:
    key: str
    title: str
    state: str  # "added", "removed", "changed", "same"
    heading: Fragments = field(default_factory=Fragments)
    body: Fragments = field(default_factory=Fragments)

    @property
    def simplified(self) -> bool:
        return self.heading.simplified or self.body.simplified

    @property
    def label(self) -> str:
        return {"added": "Partie ajoutée", "removed": "Partie supprimée", "changed": "Partie modifiée"}.get(
            self.state, "Sans changement"
        )


# SequenceMatcher compares every token of one text with every token of the other: past this
# many comparisons (the product of the lengths, once the common start and end are set aside)
# a page would take minutes. The texts are then compared line by line, and the lines that
# differ word by word while this budget lasts; what is left is shown removed, then added.
COMPARISON_BUDGET = 1_000_000


def word_diff(old: str, new: str) -> Fragments:
    a, b = TOKENS.findall(old), TOKENS.findall(new)
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    fragments = Fragments()
    _add(fragments, "same", a[:head])
    middle_a, middle_b = a[head : len(a) - tail], b[head : len(b) - tail]
    if len(middle_a) * len(middle_b) <= COMPARISON_BUDGET:
        _by_words(fragments, middle_a, middle_b)
    else:
        fragments.simplified = True
        _by_lines(fragments, middle_a, middle_b)
    _add(fragments, "same", a[len(a) - tail :])
    return fragments


def _add(fragments: Fragments, op: str, tokens: list[str]) -> None:
    text = "".join(tokens)
    if not text:
        return
    if fragments and fragments[-1].op == op:
        fragments[-1] = Fragment(op, fragments[-1].text + text)
    else:
        fragments.append(Fragment(op, text))


def _by_words(fragments: Fragments, a: list[str], b: list[str]) -> None:
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            _add(fragments, "same", a[i1:i2])
            continue
        _add(fragments, "removed", a[i1:i2])
        _add(fragments, "added", b[j1:j2])


def _lines(tokens: list[str]) -> list[tuple[str, ...]]:
    """The tokens cut after each run of spaces that holds a line break."""
    lines, line = [], []
    for token in tokens:
        line.append(token)
        if "\n" in token and token.isspace():
            lines.append(tuple(line))
            line = []
    if line:
        lines.append(tuple(line))
    return lines


def _by_lines(fragments: Fragments, a: list[str], b: list[str]) -> None:
    lines_a, lines_b = _lines(a), _lines(b)
    if len(lines_a) * len(lines_b) > COMPARISON_BUDGET:
        _add(fragments, "removed", a)
        _add(fragments, "added", b)
        return
    budget = COMPARISON_BUDGET
    for op, i1, i2, j1, j2 in SequenceMatcher(None, lines_a, lines_b, autojunk=False).get_opcodes():
        old = [token for line in lines_a[i1:i2] for token in line]
        new = [token for line in lines_b[j1:j2] for token in line]
        if op == "equal":
            _add(fragments, "same", old)
        elif len(old) * len(new) <= budget:
            budget -= len(old) * len(new)
            _by_words(fragments, old, new)
        else:
            _add(fragments, "removed", old)
            _add(fragments, "added", new)


def _parts(content: dict) -> dict[str, dict]:
    return {str(PartKey.of_snapshot(s)): s for s in content.get("sections", [])}


def _title(part: dict, items: dict[int, str]) -> str:
    if part.get("agenda_item_id"):
        return items.get(part["agenda_item_id"], "Point retiré de l’ordre du jour")
    return part.get("heading") or "Section sans titre"


def _texts(part: dict | None) -> tuple[str, str]:
    return (part or {}).get("body", ""), (part or {}).get("heading", "")


def changed_titles(meeting: Meeting, old: dict | None, new: dict) -> list[str]:
    """The titles of the parts that differ from ``old`` to ``new`` (every written part when
    there is no ``old``), in the order of ``new``, without comparing their words."""
    items = {item.id: item.title for item in meeting.agenda_items}
    before, after = _parts(old or {}), _parts(new)
    titles = []
    for key in list(after) + [k for k in before if k not in after]:
        was, now = before.get(key), after.get(key)
        if _texts(was) != _texts(now) and any(text.strip() for text in _texts(was) + _texts(now)):
            titles.append(_title(now or was, items))
    return titles


def compare(meeting: Meeting, old: dict, new: dict) -> list[PartChange]:
    """Every part of either revision, in the order of the newer one, with its changes."""
    items = {item.id: item.title for item in meeting.agenda_items}
    before, after = _parts(old), _parts(new)
    keys = list(after) + [k for k in before if k not in after]
    changes = []
    for key in keys:
        was, now = before.get(key), after.get(key)
        part = now or was
        title = _title(part, items)
        old_body, new_body = (was or {}).get("body", ""), (now or {}).get("body", "")
        old_heading, new_heading = (was or {}).get("heading", ""), (now or {}).get("heading", "")
        if was is None:
            state = "added" if new_body.strip() or new_heading.strip() else "same"
        elif now is None:
            state = "removed"
        else:
            state = "changed" if (old_body, old_heading) != (new_body, new_heading) else "same"
        changes.append(
            PartChange(
                key=key,
                title=title,
                state=state,
                heading=word_diff(old_heading, new_heading) if not part.get("agenda_item_id") else Fragments(),
                body=word_diff(old_body, new_body),
            )
        )
    return changes
