"""Reminders for a daily cron job: actions due soon, meetings tomorrow; each goes out once."""

from datetime import date, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from groupes.extensions import db
from groupes.groups.models import Person, WorkingGroup
from groupes.mail import notifications
from groupes.meetings.models import Attendance, Meeting, MeetingStatus
from groupes.meetings.planning import paris_moment
from groupes.outcomes.models import Action, ActionStatus

# An action is « due soon » this many days ahead (and on the day itself).
DUE_SOON_DAYS = 3


def send_reminders(today: date, due_days: int = DUE_SOON_DAYS) -> tuple[int, int]:
    """Queue the reminders due on ``today`` (Paris); returns (actions, people reminded of a meeting)."""
    actions = db.session.scalars(
        sa.select(Action)
        .where(
            Action.status.in_([ActionStatus.OPEN, ActionStatus.IN_PROGRESS]),
            Action.due.between(today, today + timedelta(days=due_days)),
            Action.owner_person_id.is_not(None),
        )
        .options(
            joinedload(Action.owner_person).joinedload(Person.user),
            joinedload(Action.meeting).joinedload(Meeting.group).selectinload(WorkingGroup.meetings),
        )
    ).all()
    reminded_actions = sum(notifications.action_due(action) for action in actions)
    start, end = paris_moment(today + timedelta(days=1), time(0)), paris_moment(today + timedelta(days=2), time(0))
    meetings = db.session.scalars(
        sa.select(Meeting)
        .where(Meeting.starts_at >= start, Meeting.starts_at < end, Meeting.status != MeetingStatus.CANCELLED)
        .options(
            selectinload(Meeting.attendances).joinedload(Attendance.person).joinedload(Person.user),
            joinedload(Meeting.group).selectinload(WorkingGroup.meetings),
        )
    ).all()
    reminded_people = sum(notifications.meeting_tomorrow(meeting) for meeting in meetings)
    db.session.flush()
    return reminded_actions, reminded_people
