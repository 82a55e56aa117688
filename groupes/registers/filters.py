"""Filters of the registers, read from the address: a nonsense value falls back to
the default and says so, it never breaks the page."""

from dataclasses import dataclass, field
from datetime import date, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload

from groupes.auth.permissions import disclosed_clause, readable_minutes_clause
from groupes.extensions import db
from groupes.groups.models import Organisation, Person, WorkingGroup
from groupes.meetings.models import Meeting
from groupes.meetings.planning import paris_moment
from groupes.outcomes.models import Action, ActionStatus, Decision
from groupes.site.dates import date_problem

PAGE_SIZE = 50
UNFINISHED = "en-cours"  # open or in progress: the default of the actions register
ALL = "toutes"
ACTION_SORTS = {"echeance": "échéance la plus proche", "recentes": "réunion la plus récente"}
DECISION_SORTS = {"recentes": "réunion la plus récente", "anciennes": "réunion la plus ancienne"}


@dataclass
class Filters:
    programme: int | None = None
    group: int | None = None
    status: str = UNFINISHED
    owner: str = ""
    overdue: bool = False
    start: date | None = None
    end: date | None = None
    sort: str = ""
    page: int = 1
    ignored: list[str] = field(default_factory=list)

    def args(self, **changes) -> dict:
        """The address arguments of these filters (for links: pages, downloads)."""
        values = {
            "programme": self.programme,
            "groupe": self.group,
            "etat": self.status,
            "responsable": self.owner,
            "en_retard": "1" if self.overdue else None,
            "du": self.start.isoformat() if self.start else None,
            "au": self.end.isoformat() if self.end else None,
            "tri": self.sort,
            "page": self.page if self.page > 1 else None,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "")}


def _number(args, name: str, label: str, ignored: list[str]) -> int | None:
    raw = args.get(name, "").strip()
    if not raw:
        return None
    if raw.isdecimal() and 0 < int(raw) < 2**31:
        return int(raw)
    ignored.append(f"{label} « {raw[:40]} » inconnu : filtre ignoré.")
    return None


def date_arg(args, name: str, label: str, ignored: list[str]) -> date | None:
    raw = args.get(name, "").strip()
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        ignored.append(f"Date {label} « {raw[:40]} » illisible (attendu : AAAA-MM-JJ) : filtre ignoré.")
        return None
    if problem := date_problem(day):
        ignored.append(f"{problem} Filtre ignoré.")
        return None
    return day


def read_filters(args, *, sorts: dict[str, str], groups: list[WorkingGroup]) -> Filters:
    ignored: list[str] = []
    f = Filters(ignored=ignored, sort=next(iter(sorts)))
    f.programme = _number(args, "programme", "Démarche", ignored)
    f.group = _number(args, "groupe", "Groupe", ignored)
    if f.group is not None and f.group not in {g.id for g in groups}:
        ignored.append("Ce groupe n’existe pas ou ne vous est pas visible : filtre ignoré.")
        f.group = None
    status = args.get("etat", UNFINISHED)
    if status in (UNFINISHED, ALL) or status in {s.value for s in ActionStatus}:
        f.status = status
    else:
        ignored.append(f"État « {status[:40]} » inconnu : actions en cours montrées.")
    f.owner = args.get("responsable", "").strip()[:200]
    f.overdue = args.get("en_retard") == "1"
    f.start, f.end = date_arg(args, "du", "de début", ignored), date_arg(args, "au", "de fin", ignored)
    if f.start and f.end and f.start > f.end:
        ignored.append("La date de début vient après la date de fin : dates ignorées.")
        f.start = f.end = None
    sort = args.get("tri", f.sort)
    if sort in sorts:
        f.sort = sort
    else:
        ignored.append(f"Tri « {sort[:40]} » inconnu : tri par défaut.")
    page = args.get("page", "1")
    f.page = int(page) if page.isdecimal() and 0 < int(page) < 100_000 else 1
    return f


def _common(query: sa.Select, f: Filters, model, document: bool) -> sa.Select:
    query = (
        query.join(model.meeting)
        .join(Meeting.minutes)
        .join(Meeting.group)
        .where(readable_minutes_clause(), disclosed_clause(model, document=document))
        .options(
            contains_eager(model.meeting).options(
                contains_eager(Meeting.group).joinedload(WorkingGroup.programme), contains_eager(Meeting.minutes)
            )
        )
    )
    if f.programme is not None:
        query = query.where(WorkingGroup.programme_id == f.programme)
    if f.group is not None:
        query = query.where(Meeting.group_id == f.group)
    if f.start is not None:
        query = query.where(Meeting.starts_at >= paris_moment(f.start, time(0)))
    if f.end is not None:
        query = query.where(Meeting.starts_at < paris_moment(f.end + timedelta(days=1), time(0)))
    return query


def decisions_query(f: Filters, *, document: bool = False) -> sa.Select:
    """The decisions the filters select; a ``document`` (a download) leaves huis clos ones out."""
    query = _common(sa.select(Decision), f, Decision, document)
    newest_first = f.sort != "anciennes"
    order = Meeting.starts_at.desc() if newest_first else Meeting.starts_at
    return query.order_by(order, Decision.number)


def actions_query(f: Filters, today: date, *, document: bool = False) -> sa.Select:
    query = _common(sa.select(Action), f, Action, document).options(
        joinedload(Action.owner_person).joinedload(Person.organisation),
        joinedload(Action.owner_organisation),
    )
    if f.status == UNFINISHED or f.overdue:
        query = query.where(Action.status.in_([ActionStatus.OPEN, ActionStatus.IN_PROGRESS]))
    if f.status not in (UNFINISHED, ALL):
        query = query.where(Action.status == ActionStatus(f.status))
    if f.overdue:
        query = query.where(Action.due < today)
    if f.owner:
        pattern = f"%{f.owner.lower()}%"
        people = sa.select(Person.id).where(sa.func.lower(Person.name).like(pattern))
        organisations = sa.select(Organisation.id).where(sa.func.lower(Organisation.name).like(pattern))
        query = query.where(sa.or_(Action.owner_person_id.in_(people), Action.owner_organisation_id.in_(organisations)))
    if f.sort == "echeance":
        return query.order_by(Action.due.is_(None), Action.due, Meeting.starts_at, Action.id)
    return query.order_by(Meeting.starts_at.desc(), Action.id)


def page_of(query: sa.Select, page: int) -> tuple[list, int]:
    """One page of the results and their total count (two queries, whatever the page)."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).unique().all()
    return list(rows), total
