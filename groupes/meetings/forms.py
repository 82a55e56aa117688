"""Forms of meetings, series, agenda items and attendance."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, RadioField, SelectField, StringField, TimeField
from wtforms.validators import InputRequired, NumberRange, Optional

from groupes.meetings.models import AttendanceStatus
from groupes.meetings.planning import MAX_SERIES, NTH, WEEKDAYS
from groupes.site.dates import SensibleDate
from groupes.site.forms import choices, line, strip, too_long, valid_email


class MeetingForm(FlaskForm):
    day = DateField("Date", validators=[InputRequired("Indiquez la date."), SensibleDate()])
    start = TimeField("Début", validators=[InputRequired("Indiquez l’heure de début.")])
    end = TimeField("Fin", validators=[Optional()])
    title = line("Sous-titre", 500, description="Par exemple : « Poser la thématique ».")
    place = line("Lieu ou lien de visioconférence", 500, description="Une adresse web y devient un lien.")
    scope = RadioField(
        "Appliquer",
        choices=choices(
            [("this", "à cette réunion seulement"), ("following", "à cette réunion et aux suivantes de la série")]
        ),
        default="this",
    )
    # Shown only when the change would renumber meetings whose minutes are validated.
    confirm_renumbering = BooleanField("Confirmer : renuméroter ces réunions validées")

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.end.data and self.end.data <= self.start.data:
            self.end.errors.append("La fin doit venir après le début.")
            return False
        return True


class SeriesForm(MeetingForm):
    rhythm = RadioField(
        "Fréquence",
        choices=choices([("weekly", "toutes les N semaines"), ("monthly", "le Nième jour de chaque mois")]),
        default="monthly",
    )
    interval = IntegerField(
        "Toutes les … semaines",
        default=1,
        validators=[Optional(), NumberRange(min=1, max=52, message="Un nombre de 1 à 52.")],
    )
    nth = SelectField("Le …", coerce=int, choices=choices(NTH), default=2)
    weekday = SelectField("Jour", coerce=int, choices=choices(enumerate(WEEKDAYS)), default=3)
    until = DateField("Jusqu’au", validators=[Optional(), SensibleDate()])
    count = IntegerField(
        "Ou nombre de réunions",
        validators=[Optional(), NumberRange(min=1, max=MAX_SERIES, message=f"De 1 à {MAX_SERIES} réunions.")],
    )

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not self.until.data and not self.count.data:
            self.until.errors.append("Indiquez une date de fin ou un nombre de réunions.")
            return False
        if self.until.data and self.until.data < self.day.data:
            self.until.errors.append("La date de fin précède la première réunion.")
            return False
        return True


class AgendaItemForm(FlaskForm):
    title = line("Intitulé", 500, required=True)
    duration = IntegerField(
        "Durée (minutes)",
        validators=[Optional(), NumberRange(min=0, max=24 * 60, message="Une durée de 0 à 1440 minutes.")],
    )
    presenter = line("Intervenant·e", 200)
    parent = SelectField("Placer sous", coerce=int, validators=[Optional()])


class GuestForm(FlaskForm):
    name = line("Nom", 200, required=True, render_kw={"list": "personnes-connues", "autocomplete": "off"})
    organisation = line("Structure", 200, render_kw={"list": "structures-connues", "autocomplete": "off"})
    email = StringField("Adresse e-mail", validators=[Optional(), too_long(254), valid_email], filters=[strip])


class AttendanceForm(FlaskForm):
    status = SelectField("Présence", choices=choices((s.value, s.label) for s in AttendanceStatus))
    represented_by = line("Représenté·e par", 200)
    arrived_at = TimeField("Arrivée", validators=[Optional()])
    left_at = TimeField("Départ", validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.status.data == AttendanceStatus.REPRESENTED and not self.represented_by.data:
            self.represented_by.errors.append("Indiquez qui représente la personne.")
            return False
        return True
