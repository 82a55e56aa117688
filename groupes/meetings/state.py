"""A meeting's state as people read it, derived rather than stored: planned, held, its minutes
in review or validated, or cancelled.

Only the cancellation is recorded (``Meeting.status``); the rest follows from the meeting's
moment and its minutes, so that nothing has to be kept in step: a meeting whose minutes are
validated is never shown « Prévue ». A reader who may not read the minutes in their current
state (a draft or a review kept to the group) sees the meeting « Tenue », no more.
"""

import enum
from collections.abc import Collection
from datetime import datetime

from groupes.auth.permissions import viewer
from groupes.dbtypes import utcnow
from groupes.meetings.models import Meeting, MeetingStatus
from groupes.minutes.models import MinutesStatus


class MeetingState(enum.StrEnum):
    PLANNED = "planned"
    HELD = "held"
    MINUTES_REVIEW = "review"
    MINUTES_VALIDATED = "validated"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {
            "planned": "Prévue",
            "held": "Tenue",
            "review": "Compte-rendu en relecture",
            "validated": "Compte-rendu validé",
            "cancelled": "Annulée",
        }[self.value]

    @property
    def badge(self) -> str:
        """The kind of badge that shows it (the interface's badge kinds)."""
        return {"held": "done"}.get(self.value, self.value)


def meeting_state(
    meeting: Meeting, readable_minutes: Collection[MinutesStatus] = tuple(MinutesStatus), now: datetime | None = None
) -> MeetingState:
    """The state of ``meeting`` for a reader who may read its minutes in ``readable_minutes``."""
    if meeting.status == MeetingStatus.CANCELLED:
        return MeetingState.CANCELLED
    minutes = meeting.minutes
    if minutes is not None and minutes.status in readable_minutes:
        if minutes.status == MinutesStatus.VALIDATED:
            return MeetingState.MINUTES_VALIDATED
        if minutes.status == MinutesStatus.REVIEW:
            return MeetingState.MINUTES_REVIEW
    if meeting.status == MeetingStatus.HELD or meeting.starts_at <= (now or utcnow()):
        return MeetingState.HELD
    return MeetingState.PLANNED


def shown_state(meeting: Meeting) -> MeetingState:
    """The state the current reader is shown (pages): their right to read the minutes applies."""
    return meeting_state(meeting, viewer().minutes_states(meeting.group))
