"""The window of sensible dates, shared by every form, the import and the command line.

A date typed as « 201 » for 2014, or 9999 to mean "never", would give a meeting on
1 January 201 (shown at 9 h 59, Paris's local mean time then) or dates that break
the arithmetic of calendars: dates outside 1900–2100 are refused, and a meeting
more than a few years away is only questioned.
"""

from datetime import date, datetime

from wtforms.validators import ValidationError

EARLIEST_YEAR = 1900
LATEST_YEAR = 2100
FAR_AHEAD_YEARS = 5


def date_problem(day: date | datetime) -> str | None:
    """Why this date is refused, in French; None when it is in the window."""
    if EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        return None
    return f"Date refusée : l’année doit être comprise entre {EARLIEST_YEAR} et {LATEST_YEAR} (année {day.year})."


def far_ahead(day: date | datetime, today: date) -> str | None:
    """A warning (not a refusal) for a meeting more than FAR_AHEAD_YEARS years away."""
    if isinstance(day, datetime):
        day = day.date()
    if day.year - today.year > FAR_AHEAD_YEARS or (
        day.year - today.year == FAR_AHEAD_YEARS and (day.month, day.day) > (today.month, today.day)
    ):
        return f"Attention : cette réunion est à plus de {FAR_AHEAD_YEARS} ans d’aujourd’hui. Vérifiez l’année."
    return None


class SensibleDate:
    """Form validator: the field's date lies within the window (an empty field is left to
    the other validators)."""

    def __call__(self, form, field) -> None:
        if field.data is not None and (problem := date_problem(field.data)):
            raise ValidationError(problem)
