"""Forms of the meeting-room view: parts of the minutes, captures, workflow."""

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from groupes.minutes.review import MAX_COMMENT, MAX_QUOTE
from groupes.minutes.writing import MAX_PART_LENGTH
from groupes.outcomes.models import ActionStatus, FindingKind
from groupes.site.dates import SensibleDate
from groupes.site.forms import REQUIRED, choices, line, optional_id, strip, too_long


class PartForm(FlaskForm):
    key = HiddenField(validators=[DataRequired()])
    base_version = IntegerField(validators=[InputRequired()])
    heading = StringField("Titre", filters=[strip], validators=[Optional(), Length(max=500)])
    body = TextAreaField(
        "Texte", validators=[Length(max=MAX_PART_LENGTH, message=f"{MAX_PART_LENGTH} caractères au plus.")]
    )


class SectionForm(FlaskForm):
    heading = line("Titre de la section", 500)
    body = TextAreaField("Texte", validators=[Optional(), Length(max=MAX_PART_LENGTH)])


def agenda_item_field() -> SelectField:
    return SelectField("Point de l’ordre du jour", coerce=optional_id, validators=[Optional()])


class DecisionForm(FlaskForm):
    text = TextAreaField("Décision", filters=[strip], validators=[DataRequired(REQUIRED), too_long(5000)])
    agenda_item = agenda_item_field()


class ActionForm(FlaskForm):
    title = line("Action", 500, required=True)
    owner = line("Qui (personne ou structure)", 200, render_kw={"list": "responsables", "autocomplete": "off"})
    due = DateField("Pour quand", validators=[Optional(), SensibleDate()])
    agenda_item = agenda_item_field()


class ActionEditForm(ActionForm):
    """Correcting an action until validation: the version of the action it started from."""

    base_version = IntegerField(widget=HiddenInput(), validators=[Optional()])


class FindingForm(FlaskForm):
    kind = SelectField("Nature", choices=choices((k.value, k.label) for k in FindingKind))
    text = TextAreaField("Élément", filters=[strip], validators=[DataRequired(REQUIRED), too_long(5000)])
    agenda_item = agenda_item_field()


class FollowUpForm(FlaskForm):
    status = SelectField("État", choices=choices((s.value, s.label) for s in ActionStatus))
    note = TextAreaField("Note de suivi", filters=[strip], validators=[Optional(), Length(max=5000)])


class ReopenForm(FlaskForm):
    reason = line("Motif de la réouverture", 1000, required=True)


class ValidateForm(FlaskForm):
    """The confirmation of the summary shown before validating, made from the state ``stamp`` names."""

    stamp = HiddenField()
    reason = TextAreaField(
        "Motif de la validation sans relecture",
        filters=[strip],
        validators=[Optional(), Length(max=1000, message="1\u202f000 caractères au plus.")],
        description="Il figure dans l’historique des versions.",
    )


class CommentForm(FlaskForm):
    body = TextAreaField("Votre commentaire", validators=[DataRequired(REQUIRED), Length(max=MAX_COMMENT)])
    quote = StringField(
        "Passage concerné (facultatif)",
        filters=[strip],
        validators=[Optional(), Length(max=MAX_QUOTE)],
        description="Sélectionnez le passage dans le texte, ou copiez-le ici.",
    )
    section = IntegerField(widget=HiddenInput(), validators=[Optional()])
    outcome = HiddenField(filters=[strip], validators=[Optional(), Length(max=20)])
    parent = IntegerField(widget=HiddenInput(), validators=[Optional()])
