"""Organisers keep the people and organisations of their own programmes only; an account's
address changes only by its owner or an administrator; merges are checked and logged
(issue 17, items 1 and 2)."""

from html import unescape

import pytest
import sqlalchemy as sa
from world import PASSWORD, PASSWORD_HASH, csrf_token, post_form, read_page, signed_in

from groupes.auth.models import User
from groupes.extensions import db
from groupes.groups.models import Membership, Organisation, Person, Role
from groupes.privacy.models import AccessKind, AccessLogEntry
from groupes.programmes.models import ProgrammeOrganiser


@pytest.fixture
def other_programme_people(world):
    """The conftest's ``world`` gets a member of the other programme's group and a rival organiser
    of that programme, with an account (``world.users["rival"]``); every test of this file uses them."""
    elsewhere = Organisation(name="URIOPSS Centre")
    paul = Person(name="Paul Ailleurs", email="paul@test.example", organisation=elsewhere)
    rival = Person(name="Rivale Organisatrice", email="rivale@test.example")
    rival_user = User(person=rival, password_hash=PASSWORD_HASH)
    db.session.add_all(
        [
            Membership(group=world.elsewhere, person=paul, role=Role.MEMBER),
            ProgrammeOrganiser(programme=world.other_programme, person=rival),
            rival_user,
        ]
    )
    db.session.commit()
    world.users["rival"] = rival_user


pytestmark = pytest.mark.usefixtures("other_programme_people")


def person(email) -> Person:
    return db.session.scalar(sa.select(Person).where(Person.email == email))


def rights_log() -> list[AccessLogEntry]:
    return db.session.scalars(sa.select(AccessLogEntry).where(AccessLogEntry.kind == AccessKind.RIGHTS)).all()


def test_an_organiser_cannot_take_over_another_account(app, world):
    """The attack: rewrite the administrator's address, then ask for a reset link to it."""
    client = signed_in(app, "organiser")
    for target in ("admin@test.example", "paul@test.example", "rivale@test.example"):
        ident = person(target).id
        assert client.get(f"/personnes/{ident}").status_code == 404
        answer = post_form(client, f"/personnes/{ident}", {"name": "Pirate", "email": "pirate@evil.example"})
        assert answer.status_code == 404
    db.session.expire_all()
    assert person("pirate@evil.example") is None and person("admin@test.example").name == "Admin Test"


def test_an_account_address_is_read_only_for_organisers(app, world):
    client = signed_in(app, "organiser")
    member = person("member@test.example")
    html = read_page(client, f"/personnes/{member.id}")
    assert "readonly" in html and "seule la personne la change" in html
    answer = post_form(
        client,
        f"/personnes/{member.id}",
        {"name": "Member Renommé", "email": "pirate@evil.example", "organisation": "0"},
    )
    assert answer.status_code == 302
    db.session.expire_all()
    assert (member.name, member.email) == ("Member Renommé", "member@test.example")
    # Without an account, the address is the organiser's to keep.
    second = db.session.get(Person, world.second_organiser.person_id)
    post_form(
        client, f"/personnes/{second.id}", {"name": second.name, "email": "seconde@test.example", "organisation": "0"}
    )
    db.session.expire_all()
    assert db.session.get(Person, second.id).email == "seconde@test.example"


def test_an_administrator_changes_an_account_address_and_it_is_logged(app, world):
    client = signed_in(app, "admin")
    member = person("member@test.example")
    assert "readonly" not in read_page(client, f"/personnes/{member.id}")
    answer = post_form(
        client, f"/personnes/{member.id}", {"name": member.name, "email": "membre@test.example", "organisation": "0"}
    )
    assert answer.status_code == 302
    details = [entry.detail for entry in rights_log()]
    assert "adresse de connexion changée : member@test.example → membre@test.example" in details


