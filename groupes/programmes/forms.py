from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional
from wtforms.widgets import HiddenInput

from groupes.outcomes.models import FindingKind
from groupes.site.dates import SensibleDate
from groupes.site.forms import REQUIRED, choices, line, optional_id, strip, text, too_long


class ProgrammeForm(FlaskForm):
    title = line("Titre", 500, required=True)
    header = text(
        "Lignes d’en-tête des documents",
        2000,
        description="Une ligne par ligne imprimée en tête des comptes-rendus (ministère, direction…).",
    )
    description = text("Présentation", description="Texte libre, en Markdown.")
    closed_on = DateField(
        "Close le",
        validators=[Optional(), SensibleDate()],
        description="Une fois la démarche close, sa durée de conservation court à partir de cette date.",
    )
    retention_months = IntegerField(
        "Durée de conservation après la clôture (mois)",
        validators=[Optional(), NumberRange(1, 1200, "Entre 1 et 1 200 mois.")],
        description="Vide : la durée fixée pour le site. Ensuite, la purge peut effacer la démarche, sur demande.",
    )


class MilestoneForm(FlaskForm):
    title = line("Intitulé", 500, required=True, description="Par exemple : Comité de pilotage.")
    date = DateField("Date", validators=[InputRequired("Indiquez une date."), SensibleDate()])
    place = line("Lieu", 500)


class OrganiserForm(FlaskForm):
    person = SelectField("Personne", coerce=optional_id, validators=[DataRequired(REQUIRED)])


class SynthesisEntryForm(FlaskForm):
    """The wording of one entry of the synthesis; ``base_version`` is the version it started from."""

    kind = SelectField("Nature", choices=choices((k.value, k.label) for k in FindingKind))
    theme = line("Thème", 500, description="Intertitre de l’élément dans la synthèse publiée (facultatif).")
    text = TextAreaField("Rédaction", validators=[DataRequired(REQUIRED), too_long(20_000)], filters=[strip])
    base_version = IntegerField(widget=HiddenInput(), validators=[Optional()], default=0)
