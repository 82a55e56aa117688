"""Following an action (its status, a note) from the meeting page or the dashboard: with htmx the
form comes back in place, saying what was saved, or with its message next to the field and the
text kept; without, the page as before."""

import json

from world import csrf_token, signed_in

from groupes.extensions import db
from groupes.outcomes.models import Action, ActionStatus

HTMX = {"HX-Request": "true"}


def follow(client, action, data, headers=HTMX):
    return client.post(
        f"/actions/{action.id}/suivi", data={"next": "/", **data, "csrf_token": csrf_token(client)}, headers=headers
    )


def status_of(action) -> ActionStatus:
    db.session.expire_all()
    return db.session.get(Action, action.id).status


def test_a_status_changed_with_htmx_answers_the_form_in_place_with_what_was_saved(app, world):
    action = world.validated.actions[0]
    response = follow(signed_in(app, "member"), action, {"status": "in_progress"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith(f'<form method="post" action="/actions/{action.id}/suivi"')
    assert f'data-hx-post="/actions/{action.id}/suivi"' in html
    assert '<option selected value="in_progress">' in html
    assert f"Suivi enregistré : « {action.title} » est en cours." in html and "data-announce" in html
    assert status_of(action) == ActionStatus.IN_PROGRESS


def test_without_htmx_the_same_form_goes_back_to_the_page(app, world):
    action = world.validated.actions[0]
    response = follow(signed_in(app, "member"), action, {"status": "done"}, headers={})
    assert response.status_code == 302 and status_of(action) == ActionStatus.DONE


def test_nothing_to_save_comes_back_next_to_the_note_with_the_text_kept(app, world):
    action = world.validated.actions[0]
    client = signed_in(app, "member")
    response = follow(client, action, {"status": action.status.value, "note": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'<ul class="errors field-error" id="note-{action.id}-erreurs"><li>Rien à enregistrer' in html
    bad = follow(client, action, {"status": "fini", "note": "Ma note gardée"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "État inconnu : rien n’a été enregistré." in html
    assert "Ma note gardée" in html and 'aria-invalid="true"' in html
    assert status_of(action) == ActionStatus.OPEN


def test_others_get_404_and_csrf_is_enforced(app, world):
    action = world.validated.actions[0]
    assert follow(signed_in(app, "outsider"), action, {"status": "done"}).status_code == 404
    client = signed_in(app, "member")
    refused = client.post(f"/actions/{action.id}/suivi", data={"status": "done"}, headers=HTMX)
    assert refused.status_code == 400 and json.loads(refused.get_data(as_text=True)) == {"error": "csrf"}
    assert status_of(action) == ActionStatus.OPEN


def test_the_meeting_page_and_the_dashboard_carry_the_htmx_form(app, world):
    action = world.validated.actions[0]
    client = signed_in(app, "member")
    for url in [f"/reunions/{world.validated.id}", "/"]:
        html = client.get(url).get_data(as_text=True)
        assert f'data-hx-post="/actions/{action.id}/suivi" data-hx-target="this" data-hx-swap="outerHTML"' in html, url
