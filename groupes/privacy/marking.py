"""Marking a passage huis clos, or lifting the mark: a change of who may read it, logged as such."""

from groupes.errors import DomainError
from groupes.meetings.models import Meeting
from groupes.minutes.parts import PartKey
from groupes.privacy.access_log import meeting_target, record
from groupes.privacy.models import AccessKind

KINDS = {"p": "le point", "s": "la section", "d": "la décision", "a": "l’action", "f": "l’élément de synthèse"}


class UnknownPart(LookupError):
    """No such part in this meeting."""


class MarkRefused(DomainError, ValueError):
    """The mark may not change now; the message says why, in French."""


def markable_part(meeting: Meeting, key: PartKey):
    """The agenda item (p…), free section (s…), decision (d…), action (a…) or finding (f…) named by ``key``."""
    candidates = {
        PartKey.NOTES: meeting.agenda_items,
        PartKey.SECTION: meeting.minutes.free_sections,
        "d": meeting.decisions,
        "a": meeting.actions,
        "f": meeting.findings,
    }[key.kind]
    part = next((c for c in candidates if c.id == key.id), None)
    if part is None:
        raise UnknownPart(str(key))
    return part


def describe(key: PartKey, part) -> str:
    text = getattr(part, "title", None) or getattr(part, "heading", None) or getattr(part, "text", "") or "sans titre"
    text = text if len(text) <= 80 else text[:79] + "…"
    return f"{KINDS[key.kind]} « {text} »"


def mark(meeting: Meeting, key: str, confidential: bool) -> str:
    """Set or lift the mark; returns what was changed, in words. The caller commits.

    Validated minutes keep their marks: lifting one would publish the passage, setting one
    would change the published record; both wait for the minutes to be reopened."""
    try:
        part_key = PartKey.parse(key, kinds=KINDS)
    except ValueError:
        raise UnknownPart(key) from None
    part = markable_part(meeting, part_key)
    what = describe(part_key, part)
    if part.confidential != confidential:
        if meeting.is_frozen:
            raise MarkRefused(
                f"Le compte-rendu de cette réunion est validé : le huis clos sur {what} est figé. "
                "Rouvrez le compte-rendu (avec un motif) pour le changer."
            )
        part.confidential = confidential
        record(
            AccessKind.RIGHTS,
            meeting_target(meeting, "Huis clos"),
            programme_id=meeting.group.programme_id,
            meeting=meeting,
            detail=f"{'posé sur' if confidential else 'levé sur'} {what}",
        )
    return what
