"""What every form shares: French messages, trimmed text, a form for a plain confirmation."""

from flask_wtf import FlaskForm
from wtforms import SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from groupes.errors import DomainError
from groupes.mail.addresses import is_valid_email

REQUIRED = "Ce champ est obligatoire."


def strip(value):
    return value.strip() if isinstance(value, str) else value


def too_long(maximum: int) -> Length:
    return Length(max=maximum, message=f"{maximum} caractères au plus.")


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
            "Adresse e-mail invalide. Une seule adresse, sans nom ni chevrons : prenom.nom@exemple.fr."
        )


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
