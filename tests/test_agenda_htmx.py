"""The agenda editor sent by htmx: each act answers the editor's fragment (no page), errors come
back next to their fields with the text kept, deletions are confirmed, and the permission check
and CSRF apply as to plain forms."""

import json
from datetime import date, time

import pytest
from world import csrf_token, sign_in

from groupes.extensions import db
from groupes.meetings.agenda import AgendaError, add_item, place_item
from groupes.meetings.models import AgendaItem, Meeting
from groupes.meetings.planning import Slot, plan_meeting
from groupes.meetings.schedule import agenda_schedule

HTMX = {"HX-Request": "true"}


@pytest.fixture
def meeting(world):
    meeting = plan_meeting(world.private, Slot(date(2014, 6, 12), time(10), time(12)))
    db.session.commit()
    return meeting


def add(meeting, title, parent=None):
    item = add_item(meeting, title=title, duration=None, presenter="", parent_id=parent.id if parent else None)
    db.session.commit()
    return item


def outline(meeting) -> list[str]:
    db.session.expire_all()
    lines = []

    def walk(entries, depth):
        for entry in entries:
            lines.append("  " * depth + entry.item.title)
            walk(entry.children, depth + 1)

    walk(agenda_schedule(db.session.get(Meeting, meeting.id)), 0)
    return lines[2:]  # after the two standing items


@pytest.fixture
def editor(app, world):
    client = app.test_client()
    sign_in(client, "secretary")
    return client


def post(client, url, data, headers=HTMX):
    return client.post(url, data={**data, "csrf_token": csrf_token(client)}, headers=headers)


