"""Content stamps: a token that changes whenever what a page shows may have changed.

Pages kept in the page cache (``groupes.site.page_cache``) are found by the
stamps of what they show. Three kinds of scope:

- ``meeting:<id>``: what only that meeting's own page shows (the text of its
  minutes, their revisions, readers and comments);
- ``group:<id>``: everything else about a group and its meetings (meetings,
  agenda, attendance, minutes' state, decisions, actions and their follow-up,
  findings, documents, members);
- ``site``: people, organisations, programmes, and anything this module does
  not know, so that a new model is never served stale by mistake;
- ``groups``: renewed with any group's stamp, for pages that show many groups
  (the dashboard).

A session event notes the scopes each flush touches; the stamps are given new
random tokens just before the commit, in the same transaction, so a reader
never sees new content under an old stamp for long nor old content under a
new one. Random tokens (not counters) stay unique across a restore from a
backup. Statements run through the session without objects (bulk updates and
deletes) change the site stamp.
"""

import secrets

import sqlalchemy as sa
from sqlalchemy import inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from groupes.attachments.models import Attachment
from groupes.auth.models import Invitation, User
from groupes.extensions import changed_attributes, db
from groupes.groups.models import Membership, WorkingGroup
from groupes.mail.models import OutgoingMail
from groupes.meetings.models import AgendaItem, Attendance, Meeting, MeetingSeries
from groupes.minutes.models import (
    Comment,
    Minutes,
    MinutesReader,
    MinutesRevision,
    MinutesSection,
    MinutesStatus,
    PartUpdate,
    RoomPresence,
    meetings_of_minutes,
)
from groupes.outcomes.models import Action, ActionUpdate, Decision, Finding
from groupes.privacy.models import AccessLogEntry, AnonymousReading

SITE = "site"
GROUPS = "groups"
PENDING = "content_stamp_scopes"

# Nothing a cached page shows: the access log and the counts of anonymous readings, the mail
# queue, accounts (names are the person's), the counters of the rate limits; the meeting
# room's shared documents and presence (the text they give is stored in the minutes' parts,
# which bump their meeting's stamp; they change at every keystroke and every long-poll).
UNSEEN = (AccessLogEntry, AnonymousReading, OutgoingMail, User, PartUpdate, RoomPresence)
UNSEEN_TABLES = frozenset(
    {
        "access_log",
        "anonymous_readings",
        "outgoing_mail",
        "users",
        "search_index",
        "content_stamps",
        "rate_limits",
        "minutes_part_updates",
        "room_presence",
    }
)
# The scope an object belongs to, by the column that leads to it.
OF_GROUP = {
    WorkingGroup: "id",
    Meeting: "group_id",
    MeetingSeries: "group_id",
    Membership: "group_id",
    Invitation: "group_id",
}
OF_MEETING_GROUP = (AgendaItem, Attendance, Decision, Finding, Action, Attachment, Minutes)
OF_MINUTES_MEETING = (MinutesSection, MinutesRevision, Comment)
# Who read and approved which minutes: the dashboard shows it among the group's things.
OF_MINUTES_GROUP = (MinutesReader,)


class ContentStamp(db.Model):
    __tablename__ = "content_stamps"

    scope: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    token: Mapped[int] = mapped_column(sa.BigInteger)


def _values(obj, column: str) -> set[int]:
    """The column's value now and, if this flush changed it, before (a row that moves bumps both)."""
    history = inspect(obj).attrs[column].history
    values = {*history.added, *history.unchanged, *history.deleted}
    if not values:
        values = {getattr(obj, column)}
    return {v for v in values if v is not None}


def _note(session: Session, objects, changed=frozenset()) -> None:
    """Note the scopes of these new, deleted or (``changed``) updated objects."""
    pending = _pending(session)
    for obj in objects:
        if isinstance(obj, UNSEEN):
            continue
        kind = type(obj)
        if (
            kind is Minutes
            and obj in changed
            and changed_attributes(obj) <= {"revision", "revisions"}
            and obj.status != MinutesStatus.REVIEW
        ):
            # A save of the text counts the revision: only the meeting's own page shows that
            # (and the dashboard, for minutes in review: "modifié depuis votre lecture").
            pending["scopes"].add(f"meeting:{obj.meeting_id}")
        elif kind in OF_GROUP:
            pending["scopes"].update(f"group:{g}" for g in _values(obj, OF_GROUP[kind]))
        elif isinstance(obj, OF_MEETING_GROUP):
            pending["meetings"].update(_values(obj, "meeting_id"))
        elif isinstance(obj, OF_MINUTES_MEETING):
            pending["minutes"].update(_values(obj, "minutes_id"))
        elif isinstance(obj, OF_MINUTES_GROUP):
            pending["minutes_groups"].update(_values(obj, "minutes_id"))
        elif isinstance(obj, ActionUpdate):
            pending["actions"].update(_values(obj, "action_id"))
        else:
            pending["scopes"].add(SITE)


