import re
from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, SelectField, StringField, URLField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, Regexp, ValidationError

from groupes.groups.models import Role, Visibility
from groupes.site.forms import REQUIRED, choices, line, optional_id, strip, text, too_long, valid_email


class GroupForm(FlaskForm):
    number = IntegerField(
        "Numéro",
        validators=[
            InputRequired("Indiquez le numéro du groupe."),
            NumberRange(min=1, max=9999, message="Un nombre de 1 à 9999."),
        ],
    )
    title = line("Intitulé", 500, required=True)
    theme = line("Thème (axe)", 500)
    territory = line("Territoire", 200)
    facilitation = line("Animation", 500, description="Par exemple : ATEC – Pôle ressources Tours.")
    visibility = SelectField(
        "Visibilité",
        choices=choices((v.value, v.label) for v in Visibility),
        description="Un groupe public montre à tous ses comptes-rendus validés.",
    )


class MembershipForm(FlaskForm):
    person = SelectField("Personne", coerce=optional_id, validators=[DataRequired(REQUIRED)])
    role = SelectField("Rôle", choices=choices((r.value, r.label) for r in Role))


class InvitationForm(FlaskForm):
    email = EmailField(
        "Adresse e-mail", filters=[strip], validators=[DataRequired(REQUIRED), too_long(254), valid_email]
    )
    name = line(
        "Nom et prénom",
        200,
        required=True,
        description="Si l’adresse est déjà connue, la personne garde le nom sous lequel elle est inscrite.",
    )
    role = SelectField("Rôle dans le groupe", default=Role.MEMBER.value)


class RoleForm(FlaskForm):
    role = SelectField("Rôle", choices=choices((r.value, r.label) for r in Role))


PHONE = re.compile(r"^\+?[0-9(][0-9 .()\-]{5,29}$")
BARE_HOST = re.compile(r"^[\w-]+(\.[\w-]+)+(/\S*)?$")


def lower(value):
    return value.lower() if isinstance(value, str) else value


def with_scheme(value):
    """« www.caf.fr » is how people write a site: read it as https://www.caf.fr."""
    if isinstance(value, str) and BARE_HOST.match(value):
        return f"https://{value}"
    return value


def web_address(form, field) -> None:
    """Only http(s) addresses with a host name: the page turns this field into a link."""
    try:
        parts = urlsplit(field.data)
        host = parts.hostname or ""
    except ValueError:
        parts, host = None, ""
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or "." not in host
        or any(c.isspace() for c in field.data)
    ):
        raise ValidationError("Adresse de site invalide : par exemple https://www.caf.fr.")


class OrganisationForm(FlaskForm):
    name = line("Nom", 200, required=True)
    acronym = line("Sigle", 50)
    kind = line("Type", 100, description="Par exemple : association, collectivité, organisme de sécurité sociale.")
    territory = line("Territoire", 200)
    missions = text("Missions", description="Qui fait quoi, où. Texte libre, en Markdown.")
    email = EmailField(
        "Adresse e-mail de contact",
        filters=[strip, lower],
        validators=[Optional(), too_long(254), valid_email],
        description="L’adresse générale de la structure (accueil, secrétariat), pas celle d’une personne.",
    )
    phone = StringField(
        "Téléphone",
        filters=[strip],
        validators=[
            Optional(),
            too_long(30),
            Regexp(PHONE, message="Numéro invalide : chiffres, espaces, points, tirets, parenthèses et « + »."),
        ],
        description="Par exemple : 02 48 55 69 00.",
    )
    website = URLField(
        "Site internet",
        filters=[strip, with_scheme],
        validators=[Optional(), too_long(500), web_address],
        description="Par exemple : https://www.caf.fr.",
    )
    address = text("Adresse postale", 500, description="Sur plusieurs lignes si besoin.")


class PersonForm(FlaskForm):
    name = line("Nom", 200, required=True)
    email = EmailField("Adresse e-mail", validators=[Optional(), too_long(254), valid_email], filters=[strip])
    organisation = SelectField("Structure", coerce=int, validators=[Optional()])
    function = line("Fonction", 200)


def organisation_choices(organisations) -> list[tuple[int, str]]:
    return choices([(0, "— aucune —")] + [(o.id, o.name) for o in organisations])


def person_choices(people) -> list[tuple[int, str]]:
    return choices(
        [("", "— choisir —")]
        + [(p.id, f"{p.name} ({p.organisation.name})" if p.organisation else p.name) for p in people]
    )
