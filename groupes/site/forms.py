"""What every form shares: French messages, trimmed text, a form for a plain confirmation."""

from functools import cache

from babel import support
from flask import request
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import SelectChoice, StringField, TextAreaField
from wtforms.i18n import messages_path
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from groupes.errors import DomainError
from groupes.mail.addresses import is_valid_email
from groupes.site.formatting import number

REQUIRED = "Ce champ est obligatoire."


def strip(value):
    return value.strip() if isinstance(value, str) else value


def too_long(maximum: int) -> Length:
    return Length(max=maximum, message=f"{number(maximum)}\u00a0caractères au plus.")


def line(label: str, maximum: int, required: bool = False, **kwargs) -> StringField:
    """A one-line text field, trimmed, with a maximum length (and required if asked)."""
    validators = [DataRequired(REQUIRED) if required else Optional(), too_long(maximum)]
    return StringField(label, validators=validators, filters=[strip], **kwargs)


def text(label: str, maximum: int = 100_000, **kwargs) -> TextAreaField:
    return TextAreaField(label, validators=[Optional(), too_long(maximum)], **kwargs)


def valid_email(form, field) -> None:
    """Every address field of every form: the shared rule (groupes/mail/addresses.py)."""
    if field.data and not is_valid_email(field.data):
        raise ValidationError(
            "Adresse e-mail invalide. Une seule adresse, sans nom ni chevrons : prenom.nom@exemple.fr."
        )


class TypographicMessages:
    """WTForms' own French messages (« N'est pas un choix valide. ») with the typographic apostrophe."""

    def __init__(self, translations):
        self.translations = translations

    def ugettext(self, string: str) -> str:
        return self.translations.ugettext(string).replace("'", "’")

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ungettext(singular, plural, n).replace("'", "’")


@cache
def _wtforms_messages(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


def typographic_form_messages() -> None:
    """Before each request: Flask-WTF takes the request's WTForms messages from
    ``request.wtforms_translations`` when it is set (flask_wtf/i18n.py), and loads them otherwise."""
    request.wtforms_translations = TypographicMessages(_wtforms_messages(str(get_locale())))


def optional_id(value) -> int | None:
    """For selects whose first option, empty, means « none chosen »."""
    if value in ("", None):
        return None
    return int(value)


def choices(pairs) -> list[SelectChoice]:
    """Options of a select field from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class ConfirmForm(FlaskForm):
    """A button that changes something: only its CSRF token is checked."""


def show_domain_error(form, error: DomainError, *fallbacks: str) -> None:
    """Put a refusal of the domain next to the field it names; when the form has no such
    field (or the error names none), next to the first of ``fallbacks`` it has, else its
    first field."""
    for name in (error.field, *fallbacks):
        field = getattr(form, name, None) if name else None
        if field is not None:
            break
    else:
        field = next(f for f in form if f.type != "CSRFTokenField")
    field.errors.append(str(error))
