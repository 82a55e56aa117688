"""The refusals of the domain: what the rules will not do, said in French for the person asking."""


class DomainError(Exception):
    """A change the domain refuses. The message (``str(error)``) is for the user; ``field``
    names the form field at fault, None when the refusal concerns the form as a whole.

    Raised as ``SomeError(field, message)``, or ``SomeError(message)`` without a field.
    The families keep their own names (``except PlanningError``); those that were
    ValueErrors stay ValueErrors."""

    field: str | None

    def __init__(self, field: str | None, message: str | None = None):
        if message is None:
            field, message = None, field
        super().__init__(message)
        self.field = field
