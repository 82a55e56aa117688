from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import DataRequired, InputRequired

from groupes.site.forms import REQUIRED, line, optional_id, text


class ProgrammeForm(FlaskForm):
    title = line("Titre", 500, required=True)
    header = text(
        "Lignes d'en-tête des documents",
        2000,
        description="Une ligne par ligne imprimée en tête des comptes-rendus (ministère, direction…).",
    )
    description = text("Présentation", description="Texte libre, en Markdown.")


class MilestoneForm(FlaskForm):
    title = line("Intitulé", 500, required=True, description="Par exemple : Comité de pilotage.")
    date = DateField("Date", validators=[InputRequired("Indiquez une date.")])
    place = line("Lieu", 500)


class OrganiserForm(FlaskForm):
    person = SelectField("Personne", coerce=optional_id, validators=[DataRequired(REQUIRED)])
