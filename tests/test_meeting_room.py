"""The meeting room over HTTP: saves, conflicts, refusals that keep the text, the workflow's permissions."""

import json
import re

import pytest
import sqlalchemy as sa
from world import csrf_token, sign_in, validate_minutes

from groupes.extensions import db
from groupes.groups.models import Membership
from groupes.minutes.models import Minutes, MinutesSection, MinutesStatus
from groupes.minutes.writing import MAX_PART_LENGTH

JSON = {"Accept": "application/json"}


def writer(app, role="secretary"):
    client = app.test_client()
    sign_in(client, role)
    return client


def notes(meeting) -> MinutesSection:
    return db.session.scalar(
        sa.select(MinutesSection).where(MinutesSection.agenda_item_id == meeting.agenda_items[0].id)
    )


def post_part(client, meeting, body, base_version, headers=None, key=None):
    url = f"/reunions/{meeting.id}/compte-rendu/rediger"
    data = {
        "key": key or f"p{meeting.agenda_items[0].id}",
        "base_version": str(base_version),
        "body": body,
        "csrf_token": csrf_token(client, url),
    }
    return client.post(f"/reunions/{meeting.id}/compte-rendu/parties", data=data, headers=headers or {})


def test_the_room_shows_the_agenda_beside_the_text(app, world):
    html = writer(app).get(f"/reunions/{world.draft.id}/compte-rendu/rediger").get_data(as_text=True)
    assert 'nav class="room-agenda" aria-label="Ordre du jour"' in html
    assert "Notes du point brouillon." in html and 'name="base_version" value="1"' in html
    assert '<script src="/static/js/minutes.js" defer></script>' in html
    assert html.count("<h1>") == 1


def test_a_save_from_the_script_answers_json(app, world):
    response = post_part(writer(app), world.draft, "Notes reprises", 1, JSON)
    result = json.loads(response.get_data(as_text=True))
    assert response.status_code == 200 and result["ok"] and result["version"] == 2
    assert notes(world.draft).body == "Notes reprises"


def test_two_sessions_editing_the_same_part_keep_both_texts(app, world):
    secretary, facilitator = writer(app, "secretary"), writer(app, "facilitator")
    assert post_part(secretary, world.draft, "Version de la secrétaire", 1, JSON).status_code == 200
    response = post_part(facilitator, world.draft, "Version de l’animateur", 1, JSON)
    result = json.loads(response.get_data(as_text=True))
    assert response.status_code == 409 and result["error"] == "conflict"
    assert result["mine"] == "Version de l’animateur" and result["theirs"] == "Version de la secrétaire"
    assert result["by"] == "Secretary Test" and result["version"] == 2
    # Without script: a page with both texts and a form to save the merge.
    page = post_part(facilitator, world.draft, "Version de l’animateur", 1)
    html = page.get_data(as_text=True)
    assert page.status_code == 409 and "Deux versions du même texte" in html
    assert (
        "Version de la secrétaire" in html
        and "Version de l’animateur" in html
        and 'name="base_version" value="2"' in html
    )
    merged = post_part(facilitator, world.draft, "Les deux, fusionnées", 2, JSON)
    assert merged.status_code == 200 and notes(world.draft).body == "Les deux, fusionnées"


