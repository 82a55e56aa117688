"""Meetings are numbered by date within their group; cancelled ones do not count.

A meeting whose minutes are validated keeps the number it was validated with
(``Meeting.frozen_number``): a meeting added or cancelled before it does not
renumber a compte-rendu already published. A change that would move such a
number says so first (``renumbered``), and is made only once confirmed.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from groupes.meetings.models import Meeting, MeetingStatus
from groupes.site.formatting import ordinal, short_date


def _by_date(entries: Iterable[tuple[datetime, float, object]]) -> dict[object, int]:
    """Key → number, for (start, tie-breaker, key) of the meetings that count."""
    return {key: index for index, (_, _, key) in enumerate(sorted(entries, key=lambda e: e[:2]), start=1)}


def dated_numbers(meetings: Iterable[Meeting]) -> dict[int, int]:
    """Meeting id → its place by date among the group's meetings that are not cancelled."""
    return _by_date((m.starts_at, m.id, m.id) for m in meetings if m.status != MeetingStatus.CANCELLED)


def meeting_numbers(meetings: Iterable[Meeting]) -> dict[int, int]:
    """Meeting id → its number (1 for the « 1ère réunion »), for the meetings of one group;
    a meeting with validated minutes keeps the number it was validated with (only they
    have one: ``freeze_number``)."""
    meetings = list(meetings)
    numbers = dated_numbers(meetings)
    for meeting in meetings:
        if meeting.frozen_number is not None:
            numbers[meeting.id] = meeting.frozen_number
    return numbers


def freeze_number(meeting: Meeting) -> None:
    """At validation, the number the compte-rendu is published with; at reopening, none:
    the number follows the dates again until the next validation."""
    meeting.frozen_number = dated_numbers(meeting.group.meetings).get(meeting.id) if meeting.is_frozen else None


@dataclass(frozen=True)
class Renumbered:
    meeting: Meeting
    number: int
    becomes: int | None

    def __str__(self) -> str:
        after = f"la {ordinal(self.becomes)}" if self.becomes else "sans numéro"
        return f"la {ordinal(self.number)} réunion du {short_date(self.meeting.starts_at)} deviendrait {after}"


def renumbered(
    meetings: Iterable[Meeting],
    moved: dict[Meeting, tuple[datetime, MeetingStatus]] | None = None,
    added: Iterable[datetime] = (),
) -> list[Renumbered]:
    """The meetings with validated minutes whose number would change if ``moved`` meetings
    took these starts and statuses and meetings starting at ``added`` were planned."""
    meetings, moved = list(meetings), moved or {}
    entries = []
    for meeting in meetings:
        starts, status = moved.get(meeting, (meeting.starts_at, meeting.status))
        if status != MeetingStatus.CANCELLED:
            entries.append((starts, meeting.id or float("inf"), meeting))
    entries += [(starts, float("inf"), object()) for starts in added]
    after = _by_date(entries)
    shown = meeting_numbers(meetings)
    return [
        Renumbered(meeting, shown[meeting.id], after.get(meeting))
        for meeting in meetings
        if meeting.is_frozen and meeting.id in shown and after.get(meeting) != shown[meeting.id]
    ]
