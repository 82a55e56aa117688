"""The live meeting over HTTP: captures in place (fragments, refusals that keep the text), the
point the meeting is at, the room's conditional refresh, the presentation view and the members'
follow view, never with a huis clos passage."""

import time
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
import sqlalchemy as sa
from flask import template_rendered
from world import csrf_token, marked_world, sign_in

from groupes.extensions import db
from groupes.groups.models import Membership
from groupes.meetings.models import AgendaItem
from groupes.minutes.models import MinutesSection, MinutesStatus
from groupes.outcomes.models import Action, Decision
from groupes.outcomes.recording import MAX_TEXT

FRAGMENT = {"X-Fragment": "1"}


def client_as(app, role):
    client = app.test_client()
    sign_in(client, role)
    return client


def post(client, url, data, headers=FRAGMENT):
    return client.post(url, data={**data, "csrf_token": csrf_token(client)}, headers=headers)


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def test_a_capture_from_the_script_answers_the_outcomes_in_place(app, world):
    item = world.draft.agenda_items[1]
    response = post(
        client_as(app, "secretary"),
        f"/reunions/{world.draft.id}/decisions",
        {"decision-text": "Élargir le groupe aux employeurs", "decision-agenda_item": str(item.id)},
    )
    assert response.status_code == 200
    html = text(response)
    assert html.lstrip().startswith("{#") is False and '<section id="releve"' in html
    assert "Élargir le groupe aux employeurs" in html and "<html" not in html
    decision = db.session.scalar(sa.select(Decision).where(Decision.text == "Élargir le groupe aux employeurs"))
    assert decision.meeting_id == world.draft.id and decision.agenda_item_id == item.id


def test_without_script_a_capture_still_posts_and_comes_back_to_the_room(app, world):
    response = post(
        client_as(app, "secretary"), f"/reunions/{world.draft.id}/actions", {"action-title": "Écrire"}, headers={}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/compte-rendu/rediger#actions")


def test_without_script_a_refused_capture_shows_the_room_with_the_error_next_to_the_text(app, world):
    response = post(
        client_as(app, "secretary"),
        f"/reunions/{world.draft.id}/elements",
        {"finding-kind": "piste", "finding-text": "é" * 5001},
        headers={},
    )
    html = text(response)
    assert response.status_code == 422 and "<h1>Compte-rendu en séance</h1>" in html
    assert '<details class="capture-toggle" id="saisie-finding" open>' in html
    assert 'id="finding-text-erreurs">5000 caractères au plus.' in html and "é" * 5001 in html


@pytest.mark.parametrize(
    ("typed", "message"),
    [("   ", "Ce champ est obligatoire"), ("x" * (MAX_TEXT + 1), f"{MAX_TEXT} caractères au plus.")],
)
def test_an_empty_or_too_long_capture_comes_back_with_its_error_and_text(app, world, typed, message):
    before = len(world.draft.decisions)
    response = post(client_as(app, "secretary"), f"/reunions/{world.draft.id}/decisions", {"decision-text": typed})
    html = text(response)
    assert response.status_code == 422 and 'data-capture="decision"' in html and "<html" not in html
    assert 'aria-invalid="true"' in html and typed.strip() in html
    assert message.split(" ")[0] in html
    db.session.expire_all()
    assert len(db.session.get(type(world.draft), world.draft.id).decisions) == before


def test_the_limit_is_stated_on_a_too_long_capture(app, world):
    response = post(
        client_as(app, "secretary"),
        f"/reunions/{world.draft.id}/elements",
        {"finding-kind": "piste", "finding-text": "é" * 5001},
    )
    assert response.status_code == 422 and "5000 caractères au plus." in text(response)


def test_a_capture_into_minutes_validated_meanwhile_is_refused_in_french_with_the_text(app, world):
    client = client_as(app, "secretary")
    world.draft.minutes.status = MinutesStatus.VALIDATED
    db.session.commit()
    response = post(client, f"/reunions/{world.draft.id}/actions", {"action-title": "Relancer la CAF"})
    html = text(response)
    assert response.status_code == 422 and "validé" in html and 'value="Relancer la CAF"' in html
    assert db.session.scalar(sa.select(Action).where(Action.title == "Relancer la CAF")) is None


def test_a_capture_from_someone_removed_from_the_group_is_refused(app, world):
    client = client_as(app, "secretary")
    db.session.execute(sa.delete(Membership).where(Membership.person_id == world.users["secretary"].person_id))
    db.session.commit()
    response = post(client, f"/reunions/{world.draft.id}/decisions", {"decision-text": "Trop tard"})
    assert response.status_code == 404
    assert db.session.scalar(sa.select(Decision).where(Decision.text == "Trop tard")) is None


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("decisions/{d}", {"text": "Pris ailleurs", "base_version": "1"}),
        ("decisions/{d}/supprimer", {"base_version": "1"}),
        ("actions/{a}", {"title": "Pris ailleurs", "base_version": "1"}),
        ("actions/{a}/supprimer", {"base_version": "1"}),
        ("elements/{f}/supprimer", {"base_version": "1"}),
    ],
)
@pytest.mark.parametrize("headers", [FRAGMENT, {}])
def test_another_meetings_outcomes_are_not_found(app, world, path, data, headers):
    other = world.in_review
    url = f"/reunions/{world.draft.id}/" + path.format(
        d=other.decisions[0].id, a=other.actions[0].id, f=other.findings[0].id
    )
    assert post(client_as(app, "secretary"), url, data, headers).status_code == 404
    db.session.expire_all()
    assert other.decisions[0].text == "Décision en relecture" and other.actions[0].title == "Action en relecture"
    assert len(other.findings) == 1


