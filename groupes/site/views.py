"""The dashboard: what I can see, my next meetings, my open actions."""

import sqlalchemy as sa
from flask import Blueprint, render_template
from sqlalchemy.orm import joinedload, selectinload

from groupes.auth.permissions import may, viewer
from groupes.dbtypes import utcnow
from groupes.extensions import db
from groupes.groups.models import WorkingGroup
from groupes.meetings.models import Meeting, MeetingStatus
from groupes.outcomes.models import Action, ActionStatus
from groupes.programmes.models import Programme

blueprint = Blueprint("site", __name__)


@blueprint.route("/")
def dashboard():
    v = viewer()
    programmes = db.session.scalars(
        sa.select(Programme).options(selectinload(Programme.groups)).order_by(Programme.created_at, Programme.id)
    ).all()
    visible = [(p, [g for g in p.groups if may("view", g)]) for p in programmes]
    visible = [(p, groups) for p, groups in visible if groups or may("manage", p)]
    next_meetings, actions = [], []
    if v.signed_in and v.roles:
        next_meetings = db.session.scalars(
            sa.select(Meeting)
            .where(
                Meeting.group_id.in_(v.roles),
                Meeting.starts_at >= utcnow(),
                Meeting.status != MeetingStatus.CANCELLED,
            )
            .options(joinedload(Meeting.group))
            .order_by(Meeting.starts_at)
            .limit(10)
        ).all()
    if v.signed_in:
        actions = db.session.scalars(
            sa.select(Action)
            .where(
                Action.owner_person_id == v.person_id,
                Action.status.in_([ActionStatus.OPEN, ActionStatus.IN_PROGRESS]),
            )
            .options(
                joinedload(Action.meeting).joinedload(Meeting.group).joinedload(WorkingGroup.programme),
                joinedload(Action.meeting).joinedload(Meeting.minutes),
            )
            .order_by(Action.due.is_(None), Action.due, Action.id)
        ).all()
        actions = [a for a in actions if may("read_minutes", a.meeting)]
    return render_template(
        "site/dashboard.html",
        programmes=visible,
        next_meetings=next_meetings,
        actions=actions,
        can_create_programme=may("create_programme"),
    )
