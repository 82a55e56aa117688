"""Co-writing the minutes: each part is a shared document (a CRDT, Yjs's format through
``pycrdt``) that several editors change at once without conflicts.

The editors send their changes (Yjs updates) and read everyone else's from a cursor.
Updates are stored append-only (``PartUpdate``); after each one the server rebuilds the
part's document, derives its Markdown (``groupes.minutes.prose``) and stores it as the
part's text, where exports, validation and the sanitiser read it. Nothing the browser sends
is stored as text. A part's updates are merged into one from time to time.

Waking the readers: on PostgreSQL every stored update is announced by NOTIFY, which
reaches the long-polls of every worker and every instance (LISTEN); on SQLite (one
machine) the long-poll reads the table every twentieth of a second.
"""

import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from pycrdt import Doc
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from groupes.auth.models import User
from groupes.dbtypes import utcnow
from groupes.extensions import db
from groupes.meetings.models import Meeting
from groupes.minutes.models import Minutes, PartUpdate, RoomPresence
from groupes.minutes.parts import PartKey
from groupes.minutes.prose import document_from_markdown, fill, fragment_of, to_markdown, too_deep
from groupes.minutes.writing import MinutesError, ensure_editable, named_section, parse_part_key, store_derived

# A long-poll answers at the latest after this many seconds (proxies cut idle requests at 30 to 60).
POLL_SECONDS = 20
# A part's updates are merged into one row beyond this many.
COMPACT_AFTER = 200
# A part's stored updates, at most: what every later update and every editor opening the
# room replays (compaction brings them down to the document's own size). The Markdown is
# bounded (``MAX_PART_LENGTH``) but not what it drops (unknown elements, attributes, updates
# waiting for others): without this bound each update could add megabytes. A part of
# 100,000 characters written for hours is a few hundred kilobytes.
MAX_DOCUMENT_BYTES = 4 * 1024 * 1024
# Someone is shown in the room this long after their last request.
PRESENCE = timedelta(seconds=45)
CHANNEL = "groupes_room"
# Long-polls of one account waiting at once in one process. Each holds a thread (16 a
# worker), and one a browser gave up on (the editor moved to another part) waits on to its
# end: without a bound, one account could hold every thread. Half of them leaves room for
# an editor moving quickly from part to part; a refused one is answered at once, and the
# room's script asks again a few seconds later.
MAX_WAITS_PER_USER = 8


@dataclass(frozen=True)
class Change:
    """A stored update as the editors receive it."""

    id: int
    key: str
    data: bytes


def room_keys(meeting: Meeting) -> list[str]:
    """The parts written in the room: the notes of every agenda item, then the free sections."""
    items = sorted(meeting.agenda_items, key=lambda i: i.position)
    return [str(PartKey(PartKey.NOTES, i.id)) for i in items] + [
        str(PartKey.of(s)) for s in meeting.minutes.free_sections
    ]


def _rows(meeting_id: int, key: str | None = None):
    query = sa.select(PartUpdate.id, PartUpdate.part_key, PartUpdate.data).where(PartUpdate.meeting_id == meeting_id)
    if key is not None:
        query = query.where(PartUpdate.part_key == key)
    return db.session.execute(query.order_by(PartUpdate.id)).all()


def _document(updates) -> Doc:
    doc = Doc()
    for data in updates:
        doc.apply_update(data)
    return doc


def _text_of(minutes: Minutes, key: str) -> str:
    section = named_section(minutes, parse_part_key(key))
    return section.body if section else ""


def open_parts(meeting: Meeting) -> tuple[int, dict[str, bytes]]:
    """Every part's whole document and the cursor to read what comes after. A part written
    without the editor gets its document built from its Markdown (always the same for the
    same text, so two workers building it at once do no harm). Flushes."""
    stored: dict[str, list[bytes]] = {}
    for row in _rows(meeting.id):
        stored.setdefault(row.part_key, []).append(row.data)
    states = {}
    for key in room_keys(meeting):
        if key not in stored:
            seed = document_from_markdown(_text_of(meeting.minutes, key)).get_update()
            db.session.add(PartUpdate(meeting_id=meeting.id, part_key=key, data=seed))
            stored[key] = [seed]
        states[key] = _document(stored[key]).get_update()
    db.session.flush()
    cursor = db.session.scalar(sa.select(sa.func.max(PartUpdate.id)).where(PartUpdate.meeting_id == meeting.id))
    return cursor or 0, states