def test_adding_a_point_answers_the_editor_fragment_with_an_empty_form_and_the_focus_on_the_title(editor, meeting):
    response = post(editor, f"/reunions/{meeting.id}/ordre-du-jour", {"title": "Tour de table", "parent": "0"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html and html.lstrip().startswith('<div id="agenda-editor"')
    assert "<strong>Tour de table</strong>" in html
    assert 'data-focus="title"' in html
    assert 'id="title" maxlength="500" name="title" required type="text" value=""' in html
    assert '<div id="agenda-announce" data-hx-swap-oob="innerHTML">' in html
    assert "Point ajouté : « Tour de table »." in html
    assert outline(meeting) == ["Tour de table"]


def test_without_htmx_the_same_form_redirects_to_the_page(editor, meeting):
    response = post(editor, f"/reunions/{meeting.id}/ordre-du-jour", {"title": "Tour de table", "parent": "0"}, {})
    assert response.status_code == 302 and response.location.endswith("/ordre-du-jour#ordre-du-jour")


def test_a_bad_point_comes_back_as_the_fragment_with_its_messages_and_the_text_kept(editor, meeting):
    response = post(
        editor,
        f"/reunions/{meeting.id}/ordre-du-jour",
        {"title": "Point gardé", "duration": "une heure", "presenter": "Quelqu’un", "parent": "0"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" not in html
    assert "N’est pas un entier valide." in html
    assert 'value="Point gardé"' in html and 'value="Quelqu’un"' in html and 'value="une heure"' in html
    assert 'data-focus="duration"' in html
    assert "Le point n’a pas été enregistré : corrigez les champs signalés." in html
    assert outline(meeting) == []


def test_moving_answers_the_fragment_announces_the_new_place_and_keeps_the_focus_on_the_point(editor, meeting):
    add(meeting, "A")
    b = add(meeting, "B")
    response = post(editor, f"/reunions/{meeting.id}/ordre-du-jour/{b.id}/deplacer", {"direction": "up"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert "Point déplacé : « B » est maintenant le 3e point." in html
    assert f'data-focus="point-{b.id}-up point-{b.id}-down point-{b.id}-modifier"' in html
    assert outline(meeting) == ["B", "A"]
    response = post(editor, f"/reunions/{meeting.id}/ordre-du-jour/{b.id}/deplacer", {"direction": "indent"})
    assert "« B » est maintenant le 1er sous-point de « Suivi des actions »." in response.get_data(as_text=True)


def test_an_impossible_move_is_announced_as_an_error_and_changes_nothing(editor, meeting):
    first = meeting.agenda_items[0]
    response = post(editor, f"/reunions/{meeting.id}/ordre-du-jour/{first.id}/deplacer", {"direction": "up"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<p class="message message-error">Ce point est déjà le premier de son niveau.</p>' in html


def test_deleting_asks_first_then_deletes_and_moves_the_focus_to_the_next_point(editor, meeting):
    a = add(meeting, "A")
    add(meeting, "Sous A", parent=a)
    b = add(meeting, "B")
    url = f"/reunions/{meeting.id}/ordre-du-jour/{a.id}/supprimer"
    asked = post(editor, url, {}).get_data(as_text=True)
    assert "Supprimer le point « A » et son sous-point\u00a0?" in asked
    assert f'data-focus="point-{a.id}-confirmer"' in asked
    assert outline(meeting) == ["A", "  Sous A", "B"]
    done = post(editor, url, {"confirmed": "1"}).get_data(as_text=True)
    assert "Point supprimé : « A »." in done and f'data-focus="point-{b.id}-modifier"' in done
    assert outline(meeting) == ["B"]


def test_without_javascript_deleting_shows_the_question_in_the_page(editor, meeting):
    a = add(meeting, "A")
    response = post(editor, f"/reunions/{meeting.id}/ordre-du-jour/{a.id}/supprimer", {}, {})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in html and "Oui, supprimer" in html
    assert outline(meeting) == ["A"]


def test_keeping_a_point_brings_the_focus_back_to_its_delete_button(editor, meeting):
    a = add(meeting, "A")
    html = editor.get(f"/reunions/{meeting.id}/ordre-du-jour?retour=point-{a.id}-supprimer", headers=HTMX).get_data(
        as_text=True
    )
    assert f'data-focus="point-{a.id}-supprimer"' in html and "<html" not in html
    html = editor.get(f"/reunions/{meeting.id}/ordre-du-jour?retour=x%22onfocus", headers=HTMX).get_data(as_text=True)
    assert "data-focus" not in html


def test_editing_in_place_then_saving(editor, meeting):
    a = add(meeting, "A")
    url = f"/reunions/{meeting.id}/ordre-du-jour/{a.id}"
    html = editor.get(url, headers=HTMX).get_data(as_text=True)
    assert "<html" not in html and 'aria-label="Modifier le point « A »"' in html
    assert 'id="point-title"' in html and 'data-focus="point-title"' in html
    bad = post(editor, url, {"point-title": "", "point-presenter": "Gardée", "point-parent": "0", "inline": "1"})
    assert bad.status_code == 422 and "Ce champ est obligatoire." in bad.get_data(as_text=True)
    assert 'value="Gardée"' in bad.get_data(as_text=True)
    good = post(editor, url, {"point-title": "A renommé", "point-parent": "0", "inline": "1"})
    assert "Point enregistré : « A renommé »." in good.get_data(as_text=True)
    assert f'data-focus="point-{a.id}-modifier"' in good.get_data(as_text=True)
    assert outline(meeting) == ["A renommé"]


def test_a_dragged_point_is_placed_where_it_was_dropped(editor, meeting):
    a, b = add(meeting, "A"), add(meeting, "B")
    c = add(meeting, "C")
    response = post(editor, f"/reunions/{meeting.id}/ordre-du-jour/{c.id}/placer", {"parent": str(a.id), "index": "0"})
    assert "« C » est maintenant le 1er sous-point de « A »." in response.get_data(as_text=True)
    assert outline(meeting) == ["A", "  C", "B"]
    post(editor, f"/reunions/{meeting.id}/ordre-du-jour/{b.id}/placer", {"parent": "", "index": "2"})
    assert outline(meeting) == ["B", "A", "  C"]


def test_a_point_with_sub_points_cannot_be_dropped_under_another(world, meeting):
    a, b = add(meeting, "A"), add(meeting, "B")
    add(meeting, "Sous B", parent=b)
    with pytest.raises(AgendaError, match="a lui-même des sous-points"):
        place_item(db.session.get(AgendaItem, b.id), a.id, 0)
    db.session.rollback()
    assert outline(meeting) == ["A", "B", "  Sous B"]


@pytest.mark.parametrize("role", ["member", "outsider"])
def test_others_get_404_from_htmx_too(app, meeting, role):
    client = app.test_client()
    sign_in(client, role)
    a = add(meeting, "A")
    response = post(client, f"/reunions/{meeting.id}/ordre-du-jour/{a.id}/deplacer", {"direction": "up"})
    assert response.status_code == 404
    assert outline(meeting) == ["A"]


def test_an_expired_session_answers_401_to_htmx_instead_of_the_sign_in_page(app, meeting):
    client = app.test_client()
    response = post(client, f"/reunions/{meeting.id}/ordre-du-jour", {"title": "Perdu ?", "parent": "0"})
    assert response.status_code == 401 and json.loads(response.get_data(as_text=True)) == {"error": "login"}
    assert client.post(f"/reunions/{meeting.id}/ordre-du-jour", data={}).status_code in (302, 400)


def test_csrf_is_enforced_and_accepted_in_the_header(editor, meeting):
    url = f"/reunions/{meeting.id}/ordre-du-jour"
    refused = editor.post(url, data={"title": "Sans jeton", "parent": "0"}, headers=HTMX)
    assert refused.status_code == 400 and json.loads(refused.get_data(as_text=True)) == {"error": "csrf"}
    assert outline(meeting) == []
    accepted = editor.post(
        url, data={"title": "Jeton en en-tête", "parent": "0"}, headers={**HTMX, "X-CSRFToken": csrf_token(editor)}
    )
    assert accepted.status_code == 200 and outline(meeting) == ["Jeton en en-tête"]


def test_a_form_sent_by_htmx_after_signing_out_is_told_the_session_ended(app, meeting):
    client = app.test_client()
    sign_in(client, "secretary")
    token = csrf_token(client)
    client.post("/deconnexion", data={"csrf_token": token})
    response = client.post(
        f"/reunions/{meeting.id}/ordre-du-jour",
        data={"title": "Gardé", "parent": "0", "csrf_token": token},
        headers=HTMX,
    )
    assert response.status_code == 401 and json.loads(response.get_data(as_text=True)) == {"error": "login"}
    assert outline(meeting) == []
