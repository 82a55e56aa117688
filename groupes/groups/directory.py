"""The directory (annuaire) that everyone may read: which organisation does what,
where, and in which groups and meetings it takes part.

Organisations are public; what they take part in is shown only as far as the
viewer may see it (``may``), so a members-only group never shows through the
directory. People are named to signed-in viewers only, and only those who take
part in a group the viewer may see (all of them for those who keep the directory).
"""

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from groupes.auth.permissions import Permission, managed, may, viewer
from groupes.extensions import db
from groupes.groups.models import Membership, Organisation, Person, WorkingGroup
from groupes.meetings.models import Attendance, AttendanceStatus, Meeting
from groupes.programmes.models import Programme, programme_organisations

# Attendance that shows an organisation took part in a meeting.
TOOK_PART = (AttendanceStatus.PRESENT, AttendanceStatus.REPRESENTED)


@dataclass
class Filters:
    territory: str = ""  # "" means every territory
    kind: str = ""
    text: str = ""
    ignored: list[str] = field(default_factory=list)

    def args(self) -> dict:
        values = {"territoire": self.territory, "type": self.kind, "q": self.text}
        return {k: v for k, v in values.items() if v}


@dataclass
class Choices:
    """The territories and kinds the directory holds: the only values a filter may take."""

    territories: list[str]
    kinds: list[str]


def filter_choices() -> Choices:
    rows = db.session.execute(sa.select(Organisation.territory, Organisation.kind).distinct()).all()
    return Choices(
        sorted({t for t, _ in rows if t}, key=str.casefold), sorted({k for _, k in rows if k}, key=str.casefold)
    )


def read_filters(args, choices: Choices) -> Filters:
    """Filters from the address; an unknown value falls back to « all » and says so."""
    f = Filters(text=args.get("q", "").strip()[:200])
    territory, kind = args.get("territoire", "").strip(), args.get("type", "").strip()
    if territory in choices.territories:
        f.territory = territory
    elif territory:
        f.ignored.append(f"Territoire « {territory[:60]} » inconnu : tous les territoires sont montrés.")
    if kind in choices.kinds:
        f.kind = kind
    elif kind:
        f.ignored.append(f"Type « {kind[:60]} » inconnu : tous les types de structure sont montrés.")
    return f


def organisations(f: Filters) -> list[Organisation]:
    query = sa.select(Organisation).order_by(sa.func.lower(Organisation.name))
    if f.territory:
        query = query.where(Organisation.territory == f.territory)
    if f.kind:
        query = query.where(Organisation.kind == f.kind)
    if f.text:
        words = f.text.lower()
        query = query.where(
            sa.or_(
                sa.func.lower(Organisation.name).contains(words, autoescape=True),
                sa.func.lower(Organisation.acronym).contains(words, autoescape=True),
            )
        )
    return list(db.session.scalars(query))


def visible_groups_by_organisation() -> dict[int, list[WorkingGroup]]:
    """For each organisation, the groups its people are members of that the viewer may see."""
    rows = db.session.execute(
        sa.select(Person.organisation_id, WorkingGroup)
        .join(Membership, Membership.group_id == WorkingGroup.id)
        .join(Person, Membership.person_id == Person.id)
        .where(Person.organisation_id.is_not(None))
        .distinct()
        .order_by(WorkingGroup.programme_id, WorkingGroup.number)
    ).all()
    groups: dict[int, list[WorkingGroup]] = {}
    for organisation_id, group in rows:
        if may(Permission.VIEW, group):
            groups.setdefault(organisation_id, []).append(group)
    return groups


@dataclass
class Participation:
    """A group the organisation takes part in, with its people there (if the viewer may know them)."""

    group: WorkingGroup
    memberships: list[Membership]


@dataclass
class Presence:
    """A meeting the organisation attended, with who was there for it."""

    meeting: Meeting
    attendances: list[Attendance]


@dataclass
class Profile:
    organisation: Organisation
    participations: list[Participation]
    partner_of: list[Programme]
    presences: list[Presence]
    people: list[Person] | None  # None: the viewer may not know who they are
    managed_ids: set[int] = field(default_factory=set)  # of them, those whose form and address the viewer has


def profile(organisation: Organisation) -> Profile:
    """What the current viewer may see of an organisation, in a fixed number of queries."""
    memberships = db.session.scalars(
        sa.select(Membership)
        .join(Person, Membership.person_id == Person.id)
        .where(Person.organisation_id == organisation.id)
        .options(joinedload(Membership.group).joinedload(WorkingGroup.programme), joinedload(Membership.person))
        .order_by(Person.name)
    ).all()
    participations: dict[int, Participation] = {}
    for membership in memberships:
        if may(Permission.VIEW, membership.group):
            participations.setdefault(membership.group_id, Participation(membership.group, [])).memberships.append(
                membership
            )
    partner_of = db.session.scalars(
        sa.select(Programme)
        .join(programme_organisations)
        .where(programme_organisations.c.organisation_id == organisation.id)
        .options(selectinload(Programme.groups))
        .order_by(Programme.title)
    ).all()
    attended = presences(organisation)
    return Profile(
        organisation,
        sorted(participations.values(), key=lambda p: (p.group.programme.title, p.group.number)),
        [programme for programme in partner_of if may(Permission.VIEW, programme)],
        attended,
        *people(organisation, memberships, attended),
    )


def presences(organisation: Organisation) -> list[Presence]:
    """Meetings its people attended (or were represented at), newest first, whose attendance the viewer may see."""
    attendances = db.session.scalars(
        sa.select(Attendance)
        .join(Person, Attendance.person_id == Person.id)
        .join(Meeting, Attendance.meeting_id == Meeting.id)
        .where(Person.organisation_id == organisation.id, Attendance.status.in_(TOOK_PART))
        .options(
            joinedload(Attendance.person),
            joinedload(Attendance.meeting).options(
                joinedload(Meeting.group).joinedload(WorkingGroup.programme), joinedload(Meeting.minutes)
            ),
        )
        .order_by(Meeting.starts_at.desc(), Meeting.id, Person.name)
    ).all()
    by_meeting: dict[int, Presence] = {}
    for attendance in attendances:
        if may(Permission.SEE_ATTENDANCE, attendance.meeting):
            by_meeting.setdefault(attendance.meeting_id, Presence(attendance.meeting, [])).attendances.append(
                attendance
            )
    return list(by_meeting.values())


def people(
    organisation: Organisation, memberships: list[Membership], shown: list[Presence]
) -> tuple[list[Person] | None, set[int]]:
    """Its people the viewer may know: members of groups they see, named at meetings whose attendance
    they see, or managed by them; and the ids of those they manage (whose address they may see)."""
    if not viewer().signed_in:
        return None, set()
    everyone = db.session.scalars(
        sa.select(Person).where(Person.organisation_id == organisation.id).order_by(Person.name)
    ).all()
    managed_ids = {person.id for person in managed(list(everyone))} if may(Permission.MANAGE_DIRECTORY) else set()
    seen = {m.person_id for m in memberships if may(Permission.VIEW, m.group)}
    seen |= {a.person_id for presence in shown for a in presence.attendances}
    return [person for person in everyone if person.id in seen | managed_ids], managed_ids
