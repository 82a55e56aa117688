"""The directory (annuaire): organisations' contact details, the public pages of
organisations and what each viewer sees there, and merging duplicates."""

from html import unescape

import pytest
import sqlalchemy as sa
from world import build_world, post_form, signed_in

from groupes.extensions import db
from groupes.groups.models import Organisation


@pytest.fixture
def world():
    return build_world()


def caf():
    return db.session.scalar(sa.select(Organisation).where(Organisation.name == "CAF du Cher"))


# -- contact details ----------------------------------------------------------


def test_contact_details_are_saved(app, world):
    client = signed_in(app, "organiser")
    response = post_form(
        client,
        f"/structures/{caf().id}",
        {
            "name": "CAF du Cher",
            "email": "Accueil@CAF-Cher.example",
            "phone": "02 48 55 69 00",
            "website": "www.caf.fr/allocataires",
            "address": "14 rue Louis Mallet\n18000 Bourges",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    saved = caf()
    assert (saved.email, saved.phone, saved.website) == (
        "accueil@caf-cher.example",
        "02 48 55 69 00",
        "https://www.caf.fr/allocataires",
    )
    assert saved.address == "14 rue Louis Mallet\n18000 Bourges"


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("email", "pas une adresse", "Adresse e-mail invalide."),
        ("website", "pas un site", "Adresse de site invalide : par exemple https://www.caf.fr."),
        ("website", "javascript:alert(1)", "Adresse de site invalide : par exemple https://www.caf.fr."),
        ("website", "ftp://fichiers.caf.fr", "Adresse de site invalide : par exemple https://www.caf.fr."),
        ("phone", "appelez-moi", "Numéro invalide : chiffres, espaces, points, tirets, parenthèses et « + »."),
    ],
)
def test_bad_contact_details_reshow_the_form_with_the_text_kept(app, world, field, value, message):
    client = signed_in(app, "organiser")
    response = post_form(client, f"/structures/{caf().id}", {"name": "CAF du Cher", field: value})
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert message in html and f'value="{value}"' in html
    db.session.expire_all()
    assert getattr(caf(), field) == ""
