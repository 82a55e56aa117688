"""The meeting page: agenda, attendance, minutes, decisions, actions, findings."""

from collections import Counter

import sqlalchemy as sa
from flask import Blueprint, render_template
from sqlalchemy.orm import joinedload, selectinload

from groupes.auth.permissions import load_or_refuse, may, require
from groupes.groups.models import Person, WorkingGroup
from groupes.meetings.models import AgendaItem, Attendance, AttendanceStatus, Meeting
from groupes.meetings.numbering import meeting_numbers
from groupes.meetings.schedule import agenda_schedule, planned_minutes
from groupes.minutes.models import Minutes
from groupes.outcomes.models import Action, FindingKind

blueprint = Blueprint("meetings", __name__)


def load_meeting(meeting_id: int) -> Meeting:
    return load_or_refuse(
        sa.select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(
            joinedload(Meeting.group).joinedload(WorkingGroup.programme),
            joinedload(Meeting.group).selectinload(WorkingGroup.meetings),
            selectinload(Meeting.agenda_items).joinedload(AgendaItem.parent),
            selectinload(Meeting.attendances).joinedload(Attendance.person).joinedload(Person.organisation),
            joinedload(Meeting.minutes).selectinload(Minutes.sections),
            selectinload(Meeting.decisions),
            selectinload(Meeting.actions).options(
                joinedload(Action.owner_person), joinedload(Action.owner_organisation)
            ),
            selectinload(Meeting.findings),
        )
    )


@blueprint.route("/reunions/<int:meeting_id>")
def show(meeting_id: int):
    meeting = load_meeting(meeting_id)
    require("view", meeting)
    schedule = agenda_schedule(meeting)
    minutes = meeting.minutes
    notes = {s.agenda_item_id: s for s in minutes.sections if s.agenda_item_id is not None}
    attendance = {status: [a for a in meeting.attendances if a.status == status] for status in AttendanceStatus}
    organisations = Counter(
        (a.person.organisation.name if a.person.organisation else "Sans structure")
        for a in meeting.attendances
        if a.status == AttendanceStatus.PRESENT
    )
    return render_template(
        "meetings/show.html",
        meeting=meeting,
        group=meeting.group,
        number=meeting_numbers(meeting.group.meetings).get(meeting.id),
        schedule=schedule,
        planned=planned_minutes(schedule),
        read_minutes=may("read_minutes", meeting),
        see_attendance=may("see_attendance", meeting),
        attendance=attendance,
        organisations=sorted(organisations.items()),
        notes=notes,
        findings={kind: [f for f in meeting.findings if f.kind == kind] for kind in FindingKind},
    )
