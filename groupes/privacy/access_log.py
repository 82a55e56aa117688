"""Recording who read, downloaded or exported which minutes and documents, and who changed rights.

Views and commands call ``record`` (added to the session, written with the
change it goes with) or ``record_now`` (for reads: written at once). What
visitors who are not signed in read is counted per day, not logged
(``AnonymousReading``).
"""

import hashlib
import time as time_module
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import after_this_request, current_app, has_request_context, session
from flask_login import current_user
from sqlalchemy.dialects import postgresql, sqlite

from groupes.dbtypes import utcnow
from groupes.extensions import db
from groupes.meetings.models import Meeting
from groupes.privacy.models import AccessKind, AccessLogEntry, AnonymousReading
from groupes.site.dates import PARIS

ANONYMOUS = "Visiteur non connecté"
OPERATOR = "Exploitation (ligne de commande)"
ERASED = "Personne anonymisée"


def _actor() -> tuple[int | None, str]:
    if not has_request_context():
        return None, OPERATOR
    if current_user and current_user.is_authenticated:
        return current_user.id, current_user.person.name
    return None, ANONYMOUS


def _entry(
    kind: AccessKind, target: str, *, programme_id: int | None, meeting: Meeting | None = None, detail: str = ""
) -> dict:
    """The columns of an entry, made now by whoever is acting."""
    user_id, actor = _actor()
    return dict(
        kind=kind,
        user_id=user_id,
        actor=actor[:200],
        programme_id=programme_id,
        meeting_id=meeting.id if meeting else None,
        target=target[:500],
        detail=detail[:500],
    )


def record(kind: AccessKind, target: str, **where) -> AccessLogEntry:
    """Add an entry to the session: it is written with the change it records."""
    entry = AccessLogEntry(**_entry(kind, target, **where))
    db.session.add(entry)
    return entry


def _read_again(target: str) -> bool:
    """Whether this session read ``target`` within the last READ_LOG_WINDOW_MINUTES: a reload
    or a return to the same page is the same reading, logged once (the minutes are no more
    read, and the log keeps no more about people than it needs). The times are kept in the
    signed session cookie, pruned as they expire: nothing in the server's memory."""
    window = current_app.config["READ_LOG_WINDOW_MINUTES"]
    if not window:
        return False
    now = int(time_module.time() // 60)
    readings = {k: t for k, t in session.get("lectures", {}).items() if now - t < window}
    key = hashlib.blake2s(target.encode(), digest_size=6).hexdigest()
    again = key in readings
    if not again:
        readings[key] = now
    if readings != session.get("lectures"):
        session["lectures"] = readings
    return again


def record_now(kind: AccessKind, target: str, **where) -> None:
    """A read, a download or an export: written in its own commit once the response is
    made (and only if it is a success), so that the page's objects are not expired while
    it is being made; at once outside a request (commands). A reading already logged for
    this session within the window is not logged again (``_read_again``)."""
    if not has_request_context():
        record(kind, target, **where)
        db.session.commit()
        return

    @after_this_request
    def write(response):
        if response.status_code == 200 and not (kind == AccessKind.READ and _read_again(target)):
            # One plain statement: the page's objects need no flush, and nothing else is written.
            entry = _entry(kind, target, **where)
            anonymous = entry["user_id"] is None and entry["programme_id"] is not None
            db.session.execute(_count_anonymous(entry) if anonymous else sa.insert(AccessLogEntry).values(**entry))
            db.session.commit()
        return response


def _count_anonymous(entry: dict) -> sa.Insert:
    """Add one to the day's count of what a visitor who is not signed in read (an upsert)."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(AnonymousReading).values(
        day=utcnow().astimezone(PARIS).date(),
        kind=entry["kind"],
        programme_id=entry["programme_id"],
        meeting_id=entry["meeting_id"],
        target=entry["target"],
        count=1,
    )
    return statement.on_conflict_do_update(
        index_elements=["day", "programme_id", "kind", "target"], set_={"count": AnonymousReading.count + 1}
    )


def meeting_target(meeting: Meeting, what: str) -> str:
    """« Compte-rendu – groupe 2, réunion du 24/03/2014 » and the like."""
    day = meeting.starts_at.astimezone(PARIS).strftime("%d/%m/%Y")
    return f"{what} – groupe {meeting.group.number}, réunion du {day}"


def record_meeting(kind: AccessKind, meeting: Meeting, what: str, detail: str = "") -> None:
    record_now(
        kind, meeting_target(meeting, what), programme_id=meeting.group.programme_id, meeting=meeting, detail=detail
    )


def entries_query(
    *,
    programme_id: int | None = None,
    kind: AccessKind | None = None,
    actor: str = "",
    start: date | None = None,
    end: date | None = None,
) -> sa.Select:
    """The log as filtered, newest first; ``programme_id`` None means the whole log (admins)."""
    query = sa.select(AccessLogEntry).order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc())
    if programme_id is not None:
        query = query.where(AccessLogEntry.programme_id == programme_id)
    if kind is not None:
        query = query.where(AccessLogEntry.kind == kind)
    if actor:
        query = query.where(sa.func.lower(AccessLogEntry.actor).like(f"%{actor.lower()}%"))
    if start is not None:
        query = query.where(AccessLogEntry.at >= _paris_midnight(start))
    if end is not None:
        query = query.where(AccessLogEntry.at < _paris_midnight(end + timedelta(days=1)))
    return query


def _paris_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=PARIS)


def expired_before(days: int) -> datetime:
    return utcnow() - timedelta(days=days)


def anonymous_readings_query(
    *,
    programme_id: int | None = None,
    kind: AccessKind | None = None,
    start: date | None = None,
    end: date | None = None,
) -> sa.Select:
    """The daily counts of anonymous readings, newest day and most read first."""
    query = sa.select(AnonymousReading).order_by(
        AnonymousReading.day.desc(), AnonymousReading.count.desc(), AnonymousReading.id
    )
    if programme_id is not None:
        query = query.where(AnonymousReading.programme_id == programme_id)
    if kind is not None:
        query = query.where(AnonymousReading.kind == kind)
    if start is not None:
        query = query.where(AnonymousReading.day >= start)
    if end is not None:
        query = query.where(AnonymousReading.day <= end)
    return query
