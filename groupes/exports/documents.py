"""What the PDF documents show of a meeting, gathered once for the templates."""

from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa

from groupes.attachments.models import Attachment
from groupes.extensions import db
from groupes.groups.models import WorkingGroup
from groupes.interchange.writer import programmes_query
from groupes.meetings.models import AttendanceStatus, Meeting, MeetingStatus
from groupes.meetings.numbering import meeting_numbers
from groupes.minutes.models import MinutesStatus
from groupes.privacy.reading import MeetingView, reader_view
from groupes.programmes.models import Milestone, Programme


@dataclass
class MeetingDocument:
    """A meeting's record as a page or a PDF lays it out; what it shows of the meeting is
    ``view``, the reader's view (a PDF's is a document's: never any huis clos passage)."""

    view: MeetingView
    number: int | None
    attendance: dict[str, list]
    milestones: list[Milestone] = field(default_factory=list)
    attachments: list[tuple[Attachment, str]] = field(default_factory=list)  # each with its link

    @property
    def meeting(self) -> Meeting:
        return self.view.meeting


def meeting_document(
    meeting: Meeting,
    *,
    with_milestones: bool = False,
    page: bool = False,
    attachment_link: Callable[[Attachment], str] | None = None,
) -> MeetingDocument:
    """``attachment_link`` lists the meeting's documents, linked to that address (the
    compiled documents leave them out); a ``page`` (for the screen) shows the current reader
    what they may read, huis clos included for the group; anything else is a document."""
    view = reader_view(meeting, document=not page)
    by_status = {status.value: [a for a in meeting.attendances if a.status == status] for status in AttendanceStatus}
    return MeetingDocument(
        view=view,
        number=meeting_numbers(meeting.group.meetings).get(meeting.id),
        attendance=by_status,
        milestones=sorted(meeting.group.programme.milestones, key=lambda m: m.date) if with_milestones else [],
        attachments=[(a, attachment_link(a)) for a in view.attachments] if attachment_link else [],
    )


@dataclass
class GroupDocument:
    group: WorkingGroup
    meetings: list[MeetingDocument]


def programme_for_documents(programme_id: int) -> Programme | None:
    """A programme with every group and meeting its documents show, in a fixed number of queries."""
    return db.session.scalar(programmes_query(programme_id).options(sa.orm.selectinload(Programme.milestones)))


def group_document(group: WorkingGroup, *, with_milestones: bool = False) -> GroupDocument:
    """The group's meetings with validated minutes, in date order (the others are not published);
    ``with_milestones``: the programme's calendar in the first of them, as the 2014 annex has it."""
    published = [
        m for m in group.meetings if m.status != MeetingStatus.CANCELLED and m.minutes.status == MinutesStatus.VALIDATED
    ]
    ordered = sorted(published, key=lambda m: (m.starts_at, m.id))
    return GroupDocument(
        group, [meeting_document(m, with_milestones=with_milestones and i == 0) for i, m in enumerate(ordered)]
    )