def test_lists_show_only_what_the_viewer_manages(app, world):
    organiser, rival, admin = signed_in(app, "organiser"), rival_client(app), signed_in(app, "admin")
    people = read_page(organiser, "/personnes")
    assert "Member Test" in people and "Paul Ailleurs" not in people and "Rivale Organisatrice" not in people
    assert "Admin Test" not in people  # an account in no programme is an administrator's
    assert "Paul Ailleurs" in read_page(rival, "/personnes") and "Member Test" not in read_page(rival, "/personnes")
    assert "Paul Ailleurs" in read_page(admin, "/personnes") and "Member Test" in read_page(admin, "/personnes")
    structures = read_page(organiser, "/structures")
    assert "CAF du Cher" in structures and "URIOPSS Centre" not in structures
    uriopss = db.session.scalar(sa.select(Organisation.id).where(Organisation.name == "URIOPSS Centre"))
    assert organiser.get(f"/structures/{uriopss}").status_code == 404
    assert organiser.get(f"/structures/{uriopss}/fusionner").status_code == 404
    assert "URIOPSS Centre" in read_page(rival, "/structures")
    # CAF has people in the organiser's programme: not the rival's to rewrite.
    caf = db.session.scalar(sa.select(Organisation.id).where(Organisation.name == "CAF du Cher"))
    assert rival.get(f"/structures/{caf}").status_code == 404


def rival_client(app):
    """Signed in as the organiser of the other programme."""
    client = app.test_client()
    data = {"email": "rivale@test.example", "password": PASSWORD, "csrf_token": csrf_token(client)}
    assert client.post("/connexion", data=data).status_code == 302
    return client


def test_an_organiser_cannot_merge_someone_of_another_programme_into_themselves(app, world):
    """The attack: merge a member of the other programme's private group into oneself, and
    take their memberships."""
    client = signed_in(app, "organiser")
    paul, me = person("paul@test.example"), person("organiser@test.example")
    assert client.get(f"/personnes/{paul.id}/fusionner").status_code == 404
    assert post_form(client, f"/personnes/{paul.id}/fusionner", {"dans": str(me.id)}).status_code == 404
    # The other way round: the survivor is not theirs either.
    member = person("member@test.example")
    answer = post_form(client, f"/personnes/{member.id}/fusionner", {"dans": str(paul.id)})
    assert answer.status_code == 200
    assert "Vous ne pouvez fusionner que des fiches qui ne concernent que vos démarches" in unescape(
        answer.get_data(as_text=True)
    )
    db.session.expire_all()
    assert [m.group_id for m in person("paul@test.example").memberships] == [world.elsewhere.id]


def test_a_merge_that_would_move_an_account_to_another_address_is_for_administrators(app, world):
    client = signed_in(app, "organiser")
    decoy = Person(name="Member Test", email="pirate@evil.example")
    db.session.add(Membership(group=world.public, person=decoy, role=Role.OBSERVER))
    db.session.commit()
    member = person("member@test.example")
    answer = post_form(client, f"/personnes/{member.id}/fusionner", {"dans": str(decoy.id)})
    assert answer.status_code == 200
    assert "seul un administrateur peut faire cette fusion" in unescape(answer.get_data(as_text=True))
    db.session.expire_all()
    assert person("member@test.example") is not None


def test_a_merge_within_ones_programme_moves_rights_and_is_logged(app, world):
    client = signed_in(app, "organiser")
    duplicate = Person(name="M. Test", email="m.test@test.example")
    db.session.add(Membership(group=world.private, person=duplicate, role=Role.SECRETARY))
    db.session.commit()
    second = world.second_organiser.person_id
    answer = post_form(client, f"/personnes/{duplicate.id}/fusionner", {"dans": str(second)})
    assert answer.status_code == 302
    db.session.expire_all()
    assert [m.group_id for m in db.session.get(Person, second).memberships] == [world.private.id]
    entries = [e for e in rights_log() if e.target.startswith("Fusion")]
    assert len(entries) == 1 and entries[0].programme_id == world.programme.id
    assert "droits transférés : groupe 1 – Groupe réservé" in entries[0].detail
