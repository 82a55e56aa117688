"""Merging a duplicate organisation or person into the one that stays.

Every row that points at the duplicate is moved to the survivor. The foreign
keys are read from the SQLAlchemy metadata, so that a table added later is
moved too; each one must still be named in ``REFERENCES`` (its French label
and, when it is part of a unique constraint, what to do when both records
have a row for the same thing), otherwise merging refuses to run and
``tests/test_directory.py`` fails.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa

from groupes.auth.models import User
from groupes.errors import DomainError
from groupes.extensions import db
from groupes.groups.models import Membership, Organisation, Person, Role, WorkingGroup
from groupes.meetings.models import Attendance, AttendanceStatus
from groupes.privacy.access_log import record
from groupes.privacy.models import AccessKind
from groupes.privacy.rights_log import person_label
from groupes.programmes.models import ProgrammeOrganiser


class MergeRefused(DomainError):
    """A merge that must not happen; the message says why, in French."""


# The strongest role first: a person member of a group twice keeps the stronger one.
ROLE_STRENGTH = [Role.FACILITATOR, Role.SECRETARY, Role.MEMBER, Role.OBSERVER]
# The most informative attendance first: « présent » says more than « invité ».
ATTENDANCE_INFORMATION = [
    AttendanceStatus.PRESENT,
    AttendanceStatus.REPRESENTED,
    AttendanceStatus.EXCUSED,
    AttendanceStatus.ABSENT,
    AttendanceStatus.INVITED,
]


def keep_survivors(column: sa.Column, survivor_id: int, duplicate_id: int) -> None:
    """Both have the same row (same programme…): the duplicate's copy goes."""
    db.session.execute(sa.delete(column.table).where(column == duplicate_id, has_twin(column, survivor_id)))


def has_twin(column: sa.Column, survivor_id: int) -> sa.Exists:
    """In SQL: the survivor has a row like this one (same values in the rest of the unique constraint)."""
    twin = column.table.alias("twin")
    same = (twin.c[c.name] == c for c in unique_partners(column))
    return sa.exists().where(twin.c[column.name] == survivor_id, *same)


def twins(model, key: str, column: str, survivor_id: int, duplicate_id: int) -> list[tuple]:
    """Pairs (survivor's row, duplicate's row) of ``model`` about the same ``key``."""
    mine = sa.orm.aliased(model)
    theirs = sa.orm.aliased(model)
    return db.session.execute(
        sa.select(mine, theirs)
        .join(theirs, getattr(mine, key) == getattr(theirs, key))
        .where(getattr(mine, column) == survivor_id, getattr(theirs, column) == duplicate_id)
    ).all()


def keep_stronger_role(column: sa.Column, survivor_id: int, duplicate_id: int) -> None:
    for mine, theirs in twins(Membership, "group_id", "person_id", survivor_id, duplicate_id):
        mine.role = min(mine.role, theirs.role, key=ROLE_STRENGTH.index)
        db.session.delete(theirs)
    db.session.flush()


def keep_more_informative_attendance(column: sa.Column, survivor_id: int, duplicate_id: int) -> None:
    """The whole row that says more is kept (status, signature, times), not a mix of both."""
    for mine, theirs in twins(Attendance, "meeting_id", "person_id", survivor_id, duplicate_id):
        rank = ATTENDANCE_INFORMATION.index
        if (rank(theirs.status), not theirs.signed) < (rank(mine.status), not mine.signed):
            for key in ("status", "represented_by", "signed", "arrived_at", "left_at"):
                setattr(mine, key, getattr(theirs, key))
        db.session.delete(theirs)
    db.session.flush()


def refuse_two_accounts(column: sa.Column, survivor_id: int, duplicate_id: int) -> None:
    """An account moves to a survivor without one. Two accounts are not merged: each has its
    password, and its own history (comments, readings, validations) is tied to it."""
    accounts = sa.select(sa.func.count()).where(User.person_id.in_([survivor_id, duplicate_id]))
    if db.session.scalar(accounts) == 2:
        raise MergeRefused(
            "Les deux personnes ont chacune un compte de connexion : une fusion n’en garderait qu’un, "
            "et l’autre perdrait son mot de passe et son historique (commentaires, relectures). "
            "Gardez les deux fiches, et désactivez dans « Comptes » le compte qui ne sert plus."
        )


