"""Decisions, actions and findings: part of what members approve, edited with a version check,
actions corrected and removed until validation."""

import pytest
import sqlalchemy as sa
from world import csrf_token, sign_in

from groupes.extensions import db
from groupes.minutes.models import Minutes, MinutesReader
from groupes.outcomes.models import Action, ActionUpdate, Decision, Finding


def client_of(app, role):
    client = app.test_client()
    sign_in(client, role)
    return client


def room(meeting) -> str:
    return f"/reunions/{meeting.id}/compte-rendu/rediger"


def post(client, url, data, token_page):
    return client.post(url, data=data | {"csrf_token": csrf_token(client, token_page)})


def outcomes_version(meeting) -> int:
    return db.session.scalar(sa.select(Minutes.outcomes_version).where(Minutes.meeting_id == meeting.id))


def review(client, meeting) -> str:
    return client.get(f"/reunions/{meeting.id}/compte-rendu/relecture").get_data(as_text=True)


def approve(client, meeting, **shown):
    url = f"/reunions/{meeting.id}/compte-rendu/approuver"
    return post(client, url, shown, f"/reunions/{meeting.id}/compte-rendu/relecture")


@pytest.mark.parametrize(
    "change",
    [
        lambda m: (f"/reunions/{m.id}/decisions", {"decision-text": "Une décision de plus"}),
        lambda m: (
            f"/reunions/{m.id}/actions/{m.actions[0].id}",
            {"title": "Action reformulée", "owner": "CAF du Cher", "base_version": "1"},
        ),
        lambda m: (f"/reunions/{m.id}/elements/{m.findings[0].id}/supprimer", {"base_version": "1"}),
    ],
    ids=["decision added", "action edited", "finding removed"],
)
def test_an_approval_is_of_the_outcomes_too(app, world, change):
    meeting = world.in_review
    member = client_of(app, "member")
    assert "Lu et approuvé</button>" in review(member, meeting)
    assert approve(member, meeting).status_code == 302
    assert "Vous avez approuvé le texte tel qu’il est." in review(member, meeting)
    url, data = change(meeting)
    secretary = client_of(app, "secretary")
    assert post(secretary, url, data, room(meeting)).status_code == 302
    html = review(client_of(app, "facilitator"), meeting)
    assert "Member Test — " in html and "(le texte a changé depuis)" in html
    html = review(member, meeting)
    assert "Vous aviez approuvé une version antérieure" in html and "Approuver le texte actuel" in html


def test_an_approval_sent_from_a_page_read_before_a_change_is_refused(app, world):
    meeting = world.in_review
    member = client_of(app, "member")
    page = review(member, meeting)
    assert 'name="outcomes_version" value="0"' in page
    secretary = client_of(app, "secretary")
    post(secretary, f"/reunions/{meeting.id}/decisions", {"decision-text": "Ajoutée pendant la lecture"}, room(meeting))
    response = approve(member, meeting, revision="0", outcomes_version="0")
    landing = member.get(response.headers["Location"]).get_data(as_text=True)
    assert "a changé pendant votre lecture : relisez-le avant de l’approuver" in landing
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(MinutesReader).where(MinutesReader.approved_revision.is_not(None))
        )
        == 0
    )
    assert approve(member, meeting, revision="0", outcomes_version="1").status_code == 302
    assert "Vous avez approuvé le texte tel qu’il est." in review(member, meeting)


def test_a_stale_decision_edit_shows_both_texts_and_overwrites_nothing(app, world):
    meeting, decision = world.draft, world.draft.decisions[0]
    html = client_of(app, "facilitator").get(room(meeting)).get_data(as_text=True)
    assert 'name="base_version" value="1"' in html
    url = f"/reunions/{meeting.id}/decisions/{decision.id}"
    first, second = client_of(app, "facilitator"), client_of(app, "secretary")
    assert post(first, url, {"text": "Version de l’animatrice", "base_version": "1"}, room(meeting)).status_code == 302
    late = post(second, url, {"text": "Version du secrétaire", "base_version": "1"}, room(meeting))
    page = late.get_data(as_text=True)
    assert late.status_code == 409 and "rien n’a été écrasé" in page
    assert "Version de l’animatrice" in page and "Version du secrétaire" in page
    assert 'name="base_version" value="2"' in page
    db.session.expire_all()
    assert db.session.get(Decision, decision.id).text == "Version de l’animatrice"
    # Sent again from that page, knowing the other text, it is saved.
    assert post(second, url, {"text": "Fusion des deux", "base_version": "2"}, room(meeting)).status_code == 302
    db.session.expire_all()
    assert db.session.get(Decision, decision.id).text == "Fusion des deux"


def test_removing_what_changed_meanwhile_is_refused_and_editing_what_was_removed_keeps_the_text(app, world):
    meeting, decision = world.draft, world.draft.decisions[0]
    client = client_of(app, "secretary")
    post(
        client, f"/reunions/{meeting.id}/decisions/{decision.id}", {"text": "Revue", "base_version": "1"}, room(meeting)
    )
    stale = post(
        client, f"/reunions/{meeting.id}/decisions/{decision.id}/supprimer", {"base_version": "1"}, room(meeting)
    )
    assert stale.status_code == 409 and "Revue" in stale.get_data(as_text=True)
    assert db.session.get(Decision, decision.id) is not None
    post(client, f"/reunions/{meeting.id}/decisions/{decision.id}/supprimer", {"base_version": "2"}, room(meeting))
    gone = post(
        client,
        f"/reunions/{meeting.id}/decisions/{decision.id}",
        {"text": "Mon texte", "base_version": "2"},
        room(meeting),
    )
    html = gone.get_data(as_text=True)
    assert gone.status_code == 409 and "a retiré cette décision entre-temps" in html and "Mon texte" in html