def test_a_huge_paste_is_refused_and_offered_back(app, world):
    huge = "Un très long collage. " * (MAX_PART_LENGTH // 20)
    response = post_part(writer(app), world.draft, huge, 1)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Texte non enregistré" in html
    assert f"{MAX_PART_LENGTH} caractères au plus." in html and huge[:2000] in html
    assert notes(world.draft).body == "Notes du point brouillon."


def test_a_save_after_validation_is_refused_and_offered_back(app, world):
    response = post_part(writer(app), world.validated, "Correction tardive", notes(world.validated).version)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Le compte-rendu est validé" in html and "Correction tardive" in html
    scripted = post_part(writer(app), world.validated, "Correction tardive", 1, JSON)
    assert scripted.status_code == 422 and "validé" in json.loads(scripted.get_data(as_text=True))["message"]


def test_a_writer_who_lost_the_right_to_edit_is_refused(app, world):
    client = writer(app, "secretary")
    url = f"/reunions/{world.draft.id}/compte-rendu/rediger"
    token = csrf_token(client, url)
    membership = db.session.scalar(
        sa.select(Membership).where(Membership.person_id == world.users["secretary"].person_id)
    )
    membership.role = "member"
    db.session.commit()
    data = {"key": f"p{world.draft.agenda_items[0].id}", "base_version": "1", "body": "Encore", "csrf_token": token}
    response = client.post(f"/reunions/{world.draft.id}/compte-rendu/parties", data=data, headers=JSON)
    assert response.status_code == 404 and json.loads(response.get_data(as_text=True))["error"] == "not_found"
    assert notes(world.draft).body == "Notes du point brouillon."


def test_an_expired_login_gets_an_answer_the_script_can_act_on(app, world):
    anonymous = app.test_client()
    response = anonymous.get(f"/reunions/{world.draft.id}/compte-rendu/jeton", headers=JSON)
    assert response.status_code == 401 and json.loads(response.get_data(as_text=True))["error"] == "login"
    stale = anonymous.post(f"/reunions/{world.draft.id}/compte-rendu/parties", data={"body": "x"}, headers=JSON)
    assert stale.status_code == 400 and json.loads(stale.get_data(as_text=True))["error"] == "csrf"
    fresh = writer(app).get(f"/reunions/{world.draft.id}/compte-rendu/jeton", headers=JSON)
    assert fresh.status_code == 200 and json.loads(fresh.get_data(as_text=True))["csrf_token"]


@pytest.mark.parametrize(
    "url, fields, message",
    [
        ("decisions", {"decision-text": "  "}, "Ce champ est obligatoire."),
        ("actions", {"action-title": "", "action-owner": "Member Test"}, "Ce champ est obligatoire."),
        ("actions", {"action-title": "Écrire", "action-due": "demain"}, "N’est pas une date valide."),
        ("elements", {"finding-kind": "idée", "finding-text": "x"}, "N’est pas un choix valide."),
    ],
)
def test_bad_captures_are_shown_again_without_writing(app, world, count, url, fields, message):
    from groupes.outcomes.models import Action, Decision, Finding

    client = writer(app)
    before = (count(Decision), count(Action), count(Finding))
    token = csrf_token(client, f"/reunions/{world.draft.id}/compte-rendu/rediger")
    response = client.post(f"/reunions/{world.draft.id}/{url}", data={**fields, "csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    for value in fields.values():
        if value.strip() and value != "idée":
            assert value in html  # what was typed is kept
    assert (count(Decision), count(Action), count(Finding)) == before


def test_only_facilitators_and_organisers_validate(app, world):
    for role, expected in (("secretary", 404), ("facilitator", 302)):
        client = writer(app, role)
        if expected == 404:
            token = csrf_token(client, f"/reunions/{world.in_review.id}/compte-rendu/rediger")
            response = client.post(f"/reunions/{world.in_review.id}/compte-rendu/valider", data={"csrf_token": token})
        else:
            response = validate_minutes(client, world.in_review.id)
        assert response.status_code == expected, role
    db.session.expire_all()
    minutes = db.session.scalar(sa.select(Minutes).where(Minutes.meeting_id == world.in_review.id))
    assert minutes.status == MinutesStatus.VALIDATED and minutes.validated_by.person.name == "Facilitator Test"


def test_reopening_needs_a_reason(app, world):
    client = writer(app, "facilitator")
    token = csrf_token(client, f"/reunions/{world.validated.id}/compte-rendu/rediger")
    response = client.post(
        f"/reunions/{world.validated.id}/compte-rendu/rouvrir",
        data={"reason": "", "csrf_token": token},
        follow_redirects=True,
    )
    assert "Ce champ est obligatoire." in response.get_data(as_text=True)
    db.session.expire_all()
    assert (
        db.session.scalar(sa.select(Minutes.status).where(Minutes.meeting_id == world.validated.id))
        == MinutesStatus.VALIDATED
    )


def test_an_owner_follows_up_their_action_and_the_history_shows(app, world):
    client = writer(app, "member")
    action = world.validated.actions[0]
    token = csrf_token(client, f"/reunions/{world.validated.id}")
    client.post(
        f"/actions/{action.id}/suivi", data={"status": "in_progress", "note": "Courrier envoyé", "csrf_token": token}
    )
    html = client.get(f"/reunions/{world.validated.id}").get_data(as_text=True)
    assert "en cours — Courrier envoyé (Member Test)" in html


def test_decisions_are_edited_until_validation(app, world):
    from groupes.outcomes.models import Decision

    client = writer(app)
    token = csrf_token(client, f"/reunions/{world.draft.id}/compte-rendu/rediger")
    decision = world.draft.decisions[0]
    client.post(
        f"/reunions/{world.draft.id}/decisions/{decision.id}",
        data={"text": "Décision reformulée", "base_version": "1", "csrf_token": token},
    )
    assert db.session.scalar(sa.select(Decision.text).where(Decision.id == decision.id)) == "Décision reformulée"
    emptied = client.post(
        f"/reunions/{world.draft.id}/decisions/{decision.id}",
        data={"text": " ", "base_version": "2", "csrf_token": token},
    )
    assert emptied.status_code == 422 and "Une décision ne peut pas être vide." in emptied.get_data(as_text=True)
    validated = world.validated.decisions[0]
    late = client.post(
        f"/reunions/{world.validated.id}/decisions/{validated.id}",
        data={"text": "Après coup", "base_version": "1", "csrf_token": token},
    )
    assert late.status_code == 422 and "Après coup" in late.get_data(as_text=True)
    assert db.session.scalar(sa.select(Decision.text).where(Decision.id == validated.id)) == "Décision validé"


def test_each_parts_editing_area_carries_its_key(app, world):
    """The contract for outside tests: ``data-part`` on the element holding the editable field
    (the text area without script; the editor, put in the same element, with it)."""
    html = writer(app).get(f"/reunions/{world.draft.id}/compte-rendu/rediger").get_data(as_text=True)
    keys = [f"p{item.id}" for item in world.draft.agenda_items] + [
        f"s{section.id}" for section in world.draft.minutes.free_sections
    ]
    for key in keys:
        area = re.search(rf'<div class="part-field" data-part="{key}">(.*?)</div>', html, re.S)
        assert area and f'<textarea id="texte-{key}" name="body"' in area.group(1)
    assert '<script src="/static/build/room.js" defer></script>' in html