def apply_update(meeting: Meeting, key: str, update: bytes, user: User) -> int:
    """Merge an editor's update into the part, store it and the Markdown it gives; the
    update's cursor. Refused (``MinutesError``, nothing stored) when the minutes are
    validated, when the key names no part of this meeting, when the update cannot be read
    or nests its elements too deep, when the document would grow beyond its bound, or when
    the text would exceed the part's limit. Commits, and starts again when another update of
    these minutes was stored between its read and its write."""
    part = parse_part_key(key)
    for _attempt in range(5):
        minutes = meeting.minutes
        _lock(minutes)
        ensure_editable(minutes)
        named_section(minutes, part)
        rows = [row.data for row in _rows(meeting.id, key)]
        if not rows:
            rows = [document_from_markdown(_text_of(minutes, key)).get_update()]
            db.session.add(PartUpdate(meeting_id=meeting.id, part_key=key, data=rows[0]))
        doc = _document(rows)
        _merge(doc, update)
        if sum(map(len, rows)) + len(update) > MAX_DOCUMENT_BYTES:
            raise MinutesError(
                "body", "Modification refusée : cette partie deviendrait trop volumineuse (formatage inconnu)."
            )
        if too_deep(fragment_of(doc)):
            raise MinutesError(
                "body", "Modification refusée : le texte est imbriqué trop profondément (listes ou citations)."
            )
        markdown = to_markdown(fragment_of(doc))
        row = PartUpdate(meeting_id=meeting.id, part_key=key, data=update, author_id=user.id)
        db.session.add(row)
        try:
            store_derived(minutes, part, markdown, user)
            db.session.flush()
            cursor = row.id
            if len(rows) + 1 > COMPACT_AFTER:
                _compact(meeting.id, key, doc, cursor)
            _announce(meeting.id)
            db.session.commit()
            return cursor
        except (StaleDataError, IntegrityError):
            db.session.rollback()
            db.session.expire_all()
    raise MinutesError("body", "Le compte-rendu change trop vite en ce moment : votre texte est gardé, réessayez.")


def _merge(doc: Doc, update: bytes) -> None:
    """Apply an editor's update; bytes that are no update are refused (pycrdt raises
    ValueError, or on the worst input a Rust panic, which Python sees as a BaseException)."""
    try:
        doc.apply_update(update)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:
        raise MinutesError("body", "Modification illisible : elle n’a pas été enregistrée.") from None


def follow_markdown(meeting_id: int, key: str, markdown: str, user: User) -> None:
    """A part saved as Markdown (the form without JavaScript): its document is changed to
    the same text, so that the editors open see it. Nothing if it has no document yet (one
    query: the form's save is the autosave of pages without script). Flushes."""
    if (
        db.session.scalar(
            sa.select(PartUpdate.id).where(PartUpdate.meeting_id == meeting_id, PartUpdate.part_key == key).limit(1)
        )
        is None
    ):
        return
    db.session.execute(sa.select(Minutes.id).where(Minutes.meeting_id == meeting_id).with_for_update())
    doc = _document([row.data for row in _rows(meeting_id, key)])
    fragment = fragment_of(doc)
    if to_markdown(fragment) == markdown:
        return
    before = doc.get_state()
    with doc.transaction():
        del fragment.children[0 : len(fragment.children)]
        fill(fragment, markdown)
    db.session.add(PartUpdate(meeting_id=meeting_id, part_key=key, data=doc.get_update(before), author_id=user.id))
    _announce(meeting_id)
    db.session.flush()


