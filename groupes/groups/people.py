"""Work on people and organisations shared by the pages, the import and the commands."""

from functools import lru_cache

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email

from groupes.extensions import db
from groupes.groups.models import Membership, Person


@lru_cache(maxsize=4096)
def is_valid_email(value: str) -> bool:
    """Syntax only: no DNS look-up (machines may have no network; .example addresses are fine)."""
    try:
        validate_email(value, check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        return False
    return True


def member_ids(group_ids: list[int]) -> sa.Select:
    """The people who belong to these groups, as a subquery."""
    return sa.select(Membership.person_id).where(Membership.group_id.in_(group_ids))


def member_names(group_ids: list[int]) -> list[str]:
    """Names of the members of these groups, for suggestions in forms."""
    return list(
        db.session.scalars(
            sa.select(Person.name).where(Person.id.in_(member_ids(group_ids))).distinct().order_by(Person.name)
        )
    )