@dataclass(frozen=True)
class Reference:
    label: str  # what the rows are, in French, for the confirmation page
    on_collision: Callable[[sa.Column, int, int], None] | None = None


REFERENCES: dict[tuple[str, str], Reference] = {
    ("persons", "organisation_id"): Reference("personnes de la structure"),
    ("programme_organisations", "organisation_id"): Reference("démarches dont elle est partenaire", keep_survivors),
    ("actions", "owner_organisation_id"): Reference("actions dont elle est responsable"),
    ("memberships", "person_id"): Reference("participations à des groupes de travail", keep_stronger_role),
    ("attendances", "person_id"): Reference("présences aux réunions", keep_more_informative_attendance),
    ("programme_organisers", "person_id"): Reference("démarches qu’elle organise", keep_survivors),
    ("actions", "owner_person_id"): Reference("actions dont elle est responsable"),
    ("users", "person_id"): Reference("compte de connexion", refuse_two_accounts),
}


def foreign_keys(model) -> list[sa.ForeignKey]:
    """Every foreign key of the schema that points at ``model``'s table."""
    target = model.__table__
    return [
        fk
        for table in db.metadata.sorted_tables
        for fk in sorted(table.foreign_keys, key=lambda fk: fk.parent.name)
        if fk.column.table is target
    ]


def unique_partners(column: sa.Column) -> list[sa.Column] | None:
    """The other columns of the unique constraint (or primary key) ``column`` belongs to;
    None when it is in none, so that any number of rows may point at the same record."""
    table = column.table
    groups = [list(c.columns) for c in table.constraints if isinstance(c, sa.UniqueConstraint)]
    groups += [list(i.columns) for i in table.indexes if i.unique]
    groups.append(list(table.primary_key.columns) if len(table.primary_key.columns) > 1 else [])
    if column.unique:
        groups.append([column])
    for columns in groups:
        if any(c is column for c in columns):
            return [c for c in columns if c is not column]
    return None


def unhandled(model) -> list[str]:
    """Foreign keys to ``model`` merging would not know how to move."""
    missing = []
    for fk in foreign_keys(model):
        reference = REFERENCES.get((fk.parent.table.name, fk.parent.name))
        if reference is None or (unique_partners(fk.parent) is not None and reference.on_collision is None):
            missing.append(f"{fk.parent.table.name}.{fk.parent.name}")
    return missing


@dataclass
class Move:
    label: str
    rows: int  # rows of the duplicate that move (or merge with the survivor's)
    shared: int = 0  # of which the survivor already has one of its own


@dataclass
class Plan:
    """What merging ``duplicate`` into ``survivor`` will do, shown before it is done."""

    survivor: Organisation | Person
    duplicate: Organisation | Person
    moves: list[Move] = field(default_factory=list)
    filled: list[str] = field(default_factory=list)  # survivor's empty fields taken from the duplicate
    notes: list[str] = field(default_factory=list)


# Fields of the survivor filled from the duplicate when empty, with their French labels.
FILLED = {
    Organisation: {
        "acronym": "sigle",
        "kind": "type",
        "territory": "territoire",
        "missions": "missions",
        "email": "adresse e-mail de contact",
        "phone": "téléphone",
        "website": "site internet",
        "address": "adresse postale",
    },
    Person: {"email": "adresse e-mail", "function": "fonction", "organisation_id": "structure"},
}


def plan_merge(model, duplicate_id: int, survivor_id) -> Plan:
    """Check a merge and count what it moves; ``MergeRefused`` says why it may not happen."""
    if missing := unhandled(model):
        raise RuntimeError(f"merging does not know how to move {', '.join(missing)}")
    what = "structure" if model is Organisation else "personne"
    if isinstance(survivor_id, str):
        survivor_id = int(survivor_id) if survivor_id.strip().isdecimal() else None
    if not survivor_id or not 0 < survivor_id < 2**31:
        raise MergeRefused(f"Choisissez la {what} à garder.")
    if survivor_id == duplicate_id:
        raise MergeRefused(f"Une {what} ne peut pas être fusionnée avec elle-même.")
    duplicate, survivor = db.session.get(model, duplicate_id), db.session.get(model, survivor_id)
    if duplicate is None or survivor is None:
        raise MergeRefused(f"Cette {what} n’existe pas (ou plus) : rien n’a été fusionné.")
    if model is Person:
        refuse_two_accounts(User.__table__.c.person_id, survivor_id, duplicate_id)
    plan = Plan(survivor, duplicate)
    for fk in foreign_keys(model):
        column = fk.parent
        plan.moves += [move for move in [count_moves(column, plan)] if move.rows]
    plan.filled = [label for key, label in FILLED[model].items() if fills(plan, key)]
    if model is Person and duplicate.user is not None and survivor.email and survivor.email != duplicate.email:
        plan.notes.append(
            f"Le compte de connexion de « {duplicate.name} » passe à « {survivor.name} » : "
            f"il se connectera désormais avec l’adresse {survivor.email}."
        )
    return plan