def test_an_outcome_is_corrected_and_removed_in_place(app, world):
    client = client_as(app, "secretary")
    decision_id = world.draft.decisions[0].id
    url = f"/reunions/{world.draft.id}/decisions/{decision_id}"
    response = post(client, url, {"text": "Décision reformulée", "base_version": "1"})
    assert response.status_code == 200 and "Décision reformulée" in text(response)
    stale = post(client, url, {"text": "Autre version", "base_version": "1"})
    assert stale.status_code == 409 and "rien n’a été écrasé" in text(stale) and "<html" not in text(stale)
    assert "<dd>Décision reformulée</dd>" in text(stale)
    removed = post(client, f"{url}/supprimer", {"base_version": "2"})
    assert removed.status_code == 200 and "Décision reformulée" not in text(removed)
    db.session.expire_all()
    assert db.session.scalar(sa.select(Decision).where(Decision.id == decision_id)) is None


def test_an_empty_correction_in_place_is_refused_in_french(app, world):
    action = world.draft.actions[0]
    response = post(
        client_as(app, "secretary"),
        f"/reunions/{world.draft.id}/actions/{action.id}",
        {"title": "", "base_version": "1"},
    )
    assert response.status_code == 422 and 'class="message message-error"' in text(response)
    db.session.refresh(action)
    assert action.title == "Action brouillon"


def test_the_facilitator_sets_the_point_and_every_editor_sees_it(app, world):
    item = world.draft.agenda_items[1]
    response = post(
        client_as(app, "facilitator"), f"/reunions/{world.draft.id}/salle/point", {"item": str(item.id)}, headers={}
    )
    assert response.status_code == 302
    db.session.refresh(world.draft)
    assert world.draft.live_item_id == item.id
    assert datetime.now(UTC) - world.draft.live_item_since < timedelta(minutes=1)
    room = text(client_as(app, "secretary").get(f"/reunions/{world.draft.id}/compte-rendu/rediger"))
    assert "On en est à" in room and f'data-item="{item.id}"' in room and 'data-planned="5"' in room
    # Captures go to the point the meeting is at.
    assert f'<option selected value="{item.id}">Divers</option>' in room


def test_only_the_facilitator_moves_the_meeting_on_and_only_to_its_points(app, world):
    secretary = post(
        client_as(app, "secretary"),
        f"/reunions/{world.draft.id}/salle/point",
        {"item": str(world.draft.agenda_items[0].id)},
    )
    assert secretary.status_code == 404
    facilitator = client_as(app, "facilitator")
    post(facilitator, f"/reunions/{world.draft.id}/salle/point", {"item": str(world.in_review.agenda_items[0].id)}, {})
    db.session.refresh(world.draft)
    assert world.draft.live_item_id is None


