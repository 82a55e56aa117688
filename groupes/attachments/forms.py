"""The form that adds a document to a meeting."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField
from wtforms.validators import Optional

from groupes.attachments.checks import ACCEPT_ATTRIBUTE, ACCEPTED
from groupes.meetings.models import Meeting
from groupes.site.forms import choices, optional_id


class AttachmentForm(FlaskForm):
    file = FileField(
        "Fichier",
        validators=[FileRequired("Choisissez un fichier.")],
        description=f"{ACCEPTED} ; le type est vérifié d’après le contenu du fichier.",
        render_kw={"accept": ACCEPT_ATTRIBUTE},
    )
    agenda_item = SelectField("Point de l’ordre du jour", coerce=optional_id, validators=[Optional()])


def attachment_form(meeting: Meeting) -> AttachmentForm:
    form = AttachmentForm()
    items = sorted(meeting.agenda_items, key=lambda i: i.position)
    form.agenda_item.choices = choices(
        [("", "— la réunion dans son ensemble —")]
        + [(i.id, ("\u2003" if i.parent_id else "") + i.title) for i in items]
    )
    return form
