"""Meetings are numbered by date within their group; cancelled ones do not count."""

from collections.abc import Iterable

from groupes.meetings.models import Meeting, MeetingStatus


def meeting_numbers(meetings: Iterable[Meeting]) -> dict[int, int]:
    """Meeting id → its number (1 for the « 1ère réunion »), for the meetings of one group."""
    held_or_planned = sorted(
        (m for m in meetings if m.status != MeetingStatus.CANCELLED), key=lambda m: (m.starts_at, m.id)
    )
    return {meeting.id: index for index, meeting in enumerate(held_or_planned, start=1)}