def test_the_room_refreshes_with_a_conditional_get(app, world):
    client = client_as(app, "secretary")
    url = f"/reunions/{world.draft.id}/salle/en-direct"
    first = client.get(url, headers=FRAGMENT)
    assert first.status_code == 200 and first.headers["ETag"] and "Décision brouillon" in text(first)
    for _ in range(2):  # the same answer, even a second later (its CSRF tokens are newer)
        assert client.get(url, headers={**FRAGMENT, "If-None-Match": first.headers["ETag"]}).status_code == 304
        time.sleep(1)
    post(client_as(app, "facilitator"), f"/reunions/{world.draft.id}/decisions", {"decision-text": "Nouvelle"})
    again = client.get(url, headers={**FRAGMENT, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and "Nouvelle" in text(again)


def open_follow(app, world):
    return post(client_as(app, "facilitator"), f"/reunions/{world.draft.id}/salle/suivi", {"open": "1"}, {})


def test_members_follow_only_while_invited(app, world):
    url = f"/reunions/{world.draft.id}/compte-rendu/suivre"
    member = client_as(app, "member")
    assert member.get(url).status_code == 404
    world.draft.ends_at = datetime.now(UTC) + timedelta(hours=2)
    db.session.commit()
    assert open_follow(app, world).status_code == 302
    db.session.refresh(world.draft)
    assert world.draft.followers_until == world.draft.ends_at.replace(microsecond=world.draft.ends_at.microsecond)
    page = member.get(url)
    assert page.status_code == 200 and "Notes du point brouillon." in text(page) and "Décision brouillon" in text(page)
    for role in ("observer", "outsider", "anonymous"):
        assert client_as(app, role).get(url).status_code in (404, 302)
    post(client_as(app, "facilitator"), f"/reunions/{world.draft.id}/salle/suivi", {"open": "0"}, {})
    assert member.get(url).status_code == 404


def test_following_ends_with_the_meeting(app, world):
    open_follow(app, world)  # the world's meeting ended long ago: open for an hour
    db.session.refresh(world.draft)
    assert world.draft.followers_until - datetime.now(UTC) <= timedelta(hours=1)
    member = client_as(app, "member")
    assert member.get(f"/reunions/{world.draft.id}/compte-rendu/suivre").status_code == 200
    world.draft.followers_until = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()
    assert member.get(f"/reunions/{world.draft.id}/compte-rendu/suivre").status_code == 404


@pytest.mark.parametrize("role", ["member", "facilitator"])
def test_projection_and_follow_view_never_carry_huis_clos(app, role):
    world, _, _ = marked_world()
    closed = next(i for i in world.draft.agenda_items if i.confidential)
    facilitator = client_as(app, "facilitator")
    open_follow(app, world)
    post(facilitator, f"/reunions/{world.draft.id}/salle/point", {"item": str(closed.id)}, {})
    client = client_as(app, role)
    pages = [f"/reunions/{world.draft.id}/compte-rendu/suivre"]
    if role == "facilitator":
        pages.append(f"/reunions/{world.draft.id}/salle/projection")
    for url in pages:
        for headers in ({}, FRAGMENT):
            html = text(client.get(url, headers=headers))
            assert "HUISCLOS" not in html, url
            assert "Point à huis clos" in html
    # Positive control: the draft is there for them.
    assert "BROUILLON-4-decision" in text(client.get(pages[0]))


def test_a_huis_clos_mark_set_during_the_meeting_takes_effect_at_once(app, world):
    facilitator = client_as(app, "facilitator")
    item = world.draft.agenda_items[0]
    decision = world.draft.decisions[0]
    decision.agenda_item = item
    db.session.commit()
    post(facilitator, f"/reunions/{world.draft.id}/salle/point", {"item": str(item.id)}, {})
    url = f"/reunions/{world.draft.id}/salle/projection"
    before = facilitator.get(url, headers=FRAGMENT)
    assert "Décision brouillon" in text(before) and "Ordre du jour de brouillon" in text(before)
    post(facilitator, f"/reunions/{world.draft.id}/huis-clos", {"part": f"d{decision.id}", "confidential": "1"}, {})
    after = facilitator.get(url, headers={**FRAGMENT, "If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and "Décision brouillon" not in text(after)


def test_the_projection_shows_the_point_in_big_type_with_its_decisions_and_actions(app, world):
    facilitator = client_as(app, "facilitator")
    item = world.draft.agenda_items[0]
    world.draft.actions[0].agenda_item = item
    db.session.commit()
    post(facilitator, f"/reunions/{world.draft.id}/salle/point", {"item": str(item.id)}, {})
    html = text(facilitator.get(f"/reunions/{world.draft.id}/salle/projection"))
    assert 'class="live-point-title">Ordre du jour de brouillon<' in html
    assert "Action brouillon" in html and 'data-planned="45"' in html
    # Projected on a screen: the meeting alone, without the site's navigation and footer.
    assert 'class="site-header"' not in html and 'class="site-footer"' not in html
    room = facilitator.get(f"/reunions/{world.draft.id}/compte-rendu/rediger")
    assert room.status_code == 200 and 'class="site-header"' in text(room)


def test_a_refused_move_answers_the_script_in_french(app, world):
    world.draft.minutes.status = MinutesStatus.VALIDATED
    db.session.commit()
    response = post(
        client_as(app, "facilitator"),
        f"/reunions/{world.draft.id}/salle/point",
        {"item": str(world.draft.agenda_items[0].id)},
    )
    assert response.status_code == 422 and "Le compte-rendu est validé" in text(response)
    db.session.refresh(world.draft)
    assert world.draft.live_item_id is None


def test_the_meeting_page_invites_members_while_they_may_follow(app, world):
    member = client_as(app, "member")
    assert "suivre le compte-rendu en direct" not in text(member.get(f"/reunions/{world.draft.id}"))
    open_follow(app, world)
    page = text(member.get(f"/reunions/{world.draft.id}"))
    assert f'href="/reunions/{world.draft.id}/compte-rendu/suivre">suivre le compte-rendu en direct' in page
    assert "suivre le compte-rendu en direct" not in text(client_as(app, "observer").get(f"/reunions/{world.draft.id}"))


def test_an_unchanged_room_is_answered_304_without_rendering_anything(app, world):
    client = client_as(app, "secretary")
    url = f"/reunions/{world.draft.id}/salle/en-direct"
    etag = client.get(url, headers=FRAGMENT).headers["ETag"]
    rendered = []
    with template_rendered.connected_to(lambda sender, template, context, **extra: rendered.append(template.name), app):
        assert client.get(url, headers={**FRAGMENT, "If-None-Match": etag}).status_code == 304
    assert rendered == []


def add_point(world):
    world.draft.agenda_items.append(AgendaItem(title="Ajouté en séance", position=9))


def add_section(world):
    world.draft.minutes.sections.append(MinutesSection(heading="Questions diverses", position=9))


def close_point(world):
    world.draft.agenda_items[0].confidential = True


def rename_point(world):
    world.draft.agenda_items[0].title = "Autre titre"


def correct_decision(world):
    world.draft.decisions[0].text, world.draft.decisions[0].version = "Corrigée", 2


def start_point(world):
    world.draft.live_item_id = world.draft.agenda_items[0].id


@pytest.mark.parametrize("change", [add_point, add_section, close_point, rename_point, correct_decision, start_point])
def test_the_room_is_answered_afresh_when_what_it_shows_changes(app, world, change):
    client = client_as(app, "secretary")
    url = f"/reunions/{world.draft.id}/salle/en-direct"
    etag = client.get(url, headers=FRAGMENT).headers["ETag"]
    change(world)
    db.session.commit()
    again = client.get(url, headers={**FRAGMENT, "If-None-Match": etag})
    assert again.status_code == 200 and again.headers["ETag"] != etag


def test_the_room_lists_its_parts_and_typing_in_one_renders_nothing_new(app, world):
    """The room's refresh names every part (the page announces one it does not show); a
    part's text is not the room's business: its change keeps the 304."""
    client = client_as(app, "secretary")
    url = f"/reunions/{world.draft.id}/salle/en-direct"
    first = client.get(url, headers=FRAGMENT)
    keys = " ".join(f"p{i.id}" for i in sorted(world.draft.agenda_items, key=lambda i: i.id))
    assert f'data-keys="{keys} ' in text(first)
    note = next(s for s in world.draft.minutes.sections if s.agenda_item_id)
    note.body, note.version = "Autre texte.", note.version + 1
    db.session.commit()
    assert client.get(url, headers={**FRAGMENT, "If-None-Match": first.headers["ETag"]}).status_code == 304
    add_section(world)
    db.session.commit()
    section = max(world.draft.minutes.sections, key=lambda s: s.id)
    assert f"s{section.id} " in text(client.get(url, headers=FRAGMENT))
