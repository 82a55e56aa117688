import io

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from PIL import Image
from wtforms import BooleanField, DateField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, ValidationError
from wtforms.widgets import HiddenInput

from groupes.attachments.checks import AttachmentRefused, check_file
from groupes.outcomes.models import FindingKind
from groupes.site.dates import SensibleDate
from groupes.site.forms import REQUIRED, choices, line, optional_id, strip, text, too_long

LOGO_MAX_SIZE = 1024 * 1024  # a programme's logo, printed on its documents
# Printed a few centimetres wide: 4,000 pixels a side is plenty. A small file may declare far
# more (a « decompression bomb »), which WeasyPrint would decode for every document.
LOGO_MAX_SIDE = 4000


def image_problem(content: bytes) -> str | None:
    """Why ``content`` is no image to print (too many pixels, or it does not decode), or None.
    The size is read from the header before anything is decoded."""
    try:
        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size
            if max(width, height) > LOGO_MAX_SIDE:
                return f"{width}\u00a0×\u00a0{height}\u00a0pixels, pour {LOGO_MAX_SIDE}\u00a0pixels de côté au plus."
            image.load()
    except Exception:  # Pillow signals a broken file with many kinds of errors  # noqa: BLE001
        return "l’image est illisible (fichier abîmé ou incomplet)."
    return None


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
    document_label = line(
        "Libellé des documents",
        200,
        description="Imprimé en tête de la couverture de l’annexe, par exemple : Annexe 2.",
    )
    document_date = DateField(
        "Date des documents",
        validators=[Optional(), SensibleDate()],
        description="« Document établi le … » sur la couverture et date de création des PDF ; "
        "vide : le jour du téléchargement.",
    )
    logo = FileField(
        "Logo",
        description="Image PNG ou JPEG de 1 Mo au plus, imprimée sur la couverture et en tête des documents ; "
        "le type est vérifié d’après le contenu du fichier.",
        render_kw={"accept": ".png,.jpg,.jpeg"},
    )
    remove_logo = BooleanField("Retirer le logo actuel")

    def validate_logo(self, field) -> None:
        """A PNG or JPEG, by its content (the checks of attachments), within the size limit;
        ``self.logo_file`` is then (content, media type)."""
        self.logo_file = None
        upload = field.data
        if not upload or not getattr(upload, "filename", ""):
            return
        content = upload.read()
        try:
            checked = check_file(upload.filename, content, max_size=LOGO_MAX_SIZE)
        except AttachmentRefused as refusal:
            raise ValidationError(str(refusal)) from None
        if checked.kind not in ("png", "jpeg"):
            raise ValidationError(f"Le fichier « {checked.filename} » n’est pas une image PNG ou JPEG.")
        problem = image_problem(content)
        if problem:
            raise ValidationError(f"Le fichier « {checked.filename} » ne peut servir de logo\u00a0: {problem}")
        self.logo_file = (content, checked.mimetype)


class MilestoneForm(FlaskForm):
    title = line("Intitulé", 500, required=True, description="Par exemple : Comité de pilotage.")
    date = DateField("Date", validators=[InputRequired("Indiquez une date."), SensibleDate()])
    by_month = BooleanField(
        "Connu au mois seulement",
        description="Imprimé comme un mois, par exemple : novembre 2014 (le jour indiqué est ignoré).",
    )
    place = line("Lieu", 500)


class OrganiserForm(FlaskForm):
    person = SelectField("Personne", coerce=optional_id, validators=[DataRequired(REQUIRED)])


class SynthesisEntryForm(FlaskForm):
    """The wording of one entry of the synthesis; ``base_version`` is the version it started from."""

    kind = SelectField("Nature", choices=choices((k.value, k.label) for k in FindingKind))
    theme = line("Thème", 500, description="Intertitre de l’élément dans la synthèse publiée (facultatif).")
    text = TextAreaField("Rédaction", validators=[DataRequired(REQUIRED), too_long(20_000)], filters=[strip])
    base_version = IntegerField(widget=HiddenInput(), validators=[Optional()], default=0)
