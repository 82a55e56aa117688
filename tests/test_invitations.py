"""Invitations and password resets: links that are signed, expire and serve once,
delivered by a real SMTP server on loopback."""

import re
from html import unescape

import pytest
import sqlalchemy as sa
from world import PASSWORD_HASH, build_world, csrf_token, sign_in

from groupes.auth.models import Invitation, User
from groupes.extensions import db, limiter
from groupes.groups.models import Membership, Person, Role
from groupes.mail.models import OutgoingMail
from groupes.mail.outbox import deliver

NEW_PASSWORD = "un mot de passe solide"
LINK = re.compile(r"http://[^\s\"<>]+/(?:invitation|mot-de-passe)/[^\s\"<>]+")


@pytest.fixture(autouse=True)
def fresh_limits():
    limiter.reset()


def post(client, url, data, page=None):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, page or url)})


def link_in(message) -> str:
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    found = LINK.search(text)
    assert found, text
    assert found.group(0) in html  # the same link in both parts
    return found.group(0).removeprefix("http://127.0.0.1:5000")


def invite(client, world, email="nouvelle@test.example", name="Nadia Nouvelle", role="member"):
    return post(client, f"/groupes/{world.private.id}/inviter", {"email": email, "name": name, "role": role})


def test_an_invited_person_chooses_a_password_once_and_is_in(app, smtp_server, count):
    world = build_world()
    facilitator = app.test_client()
    sign_in(facilitator, "facilitator")
    response = invite(facilitator, world)
    assert response.status_code == 302
    person = db.session.scalar(sa.select(Person).where(Person.email == "nouvelle@test.example"))
    assert person.name == "Nadia Nouvelle"
    assert [(m.group_id, m.role) for m in person.memberships] == [(world.private.id, Role.MEMBER)]
    assert person.user is not None and person.user.password_hash is None
    deliver()
    smtp_server.wait_for(1)
    message = smtp_server.to("nouvelle@test.example")[0]
    assert "Invitation au groupe « Groupe réservé »" in message["Subject"]
    assert "Facilitator Test vous invite" in message.get_body(("plain",)).get_content()
    link = link_in(message)

    newcomer = app.test_client()
    page = newcomer.get(link)
    assert page.status_code == 200 and "Choisir mon mot de passe" in page.get_data(as_text=True)
    response = post(newcomer, link, {"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD})
    assert response.status_code == 302
    dashboard = newcomer.get("/").get_data(as_text=True)
    assert "Nadia Nouvelle" in dashboard and "Se déconnecter" in dashboard
    db.session.expire_all()
    user = db.session.scalar(sa.select(User).where(User.person_id == person.id))
    assert user.check_password(NEW_PASSWORD)
    assert db.session.scalar(sa.select(Invitation.accepted_at)) is not None

    # The same link a second time: a clear page, and nothing changes.
    stranger = app.test_client()
    again = stranger.get(link)
    assert again.status_code == 410
    assert "Ce lien a déjà servi." in again.get_data(as_text=True)
    hash_before = user.password_hash
    assert (
        post(
            stranger, link, {"password": "autre mot de passe!", "confirmation": "autre mot de passe!"}, "/connexion"
        ).status_code
        == 410
    )
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == hash_before


def test_an_expired_or_forged_invitation_link_changes_nothing(app, smtp_server):
    world = build_world()
    client = app.test_client()
    sign_in(client, "organiser")
    invite(client, world)
    deliver()
    smtp_server.wait_for(1)
    link = link_in(smtp_server.messages[0])
    visitor = app.test_client()

    forged = link[:-3] + ("aaa" if not link.endswith("aaa") else "bbb")
    response = visitor.get(forged)
    assert response.status_code == 404
    assert "Ce lien n’est pas valide" in unescape(response.get_data(as_text=True))

    app.config["INVITATION_MAX_AGE"] = -1
    try:
        response = visitor.get(link)
        assert response.status_code == 410
        assert "Ce lien a expiré." in response.get_data(as_text=True)
        post(visitor, link, {"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD}, "/connexion")
    finally:
        app.config["INVITATION_MAX_AGE"] = 14 * 24 * 3600
    db.session.expire_all()
    user = db.session.scalar(sa.select(User).join(Person).where(Person.email == "nouvelle@test.example"))
    assert user.password_hash is None


def test_a_reset_token_cannot_serve_as_an_invitation(app, smtp_server):
    build_world()
    client = app.test_client()
    post(client, "/mot-de-passe-oublie", {"email": "member@test.example"})
    deliver()
    smtp_server.wait_for(1)
    reset_link = link_in(smtp_server.messages[0])
    token = reset_link.rsplit("/", 1)[1]
    assert client.get(f"/invitation/{token}").status_code == 404


def test_someone_with_an_account_is_added_and_told(app, smtp_server, count):
    world = build_world()
    client = app.test_client()
    sign_in(client, "organiser")
    invitations_before = count(Invitation)
    response = invite(client, world, email="outsider@test.example", name="Nom tapé")
    assert response.status_code == 302
    assert count(Invitation) == invitations_before
    outsider = world.users["outsider"].person
    db.session.expire_all()
    assert any(m.group_id == world.private.id for m in db.session.get(Person, outsider.id).memberships)
    deliver()
    smtp_server.wait_for(1)
    assert "Vous êtes membre du groupe « Groupe réservé »" in smtp_server.messages[0]["Subject"]


def test_bad_invitations_are_shown_back_in_french_and_write_nothing(app, count):
    world = build_world()
    client = app.test_client()
    sign_in(client, "facilitator")
    people, mails = count(Person), count(OutgoingMail)
    response = invite(client, world, email="pas-une-adresse", name="Quelqu’un")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Adresse e-mail invalide." in html and "Quelqu’un" in html
    response = invite(client, world, email="inconnue@test.example", name="")
    assert "Ce champ est obligatoire." in unescape(response.get_data(as_text=True))
    # A facilitator may not make someone else facilitator.
    response = invite(client, world, email="autre@test.example", name="Autre", role="facilitator")
    assert "N’est pas un choix valide." in unescape(response.get_data(as_text=True))
    assert (count(Person), count(OutgoingMail)) == (people, mails)
    assert count(Membership) == 5


def test_the_reset_form_answers_the_same_for_known_and_unknown_addresses(app, smtp_server, count):
    build_world()
    client = app.test_client()
    known = post(client, "/mot-de-passe-oublie", {"email": "member@test.example"})
    unknown = post(client, "/mot-de-passe-oublie", {"email": "personne@test.example"})
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"] == "/mot-de-passe-oublie?envoye=1"
    sent = unescape(client.get(known.headers["Location"]).get_data(as_text=True))
    assert "Si un compte existe pour l’adresse indiquée" in sent
    assert count(OutgoingMail) == 1
    deliver()
    smtp_server.wait_for(1)
    assert smtp_server.messages[0]["To"] == "member@test.example"


def test_a_reset_link_sets_a_new_password_once_and_ends_other_sessions(app, smtp_server):
    world = build_world()
    elsewhere = app.test_client()
    sign_in(elsewhere, "member")
    assert elsewhere.get("/compte").status_code == 200
    client = app.test_client()
    post(client, "/mot-de-passe-oublie", {"email": "member@test.example"})
    deliver()
    smtp_server.wait_for(1)
    link = link_in(smtp_server.messages[0])
    short = post(client, link, {"password": "court", "confirmation": "court"})
    assert short.status_code == 200 and "Au moins 12 caractères." in short.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, world.users["member"].id).password_hash == PASSWORD_HASH
    assert post(client, link, {"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, world.users["member"].id).check_password(NEW_PASSWORD)
    assert elsewhere.get("/compte").status_code == 302  # the old session ended
    assert client.get(link).status_code == 410


@pytest.mark.parametrize("email", ["member@test.example", "admin@test.example", "inconnue@test.example"])
def test_the_invite_form_tells_no_name_behind_an_address(app, smtp_server, email):
    """A facilitator learns nothing of who is behind an address: the same answer, with no name,
    whether it is a member, someone outside the programme (the administrator) or nobody; the
    name typed is needed every time and does not rename a known person."""
    world = build_world()
    client = app.test_client()
    sign_in(client, "facilitator")
    response = invite(client, world, email=email, name="Nom Tapé")
    assert response.status_code == 302
    page = unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    assert f"{email} fait partie du groupe\u202f; un message l’en informe" in page
    assert "Admin Test" not in page and "Member Test" not in page
    if email != "inconnue@test.example":
        assert db.session.scalar(sa.select(Person.name).where(Person.email == email)) != "Nom Tapé"
    without_name = invite(client, world, email=email, name="")
    assert without_name.status_code == 200 and "Ce champ est obligatoire." in without_name.get_data(as_text=True)


def test_a_disabled_account_is_invited_like_anyone_and_gets_no_message(app, smtp_server, count):
    world = build_world()
    world.users["admin"].active = False
    db.session.commit()
    client = app.test_client()
    sign_in(client, "facilitator")
    mails = count(OutgoingMail)
    response = invite(client, world, email="admin@test.example", name="Quelqu’un")
    assert response.status_code == 302
    assert "admin@test.example fait partie du groupe" in unescape(client.get("/").get_data(as_text=True))
    assert count(OutgoingMail) == mails


@pytest.mark.parametrize("state", ["known", "disabled", "invited", "unknown"])
def test_the_reset_form_answers_alike_whatever_the_address(app, state):
    world = build_world()
    email = {"unknown": "personne@test.example", "invited": "nouvelle@test.example"}.get(state, "member@test.example")
    if state == "disabled":
        world.users["member"].active = False
    if state == "invited":
        db.session.add(User(person=Person(name="Invitée", email=email)))
    db.session.commit()
    client = app.test_client()
    response = post(client, "/mot-de-passe-oublie", {"email": email})
    assert response.status_code == 302 and response.headers["Location"] == "/mot-de-passe-oublie?envoye=1"
    page = unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    assert page.replace(email, "") == unescape(
        app.test_client().get("/mot-de-passe-oublie?envoye=1").get_data(as_text=True)
    ).replace(email, "")
