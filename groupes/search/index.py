"""The search index: one row per searchable text, rebuilt for a meeting whenever
something of it changes (in the same transaction), and in full by a command. A
part of the minutes whose text alone changed (the autosave) has its row rewritten,
not the meeting's.

The index is not a model: on SQLite it is an FTS5 virtual table, on PostgreSQL
a table with a generated tsvector; migration 0006 creates it.
"""

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from groupes.extensions import changed_attributes, db
from groupes.meetings.models import AgendaItem, Meeting
from groupes.minutes.models import Comment, Minutes, MinutesSection, meetings_of_minutes
from groupes.outcomes.models import Action, Decision, Finding
from groupes.privacy.confidential import confidential_item_ids
from groupes.site.text import plain_words

TABLE = "search_index"
INDEXED = (MinutesSection, AgendaItem, Decision, Action, Finding, Comment, Meeting)


def is_search_table(name: str) -> bool:
    """The index and, on SQLite, FTS5's own tables: outside the models, left alone by autogenerate."""
    return name == TABLE or name.startswith(f"{TABLE}_")


insert = sa.text(
    f"INSERT INTO {TABLE} (kind, ref_id, meeting_id, title, body) VALUES (:kind, :ref_id, :meeting_id, :title, :body)"
)
# On SQLite, a meeting's rows of the FTS5 table get the rowids meeting_id × 2²⁴ + n: rewriting a
# meeting's rows is then a rowid range (a lookup), where a condition on the UNINDEXED meeting_id
# column would read the whole index (90 ms a save with 200,000 texts).
ROWS_PER_MEETING = 1 << 24
insert_sqlite = sa.text(
    f"INSERT INTO {TABLE} (rowid, kind, ref_id, meeting_id, title, body) "
    "VALUES (:rowid, :kind, :ref_id, :meeting_id, :title, :body)"
)
delete_sqlite = sa.text(f"DELETE FROM {TABLE} WHERE rowid >= :low AND rowid < :high")
# One text of a meeting, found among the meeting's rows.
delete_part = sa.text(f"DELETE FROM {TABLE} WHERE meeting_id = :meeting_id AND kind = :kind AND ref_id = :ref_id")
delete_sqlite_part = sa.text(
    f"DELETE FROM {TABLE} WHERE rowid >= :low AND rowid < :high AND kind = :kind AND ref_id = :ref_id"
)
last_sqlite_rowid = sa.text(f"SELECT max(rowid) FROM {TABLE} WHERE rowid >= :low AND rowid < :high")


_point = aliased(AgendaItem)
# The parts of the minutes with what the index shows of them, and whether they are huis clos
# (themselves, or through their point or any point above it).
_sections = (
    sa.select(
        MinutesSection.id,
        Minutes.meeting_id,
        MinutesSection.heading,
        _point.title,
        MinutesSection.body,
        sa.or_(MinutesSection.confidential, MinutesSection.agenda_item_id.in_(confidential_item_ids())).label("hidden"),
    )
    .join(Minutes, MinutesSection.minutes_id == Minutes.id)
    .outerjoin(_point, MinutesSection.agenda_item_id == _point.id)
)


def _document(kind, ref_id, meeting_id, title, body) -> list[dict]:
    """The row of one text, or none for an empty one."""
    if (body or "").strip() or (title or "").strip():
        return [{"kind": kind, "ref_id": ref_id, "meeting_id": meeting_id, "title": title or "", "body": body or ""}]
    return []


def _section_documents(sections) -> list[dict]:
    """The rows of these parts of the minutes (rows of ``_sections``) but the huis clos ones."""
    rows = []
    for ident, meeting_id, heading, item_title, body, hidden in sections:
        if body.strip() and not hidden:
            rows += _document("minutes", ident, meeting_id, heading or item_title or "", plain_words(body))
    return rows


