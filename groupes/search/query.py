"""Turning what people type into a safe query, and finding what they may read.

Words are kept whole, in any case and with or without accents; "quoted words"
are a phrase; a word ending in * a prefix. Nothing typed reaches the query
language as an operator: only letters and digits are kept of each word.
"""

import re
from dataclasses import dataclass

import sqlalchemy as sa
from markupsafe import Markup, escape

from groupes.auth.permissions import readable_minutes_clause, viewer
from groupes.extensions import db
from groupes.groups.models import WorkingGroup
from groupes.meetings.models import Meeting
from groupes.minutes.models import Minutes
from groupes.search.index import TABLE

MAX_QUERY = 200
MAX_TERMS = 12
LIMIT = 50
RANKED_AT_MOST = 1000
START, STOP = "\x02", "\x03"  # marks around matches in snippets, made into <mark> after escaping
TOKEN = re.compile(r'"([^"]*)"?|(\S+)')
WORD = re.compile(r"\w+", re.UNICODE)
KIND_LABELS = {
    "minutes": "Compte-rendu",
    "agenda": "Ordre du jour",
    "decision": "Décision",
    "action": "Action",
    "finding": "Élément de synthèse",
    "comment": "Commentaire de relecture",
}


@dataclass
class Term:
    words: list[str]
    prefix: bool = False


def parse(query: str) -> list[Term]:
    terms: list[Term] = []
    for phrase, word in TOKEN.findall(query[:MAX_QUERY]):
        if phrase:
            words = WORD.findall(phrase)
            if words:
                terms.append(Term(words))
        elif word:
            words = WORD.findall(word)
            if len(words) == 1:
                terms.append(Term(words, prefix=word.endswith("*")))
            elif words:
                terms.append(Term(words))  # « aide-sociale » : the words side by side
    return terms[:MAX_TERMS]


def fts5_query(terms: list[Term]) -> str:
    parts = []
    for term in terms:
        text = '"' + " ".join(term.words) + '"'
        parts.append(text + "*" if term.prefix else text)
    return " ".join(parts)


def tsquery(terms: list[Term]) -> str:
    parts = []
    for term in terms:
        if term.prefix:
            parts.append(f"{term.words[0]}:*")
        else:
            parts.append("(" + " <-> ".join(term.words) + ")")
    return " & ".join(parts)


@dataclass
class Hit:
    kind: str
    ref_id: int
    meeting: Meeting
    title: str
    snippet: Markup

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


def highlight(text: str) -> Markup:
    return Markup(str(escape(text)).replace(START, "<mark>").replace(STOP, "</mark>"))


@dataclass
class Results:
    hits: list[Hit]
    # How many there are; with ``more``, at least this many more than shown (the latest first).
    total: int
    more: bool = False


def search(query: str) -> Results:
    """What the current user may read that matches, best first (latest first beyond
    RANKED_AT_MOST), and how many there are."""
    terms = parse(query)
    if not terms:
        return Results([], 0)
    index = sa.table(
        TABLE, sa.column("kind"), sa.column("ref_id"), sa.column("meeting_id"), sa.column("title"), sa.column("body")
    )
    visible_groups = [g.id for g in viewer_groups()]
    allowed = sa.or_(
        sa.and_(index.c.kind == "agenda", Meeting.group_id.in_(visible_groups)),
        sa.and_(index.c.kind != "agenda", readable_minutes_clause()),
    )
    if db.engine.dialect.name == "postgresql":
        q = sa.func.to_tsquery("fr_unaccent", tsquery(terms))
        document = sa.literal_column(f"{TABLE}.document")
        match = document.op("@@")(q)
        row_id = sa.literal_column(f"{TABLE}.id")
        rank = sa.func.ts_rank(document, q).desc()
        snippet = sa.func.ts_headline(
            "fr_unaccent",
            index.c.title + " — " + index.c.body,
            q,
            f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter= … ",
        )
    else:
        match = sa.literal_column(TABLE).op("MATCH")(fts5_query(terms))
        row_id = sa.literal_column(f"{TABLE}.rowid")
        rank = sa.literal_column(f"bm25({TABLE}, 5.0, 1.0)")
        snippet = sa.func.snippet(sa.literal_column(TABLE), -1, START, STOP, "…", 24)
    matching = (
        sa.select(row_id)
        .select_from(index)
        .join(Meeting, Meeting.id == index.c.meeting_id)
        .join(Minutes, Minutes.meeting_id == Meeting.id)
        .where(match, allowed)
    )
    # Counted up to RANKED_AT_MOST and ranked when no more: ranking (and counting) tens of
    # thousands of matches of a common word costs hundreds of milliseconds, for an order
    # nobody reads that far. Beyond, the latest written come first, found without a sort.
    total = db.session.scalar(sa.select(sa.func.count()).select_from(matching.limit(RANKED_AT_MOST + 1).subquery()))
    if not total:
        return Results([], 0)
    many = total > RANKED_AT_MOST
    shown = (row_id, index.c.kind, index.c.ref_id, index.c.meeting_id, index.c.title, snippet.label("snippet"))
    if many:
        # In the index's own order: the snippets are made for the rows kept only, in one pass.
        rows = db.session.execute(matching.with_only_columns(*shown).order_by(row_id.desc()).limit(LIMIT)).all()
    else:
        # The best rows first; their snippets then, for those rows only (making one costs more than finding it).
        best = db.session.scalars(matching.order_by(rank).limit(LIMIT)).all()
        found = db.session.execute(sa.select(*shown).select_from(index).where(match, row_id.in_(best))).all()
        by_id = {r[0]: r for r in found}
        rows = [by_id[i] for i in best if i in by_id]
    meetings = {
        m.id: m
        for m in db.session.scalars(
            sa.select(Meeting)
            .where(Meeting.id.in_({r.meeting_id for r in rows}))
            .options(sa.orm.joinedload(Meeting.group))
        )
    }
    hits = [Hit(r.kind, r.ref_id, meetings[r.meeting_id], r.title, highlight(r.snippet or "")) for r in rows]
    return Results(hits, RANKED_AT_MOST if many else total, many)


def viewer_groups() -> list[WorkingGroup]:
    v = viewer()
    groups = db.session.execute(sa.select(WorkingGroup.id, WorkingGroup.programme_id, WorkingGroup.visibility)).all()
    return [g for g in groups if v.sees_group(g)]
