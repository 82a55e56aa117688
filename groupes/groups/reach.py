"""Which programmes people and organisations take part in: what decides who manages them.

A person takes part in a programme as a member of one of its groups, an
attendee of one of its meetings, one of its organisers, or the owner of an
action of one of its meetings. An organisation takes part through its people,
as a partner of the programme, or as the owner of an action.
``groupes/auth/permissions.py`` turns these links into the rules.
"""

from collections import defaultdict
from collections.abc import Iterable

import sqlalchemy as sa

from groupes.extensions import db
from groupes.groups.models import Membership, Person, WorkingGroup
from groupes.meetings.models import Attendance, Meeting
from groupes.outcomes.models import Action
from groupes.programmes.models import ProgrammeOrganiser, programme_organisations


def _person_links() -> sa.CompoundSelect:
    """(person id, programme id), once per link."""
    return sa.union_all(
        sa.select(Membership.person_id.label("owner"), WorkingGroup.programme_id.label("programme")).join(
            WorkingGroup, Membership.group_id == WorkingGroup.id
        ),
        sa.select(Attendance.person_id, WorkingGroup.programme_id)
        .join(Meeting, Attendance.meeting_id == Meeting.id)
        .join(WorkingGroup, Meeting.group_id == WorkingGroup.id),
        sa.select(ProgrammeOrganiser.person_id, ProgrammeOrganiser.programme_id),
        sa.select(Action.owner_person_id, WorkingGroup.programme_id)
        .join(Meeting, Action.meeting_id == Meeting.id)
        .join(WorkingGroup, Meeting.group_id == WorkingGroup.id)
        .where(Action.owner_person_id.is_not(None)),
    )


def _organisation_links() -> sa.CompoundSelect:
    """(organisation id, programme id), once per link."""
    people = _person_links().subquery()
    return sa.union_all(
        sa.select(Person.organisation_id.label("owner"), people.c.programme.label("programme"))
        .join(people, people.c.owner == Person.id)
        .where(Person.organisation_id.is_not(None)),
        sa.select(programme_organisations.c.organisation_id, programme_organisations.c.programme_id),
        sa.select(Action.owner_organisation_id, WorkingGroup.programme_id)
        .join(Meeting, Action.meeting_id == Meeting.id)
        .join(WorkingGroup, Meeting.group_id == WorkingGroup.id)
        .where(Action.owner_organisation_id.is_not(None)),
    )


def _programmes(links: sa.CompoundSelect, ids: Iterable[int] | None) -> dict[int, set[int]]:
    rows = links.subquery()
    query = sa.select(rows.c.owner, rows.c.programme).distinct()
    if ids is not None:
        query = query.where(rows.c.owner.in_(list(ids)))
    found: dict[int, set[int]] = defaultdict(set)
    for owner, programme in db.session.execute(query):
        found[owner].add(programme)
    return found


def programmes_of_people(person_ids: Iterable[int] | None = None) -> dict[int, set[int]]:
    """The programmes each person takes part in (all people when ``person_ids`` is None);
    people who take part in none are missing."""
    return _programmes(_person_links(), person_ids)


def programmes_of_organisations(organisation_ids: Iterable[int] | None = None) -> dict[int, set[int]]:
    """The programmes each organisation takes part in; those that take part in none are missing."""
    return _programmes(_organisation_links(), organisation_ids)
