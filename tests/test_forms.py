"""Bad input in the forms of admins and organisers: a French message, the text kept, nothing saved."""

import pytest
import sqlalchemy as sa
from world import csrf_token

from groupes.extensions import db
from groupes.groups.models import Membership, Organisation, Person, WorkingGroup
from groupes.programmes.models import Milestone, Programme


@pytest.fixture
def organiser(client_as):
    return client_as("organiser")


def submit(client, url, fields):
    response = client.post(url, data={**fields, "csrf_token": csrf_token(client, url)})
    return response.status_code, response.get_data(as_text=True)


def snapshot(model):
    rows = db.session.scalars(sa.select(model).order_by(model.id))
    return [{c.name: getattr(row, c.name) for c in model.__table__.columns} for row in rows]


@pytest.mark.parametrize(
    "fields, message, kept",
    [
        (
            {"number": "2", "title": "Doublon", "visibility": "members"},
            "Le numéro 2 est déjà pris dans cette démarche.",
            "Doublon",
        ),
        (
            {"number": "3", "title": "", "theme": "Un thème gardé", "visibility": "members"},
            "Ce champ est obligatoire.",
            "Un thème gardé",
        ),
        ({"number": "3", "title": "x" * 501, "visibility": "members"}, "500\u00a0caractères au plus.", "x" * 501),
        (
            {"number": "3", "title": "Titre gardé", "visibility": "secret"},
            "N’est pas un choix valide.",
            "Titre gardé",
        ),
        (
            {"number": "zéro", "title": "Titre gardé", "visibility": "members"},
            "N’est pas un entier valide.",
            "Titre gardé",
        ),
        ({"number": "0", "title": "Titre gardé", "visibility": "members"}, "Un nombre de 1 à 9999.", "Titre gardé"),
    ],
)
def test_a_bad_group_form_is_shown_again(app, world, organiser, fields, message, kept):
    before = snapshot(WorkingGroup)
    status, html = submit(organiser, f"/groupes/{world.private.id}/modifier", fields)
    assert status == 200 and message in html and kept in html
    assert 'aria-invalid="true"' in html and "Le formulaire contient des erreurs" in html
    db.session.expire_all()
    assert snapshot(WorkingGroup) == before


def test_a_new_group_with_a_taken_number_is_not_created(app, world, organiser, count):
    before = count(WorkingGroup)
    status, html = submit(
        organiser,
        f"/programmes/{world.programme.id}/groupes/nouveau",
        {"number": "1", "title": "Encore un", "visibility": "public"},
    )
    assert status == 200 and "Le numéro 1 est déjà pris dans cette démarche." in html and 'value="Encore un"' in html
    assert count(WorkingGroup) == before


def test_a_new_group_is_created_with_its_fields(app, world, organiser):
    status, _ = submit(
        organiser,
        f"/programmes/{world.programme.id}/groupes/nouveau",
        {"number": "3", "title": "Accès aux droits", "territory": "Région Centre", "visibility": "public"},
    )
    assert status == 302
    group = db.session.scalar(
        sa.select(WorkingGroup).where(WorkingGroup.number == 3, WorkingGroup.programme_id == world.programme.id)
    )
    assert group.title == "Accès aux droits" and group.visibility.value == "public"


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"title": "", "description": "Une présentation gardée"}, "Ce champ est obligatoire."),
        ({"title": "t" * 501, "description": "Une présentation gardée"}, "500\u00a0caractères au plus."),
        (
            {"title": "Autre", "description": "Une présentation gardée", "closed_on": "9999-12-31"},
            "Date refusée : l’année doit être comprise entre 1900 et 2100 (année 9999).",
        ),
    ],
)
def test_a_bad_programme_form_is_shown_again(app, world, organiser, fields, message):
    status, html = submit(organiser, f"/programmes/{world.programme.id}/modifier", fields)
    assert status == 200 and message in html and "Une présentation gardée" in html
    db.session.expire_all()
    assert db.session.get(Programme, world.programme.id).title == "Assises de test"


def test_programme_header_lines_are_saved_one_per_line(app, world, organiser):
    status, _ = submit(
        organiser,
        f"/programmes/{world.programme.id}/modifier",
        {"title": "Assises", "header": "Ministère des Affaires sociales\r\n\r\n  Direction générale  \r\n"},
    )
    assert status == 302
    db.session.expire_all()
    assert db.session.get(Programme, world.programme.id).header_lines == [
        "Ministère des Affaires sociales",
        "Direction générale",
    ]