def test_actions_are_corrected_and_removed_until_validation(app, world):
    meeting, action = world.draft, world.draft.actions[0]
    client = client_of(app, "secretary")
    html = client.get(room(meeting)).get_data(as_text=True)
    assert f'action="/reunions/{meeting.id}/actions/{action.id}"' in html
    assert f'action="/reunions/{meeting.id}/actions/{action.id}/supprimer"' in html
    before = outcomes_version(meeting)
    item = meeting.agenda_items[1]
    response = post(
        client,
        f"/reunions/{meeting.id}/actions/{action.id}",
        {
            "title": "Écrire au Conseil départemental",
            "owner": "Secretary Test",
            "due": "2014-06-30",
            "agenda_item": str(item.id),
            "base_version": "1",
        },
        room(meeting),
    )
    assert response.status_code == 302
    db.session.expire_all()
    action = db.session.get(Action, action.id)
    assert (action.title, action.owner_name, action.due.isoformat(), action.agenda_item_id, action.version) == (
        "Écrire au Conseil départemental",
        "Secretary Test",
        "2014-06-30",
        item.id,
        2,
    )
    assert outcomes_version(meeting) == before + 1
    post(client, f"/reunions/{meeting.id}/actions/{action.id}/supprimer", {"base_version": "2"}, room(meeting))
    assert not db.session.scalar(sa.select(sa.func.count()).select_from(Action).where(Action.id == action.id))
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(ActionUpdate).where(ActionUpdate.action_id == action.id)
        )
        == 0
    )


def test_a_stale_action_edit_shows_both_versions(app, world):
    meeting, action = world.draft, world.draft.actions[0]
    url = f"/reunions/{meeting.id}/actions/{action.id}"
    first, second = client_of(app, "facilitator"), client_of(app, "secretary")
    post(first, url, {"title": "Titre de l’une", "owner": "", "base_version": "1"}, room(meeting))
    late = post(second, url, {"title": "Titre de l’autre", "owner": "CAF du Cher", "base_version": "1"}, room(meeting))
    html = late.get_data(as_text=True)
    assert late.status_code == 409 and "Titre de l’une" in html and 'value="Titre de l’autre"' in html
    db.session.expire_all()
    assert db.session.get(Action, action.id).title == "Titre de l’une"


def test_after_validation_only_the_follow_up_of_an_action_changes(app, world):
    meeting, action = world.validated, world.validated.actions[0]
    client = client_of(app, "facilitator")
    html = client.get(room(meeting)).get_data(as_text=True)
    assert f'action="/reunions/{meeting.id}/actions/{action.id}"' not in html
    edited = post(
        client,
        f"/reunions/{meeting.id}/actions/{action.id}",
        {"title": "Après coup", "base_version": "1"},
        room(meeting),
    )
    assert edited.status_code == 422 and "Après coup" in edited.get_data(as_text=True)
    removed = post(
        client, f"/reunions/{meeting.id}/actions/{action.id}/supprimer", {"base_version": "1"}, room(meeting)
    )
    landing = client.get(removed.headers["Location"]).get_data(as_text=True)
    assert "Le compte-rendu est validé" in landing
    db.session.expire_all()
    assert db.session.get(Action, action.id).title == "Action validé"
    followed = post(
        client, f"/actions/{action.id}/suivi", {"status": "done", "note": "Fait"}, f"/reunions/{meeting.id}"
    )
    assert followed.status_code == 302
    db.session.expire_all()
    assert db.session.get(Action, action.id).status.value == "done"


def test_a_due_date_before_the_meeting_is_refused(app, world, count):
    meeting, action = world.draft, world.draft.actions[0]  # the meeting is on 17 March 2014
    client = client_of(app, "secretary")
    actions = count(Action)
    added = post(
        client,
        f"/reunions/{meeting.id}/actions",
        {"action-title": "Relancer", "action-due": "2013-04-01"},
        room(meeting),
    )
    html = added.get_data(as_text=True)
    assert added.status_code == 422
    assert "L’échéance (1er avril 2013) précède la réunion du 17 mars 2014" in html.replace("&#39;", "’").replace(
        "'", "’"
    )
    assert 'value="Relancer"' in html and count(Action) == actions
    edited = post(
        client,
        f"/reunions/{meeting.id}/actions/{action.id}",
        {"title": "Action brouillon", "due": "2014-03-16", "base_version": "1"},
        room(meeting),
    )
    assert edited.status_code == 422 and "précède la réunion du 17 mars 2014" in edited.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Action, action.id).due.isoformat() == "2014-05-01"
    # The day of the meeting itself is fine.
    post(
        client,
        f"/reunions/{meeting.id}/actions",
        {"action-title": "Le jour même", "action-due": "2014-03-17"},
        room(meeting),
    )
    assert count(Action) == actions + 1


def test_findings_removed_with_their_version(app, world):
    meeting, finding = world.draft, world.draft.findings[0]
    client = client_of(app, "secretary")
    stale = post(
        client, f"/reunions/{meeting.id}/elements/{finding.id}/supprimer", {"base_version": "0"}, room(meeting)
    )
    assert stale.status_code == 409 and db.session.get(Finding, finding.id) is not None
    post(client, f"/reunions/{meeting.id}/elements/{finding.id}/supprimer", {"base_version": "1"}, room(meeting))
    assert not db.session.scalar(sa.select(sa.func.count()).select_from(Finding).where(Finding.id == finding.id))