def count_moves(column: sa.Column, plan: Plan) -> Move:
    """How many rows of the duplicate point here, and how many of them the survivor has too."""
    rows = sa.select(sa.func.count()).select_from(column.table).where(column == plan.duplicate.id)
    partners = unique_partners(column)
    shared = 0 if partners is None else db.session.scalar(rows.where(has_twin(column, plan.survivor.id)))
    return Move(REFERENCES[(column.table.name, column.name)].label, db.session.scalar(rows), shared)


def fills(plan: Plan, key: str) -> bool:
    return getattr(plan.survivor, key) in (None, "") and getattr(plan.duplicate, key) not in (None, "")


def log_rights_moved(plan: Plan) -> None:
    """Memberships, organiser roles and an account that move to the survivor give it rights:
    a change of rights, logged as one (the moves are made in SQL, which the session events of
    ``groupes/privacy/rights_log.py`` do not see), once per programme concerned."""
    if not isinstance(plan.duplicate, Person):
        return
    duplicate, survivor = plan.duplicate, plan.survivor
    groups = db.session.execute(
        sa.select(WorkingGroup.programme_id, WorkingGroup.number, WorkingGroup.title, Membership.role)
        .join(Membership, Membership.group_id == WorkingGroup.id)
        .where(Membership.person_id == duplicate.id)
    ).all()
    organised = db.session.scalars(
        sa.select(ProgrammeOrganiser.programme_id).where(ProgrammeOrganiser.person_id == duplicate.id)
    ).all()
    moved: dict[int | None, list[str]] = {}
    for programme_id, number, title, role in groups:
        moved.setdefault(programme_id, []).append(f"groupe {number} – {title} ({Role(role).label.lower()})")
    for programme_id in organised:
        moved.setdefault(programme_id, []).append("organisation de la démarche")
    if duplicate.user is not None:
        moved.setdefault(None, []).append("compte de connexion")
    whom = f"{person_label(duplicate.name, duplicate.id)} fusionnée dans {person_label(survivor.name, survivor.id)}"
    for programme_id, what in moved.items():
        record(
            AccessKind.RIGHTS,
            f"Fusion : {whom}",
            programme_id=programme_id,
            detail=f"droits transférés : {', '.join(what)}",
        )


def merge(plan: Plan) -> None:
    """Move every link of the duplicate to the survivor, fill the survivor's empty
    fields, delete the duplicate; in the session's transaction (the caller commits)."""
    survivor, duplicate = plan.survivor, plan.duplicate
    log_rights_moved(plan)
    table = type(survivor).__table__
    taken = {key: getattr(duplicate, key) for key in FILLED[type(survivor)] if fills(plan, key)}
    # The duplicate lets go of its unique values (an e-mail) before the survivor takes them.
    for key in taken:
        if table.c[key].unique:
            setattr(duplicate, key, None)
    db.session.flush()
    for fk in foreign_keys(type(survivor)):
        column = fk.parent
        reference = REFERENCES[(column.table.name, column.name)]
        if reference.on_collision is not None:
            reference.on_collision(column, survivor.id, duplicate.id)
        db.session.execute(sa.update(column.table).where(column == duplicate.id).values({column.name: survivor.id}))
    for key, value in taken.items():
        setattr(survivor, key, value)
    db.session.flush()
    # In SQL, not through the session: the session would detach the rows it
    # still believes are the duplicate's, though they are the survivor's now.
    db.session.execute(sa.delete(table).where(table.c.id == duplicate.id))
    db.session.expire_all()
