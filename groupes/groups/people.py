"""Work on people and organisations shared by the pages, the import and the commands."""

from functools import lru_cache

from email_validator import EmailNotValidError, validate_email


@lru_cache(maxsize=4096)
def is_valid_email(value: str) -> bool:
    """Syntax only: no DNS look-up (machines may have no network; .example addresses are fine)."""
    try:
        validate_email(value, check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        return False
    return True
