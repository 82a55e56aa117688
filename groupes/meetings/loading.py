"""Loading a meeting for a page, a document or a form: what several packages' views share."""

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import joinedload, selectinload

from groupes.attachments.models import Attachment
from groupes.auth.models import User
from groupes.auth.permissions import Permission, load_or_refuse, may, require
from groupes.extensions import db
from groupes.groups.models import Membership, Person, WorkingGroup
from groupes.meetings.models import AgendaItem, Attendance, Meeting
from groupes.minutes.models import Minutes
from groupes.outcomes.models import Action, ActionStatus, ActionUpdate
from groupes.programmes.models import Programme


def meeting_query(meeting_id: int) -> sa.Select:
    """A meeting with everything its pages and documents show, in a fixed number of queries."""
    group_meetings = joinedload(Meeting.group).selectinload(WorkingGroup.meetings)
    return (
        sa.select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(
            joinedload(Meeting.group).joinedload(WorkingGroup.programme).selectinload(Programme.milestones),
            joinedload(Meeting.group).selectinload(WorkingGroup.memberships).joinedload(Membership.person),
            group_meetings.joinedload(Meeting.minutes),
            selectinload(Meeting.actions).options(
                joinedload(Action.owner_person),
                joinedload(Action.owner_organisation),
                selectinload(Action.updates).joinedload(ActionUpdate.author).joinedload(User.person),
            ),
            joinedload(Meeting.series),
            selectinload(Meeting.agenda_items).joinedload(AgendaItem.parent),
            selectinload(Meeting.attendances).joinedload(Attendance.person).joinedload(Person.organisation),
            joinedload(Meeting.minutes).selectinload(Minutes.sections),
            selectinload(Meeting.decisions),
            selectinload(Meeting.findings),
            selectinload(Meeting.attachments).joinedload(Attachment.uploaded_by).joinedload(User.person),
        )
    )


def load_meeting(meeting_id: int) -> Meeting:
    return load_or_refuse(meeting_query(meeting_id))


def load_editable_meeting(meeting_id: int) -> Meeting:
    meeting = load_meeting(meeting_id)
    require(Permission.EDIT, meeting)
    return meeting


def pick(rows, row_id: int):
    """The row of this meeting with that id: an id taken from another meeting is refused."""
    row = next((r for r in rows if r.id == row_id), None)
    if row is None:
        abort(404)
    return row


def open_actions_before(meeting: Meeting) -> list[Action]:
    """The group's actions still open, born in earlier meetings the viewer may read (one query:
    the earlier meetings' other actions and their histories are not loaded for this)."""
    earlier = [
        m.id
        for m in meeting.group.meetings
        if (m.starts_at, m.id) < (meeting.starts_at, meeting.id) and may(Permission.READ_MINUTES, m)
    ]
    if not earlier:
        return []
    return list(
        db.session.scalars(
            sa.select(Action)
            .join(Action.meeting)
            .where(Action.meeting_id.in_(earlier), Action.status.in_([ActionStatus.OPEN, ActionStatus.IN_PROGRESS]))
            .options(
                joinedload(Action.owner_person),
                joinedload(Action.owner_organisation),
                joinedload(Action.agenda_item).joinedload(AgendaItem.parent),
            )
            .order_by(Meeting.starts_at, Meeting.id, Action.id)
        )
    )
