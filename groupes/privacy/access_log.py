"""Recording who read, downloaded or exported which minutes and documents, and who changed rights.

Views and commands call ``record`` (added to the session, written with the
change it goes with) or ``record_now`` (for reads: written at once). What
visitors who are not signed in read is counted per day, not logged
(``AnonymousReading``), and counted first in each process's memory
(``AnonymousTally``): a public page read writes nothing, the counts are
written at most every ANONYMOUS_READINGS_WRITE_SECONDS and when the process ends.
"""

import atexit
import hashlib
import threading
import time as time_module
import weakref
from collections import Counter
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import Flask, after_this_request, current_app, has_request_context, session
from flask_login import current_user
from sqlalchemy.dialects import postgresql, sqlite

from groupes.dbtypes import utcnow
from groupes.extensions import db
from groupes.meetings.models import Meeting
from groupes.privacy.models import AccessKind, AccessLogEntry, AnonymousReading
from groupes.programmes.models import Programme
from groupes.site.timezone import PARIS

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
            entry = _entry(kind, target, **where)
            if entry["user_id"] is None and entry["programme_id"] is not None:
                tally = anonymous_tally(current_app._get_current_object())
                tally.add(entry)
                if tally.due(current_app.config["ANONYMOUS_READINGS_WRITE_SECONDS"]):
                    write_anonymous_readings(tally)
            else:
                # One plain statement: the page's objects need no flush, and nothing else is written.
                db.session.execute(sa.insert(AccessLogEntry).values(**entry))
                db.session.commit()
        return response


class AnonymousTally:
    """The anonymous readings of one process not written yet, per day (Paris), programme,
    kind and page: an anonymous page read adds one here and writes nothing; the counts go
    to ``anonymous_readings`` in one statement at most every ANONYMOUS_READINGS_WRITE_SECONDS
    (by the request that finds them due) and when the process ends. A process killed outright
    loses at most that many seconds of counts; a count is never written twice."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter = Counter()
        self._written = time_module.monotonic()

    def add(self, entry: dict) -> None:
        day = utcnow().astimezone(PARIS).date()
        key = (day, entry["kind"], entry["programme_id"], entry["meeting_id"], entry["target"])
        with self._lock:
            self._counts[key] += 1

    def due(self, seconds: float) -> bool:
        return time_module.monotonic() - self._written >= seconds

    def take(self) -> Counter:
        """The counts so far, which this tally then forgets."""
        with self._lock:
            counts, self._counts = self._counts, Counter()
            self._written = time_module.monotonic()
        return counts

    def give_back(self, counts: Counter) -> None:
        """Counts that could not be written: kept for the next time."""
        with self._lock:
            self._counts.update(counts)


def anonymous_tally(app: Flask) -> AnonymousTally:
    """The application's tally in this process (written at its exit)."""
    tally = app.extensions.get("anonymous_readings")
    if tally is None:
        tally = app.extensions["anonymous_readings"] = AnonymousTally()
        atexit.register(_write_at_exit, weakref.ref(app))
    return tally


def _write_at_exit(app_ref) -> None:
    app = app_ref()
    if app is not None:
        with app.app_context():
            write_anonymous_readings(anonymous_tally(app))


def write_anonymous_readings(tally: AnonymousTally) -> None:
    """Add the tally's counts to the day's rows (one upsert statement for all of them), and
    commit. Counts of a programme deleted since are dropped with it, a deleted meeting's kept
    without it (as its rows already written are); counts the database refuses are kept for
    the next time, and the refusal logged: a reader's page never fails for them."""
    counts = tally.take()
    if not counts:
        return
    programmes = {key[2] for key in counts}
    meetings = {key[3] for key in counts} - {None}
    existing = set(db.session.scalars(sa.select(Programme.id).where(Programme.id.in_(programmes))))
    if meetings:
        meetings = set(db.session.scalars(sa.select(Meeting.id).where(Meeting.id.in_(meetings))))
    rows = [
        dict(
            day=day,
            kind=kind,
            programme_id=programme_id,
            meeting_id=meeting_id if meeting_id in meetings else None,
            target=target,
            count=count,
        )
        # In one order in every process: two writing at once never wait on each other in a cycle.
        for (day, kind, programme_id, meeting_id, target), count in sorted(counts.items(), key=str)
        if programme_id in existing
    ]
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(AnonymousReading)
    statement = statement.on_conflict_do_update(
        index_elements=["day", "programme_id", "kind", "target"],
        set_={"count": AnonymousReading.count + statement.excluded.count},
    )
    try:
        if rows:
            db.session.execute(statement, rows)
        db.session.commit()
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        tally.give_back(counts)
        current_app.logger.exception("Comptes de lectures anonymes non écrits (gardés pour la prochaine fois)")


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
