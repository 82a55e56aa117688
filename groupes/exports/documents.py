"""What the PDF documents show of a meeting, gathered once for the templates."""

from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa

from groupes.attachments.models import Attachment
from groupes.extensions import db
from groupes.groups.models import WorkingGroup
from groupes.interchange.writer import programmes_query
from groupes.meetings.models import AgendaItem, AttendanceStatus, Meeting, MeetingStatus
from groupes.meetings.numbering import meeting_numbers
from groupes.meetings.schedule import ScheduledItem, agenda_schedule
from groupes.minutes.models import MinutesSection, MinutesStatus
from groupes.outcomes.models import Finding, FindingKind
from groupes.privacy.confidential import disclosed
from groupes.programmes.models import Milestone, Programme


@dataclass
class MeetingDocument:
    meeting: Meeting
    number: int | None
    schedule: list[ScheduledItem]
    attendance: dict[str, list]
    notes: list[tuple[AgendaItem, MinutesSection]]
    sections: list[MinutesSection]
    findings: list[tuple[FindingKind, list[Finding]]]
    milestones: list[Milestone] = field(default_factory=list)
    # Huis clos passages shown (a page for the group) or withheld (every document).
    disclose: bool = False
    attachments: list[tuple[Attachment, str]] = field(default_factory=list)  # each with its link


def meeting_document(
    meeting: Meeting,
    *,
    with_milestones: bool = False,
    disclose: bool = False,
    attachment_link: Callable[[Attachment], str] | None = None,
) -> MeetingDocument:
    """``attachment_link`` lists the meeting's documents, linked to that address (the
    compiled documents leave them out); ``disclose`` shows huis clos passages (pages of the
    group only: documents never carry them)."""
    minutes = meeting.minutes
    notes = {item_id: s for item_id, s in minutes.item_notes.items() if s.body.strip()}
    schedule = agenda_schedule(meeting)
    in_reading_order = []

    def walk(entries: list[ScheduledItem]) -> None:
        for entry in entries:
            if entry.item.id in notes:
                in_reading_order.append((entry.item, notes[entry.item.id]))
            walk(entry.children)

    walk(schedule)
    by_status = {status.value: [a for a in meeting.attendances if a.status == status] for status in AttendanceStatus}
    findings = [(kind, [f for f in meeting.findings if f.kind == kind]) for kind in FindingKind]
    return MeetingDocument(
        meeting=meeting,
        number=meeting_numbers(meeting.group.meetings).get(meeting.id),
        schedule=schedule,
        attendance=by_status,
        notes=in_reading_order,
        sections=[s for s in minutes.free_sections if s.heading.strip() or s.body.strip()],
        findings=[(kind, items) for kind, items in findings if items],
        milestones=sorted(meeting.group.programme.milestones, key=lambda m: m.date) if with_milestones else [],
        disclose=disclose,
        attachments=[(a, attachment_link(a)) for a in disclosed(meeting.attachments, disclose)]
        if attachment_link
        else [],
    )


@dataclass
class GroupDocument:
    group: WorkingGroup
    meetings: list[MeetingDocument]


def load_programme(programme_id: int) -> Programme | None:
    """A programme with every group and meeting its documents show, in a fixed number of queries."""
    return db.session.scalar(programmes_query(programme_id).options(sa.orm.selectinload(Programme.milestones)))


def group_document(group: WorkingGroup) -> GroupDocument:
    """The group's meetings with validated minutes, in date order (the others are not published)."""
    published = [
        m for m in group.meetings if m.status != MeetingStatus.CANCELLED and m.minutes.status == MinutesStatus.VALIDATED
    ]
    return GroupDocument(group, [meeting_document(m) for m in sorted(published, key=lambda m: (m.starts_at, m.id))])
