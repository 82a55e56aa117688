"""Capturing what a meeting decides: decisions, actions, findings, and following actions up.

Decisions, actions and findings are part of what members approve: every change of
them raises the minutes' ``outcomes_version``, so that an earlier « lu et approuvé »
shows as given on an earlier version. Every edit or removal names the version of the
row it started from; a stale one is refused with a ``StaleOutcome``, nothing overwritten.
Until validation editors change them; after it, only an action's follow-up changes.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from groupes.auth.models import User
from groupes.extensions import db
from groupes.groups.models import Membership, Organisation, Person, WorkingGroup
from groupes.meetings.models import Attendance, Meeting
from groupes.minutes.models import Minutes, MinutesStatus
from groupes.minutes.writing import MinutesError, ensure_editable
from groupes.outcomes.models import Action, ActionStatus, ActionUpdate, Decision, Finding, FindingKind
from groupes.site.dates import date_problem
from groupes.site.formatting import short_date
from groupes.site.timezone import PARIS

MAX_TEXT = 5_000


@dataclass
class StaleOutcome(Exception):
    """Someone changed or removed this decision, action or finding since the version the
    editor started from. ``theirs`` holds what is recorded now (label → text; empty when
    it was removed), so that the page can show it beside what the editor typed."""

    what: str  # « la décision 2 », « l'action « … » »
    theirs: dict[str, str]
    version: int
    removed: bool = False

    def __str__(self) -> str:
        if self.removed:
            return f"Une autre personne a retiré {self.what} entre-temps : rien n’a été enregistré."
        if not self.theirs:
            return (
                f"Une autre personne a enregistré un changement de {self.what} au même moment : "
                "rien n’a été écrasé ; rechargez la page pour le voir."
            )
        return (
            f"Une autre personne a enregistré un changement de {self.what} pendant votre correction : "
            "rien n’a été écrasé. Voici les deux versions."
        )


def _outcomes_changed(meeting: Meeting) -> None:
    """Raise the minutes' count of outcome changes, in one statement (not a read then a
    write: two changes at once both count). The statement also checks, on the row as it is
    now, that the minutes are not validated: a validation committed since the page's check
    of them makes the change fail whole (rolled back), instead of landing on frozen minutes."""
    raised = db.session.execute(
        sa.update(Minutes)
        .where(Minutes.id == meeting.minutes.id, Minutes.status != MinutesStatus.VALIDATED)
        .values(outcomes_version=Minutes.outcomes_version + 1)
        .execution_options(synchronize_session=False)
    )
    if raised.rowcount != 1:
        db.session.rollback()
        raise MinutesError(
            "text",
            "Le compte-rendu vient d’être validé : votre changement n’est pas enregistré (rouvrez-le avec un motif).",
        )
    db.session.expire(meeting.minutes, ["outcomes_version"])


def _check_version(row, base_version: int | None, what: str, theirs: dict[str, str]) -> None:
    if base_version is None or row.version != base_version:
        raise StaleOutcome(what, theirs, row.version)


def _flush_outcome_change(meeting: Meeting, what: str) -> None:
    """Flush the change with the raised count; a change of the same row that reached the
    database first makes this one fail whole."""
    try:
        db.session.flush()
        _outcomes_changed(meeting)
    except StaleDataError:
        db.session.rollback()
        raise StaleOutcome(what, {}, 0) from None


def decision_fields(decision: Decision) -> dict[str, str]:
    return {"Décision": decision.text}


def action_fields(action: Action) -> dict[str, str]:
    return {
        "Action": action.title,
        "Qui": action.owner_name or "",
        "Pour quand": short_date(action.due) if action.due else "",
        "Point de l’ordre du jour": action.agenda_item.title if action.agenda_item else "",
    }


def _text(value: str, field: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise MinutesError(field, f"{what} ne peut pas être vide.")
    if len(value) > MAX_TEXT:
        raise MinutesError(field, f"{what} dépasse {MAX_TEXT} caractères.")
    return value


def _agenda_item_id(meeting: Meeting, item_id: int | None) -> int | None:
    if item_id and not any(i.id == item_id for i in meeting.agenda_items):
        raise MinutesError("agenda_item", "Ce point n’appartient pas à l’ordre du jour de cette réunion.")
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
        db.session.flush()
        _outcomes_changed(meeting)
    except IntegrityError:  # another decision took that number meanwhile
        db.session.rollback()
        raise MinutesError(
            "text", "Une autre décision vient d’être ajoutée en même temps : ajoutez la vôtre à nouveau."
        ) from None
    return decision


def edit_decision(decision: Decision, *, text: str, base_version: int | None) -> None:
    ensure_editable(decision.meeting.minutes)
    what = f"la décision {decision.number}"
    _check_version(decision, base_version, what, decision_fields(decision))
    text = _text(text, "text", "Une décision")
    if text == decision.text:
        return
    decision.text = text
    decision.version += 1
    _flush_outcome_change(decision.meeting, what)


def delete_decision(decision: Decision, *, base_version: int | None) -> None:
    """Remove a decision; the following ones move up a number."""
    meeting = decision.meeting
    ensure_editable(meeting.minutes)
    _check_version(decision, base_version, f"la décision {decision.number}", decision_fields(decision))
    meeting.decisions.remove(decision)
    db.session.delete(decision)
    db.session.flush()
    # Two passes, through numbers no decision has, so that they stay unique at every step.
    remaining = sorted(meeting.decisions, key=lambda d: d.number)
    moved = {other.id for offset, other in enumerate(remaining, start=1) if other.number != offset}
    for offset, other in enumerate(remaining, start=1):
        other.number = 100_000 + offset
    db.session.flush()
    for offset, other in enumerate(remaining, start=1):
        other.number = offset
        if other.id in moved:  # its number is part of what an edit started from
            other.version += 1
    _flush_outcome_change(meeting, f"la décision {decision.number}")


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
        raise MinutesError("owner", f"Plusieurs personnes s’appellent « {name} » : précisez (nom et structure).")
    if people:
        return people[0], None
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.name == name))
    if organisation is None:
        if len(name) > 200:
            raise MinutesError("owner", "Le nom du responsable dépasse 200 caractères.")
        organisation = Organisation(name=name)
    return None, organisation


def _action_title(title: str) -> str:
    title = _text(title, "title", "Le titre d’une action")
    if len(title) > 500:
        raise MinutesError("title", "Le titre d’une action dépasse 500 caractères.")
    return title


def _due(meeting: Meeting, due: date | None) -> date | None:
    """An action is born in its meeting: a due date before it is a slip (often of the year),
    refused rather than recorded."""
    if due is not None and (problem := date_problem(due)):
        raise MinutesError("due", problem)
    day = meeting.starts_at.astimezone(PARIS).date()
    if due is not None and due < day:
        raise MinutesError(
            "due",
            f"L’échéance ({short_date(due)}) précède la réunion du {short_date(day)} où l’action est décidée : "
            "vérifiez la date (l’année, peut-être).",
        )
    return due


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
    title = _action_title(title)
    due = _due(meeting, due)
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
    db.session.flush()
    _outcomes_changed(meeting)
    return action


def edit_action(
    action: Action,
    *,
    title: str,
    owner: str,
    due: date | None,
    agenda_item_id: int | None,
    base_version: int | None,
    visible_groups: list[int] | None = None,
) -> bool:
    """Correct what was recorded (title, owner, due date, agenda item) until validation; its
    follow-up (status, notes) goes through ``follow_up``. Whether anything changed."""
    meeting = action.meeting
    ensure_editable(meeting.minutes)
    what = f"l’action « {action.title} »"
    _check_version(action, base_version, what, action_fields(action))
    title, due = _action_title(title), _due(meeting, due)
    person, organisation = resolve_owner(meeting, owner, visible_groups)
    item_id = _agenda_item_id(meeting, agenda_item_id)
    before = (action.title, action.owner_person, action.owner_organisation, action.due, action.agenda_item_id)
    if (title, person, organisation, due, item_id) == before:
        return False
    action.title, action.due, action.agenda_item_id = title, due, item_id
    action.owner_person, action.owner_organisation = person, organisation
    action.version += 1
    _flush_outcome_change(meeting, what)
    return True


def delete_action(action: Action, *, base_version: int | None) -> None:
    """Remove an action recorded by mistake, with its history, until validation."""
    meeting = action.meeting
    ensure_editable(meeting.minutes)
    what = f"l’action « {action.title} »"
    _check_version(action, base_version, what, action_fields(action))
    meeting.actions.remove(action)
    db.session.delete(action)
    _flush_outcome_change(meeting, what)


def follow_up(action: Action, *, status: str, note: str, user: User) -> ActionUpdate:
    """Change an action's status or add a note: each step is kept in its history.

    Actions are followed in the next meetings, so this works after validation too.
    """
    new_status = ActionStatus(status)
    note = (note or "").strip()
    if new_status == action.status and not note:
        raise MinutesError("note", "Rien à enregistrer : changez l’état ou écrivez une note.")
    if len(note) > MAX_TEXT:
        raise MinutesError("note", f"La note dépasse {MAX_TEXT} caractères.")
    update = ActionUpdate(status=new_status, note=note, author=user)
    action.updates.append(update)
    action.status = new_status
    db.session.flush()
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
    db.session.flush()
    _outcomes_changed(meeting)
    return finding


def delete_finding(finding: Finding, *, base_version: int | None) -> None:
    meeting = finding.meeting
    ensure_editable(meeting.minutes)
    what = f"l’élément « {finding.text[:60]} »"
    _check_version(finding, base_version, what, {finding.kind.label: finding.text})
    meeting.findings.remove(finding)
    db.session.delete(finding)
    _flush_outcome_change(meeting, what)
