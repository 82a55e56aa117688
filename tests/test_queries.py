"""Pages load what they show in a fixed number of queries, whatever the number of rows."""

from datetime import date, time

import pytest
import sqlalchemy as sa
from world import attach, build_world, counting, csrf_token, sign_in

from groupes.extensions import db
from groupes.groups.models import Membership, Organisation, Person, Role
from groupes.meetings.agenda import add_item
from groupes.meetings.attendance import invite_members, record
from groupes.meetings.planning import Slot, plan_meeting
from groupes.minutes.review import add_comment
from groupes.minutes.writing import save_part
from groupes.outcomes.models import Finding
from groupes.outcomes.recording import add_action, add_decision, add_finding
from groupes.programmes.models import SynthesisEntry
from groupes.site.page_cache import cache


def grow(world, size: int, start: int = 0) -> None:
    """Add members, meetings, agenda items, attendance, outcomes and documents to the private group
    (``start``: how many earlier calls added, so that names, days and versions follow on)."""
    group = world.private
    for n in range(start, start + size):
        organisation = Organisation(name=f"Structure {world.private.id}-{n}")
        db.session.add(
            Membership(group=group, person=Person(name=f"Membre {n}", organisation=organisation), role=Role.MEMBER)
        )
    db.session.commit()
    meetings = [plan_meeting(group, Slot(date(2015, 1, 1 + n), time(10), time(12))) for n in range(start, start + size)]
    invite_members(world.draft)  # the pages measured show the draft meeting: it grows too
    for n, meeting in enumerate([world.draft, *meetings], start=start):
        for i in range(3):
            add_item(meeting, title=f"Point {i}", duration=10, presenter="", parent_id=None)
        for attendance in meeting.attendances:
            record(attendance, status="present")
        add_decision(meeting, text=f"Décision {n}")
        add_action(
            meeting,
            title=f"Action {n}",
            owner=f"Membre {n}",
            due=None,
            agenda_item_id=None,
            user=world.users["secretary"],
        )
        add_finding(meeting, kind="piste", text=f"Piste {n}")
    for n in range(start, start + size):
        item = world.draft.agenda_items[n % len(world.draft.agenda_items)]
        uploader = list(world.users.values())[n % len(world.users)]  # each one loaded with the page
        attach(world.draft, f"Document {n}.pdf", agenda_item=item, user=uploader)
    minutes = world.draft.minutes
    for n in range(start, start + size):
        first = add_comment(
            minutes,
            user=world.users["member"],
            body=f"Remarque {n}",
            section_id=minutes.sections[0].id,
            quote=minutes.sections[0].body.split()[0],
        )
        add_comment(minutes, user=world.users["facilitator"], body=f"Réponse {n}", section_id=None, parent_id=first.id)
        save_part(
            minutes,
            key=f"s{minutes.sections[0].id}",
            base_version=n + 1,
            body=f"Version {n}",
            user=world.users["secretary"],
        )


PAGES = {
    "dashboard": lambda w: "/",
    "programme": lambda w: f"/programmes/{w.programme.id}",
    "group": lambda w: f"/groupes/{w.private.id}",
    "meeting": lambda w: f"/reunions/{w.draft.id}",
    "attendance": lambda w: f"/reunions/{w.draft.id}/presences",
    "agenda": lambda w: f"/reunions/{w.draft.id}/ordre-du-jour",
    "meeting room": lambda w: f"/reunions/{w.draft.id}/compte-rendu/rediger",
    "review": lambda w: f"/reunions/{w.draft.id}/compte-rendu/relecture",
    "versions": lambda w: f"/reunions/{w.draft.id}/compte-rendu/versions",
    "changes": lambda w: f"/reunions/{w.draft.id}/compte-rendu/modifications?de=1",
    "compte-rendu": lambda w: f"/reunions/{w.draft.id}/compte-rendu",
    "decisions": lambda w: "/decisions",
    "actions": lambda w: "/actions?etat=toutes",
    "attendance statistics": lambda w: f"/groupes/{w.private.id}/assiduite",
    "directory": lambda w: "/annuaire",
    "organisation": lambda w: f"/annuaire/structures/{w.users['secretary'].person.organisation_id}",
}


def queries_for(app, world, url, role="secretary") -> int:
    client = app.test_client()
    sign_in(client, role)
    client.get(url)  # a first visit may record a reading (one write, whatever the data)
    cache.clear()  # the page as rendered, not as kept (test_page_cache counts that way)
    with counting(app) as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


@pytest.mark.parametrize("page", PAGES)
def test_the_number_of_queries_does_not_grow_with_the_data(app, page):
    world = build_world()
    grow(world, 1)  # one of each: the pages then load everything the way they will with more
    small = queries_for(app, world, PAGES[page](world))
    grow(world, 6, start=1)
    large = queries_for(app, world, PAGES[page](world))
    assert large <= small, f"{page}: {small} queries with little data, {large} with more"
    assert small <= 30


def test_the_synthesis_workspace_runs_a_fixed_number_of_queries(app):
    """Findings, entries and their sources, whatever their number."""
    world = build_world()
    url = f"/programmes/{world.programme.id}/synthese"
    first = world.validated.findings[0]
    db.session.add(SynthesisEntry(programme=world.programme, kind=first.kind, text="Élément", sources=[first]))
    db.session.commit()
    small = queries_for(app, world, url, "organiser")
    grow(world, 6)
    findings = db.session.scalars(sa.select(Finding)).all()
    for n, finding in enumerate(findings):
        db.session.add(
            SynthesisEntry(programme=world.programme, kind=finding.kind, text=f"Élément {n}", sources=[finding])
        )
    db.session.commit()
    large = queries_for(app, world, url, "organiser")
    assert large <= small <= 30, (small, large)


def saving_queries(app, world, body: str) -> int:
    """The queries of one autosave of the notes of the draft's first point, as its secretary."""
    client = app.test_client()
    sign_in(client, "secretary")
    db.session.expire_all()
    item = min(world.draft.agenda_items, key=lambda i: i.id)
    section = next(s for s in world.draft.minutes.sections if s.agenda_item_id == item.id)
    data = {
        "key": f"p{item.id}",
        "base_version": str(section.version),
        "body": body,
        "csrf_token": csrf_token(client, f"/reunions/{world.draft.id}/compte-rendu/rediger"),
    }
    with counting(app) as statements:
        response = client.post(
            f"/reunions/{world.draft.id}/compte-rendu/parties", data=data, headers={"Accept": "application/json"}
        )
    assert response.status_code == 200 and response.json["ok"], response.get_data(as_text=True)
    return len(statements)


def test_an_autosave_runs_a_fixed_number_of_queries(app):
    """Saving a part reads what it needs, not everything the meeting's pages show; it rewrites
    the part's search row alone and answers with what it read before committing (22 statements
    before this, 11 then; 12 now: one more asks whether the part has a shared document that
    the room's open editors must be told of, see groupes/minutes/cowriting.py)."""
    world = build_world()
    small = saving_queries(app, world, "Premier texte.")
    grow(world, 6)
    large = saving_queries(app, world, "Second texte.")
    assert large <= small <= 12, (small, large)
