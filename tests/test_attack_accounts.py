"""Attack: accounts taken over through the addresses of people without an account yet, and links
sent to an address the account no longer has."""

import re
from html import unescape

import sqlalchemy as sa
from world import PASSWORD, build_world, csrf_token, post_form, signed_in

from groupes.auth.models import User
from groupes.extensions import db
from groupes.groups.models import Membership, Person, Role
from groupes.mail.models import OutgoingMail

LINK = re.compile(r"http://[^\s\"<>]+(/(?:invitation|mot-de-passe|compte/adresse)/[^\s\"<>]+)")
NEW_PASSWORD = "un mot de passe solide"


def last_link(to: str) -> str:
    mails = db.session.scalars(sa.select(OutgoingMail).order_by(OutgoingMail.id)).all()
    bodies = [m.text_body for m in mails if to in m.recipient]
    assert bodies, f"no message to {to}"
    return LINK.search(bodies[-1]).group(1)


def test_an_organiser_cannot_readdress_a_person_another_programme_relies_on(app):
    """Paule takes part in both programmes (the other's members-only group included) and has no
    account yet. The first programme's organiser gives her record an address of theirs, invites
    it into their public group, and would sign in as Paule, inside the other programme's group."""
    world = build_world()
    paule = Person(name="Paule Partagée", email="paule@test.example")
    db.session.add_all(
        [
            Membership(group=world.public, person=paule, role=Role.MEMBER),
            Membership(group=world.elsewhere, person=paule, role=Role.MEMBER),
        ]
    )
    db.session.commit()
    organiser = signed_in(app, "organiser")
    page = unescape(organiser.get(f"/personnes/{paule.id}").get_data(as_text=True))
    assert "seul un administrateur change son adresse" in page
    post_form(organiser, f"/personnes/{paule.id}", {"name": "Paule Partagée", "email": "pirate@evil.example"})
    db.session.expire_all()
    assert db.session.get(Person, paule.id).email == "paule@test.example"

    # Had the address changed, this is where it would lead: nothing of the other programme opens.
    post_form(
        organiser,
        f"/groupes/{world.public.id}/inviter",
        {"email": "pirate@evil.example", "name": "Pirate", "role": "member"},
    )
    pirate = db.session.scalar(sa.select(Person).where(Person.email == "pirate@evil.example"))
    assert pirate is not None and pirate.id != paule.id
    assert [m.group_id for m in pirate.memberships] == [world.public.id]


def test_a_reset_link_sent_to_an_old_address_is_spent_when_the_address_changes(app):
    """An account's address changes (its owner confirmed it, or an administrator set it because the
    old mailbox is lost): a reset link sent earlier to the old mailbox no longer signs anyone in."""
    build_world()
    anonymous = app.test_client()
    token = csrf_token(anonymous, "/mot-de-passe-oublie")
    anonymous.post("/mot-de-passe-oublie", data={"email": "member@test.example", "csrf_token": token})
    link = last_link("member@test.example")
    member = db.session.scalar(sa.select(User).join(Person).where(Person.email == "member@test.example"))
    member.person.email = "member.nouvelle@test.example"
    db.session.commit()
    page = app.test_client().get(link)
    assert page.status_code == 410
    stranger = app.test_client()
    token = csrf_token(stranger)
    stranger.post(link, data={"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD, "csrf_token": token})
    db.session.expire_all()
    assert db.session.get(User, member.id).check_password(PASSWORD)


def test_an_invitation_sent_to_a_mistyped_address_is_spent_once_the_address_is_corrected(app):
    world = build_world()
    facilitator = signed_in(app, "facilitator")
    post_form(
        facilitator,
        f"/groupes/{world.private.id}/inviter",
        {"email": "nadia@tset.example", "name": "Nadia Nouvelle", "role": "member"},
    )
    link = last_link("nadia@tset.example")
    admin = signed_in(app, "admin")
    nadia = db.session.scalar(sa.select(Person).where(Person.email == "nadia@tset.example"))
    post_form(admin, f"/personnes/{nadia.id}", {"name": "Nadia Nouvelle", "email": "nadia@test.example"})
    db.session.expire_all()
    assert db.session.get(Person, nadia.id).email == "nadia@test.example"
    stranger = app.test_client()
    assert stranger.get(link).status_code == 410
    token = csrf_token(stranger)
    stranger.post(link, data={"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD, "csrf_token": token})
    db.session.expire_all()
    assert db.session.get(Person, nadia.id).user.password_hash is None
