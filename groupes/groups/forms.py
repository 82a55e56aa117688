from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, SelectField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from groupes.auth.forms import valid_email
from groupes.groups.models import Role, Visibility
from groupes.site.forms import REQUIRED, choices, line, optional_id, strip, text, too_long


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
    facilitation = line("Animation", 500, description="Par exemple : ATEC – Pôle ressources Tours.")
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
    name = line("Nom et prénom", 200, description="Nécessaire si la personne n'est pas encore dans l'annuaire.")
    role = SelectField("Rôle dans le groupe", default=Role.MEMBER.value)


class RoleForm(FlaskForm):
    role = SelectField("Rôle", choices=choices((r.value, r.label) for r in Role))


class OrganisationForm(FlaskForm):
    name = line("Nom", 200, required=True)
    acronym = line("Sigle", 50)
    kind = line("Type", 100, description="Par exemple : association, collectivité, organisme de sécurité sociale.")
    territory = line("Territoire", 200)
    missions = text("Missions", description="Qui fait quoi, où. Texte libre, en Markdown.")


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
