"""The one next step a viewer of a meeting page is offered as its primary button.

It follows the meeting's life: its editors prepare the agenda before the day, take the
attendance on the day and write the minutes after it; while the minutes are in review its
members read and approve them (its editors follow the review); once they are validated,
everyone who may read them downloads the PDF. The page offers the other acts as secondary
buttons or in its « Plus d’actions » menu."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from groupes.meetings.models import Meeting, MeetingStatus
from groupes.minutes.models import MinutesStatus
from groupes.site.timezone import PARIS

# How long a meeting without an end time is taken to last, for « on the day ».
USUAL_LENGTH = timedelta(hours=3)


@dataclass(frozen=True)
class Step:
    label: str
    endpoint: str  # takes the meeting's id as ``meeting_id``
    icon: str  # a Lucide name, in frontend/icons.txt


PREPARE = Step("Préparer l’ordre du jour", "agenda.edit", "list-ordered")
ATTENDANCE = Step("Prendre les présences", "attendance.sheet", "clipboard-check")
WRITE = Step("Rédiger le compte-rendu", "minutes.room", "pencil")
FOLLOW_REVIEW = Step("Suivre la relecture", "review.show", "message-square-text")
REVIEW = Step("Relire le compte-rendu", "review.show", "message-square-text")
READ = Step("Lire le compte-rendu", "documents.minutes_page", "file-text")
DOWNLOAD = Step("Télécharger le compte-rendu (PDF)", "documents.minutes_pdf", "file-down")
ADD_TO_CALENDAR = Step("Ajouter à mon agenda (.ics)", "documents.meeting_ics", "calendar-plus")


def next_step(meeting: Meeting, now: datetime, *, edits: bool, approves: bool, reads_minutes: bool) -> Step | None:
    """The viewer's next step on ``meeting`` at ``now``: ``edits`` the meeting (its editors),
    ``approves`` its minutes in review (its members), ``reads_minutes`` (their state allows it)."""
    if meeting.status == MeetingStatus.CANCELLED:
        return None
    minutes = meeting.minutes.status
    if minutes == MinutesStatus.VALIDATED:
        return DOWNLOAD if reads_minutes else None
    if minutes == MinutesStatus.REVIEW:
        if edits:
            return FOLLOW_REVIEW
        if approves:
            return REVIEW
        return READ if reads_minutes else None
    ends_at = meeting.ends_at or meeting.starts_at + USUAL_LENGTH
    if edits:
        if now.astimezone(PARIS).date() < meeting.starts_at.astimezone(PARIS).date():
            return PREPARE
        return ATTENDANCE if now < ends_at else WRITE
    return ADD_TO_CALENDAR if now < ends_at else None