def documents(s: Session, meeting_ids: list[int]) -> list[dict]:
    """Every searchable text of these meetings, huis clos passages left out: search results are
    shown out of their page, as snippets, so they never carry them (not even to the group).
    What is huis clos is read for these meetings only, first: a save costs the same whatever
    the size of the database."""
    rows: list[dict] = []

    def add(kind, ref_id, meeting_id, title, body):
        rows.extend(_document(kind, ref_id, meeting_id, title, body))

    hidden_items = set(s.scalars(confidential_item_ids(meeting_ids)))
    sections = s.execute(_sections.where(Minutes.meeting_id.in_(meeting_ids))).all()
    hidden_sections = {row.id for row in sections if row.hidden}
    rows.extend(_section_documents(sections))
    for item in s.execute(
        sa.select(AgendaItem.id, AgendaItem.meeting_id, AgendaItem.title, AgendaItem.presenter).where(
            AgendaItem.meeting_id.in_(meeting_ids)
        )
    ):
        if item.id not in hidden_items:
            add("agenda", item.id, item.meeting_id, item.title, item.presenter or "")

    def outcomes(model, text_column):
        query = sa.select(model.id, model.meeting_id, text_column, model.agenda_item_id).where(
            model.meeting_id.in_(meeting_ids), model.confidential.is_(False)
        )
        return [row for row in s.execute(query) if row.agenda_item_id not in hidden_items]

    shown = {"decision": outcomes(Decision, Decision.text), "action": outcomes(Action, Action.title)}
    shown["finding"] = outcomes(Finding, Finding.text)
    for kind, rows_of_kind in shown.items():
        for row in rows_of_kind:
            add(kind, row.id, row.meeting_id, "", row[2])
    shown_ids = {kind: {row.id for row in rows_of_kind} for kind, rows_of_kind in shown.items()}
    comments = s.execute(
        sa.select(
            Comment.id,
            Minutes.meeting_id,
            Comment.quote,
            Comment.body,
            Comment.section_id,
            Comment.decision_id,
            Comment.action_id,
            Comment.finding_id,
        )
        .join(Minutes, Comment.minutes_id == Minutes.id)
        .where(Minutes.meeting_id.in_(meeting_ids))
    )
    for ident, meeting_id, quote, body, section_id, *on_outcomes in comments:
        # A comment on a huis clos decision, action or finding is left out with it.
        hidden_outcome = any(
            outcome_id is not None and outcome_id not in shown_ids[kind]
            for kind, outcome_id in zip(("decision", "action", "finding"), on_outcomes, strict=True)
        )
        if section_id not in hidden_sections and not hidden_outcome:
            add("comment", ident, meeting_id, quote, plain_words(body))
    return rows


def reindex(session: Session, meeting_ids: list[int]) -> None:
    """Replace the index rows of these meetings by what they hold now, in that session's transaction."""
    ids = sorted(set(meeting_ids))
    sqlite = session.get_bind().dialect.name == "sqlite"
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = documents(session, chunk)
        if sqlite:
            ranges = [{"low": i * ROWS_PER_MEETING, "high": (i + 1) * ROWS_PER_MEETING} for i in chunk]
            session.execute(delete_sqlite, ranges)
            numbered: dict[int, int] = {}
            for row in rows:
                n = numbered[row["meeting_id"]] = numbered.get(row["meeting_id"], -1) + 1
                row["rowid"] = row["meeting_id"] * ROWS_PER_MEETING + n
        else:
            session.execute(
                sa.text(f"DELETE FROM {TABLE} WHERE meeting_id IN :ids").bindparams(
                    sa.bindparam("ids", expanding=True)
                ),
                {"ids": chunk},
            )
        if rows:
            session.execute(insert_sqlite if sqlite else insert, rows)