def test_a_milestone_needs_a_real_date(app, world, organiser, count):
    before = count(Milestone)
    status, html = submit(
        organiser,
        f"/programmes/{world.programme.id}/jalons/nouveau",
        {"title": "Assises interrégionales", "date": "2 juin"},
    )
    assert status == 200 and "N’est pas une date valide." in html and 'value="Assises interrégionales"' in html
    assert count(Milestone) == before


def test_a_milestone_in_year_one_is_refused(app, world, organiser, count):
    before = count(Milestone)
    status, html = submit(
        organiser,
        f"/programmes/{world.programme.id}/jalons/nouveau",
        {"title": "Assises interrégionales", "date": "0001-06-02"},
    )
    assert status == 200 and "Date refusée : l’année doit être comprise entre 1900 et 2100 (année 1)." in html
    assert 'value="Assises interrégionales"' in html and count(Milestone) == before


def test_an_action_due_in_an_absurd_year_is_refused(app, world, count):
    from world import post_form, signed_in

    from groupes.outcomes.models import Action

    before = count(Action)
    secretary = signed_in(app, "secretary")
    fields = {"action-title": "Recenser les places", "action-owner": "Member Test", "action-due": "0201-06-30"}
    response = post_form(secretary, f"/reunions/{world.draft.id}/actions", fields)
    assert "Date refusée : l’année doit être comprise entre 1900 et 2100" in response.get_data(as_text=True)
    assert count(Action) == before


def test_tampered_people_in_the_membership_form_are_refused(app, world, organiser, count):
    before = count(Membership)
    already = world.users["member"].person_id
    for person, message in (
        (str(already), "pas un choix valide"),
        ("999999", "pas un choix valide"),
        ("abc", "Ce champ est obligatoire."),
    ):
        status, html = submit(organiser, f"/groupes/{world.private.id}/membres", {"person": person, "role": "member"})
        assert status == 200 and message in html
    status, html = submit(
        organiser,
        f"/groupes/{world.private.id}/membres",
        {"person": str(world.users["outsider"].person_id), "role": "président"},
    )
    assert status == 200 and "pas un choix valide" in html
    assert count(Membership) == before


def test_an_unknown_role_changes_nothing(app, world, organiser):
    url = f"/groupes/{world.private.id}/membres/{world.membership.id}/role"
    organiser.post(url, data={f"m{world.membership.id}-role": "chef", "csrf_token": csrf_token(organiser)})
    db.session.expire_all()
    assert db.session.get(Membership, world.membership.id).role.value == "member"


def test_organisation_names_and_person_addresses_are_unique(app, world, organiser, count):
    status, html = submit(
        organiser, "/structures/nouvelle", {"name": "CAF du Cher", "missions": "Des missions gardées"}
    )
    assert status == 200 and "Une structure porte déjà ce nom." in html and "Des missions gardées" in html
    assert count(Organisation) == 1
    status, html = submit(
        organiser, "/personnes/nouvelle", {"name": "Homonyme", "email": "MEMBER@test.example", "organisation": "0"}
    )
    assert status == 200 and "Une autre personne a déjà cette adresse." in html and 'value="Homonyme"' in html
    status, html = submit(
        organiser, "/personnes/nouvelle", {"name": "Mal écrite", "email": "pas une adresse", "organisation": "0"}
    )
    assert status == 200 and "Adresse e-mail invalide." in html
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Person).where(Person.name.in_(["Homonyme", "Mal écrite"]))
        )
        == 0
    )


def test_a_person_is_created_in_an_organisation(app, world, organiser):
    caf = db.session.scalar(sa.select(Organisation))
    status, _ = submit(
        organiser,
        "/personnes/nouvelle",
        {
            "name": "Ana Diaz",
            "email": "Ana@Test.example",
            "organisation": str(caf.id),
            "function": "Assistante sociale",
        },
    )
    assert status == 302
    ana = db.session.scalar(sa.select(Person).where(Person.name == "Ana Diaz"))
    assert ana.email == "ana@test.example" and ana.organisation_id == caf.id and ana.function == "Assistante sociale"
