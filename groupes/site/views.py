"""The dashboard: what I can see, my next meetings, my open actions."""

from datetime import date, datetime
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from flask import Blueprint, current_app, render_template
from sqlalchemy.orm import joinedload, selectinload

from groupes.auth.permissions import Permission, disclosed_clause, may, viewer
from groupes.dbtypes import utcnow
from groupes.extensions import db
from groupes.groups.models import Role, WorkingGroup
from groupes.meetings.models import Meeting, MeetingStatus
from groupes.minutes.forms import FollowUpForm
from groupes.minutes.models import Minutes, MinutesReader, MinutesStatus
from groupes.outcomes.models import Action, ActionStatus, Decision
from groupes.programmes.models import Programme
from groupes.site.page_cache import cached_fragment, without_transaction
from groupes.site.stamps import GROUPS, SITE, ContentStamp, stamp_columns, stamps_key
from groupes.site.timezone import PARIS

blueprint = Blueprint("site", __name__)


@blueprint.route("/sante")
def health():
    """For the load balancer and the monitoring: the process answers and can read the database
    (a table of the schema, on a connection of its own); 503 otherwise, so that a worker whose
    database is locked, gone or unreachable is taken out rather than answering 500 to everyone."""
    headers = {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
    try:
        if (missing := _missing_sqlite_file()) is not None:
            raise FileNotFoundError(missing)
        with db.engine.connect() as connection:
            connection.execute(sa.select(ContentStamp.token).limit(1)).all()
    except (sa.exc.SQLAlchemyError, FileNotFoundError) as error:
        current_app.logger.error("Santé : la base de données ne peut pas être lue (%s)", error)
        return "base de données illisible", 503, headers
    return "ok", 200, headers


def _missing_sqlite_file() -> str | None:
    """The SQLite file named by the configuration when it is gone: a connection kept by the
    pool would still read the removed file, and a new one would make an empty database."""
    url = db.engine.url
    name = url.database or ""
    if url.get_backend_name() != "sqlite" or name in ("", ":memory:") or name.startswith("file:"):
        return None
    return None if Path(name).is_file() else name


@blueprint.route("/")
@without_transaction
def dashboard():
    """The dashboard, from the page cache: kept for each account under the site's and the
    groups' stamps, the day (« en retard ») and the start of the next meeting of its groups
    (which then leaves « Mes prochaines réunions »)."""
    v = viewer()
    now = utcnow()
    *tokens, upcoming = db.session.execute(_dashboard_query(), {"groups": list(v.roles), "now": now}).one()
    today = now.astimezone(PARIS).date()
    stamps = stamps_key(tokens)
    key = f"dashboard:{v.audience()}:{stamps}:{today}:{upcoming}" if stamps else None
    return render_template("site/dashboard.html", **cached_fragment(key, lambda: dashboard_body(now, today)))


@cache
def _dashboard_query() -> sa.Select:
    """The stamps and the start of the next meeting of the viewer's ``groups`` after ``now``
    (made once: every visit runs it)."""
    groups = sa.bindparam("groups", expanding=True)
    next_start = sa.select(sa.func.min(Meeting.starts_at)).where(coming_in(groups, sa.bindparam("now")))
    return sa.select(*stamp_columns(SITE, GROUPS), next_start.scalar_subquery())


def coming_in(groups, now) -> sa.ColumnElement[bool]:
    """The meetings of these groups still to come (« Mes prochaines réunions »)."""
    return sa.and_(Meeting.group_id.in_(groups), Meeting.starts_at >= now, Meeting.status != MeetingStatus.CANCELLED)


def dashboard_body(now: datetime, today: date) -> dict[str, str]:
    v = viewer()
    programmes = db.session.scalars(
        sa.select(Programme).options(selectinload(Programme.groups)).order_by(Programme.created_at, Programme.id)
    ).all()
    visible = [(p, [g for g in p.groups if may(Permission.VIEW, g)]) for p in programmes]
    visible = [(p, groups) for p, groups in visible if groups or may(Permission.MANAGE, p)]
    next_meetings, actions, to_review, decisions = [], [], [], []
    if v.signed_in and v.roles:
        next_meetings = db.session.scalars(
            sa.select(Meeting)
            .where(coming_in(v.roles, now))
            .options(joinedload(Meeting.group))
            .order_by(Meeting.starts_at)
            .limit(10)
        ).all()
        to_review = awaiting_review(v)
        decisions = recent_decisions(v)
    if v.signed_in:
        actions = db.session.scalars(
            sa.select(Action)
            .join(Action.meeting)
            .where(
                Action.owner_person_id == v.person_id,
                Action.status.in_([ActionStatus.OPEN, ActionStatus.IN_PROGRESS]),
                disclosed_clause(Action),
            )
            .options(
                joinedload(Action.meeting).joinedload(Meeting.group).joinedload(WorkingGroup.programme),
                joinedload(Action.meeting).joinedload(Meeting.minutes),
            )
            .order_by(Action.due.is_(None), Action.due, Action.id)
        ).all()
        actions = [a for a in actions if may(Permission.READ_MINUTES, a.meeting)]
    body = render_template(
        "site/_dashboard_body.html",
        programmes=visible,
        next_meetings=next_meetings,
        actions=actions,
        to_review=to_review,
        decisions=decisions,
        follow_form=FollowUpForm(),
        today=today,
        can_create_programme=may(Permission.CREATE_PROGRAMME),
    )
    return {"body": body}


def awaiting_review(v) -> list[tuple[Meeting, MinutesReader | None]]:
    """Minutes in review in my groups, with what I read and approved of them."""
    reviewer_groups = [group_id for group_id, role in v.roles.items() if role != Role.OBSERVER]
    rows = db.session.execute(
        sa.select(Meeting, MinutesReader)
        .join(Meeting.minutes)
        .outerjoin(MinutesReader, (MinutesReader.minutes_id == Minutes.id) & (MinutesReader.user_id == v.user_id))
        .where(Meeting.group_id.in_(reviewer_groups), Minutes.status == MinutesStatus.REVIEW)
        .options(joinedload(Meeting.group), joinedload(Meeting.minutes))
        .order_by(Meeting.starts_at)
    ).all()
    return [(meeting, reader) for meeting, reader in rows]


def recent_decisions(v, limit: int = 8) -> list[Decision]:
    """The latest decisions of my groups that I may read."""
    decisions = db.session.scalars(
        sa.select(Decision)
        .join(Decision.meeting)
        .join(Meeting.minutes)
        .where(Meeting.group_id.in_(v.roles), Minutes.status != MinutesStatus.DRAFT, disclosed_clause(Decision))
        .options(joinedload(Decision.meeting).options(joinedload(Meeting.group), joinedload(Meeting.minutes)))
        .order_by(Meeting.starts_at.desc(), Decision.number.desc())
        .limit(limit * 2)
    ).all()
    return [d for d in decisions if may(Permission.READ_MINUTES, d.meeting)][:limit]
