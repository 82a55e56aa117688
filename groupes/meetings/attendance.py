"""Attendance: who was invited, who came, who sent apologies or was represented."""

from collections import Counter
from datetime import time

import sqlalchemy as sa

from groupes.extensions import db
from groupes.groups.models import Organisation, Person, Role
from groupes.groups.people import member_ids
from groupes.mail.addresses import InvalidAddress, normalised_email
from groupes.meetings.models import Attendance, AttendanceStatus, Meeting
from groupes.meetings.planning import PlanningError, paris_moment
from groupes.site.timezone import PARIS


class AttendanceError(PlanningError):
    pass


def ensure_open(meeting: Meeting) -> None:
    """Once the minutes are validated, the list of who was there is part of them."""
    if meeting.is_frozen:
        raise AttendanceError(
            "name",
            "Le compte-rendu de cette réunion est validé : "
            "la liste de présence est figée (rouvrez-le pour la modifier).",
        )


def invite_members(meeting: Meeting) -> int:
    """Invite the members who are not on the list yet (observers are not invited)."""
    ensure_open(meeting)
    listed = {a.person_id for a in meeting.attendances}
    added = [
        Attendance(person_id=m.person_id)
        for m in meeting.group.memberships
        if m.role != Role.OBSERVER and m.person_id not in listed
    ]
    meeting.attendances.extend(added)
    db.session.flush()
    return len(added)


def add_guest(
    meeting: Meeting, *, name: str, organisation: str, email: str | None, visible_groups: list[int] | None = None
) -> Attendance:
    """Add someone by name and organisation, reusing the person and organisation if known.

    An address is matched only among the people of ``visible_groups`` (and this
    meeting's list): the form must not tell who is behind an address one may not see.
    """
    ensure_open(meeting)
    if email:
        try:
            email = normalised_email(email)
        except InvalidAddress as error:
            raise AttendanceError("email", str(error)) from None
    organisation_row = None
    if organisation:
        organisation_row = db.session.scalar(sa.select(Organisation).where(Organisation.name == organisation))
    person = None
    if email:
        person = db.session.scalar(sa.select(Person).where(Person.email == email))
        visible = visible_groups is None or (
            person is not None
            and (
                person.id in db.session.scalars(member_ids(visible_groups)).all()
                or any(a.person_id == person.id for a in meeting.attendances)
            )
        )
        if person is not None and not visible:
            raise AttendanceError(
                "email",
                "Cette adresse appartient à une personne d’un autre groupe : demandez à l’organisation de l’ajouter.",
            )
    if person is None:
        query = sa.select(Person).where(Person.name == name)
        query = query.where(
            Person.organisation_id == organisation_row.id if organisation_row else Person.organisation_id.is_(None)
        )
        person = db.session.scalars(query.order_by(Person.id)).first()
    if person is not None and any(a.person_id == person.id for a in meeting.attendances):
        raise AttendanceError("name", f"{person.name} figure déjà sur la liste de cette réunion.")
    if person is None:
        if organisation and organisation_row is None:
            organisation_row = Organisation(name=organisation)
        person = Person(name=name, organisation=organisation_row, email=email or None)
    attendance = Attendance(person=person, status=AttendanceStatus.INVITED)
    meeting.attendances.append(attendance)
    db.session.flush()
    return attendance


def record(
    attendance: Attendance,
    *,
    status: str,
    represented_by: str | None = None,
    arrived_at: time | None = None,
    left_at: time | None = None,
) -> None:
    """Set a person's presence; the representative and the times only make sense when they apply."""
    ensure_open(attendance.meeting)
    status = AttendanceStatus(status)
    if status == AttendanceStatus.REPRESENTED and not represented_by:
        raise AttendanceError("represented_by", "Indiquez qui représente la personne.")
    day = attendance.meeting.starts_at.astimezone(PARIS).date()
    arrived = paris_moment(day, arrived_at, "arrived_at") if arrived_at else None
    left = paris_moment(day, left_at, "left_at") if left_at else None
    if arrived and left and left <= arrived:
        raise AttendanceError("left_at", "Le départ doit venir après l’arrivée.")
    attendance.status = status
    attendance.represented_by = represented_by if status == AttendanceStatus.REPRESENTED else None
    present = status == AttendanceStatus.PRESENT
    attendance.arrived_at = arrived if present else None
    attendance.left_at = left if present else None
    db.session.flush()


def remove(attendance: Attendance) -> None:
    ensure_open(attendance.meeting)
    db.session.delete(attendance)
    db.session.flush()


def counts(meeting: Meeting) -> tuple[dict[AttendanceStatus, int], list[tuple[str, int]]]:
    """Numbers by status, and the present by organisation."""
    by_status = Counter(a.status for a in meeting.attendances)
    by_organisation = Counter(
        a.person.organisation.name if a.person.organisation else "Sans structure"
        for a in meeting.attendances
        if a.status == AttendanceStatus.PRESENT
    )
    return {status: by_status.get(status, 0) for status in AttendanceStatus}, sorted(by_organisation.items())
