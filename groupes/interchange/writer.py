"""Export to the ``groupes/1`` format: every key written, defaults included, except the huis
clos mark (``"confidential": true``), written only where set and only when an administrator
asks for huis clos passages."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from groupes.extensions import db
from groupes.groups.models import Membership, Person, WorkingGroup
from groupes.interchange.schema import CONFIDENTIAL, FORMAT, format_moment
from groupes.meetings.models import AgendaItem, Attendance, Meeting
from groupes.minutes.models import Minutes, MinutesSection
from groupes.outcomes.models import Action
from groupes.privacy.confidential import WITHHELD_PASSAGE, WITHHELD_POINT
from groupes.programmes.models import Programme, ProgrammeOrganiser


def programmes_query(programme_id: int | None = None) -> sa.Select:
    """Programmes with everything the format holds, in a fixed number of queries."""
    person = (joinedload(Person.organisation),)
    meeting = selectinload(Programme.groups).selectinload(WorkingGroup.meetings)
    query = (
        sa.select(Programme)
        .order_by(Programme.id)
        .options(
            selectinload(Programme.milestones),
            selectinload(Programme.organisations),
            selectinload(Programme.organisers).joinedload(ProgrammeOrganiser.person).options(*person),
            selectinload(Programme.groups)
            .selectinload(WorkingGroup.memberships)
            .joinedload(Membership.person)
            .options(*person),
            meeting.selectinload(Meeting.agenda_items),
            meeting.selectinload(Meeting.attendances).joinedload(Attendance.person).options(*person),
            meeting.selectinload(Meeting.minutes).selectinload(Minutes.sections),
            meeting.selectinload(Meeting.findings),
            meeting.selectinload(Meeting.decisions),
            meeting.selectinload(Meeting.actions).options(
                joinedload(Action.owner_person), joinedload(Action.owner_organisation)
            ),
        )
    )
    if programme_id is not None:
        query = query.where(Programme.id == programme_id)
    return query


def export_document(programme_id: int | None = None, *, confidential: bool = False) -> dict[str, Any]:
    """Everything the format holds. Huis clos passages are replaced by a mention and their
    decisions, actions and findings left out, unless ``confidential`` (an administrator asked):
    then they are written with ``"confidential": true``, which an import keeps."""
    programmes = db.session.scalars(programmes_query(programme_id)).all()
    return {"format": FORMAT, "programmes": [_programme(p, confidential) for p in programmes]}


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _organisation_name(person: Person) -> str | None:
    return person.organisation.name if person.organisation else None


def _programme(programme: Programme, confidential: bool) -> dict[str, Any]:
    organisations = {o.id: o for o in programme.organisations}
    people = [o.person for o in programme.organisers]
    for group in programme.groups:
        people += [m.person for m in group.memberships]
        for meeting in group.meetings:
            people += [a.person for a in meeting.attendances]
            organisations.update(
                {a.owner_organisation.id: a.owner_organisation for a in meeting.actions if a.owner_organisation}
            )
    organisations.update({p.organisation.id: p.organisation for p in people if p.organisation})
    return {
        "title": programme.title,
        "header": programme.header_lines,
        "description": programme.description,
        "milestones": [{"title": m.title, "date": m.date.isoformat(), "place": m.place} for m in programme.milestones],
        "organisers": [
            {
                "name": o.person.name,
                "email": o.person.email,
                "organisation": _organisation_name(o.person),
                "function": o.person.function,
            }
            for o in programme.organisers
        ],
        "organisations": [
            {"name": o.name, "acronym": o.acronym, "kind": o.kind, "territory": o.territory, "missions": o.missions}
            for _, o in sorted(organisations.items())
        ],
        "groups": [_group(g, confidential) for g in sorted(programme.groups, key=lambda g: g.id)],
    }


def _group(group: WorkingGroup, confidential: bool) -> dict[str, Any]:
    return {
        "number": group.number,
        "title": group.title,
        "theme": group.theme,
        "territory": group.territory,
        "facilitation": group.facilitation,
        "visibility": group.visibility.value,
        "members": [
            {
                "name": m.person.name,
                "email": m.person.email,
                "organisation": _organisation_name(m.person),
                "function": m.person.function,
                "role": m.role.value,
            }
            for m in group.memberships
        ],
        "meetings": [_meeting(m, confidential) for m in sorted(group.meetings, key=lambda m: m.id)],
    }


def _marked(record: dict[str, Any], marked: bool, confidential: bool) -> dict[str, Any]:
    """The record with its huis clos mark, written only when asked for and set."""
    if confidential and marked:
        record[CONFIDENTIAL] = True
    return record


def _meeting(meeting: Meeting, confidential: bool) -> dict[str, Any]:
    minutes = meeting.minutes
    notes = {item_id: s.body for item_id, s in minutes.item_notes.items()}

    def agenda(items: list[AgendaItem]) -> list[dict[str, Any]]:
        return [_agenda_item(item) for item in items]

    def _agenda_item(item: AgendaItem) -> dict[str, Any]:
        if item.is_confidential and not confidential:
            return {
                "title": WITHHELD_POINT,
                "duration_min": item.duration_min,
                "presenter": None,
                "notes": WITHHELD_PASSAGE if notes.get(item.id, "").strip() else "",
                "children": agenda(children_of.get(item.id, [])),
            }
        record = {
            "title": item.title,
            "duration_min": item.duration_min,
            "presenter": item.presenter,
            "notes": notes.get(item.id, ""),
            "children": agenda(children_of.get(item.id, [])),
        }
        return _marked(record, item.confidential, confidential)

    def section(s: MinutesSection) -> dict[str, Any]:
        if s.is_confidential and not confidential:
            return {"heading": "", "body": WITHHELD_PASSAGE}
        return _marked({"heading": s.heading, "body": s.body}, s.confidential, confidential)

    def shown(outcomes: list) -> list:
        return outcomes if confidential else [o for o in outcomes if not o.is_confidential]

    children_of: dict[int | None, list[AgendaItem]] = {}
    for item in meeting.agenda_items:  # ordered by position
        children_of.setdefault(item.parent_id, []).append(item)
    return {
        "starts_at": format_moment(meeting.starts_at),
        "ends_at": format_moment(meeting.ends_at) if meeting.ends_at else None,
        "title": meeting.title,
        "place": meeting.place,
        "status": meeting.status.value,
        "agenda": agenda(children_of.get(None, [])),
        "attendance": [
            {
                "name": a.person.name,
                "organisation": _organisation_name(a.person),
                "email": a.person.email,
                "status": a.status.value,
                "represented_by": a.represented_by,
            }
            for a in meeting.attendances
        ],
        "minutes": {
            "status": minutes.status.value,
            "sections": [section(s) for s in minutes.sections if s.agenda_item_id is None],
        },
        "findings": [
            _marked({"kind": f.kind.value, "text": f.text}, f.is_confidential, confidential)
            for f in shown(meeting.findings)
        ],
        "decisions": [_marked({"text": d.text}, d.is_confidential, confidential) for d in shown(meeting.decisions)],
        "actions": [
            _marked(
                {
                    "title": a.title,
                    "owner": a.owner_name,
                    "due": a.due.isoformat() if a.due else None,
                    "status": a.status.value,
                },
                a.is_confidential,
                confidential,
            )
            for a in shown(meeting.actions)
        ],
    }
