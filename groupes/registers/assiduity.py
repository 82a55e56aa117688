"""Attendance statistics of a group: who came how often, and which organisations were there."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from groupes.auth.permissions import Permission, may
from groupes.dbtypes import utcnow
from groupes.extensions import db
from groupes.groups.models import Person, WorkingGroup
from groupes.meetings.models import Attendance, AttendanceStatus, Meeting, MeetingStatus

# Present, or represented by someone: the person's voice was in the room.
THERE = (AttendanceStatus.PRESENT, AttendanceStatus.REPRESENTED)


@dataclass
class PersonLine:
    person: Person
    counts: Counter = field(default_factory=Counter)

    @property
    def there(self) -> int:
        return sum(self.counts[s] for s in THERE)


@dataclass
class OrganisationLine:
    name: str
    people: set[int] = field(default_factory=set)
    meetings: set[int] = field(default_factory=set)  # meetings where one of its people was there


@dataclass
class Assiduity:
    meetings: list[Meeting]
    people: list[PersonLine]
    organisations: list[OrganisationLine]


def assiduity(group: WorkingGroup) -> Assiduity:
    """Over the group's meetings already held (not cancelled) whose attendance one may see."""
    meetings = db.session.scalars(
        sa.select(Meeting)
        .where(
            Meeting.group_id == group.id,
            Meeting.status != MeetingStatus.CANCELLED,
            Meeting.starts_at <= utcnow(),
        )
        .options(
            joinedload(Meeting.group),
            joinedload(Meeting.minutes),
            selectinload(Meeting.attendances).joinedload(Attendance.person).joinedload(Person.organisation),
        )
        .order_by(Meeting.starts_at)
    ).all()
    meetings = [m for m in meetings if may(Permission.SEE_ATTENDANCE, m)]
    people: dict[int, PersonLine] = {}
    organisations: dict[str, OrganisationLine] = defaultdict(lambda: OrganisationLine(""))
    for meeting in meetings:
        for attendance in meeting.attendances:
            line = people.setdefault(attendance.person_id, PersonLine(attendance.person))
            line.counts[attendance.status] += 1
            name = attendance.person.organisation.name if attendance.person.organisation else "Sans structure"
            organisation = organisations[name]
            organisation.name = name
            organisation.people.add(attendance.person_id)
            if attendance.status in THERE:
                organisation.meetings.add(meeting.id)
    return Assiduity(
        meetings=meetings,
        people=sorted(people.values(), key=lambda line: (-line.there, line.person.name)),
        organisations=sorted(organisations.values(), key=lambda o: (-len(o.meetings), o.name)),
    )