def reindex_sections(session: Session, section_ids: set[int], skip_meetings: set[int]) -> None:
    """Replace the rows of these parts of the minutes, whose text alone changed (an autosave),
    but for the meetings ``skip_meetings`` that are reindexed whole: a save rewrites one row,
    not the whole meeting's."""
    sections = session.execute(
        _sections.where(MinutesSection.id.in_(section_ids), Minutes.meeting_id.not_in(skip_meetings))
    ).all()
    if not sections:
        return
    rows = _section_documents(sections)
    olds = [{"kind": "minutes", "ref_id": row.id, "meeting_id": row.meeting_id} for row in sections]
    if session.get_bind().dialect.name == "sqlite":
        _replace_sqlite_rows(session, olds, rows)
    else:
        session.execute(delete_part, olds)
        if rows:
            session.execute(insert, rows)


def _replace_sqlite_rows(session: Session, olds: list[dict], rows: list[dict]) -> None:
    """Each new row goes after its meeting's last, in the meeting's range of rowids; a meeting
    whose range is used up (after millions of saves) is renumbered whole."""
    for old in olds:
        old.update(low=old["meeting_id"] * ROWS_PER_MEETING, high=(old["meeting_id"] + 1) * ROWS_PER_MEETING)
    session.execute(delete_sqlite_part, olds)
    full = set()
    for row in rows:
        low = row["meeting_id"] * ROWS_PER_MEETING
        last = session.scalar(last_sqlite_rowid, {"low": low, "high": low + ROWS_PER_MEETING})
        row["rowid"] = low if last is None else last + 1
        if row["rowid"] < low + ROWS_PER_MEETING:
            session.execute(insert_sqlite, row)
        else:
            full.add(row["meeting_id"])
    if full:
        reindex(session, list(full))


def forget_deleted_meetings(session: Session) -> None:
    """Rows of meetings the database deleted on its own (with their programme or group)."""
    session.execute(sa.text(f"DELETE FROM {TABLE} WHERE meeting_id NOT IN (SELECT id FROM meetings)"))


def rebuild() -> int:
    """The whole index again (after a restore, an import, or to repair it); returns its rows."""
    db.session.execute(sa.text(f"DELETE FROM {TABLE}"))
    reindex(db.session, list(db.session.scalars(sa.select(Meeting.id))))
    db.session.commit()
    return db.session.scalar(sa.text(f"SELECT count(*) FROM {TABLE}"))


def _meeting_ids_of(session: Session, objects) -> set[int]:
    meetings, minutes = set(), set()
    for obj in objects:
        if isinstance(obj, Meeting):
            meetings.add(obj.id)
        elif isinstance(obj, MinutesSection | Comment):
            minutes.add(obj.minutes_id)
        elif isinstance(obj, INDEXED):
            meetings.add(obj.meeting_id)
    minutes.discard(None)
    meetings |= meetings_of_minutes(session, minutes)
    meetings.discard(None)
    return meetings


# What a part of the minutes may change and still be reindexed alone: its text, not what hides it.
TEXT_OF_A_PART = frozenset({"heading", "body", "version", "updated_at", "updated_by", "updated_by_id"})


def remember_changes(session, flush_context) -> None:
    dirty = set(session.dirty)
    changed = [o for o in (*session.new, *dirty, *session.deleted) if isinstance(o, INDEXED)]
    parts = {
        o for o in changed if isinstance(o, MinutesSection) and o in dirty and changed_attributes(o) <= TEXT_OF_A_PART
    }
    if parts:
        session.info.setdefault("search_parts", set()).update(part.id for part in parts)
    meetings = [o for o in changed if o not in parts]
    if meetings:
        session.info.setdefault("search_meetings", set()).update(_meeting_ids_of(session, meetings))


def update_before_commit(session) -> None:
    session.flush()
    meetings = session.info.pop("search_meetings", set())
    parts = session.info.pop("search_parts", None)
    if meetings:
        reindex(session, list(meetings))
    if parts:
        reindex_sections(session, parts, meetings)


def forget_changes(session) -> None:
    session.info.pop("search_meetings", None)
    session.info.pop("search_parts", None)


LISTENERS = (
    ("after_flush", remember_changes),
    ("before_commit", update_before_commit),
    ("after_rollback", forget_changes),
)