def _resolve(session: Session, pending: dict) -> set[str]:
    """The scopes to bump: ids of meetings, minutes and actions turned into their group or meeting.
    A parent gone with this transaction has no page left to refresh."""
    scopes = set(pending["scopes"])
    meeting_ids = set(pending["meetings"])
    if pending["actions"]:
        meeting_ids.update(session.scalars(sa.select(Action.meeting_id).where(Action.id.in_(pending["actions"]))))
    if pending["minutes"]:
        scopes.update(f"meeting:{m}" for m in meetings_of_minutes(session, pending["minutes"]))
    if pending["minutes_groups"]:
        meeting_ids.update(meetings_of_minutes(session, pending["minutes_groups"]))
    if meeting_ids:
        groups = session.scalars(sa.select(Meeting.group_id).where(Meeting.id.in_(meeting_ids)))
        scopes.update(f"group:{g}" for g in groups)
    if any(scope.startswith("group:") for scope in scopes):
        scopes.add(GROUPS)
    return scopes


def _upsert(session: Session, scopes: set[str]) -> None:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    # In a fixed order, so that two transactions bumping the same stamps never wait on each other in a cycle.
    for scope in sorted(scopes):
        statement = dialect.insert(ContentStamp).values(scope=scope, token=secrets.randbits(62))
        session.execute(
            statement.on_conflict_do_update(index_elements=["scope"], set_={"token": statement.excluded.token})
        )


def _pending(session: Session) -> dict[str, set]:
    return session.info.setdefault(
        PENDING, {"scopes": set(), "meetings": set(), "minutes": set(), "minutes_groups": set(), "actions": set()}
    )


def note_flushed(session: Session, _context) -> None:
    dirty = set(session.dirty)
    _note(session, [*session.new, *dirty, *session.deleted], changed=dirty)


def note_bulk(state) -> None:
    """An insert, update or delete run as a statement: which rows it touched is not known."""
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if table is None or table.name not in UNSEEN_TABLES:
            _pending(state.session)["scopes"].add(SITE)


def bump(session: Session) -> None:
    session.flush()
    pending = session.info.pop(PENDING, None)
    if pending:
        scopes = _resolve(session, pending)
        if scopes:
            _upsert(session, scopes)


def forget(session: Session) -> None:
    session.info.pop(PENDING, None)


LISTENERS = [
    ("after_flush", note_flushed),
    ("do_orm_execute", note_bulk),
    ("before_commit", bump),
    ("after_rollback", forget),
]


def stamp_columns(*scopes: str | sa.ColumnElement[str]) -> list[sa.ScalarSelect]:
    """The tokens of these scopes (``site`` first; a scope may be an SQL expression of the
    query's own rows), as columns to select with whatever else the page needs, in one query."""
    return [sa.select(ContentStamp.token).where(ContentStamp.scope == scope).scalar_subquery() for scope in scopes]


def current_stamps(*scopes: str) -> str | None:
    """The stamps of the site and of these scopes now, as part of a cache key (see ``stamps_key``)."""
    return stamps_key(db.session.execute(sa.select(*stamp_columns(SITE, *scopes))).one())


def meeting_stamps(meeting_id: int) -> str | None:
    """The stamps of the site, a meeting's group and the meeting, as part of a cache key;
    None for a meeting that does not exist."""
    columns = stamp_columns(
        SITE, "group:" + sa.cast(Meeting.group_id, sa.String), "meeting:" + sa.cast(Meeting.id, sa.String)
    )
    row = db.session.execute(sa.select(*columns).where(Meeting.id == meeting_id)).one_or_none()
    return stamps_key(row) if row else None


def stamps_key(tokens) -> str | None:
    """The tokens read by ``stamp_columns`` as part of a cache key; None when the database
    has no site stamp yet (nothing is cached then). A scope never bumped reads 0: it has
    not changed since the site stamp was first given, and that token is this database's own."""
    if tokens[0] is None:
        return None
    return ".".join(str(token or 0) for token in tokens)
