"""Capturing what a meeting decides: decisions, actions, findings, and following actions up."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from groupes.auth.models import User
from groupes.extensions import db
from groupes.groups.models import Membership, Organisation, Person, WorkingGroup
from groupes.meetings.models import Attendance, Meeting
from groupes.minutes.writing import MinutesError, ensure_editable
from groupes.outcomes.models import Action, ActionStatus, ActionUpdate, Decision, Finding, FindingKind
from groupes.site.dates import date_problem

MAX_TEXT = 5_000


def _text(value: str, field: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise MinutesError(field, f"{what} ne peut pas être vide.")
    if len(value) > MAX_TEXT:
        raise MinutesError(field, f"{what} dépasse {MAX_TEXT} caractères.")
    return value


def _agenda_item_id(meeting: Meeting, item_id: int | None) -> int | None:
    if item_id and not any(i.id == item_id for i in meeting.agenda_items):
        raise MinutesError("agenda_item", "Ce point n'appartient pas à l'ordre du jour de cette réunion.")
    return item_id or None


def add_decision(meeting: Meeting, *, text: str, agenda_item_id: int | None = None) -> Decision:
    """Decisions are numbered in the order they are taken."""
    ensure_editable(meeting.minutes)
    decision = Decision(
        text=_text(text, "text", "Une décision"),
        agenda_item_id=_agenda_item_id(meeting, agenda_item_id),
        number=max((d.number for d in meeting.decisions), default=0) + 1,
    )
    meeting.decisions.append(decision)
    try:
        db.session.commit()
    except IntegrityError:  # another decision took that number meanwhile
        db.session.rollback()
        raise MinutesError(
            "text", "Une autre décision vient d'être ajoutée en même temps : ajoutez la vôtre à nouveau."
        ) from None
    return decision


def edit_decision(decision: Decision, *, text: str) -> None:
    ensure_editable(decision.meeting.minutes)
    decision.text = _text(text, "text", "Une décision")
    db.session.commit()


def delete_decision(decision: Decision) -> None:
    """Remove a decision; the following ones move up a number."""
    meeting = decision.meeting
    ensure_editable(meeting.minutes)
    meeting.decisions.remove(decision)
    db.session.delete(decision)
    db.session.flush()
    # Two passes, through numbers no decision has, so that they stay unique at every step.
    remaining = sorted(meeting.decisions, key=lambda d: d.number)
    for offset, other in enumerate(remaining, start=1):
        other.number = 100_000 + offset
    db.session.flush()
    for offset, other in enumerate(remaining, start=1):
        other.number = offset
    db.session.commit()


def resolve_owner(
    meeting: Meeting, name: str, visible_groups: list[int] | None = None
) -> tuple[Person | None, Organisation | None]:
    """A person with that name in the groups one may see (or on this meeting's list),
    otherwise an organisation."""
    name = (name or "").strip()
    if not name:
        return None, None
    if visible_groups is None:
        visible_groups = list(
            db.session.scalars(
                sa.select(WorkingGroup.id).where(WorkingGroup.programme_id == meeting.group.programme_id)
            )
        )
    people = db.session.scalars(
        sa.select(Person)
        .where(Person.name == name)
        .where(
            Person.id.in_(
                sa.select(Membership.person_id)
                .where(Membership.group_id.in_(visible_groups))
                .union(sa.select(Attendance.person_id).where(Attendance.meeting_id == meeting.id))
            )
        )
    ).all()
    if len(people) > 1:
        raise MinutesError("owner", f"Plusieurs personnes s'appellent « {name} » : précisez (nom et structure).")
    if people:
        return people[0], None
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.name == name))
    if organisation is None:
        if len(name) > 200:
            raise MinutesError("owner", "Le nom du responsable dépasse 200 caractères.")
        organisation = Organisation(name=name)
    return None, organisation


def add_action(
    meeting: Meeting,
    *,
    title: str,
    owner: str,
    due: date | None,
    agenda_item_id: int | None,
    user: User,
    visible_groups: list[int] | None = None,
) -> Action:
    ensure_editable(meeting.minutes)
    title = _text(title, "title", "Le titre d'une action")
    if len(title) > 500:
        raise MinutesError("title", "Le titre d'une action dépasse 500 caractères.")
    if due is not None and (problem := date_problem(due)):
        raise MinutesError("due", problem)
    person, organisation = resolve_owner(meeting, owner, visible_groups)
    action = Action(
        title=title,
        owner_person=person,
        owner_organisation=organisation,
        due=due,
        agenda_item_id=_agenda_item_id(meeting, agenda_item_id),
    )
    action.updates.append(ActionUpdate(status=ActionStatus.OPEN, note="Action décidée en réunion.", author=user))
    meeting.actions.append(action)
    db.session.commit()
    return action


def follow_up(action: Action, *, status: str, note: str, user: User) -> ActionUpdate:
    """Change an action's status or add a note: each step is kept in its history.

    Actions are followed in the next meetings, so this works after validation too.
    """
    new_status = ActionStatus(status)
    note = (note or "").strip()
    if new_status == action.status and not note:
        raise MinutesError("note", "Rien à enregistrer : changez l'état ou écrivez une note.")
    if len(note) > MAX_TEXT:
        raise MinutesError("note", f"La note dépasse {MAX_TEXT} caractères.")
    update = ActionUpdate(status=new_status, note=note, author=user)
    action.updates.append(update)
    action.status = new_status
    db.session.commit()
    return update


def add_finding(meeting: Meeting, *, kind: str, text: str, agenda_item_id: int | None = None) -> Finding:
    ensure_editable(meeting.minutes)
    finding = Finding(
        kind=FindingKind(kind),
        text=_text(text, "text", "Un élément de synthèse"),
        agenda_item_id=_agenda_item_id(meeting, agenda_item_id),
        position=max((f.position for f in meeting.findings), default=-1) + 1,
    )
    meeting.findings.append(finding)
    db.session.commit()
    return finding


def delete_finding(finding: Finding) -> None:
    ensure_editable(finding.meeting.minutes)
    finding.meeting.findings.remove(finding)
    db.session.delete(finding)
    db.session.commit()