def _lock(minutes: Minutes) -> None:
    """Hold the minutes' row until the commit (PostgreSQL): the updates of a meeting are
    then stored one at a time, each read on top of all those before, and their ids grow
    in the order of their commits, so that no reader's cursor ever skips one."""
    db.session.execute(sa.select(Minutes.id).where(Minutes.id == minutes.id).with_for_update())


def _compact(meeting_id: int, key: str, doc: Doc, cursor: int) -> None:
    """Replace a part's rows before ``cursor`` by one holding the whole document. The row
    ``cursor`` itself stays: it is the newest, and SQLite would otherwise give its id again
    to the next row, below the cursors of the editors who have read it."""
    db.session.execute(
        sa.delete(PartUpdate).where(
            PartUpdate.meeting_id == meeting_id, PartUpdate.part_key == key, PartUpdate.id < cursor
        )
    )
    db.session.add(PartUpdate(meeting_id=meeting_id, part_key=key, data=doc.get_update()))


def _announce(meeting_id: int) -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(sa.func.pg_notify(CHANNEL, str(meeting_id))))


def changes_after(meeting_id: int, cursor: int) -> list[Change]:
    query = (
        sa.select(PartUpdate.id, PartUpdate.part_key, PartUpdate.data)
        .where(PartUpdate.meeting_id == meeting_id, PartUpdate.id > cursor)
        .order_by(PartUpdate.id)
    )
    return [Change(row.id, row.part_key, row.data) for row in db.session.execute(query)]


class WaitSlots:
    """The long-polls waiting now in this process, by account."""

    def __init__(self):
        self.lock = threading.Lock()
        self.waiting: Counter[int] = Counter()

    @contextmanager
    def slot(self, user_id: int):
        """Yields whether ``user_id`` may wait now (fewer than ``MAX_WAITS_PER_USER`` waiting)."""
        with self.lock:
            granted = self.waiting[user_id] < MAX_WAITS_PER_USER
            if granted:
                self.waiting[user_id] += 1
        try:
            yield granted
        finally:
            if granted:
                with self.lock:
                    self.waiting[user_id] -= 1
                    if not self.waiting[user_id]:
                        del self.waiting[user_id]


wait_slots = WaitSlots()


def wait_for_changes(meeting_id: int, cursor: int, seconds: float) -> list[Change]:
    """The changes after ``cursor``, waiting up to ``seconds`` for one. The session's
    transaction is ended while waiting: a long-poll holds neither a snapshot nor a lock."""
    deadline = time.monotonic() + seconds
    listener = _listen()
    try:
        while True:
            changes = changes_after(meeting_id, cursor)
            remaining = deadline - time.monotonic()
            if changes or remaining <= 0:
                return changes
            db.session.rollback()
            if listener is None:
                time.sleep(min(0.05, remaining))
            else:
                for _notice in listener.notifies(timeout=min(remaining, 5), stop_after=1):
                    pass
    finally:
        if listener is not None:
            listener.close()


def _listen():
    """A connection of its own listening to the room's channel (PostgreSQL), or None."""
    engine = db.engine
    if engine.dialect.name != "postgresql":
        return None
    import psycopg

    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    connection = psycopg.connect(url, autocommit=True)
    connection.execute(f"LISTEN {CHANNEL}")
    return connection


def mark_present(meeting: Meeting, user: User, key: str) -> None:
    """``user`` is in the room, on part ``key`` (or none). Flushes."""
    values = {"meeting_id": meeting.id, "user_id": user.id, "part_key": key[:20], "expires_at": utcnow() + PRESENCE}
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(RoomPresence).values(**values)
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["meeting_id", "user_id"],
            set_={"part_key": values["part_key"], "expires_at": values["expires_at"]},
        )
    )


def present(meeting: Meeting) -> list[tuple[str, str, int]]:
    """Who is in the room now and on which part: (name, part key, user id), by name."""
    rows = db.session.scalars(
        sa.select(RoomPresence).where(RoomPresence.meeting_id == meeting.id, RoomPresence.expires_at > utcnow())
    )
    return sorted((row.user.person.name, row.part_key, row.user_id) for row in rows)
