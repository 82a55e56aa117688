"""The ``groupes/1`` interchange format: its shape, and the checking of a document.

One declaration drives both directions: ``check_document`` validates a parsed
file against it (reporting every error with its JSON path) and fills in the
defaults, and the writer emits every key in the declared order.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from groupes.mail.addresses import InvalidAddress, normalised_email
from groupes.minutes.writing import MAX_PART_LENGTH
from groupes.site.dates import date_problem
from groupes.site.timezone import PARIS

FORMAT = "groupes/1"

INVALID = object()  # what a checker returns after recording an error


class Errors(list):
    """Errors as ``(path, message)`` pairs, in document order."""

    def add(self, path: str, message: str) -> None:
        self.append((path or "(racine)", message))

    def lines(self) -> list[str]:
        return [f"{path}: {message}" for path, message in self]


def quoted(value: Any) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return "un objet" if isinstance(value, dict) else "une liste"
    return str(value)


class DuplicateKeys(dict):
    """A JSON object that had the same key more than once (json keeps the last)."""

    duplicates: list[str]


def object_pairs_hook(pairs: list[tuple[str, Any]]) -> dict:
    keys = [key for key, _ in pairs]
    if len(set(keys)) == len(keys):
        return dict(pairs)
    result = DuplicateKeys(pairs)
    result.duplicates = sorted({key for key in keys if keys.count(key) > 1})
    return result


# The deepest a document may nest objects and lists: the format needs a dozen levels
# (agenda items under agenda items included); far deeper, parsing and checking would
# exhaust Python's recursion.
MAX_DEPTH = 40
JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},:]')
JSON_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
NOT_BRACKETS = re.compile(r"[^\[\]{}]+")


def too_deep(text: str) -> str | None:
    """The JSON path of the first value nested deeper than MAX_DEPTH, found by reading the
    text without recursion (before it is parsed); None when the text is shallow enough.

    The brackets alone, strings taken out, say whether any value is too deep (quickly, for
    large archives); only then is the text read token by token for the path."""
    depth = 0
    for bracket in NOT_BRACKETS.sub("", JSON_STRINGS.sub("", text)):
        depth = depth + 1 if bracket in "[{" else max(depth - 1, 0)
        if depth > MAX_DEPTH:
            return _path_too_deep(text)
    return None


def _path_too_deep(text: str) -> str | None:
    frames: list[list] = []  # [kind, index or key]; a key is kept until its ":" is seen
    last_string = None
    for match in JSON_TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            if len(frames) == MAX_DEPTH:
                return json_path(frames)
            frames.append(["list", 0] if token == "[" else ["object", None])
        elif token in "]}":
            if frames:
                frames.pop()
        elif token == ",":
            if frames and frames[-1][0] == "list":
                frames[-1][1] += 1
        elif token == ":":
            if frames and frames[-1][0] == "object" and last_string is not None:
                frames[-1][1] = last_string
        else:
            last_string = token[1:-1]
    return None


def json_path(frames: list[list]) -> str:
    path = ""
    for kind, place in frames:
        if kind == "list":
            path += f"[{place}]"
        elif place is not None:
            path += f".{place}" if path else place
    return path


# -- the kinds of value -----------------------------------------------------


@dataclass
class Text:
    max_length: int | None = None
    not_empty: bool = False
    single_line: bool = False

    def check(self, value, path, errors):
        if not isinstance(value, str):
            errors.add(path, f"attendu un texte, reçu {quoted(value)}")
            return INVALID
        if self.not_empty and not value.strip():
            errors.add(path, "ne doit pas être vide")
            return INVALID
        if self.max_length and len(value) > self.max_length:
            errors.add(path, f"trop long : {len(value)} caractères pour {self.max_length} au plus")
            return INVALID
        if self.single_line and ("\n" in value or "\r" in value):
            errors.add(path, "doit tenir sur une ligne")
            return INVALID
        return value


class Email(Text):
    def __init__(self):
        super().__init__(max_length=254, not_empty=True, single_line=True)

    def check(self, value, path, errors):
        value = super().check(value, path, errors)
        if value is INVALID:
            return value
        try:
            return normalised_email(value)
        except InvalidAddress:
            errors.add(path, f"adresse e-mail invalide : {quoted(value)}")
            return INVALID


@dataclass
class Integer:
    minimum: int | None = None
    maximum: int = 1_000_000  # within every database's integer

    def check(self, value, path, errors):
        if isinstance(value, bool) or not isinstance(value, int):
            errors.add(path, f"attendu un nombre entier, reçu {quoted(value)}")
            return INVALID
        if self.minimum is not None and value < self.minimum:
            errors.add(path, f"doit valoir au moins {self.minimum}, reçu {value}")
            return INVALID
        if value > self.maximum:
            errors.add(path, f"doit valoir au plus {self.maximum}, reçu {value}")
            return INVALID
        return value


class Boolean:
    def check(self, value, path, errors):
        if not isinstance(value, bool):
            errors.add(path, f"attendu true ou false, reçu {quoted(value)}")
            return INVALID
        return value


# Huis clos: written only by an administrator's export that asks for it (`export-json --huis-clos`).
CONFIDENTIAL = "confidential"


@dataclass
class Choice:
    values: tuple[str, ...]

    def check(self, value, path, errors):
        if value not in self.values:
            errors.add(path, f"valeur inconnue {quoted(value)} (valeurs possibles : {', '.join(self.values)})")
            return INVALID
        return value


DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
DATETIME_RE = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(Z|[+-]\d{2}:\d{2})?")


class Day:
    def check(self, value, path, errors):
        if isinstance(value, str) and DATE_RE.fullmatch(value):
            try:
                day = date.fromisoformat(value)
            except ValueError:
                pass
            else:
                if problem := date_problem(day):
                    errors.add(path, problem)
                    return INVALID
                return day
        errors.add(path, f"pas une date (AAAA-MM-JJ) : {quoted(value)}")
        return INVALID


class Moment:
    """A date-time in Paris local time, or with an explicit offset; returned in UTC."""

    def check(self, value, path, errors):
        match = DATETIME_RE.fullmatch(value) if isinstance(value, str) else None
        if not match:
            errors.add(path, f"pas une date-heure (AAAA-MM-JJTHH:MM) : {quoted(value)}")
            return INVALID
        try:
            local = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            errors.add(path, f"pas une date-heure (AAAA-MM-JJTHH:MM) : {quoted(value)}")
            return INVALID
        # Before any arithmetic of time zones: year 1 or 9999 would overflow it.
        if problem := date_problem(local):
            errors.add(path, problem)
            return INVALID
        if local.tzinfo is not None:
            return local.astimezone(UTC)
        aware = local.replace(tzinfo=PARIS)
        # A wall-clock time skipped when clocks go forward does not exist.
        if aware.astimezone(UTC).astimezone(PARIS).replace(tzinfo=None) != local:
            errors.add(path, f"heure inexistante à Paris (passage à l'heure d'été) : {quoted(value)}")
            return INVALID
        return aware.astimezone(UTC)


def format_moment(moment: datetime) -> str:
    """Paris local time; with its offset only when the wall-clock time is ambiguous."""
    local = moment.astimezone(PARIS)
    text = local.strftime("%Y-%m-%dT%H:%M")
    other_fold = local.replace(fold=1 - local.fold)
    if other_fold.utcoffset() != local.utcoffset():
        offset = local.utcoffset() or timedelta(0)
        hours, minutes = divmod(int(offset.total_seconds()) // 60, 60)
        text += f"{'+' if offset >= timedelta(0) else '-'}{abs(hours):02d}:{minutes:02d}"
    return text


@dataclass
class Nullable:
    inner: Any

    def check(self, value, path, errors):
        return None if value is None else self.inner.check(value, path, errors)


@dataclass
class ListOf:
    item: Any

    def check(self, value, path, errors):
        if not isinstance(value, list):
            errors.add(path, f"attendu une liste, reçu {quoted(value)}")
            return INVALID
        return [self.item.check(element, f"{path}[{index}]", errors) for index, element in enumerate(value)]


class NoSubPoints:
    """The ``children`` of a sub-point: the agenda has two levels, an empty list at most here."""

    def check(self, value, path, errors):
        if value == []:
            return value
        if isinstance(value, list):
            errors.add(
                path,
                "l'ordre du jour a deux niveaux au plus : un sous-point n'a pas de sous-points "
                "(placez-les sous le point principal)",
            )
        else:
            errors.add(path, f"attendu une liste, reçu {quoted(value)}")
        return INVALID


@dataclass
class Key:
    kind: Any
    required: bool = False
    default: Any = None
    # A callable for mutable defaults such as [] or {}.
    default_factory: Callable[[], Any] | None = None

    def default_value(self):
        return self.default_factory() if self.default_factory else self.default


@dataclass
class Record:
    """A JSON object with declared keys; unknown keys are errors (usually typos)."""

    name: str
    keys: dict[str, Key] = field(default_factory=dict)

    def check(self, value, path, errors):
        if not isinstance(value, dict):
            errors.add(path, f"attendu un objet, reçu {quoted(value)}")
            return INVALID
        prefix = f"{path}." if path else ""
        for key in getattr(value, "duplicates", []):
            errors.add(prefix + key, "clé présente plusieurs fois")
        result = {}
        for key, spec in self.keys.items():
            if key in value:
                result[key] = spec.kind.check(value[key], prefix + key, errors)
            elif spec.required:
                errors.add(prefix + key, "clé obligatoire manquante")
                result[key] = INVALID
            else:
                result[key] = spec.default_value()
        for key in value:
            if key not in self.keys:
                errors.add(prefix + key, f"clé inconnue (clés possibles : {', '.join(self.keys)})")
        return result


def _list(item) -> Key:
    return Key(ListOf(item), default_factory=list)


NAME = Text(max_length=200, not_empty=True, single_line=True)
TITLE = Text(max_length=500, not_empty=True, single_line=True)
LINE = Text(max_length=500, single_line=True)
# Free text, bounded as the editor and every form bound it: an import is no way past the bound.
MARKDOWN = Text(max_length=MAX_PART_LENGTH)

ROLES = ("facilitator", "secretary", "member", "observer")
ATTENDANCE_STATUSES = ("invited", "present", "excused", "absent", "represented")
MEETING_STATUSES = ("planned", "held", "cancelled")
MINUTES_STATUSES = ("draft", "review", "validated")
FINDING_KINDS = ("constat", "besoin", "faiblesse", "menace", "piste", "preconisation", "pratique")
ACTION_STATUSES = ("open", "in_progress", "done", "dropped")
VISIBILITIES = ("members", "public")

ORGANISATION = Record(
    "organisation",
    {
        "name": Key(NAME, required=True),
        "acronym": Key(Text(max_length=50, single_line=True), default=""),
        "kind": Key(Text(max_length=100, single_line=True), default=""),
        "territory": Key(Text(max_length=200, single_line=True), default=""),
        "missions": Key(MARKDOWN, default=""),
    },
)
ORGANISER = Record(
    "organiser",
    {
        "name": Key(NAME, required=True),
        "email": Key(Nullable(Email())),
        "organisation": Key(Nullable(NAME)),
        "function": Key(Text(max_length=200, single_line=True), default=""),
    },
)
MEMBER = Record(
    "member",
    {
        "name": Key(NAME, required=True),
        "email": Key(Nullable(Email())),
        "organisation": Key(Nullable(NAME)),
        "function": Key(Text(max_length=200, single_line=True), default=""),
        "role": Key(Choice(ROLES), default="member"),
    },
)
AGENDA_ITEM = Record(
    "agenda item",
    {
        "title": Key(TITLE, required=True),
        "duration_min": Key(Nullable(Integer(minimum=0, maximum=24 * 60))),
        "presenter": Key(Nullable(Text(max_length=200, single_line=True))),
        "notes": Key(MARKDOWN, default=""),
        CONFIDENTIAL: Key(Boolean(), default=False),
    },
)
# The agenda has two levels, as the editor makes it (groupes/meetings/agenda.py): a point's
# sub-points have no sub-points of their own.
AGENDA_SUBITEM = Record("agenda item", {**AGENDA_ITEM.keys, "children": Key(NoSubPoints(), default_factory=list)})
AGENDA_ITEM.keys["children"] = _list(AGENDA_SUBITEM)
ATTENDANCE = Record(
    "attendance",
    {
        "name": Key(NAME, required=True),
        "organisation": Key(Nullable(NAME)),
        "email": Key(Nullable(Email())),
        "status": Key(Choice(ATTENDANCE_STATUSES), default="invited"),
        "represented_by": Key(Nullable(NAME)),
    },
)
SECTION = Record(
    "section",
    {
        "heading": Key(LINE, default=""),
        "body": Key(MARKDOWN, default=""),
        CONFIDENTIAL: Key(Boolean(), default=False),
    },
)
MINUTES = Record(
    "minutes",
    {
        "status": Key(Choice(MINUTES_STATUSES), default="draft"),
        "sections": _list(SECTION),
    },
)
FINDING = Record(
    "finding",
    {
        "kind": Key(Choice(FINDING_KINDS), required=True),
        "text": Key(Text(max_length=100_000, not_empty=True), required=True),
        CONFIDENTIAL: Key(Boolean(), default=False),
    },
)
DECISION = Record(
    "decision",
    {
        "text": Key(Text(max_length=100_000, not_empty=True), required=True),
        CONFIDENTIAL: Key(Boolean(), default=False),
    },
)
ACTION = Record(
    "action",
    {
        "title": Key(TITLE, required=True),
        "owner": Key(Nullable(NAME)),
        "due": Key(Nullable(Day())),
        "status": Key(Choice(ACTION_STATUSES), default="open"),
        CONFIDENTIAL: Key(Boolean(), default=False),
    },
)
MEETING = Record(
    "meeting",
    {
        "starts_at": Key(Moment(), required=True),
        "ends_at": Key(Nullable(Moment())),
        "title": Key(LINE, default=""),
        "place": Key(LINE, default=""),
        "status": Key(Choice(MEETING_STATUSES), default="planned"),
        "agenda": _list(AGENDA_ITEM),
        "attendance": _list(ATTENDANCE),
        "minutes": Key(MINUTES, default_factory=lambda: {"status": "draft", "sections": []}),
        "findings": _list(FINDING),
        "decisions": _list(DECISION),
        "actions": _list(ACTION),
    },
)
GROUP = Record(
    "group",
    {
        "number": Key(Integer(minimum=1, maximum=9999), required=True),
        "title": Key(TITLE, required=True),
        "theme": Key(LINE, default=""),
        "territory": Key(Text(max_length=200, single_line=True), default=""),
        "facilitation": Key(LINE, default=""),
        "visibility": Key(Choice(VISIBILITIES), default="members"),
        "members": _list(MEMBER),
        "meetings": _list(MEETING),
    },
)
MILESTONE = Record(
    "milestone",
    {
        "title": Key(TITLE, required=True),
        "date": Key(Day(), required=True),
        "place": Key(LINE, default=""),
    },
)
PROGRAMME = Record(
    "programme",
    {
        "title": Key(TITLE, required=True),
        "header": _list(LINE),
        "description": Key(MARKDOWN, default=""),
        "milestones": _list(MILESTONE),
        "organisers": _list(ORGANISER),
        "organisations": _list(ORGANISATION),
        "groups": _list(GROUP),
    },
)


class FormatName:
    def check(self, value, path, errors):
        if value != FORMAT:
            errors.add(path, f"format inconnu {quoted(value)} (attendu {quoted(FORMAT)})")
            return INVALID
        return value


DOCUMENT = Record(
    "document",
    {
        "format": Key(FormatName(), required=True),
        "programmes": Key(ListOf(PROGRAMME), required=True),
    },
)


def check_document(data: Any, errors: Errors) -> dict | None:
    """The document with defaults filled in, or None when it has errors.

    Besides the shape, checks the rules that span several keys (on every part
    whose shape is right, so that one file run reports everything): a meeting
    does not end before it starts, group numbers are unique in a programme, a
    group has one meeting at a time, only a represented person has a
    representative.
    """
    document = DOCUMENT.check(data, "", errors)
    if isinstance(document, dict):
        check_rules(document, errors)
    return None if errors else document


def entries(container: Any, key: str) -> list[tuple[int, dict]]:
    """The well-formed objects of a list, with their index (the others were reported)."""
    value = container.get(key) if isinstance(container, dict) else None
    return [(i, e) for i, e in enumerate(value) if isinstance(e, dict)] if isinstance(value, list) else []


def known(*values) -> bool:
    return all(value is not INVALID for value in values)


def check_rules(document: dict, errors: Errors) -> None:
    for p, programme in entries(document, "programmes"):
        seen_numbers: dict[int, int] = {}
        for g, group in entries(programme, "groups"):
            group_path = f"programmes[{p}].groups[{g}]"
            number = group.get("number", INVALID)
            if known(number) and number in seen_numbers:
                errors.add(
                    f"{group_path}.number",
                    f"numéro {number} déjà pris par programmes[{p}].groups[{seen_numbers[number]}]",
                )
            elif known(number):
                seen_numbers[number] = g
            taken: dict[datetime, int] = {}
            for m, meeting in entries(group, "meetings"):
                meeting_path = f"{group_path}.meetings[{m}]"
                starts, ends, status = meeting.get("starts_at"), meeting.get("ends_at"), meeting.get("status")
                if known(starts, status) and status != "cancelled":
                    if starts in taken:
                        errors.add(
                            f"{meeting_path}.starts_at",
                            f"le groupe a déjà une réunion à cette date et heure ({group_path}.meetings"
                            f'[{taken[starts]}]) ; une réunion annulée aurait le statut "cancelled"',
                        )
                    else:
                        taken[starts] = m
                if known(starts, ends) and ends is not None and ends < starts:
                    errors.add(
                        f"{meeting_path}.ends_at",
                        f"la fin ({format_moment(ends)}) précède le début ({format_moment(starts)})",
                    )
                for a, attendance in entries(meeting, "attendance"):
                    representative, presence = attendance.get("represented_by"), attendance.get("status")
                    if known(representative, presence) and representative is not None and presence != "represented":
                        errors.add(
                            f"{meeting_path}.attendance[{a}].represented_by",
                            f'seule une personne représentée (status "represented") a un représentant, '
                            f"pas une personne au statut {quoted(presence)}",
                        )
