"""Work on people and organisations shared by the pages, the import and the commands."""

import sqlalchemy as sa

from groupes.extensions import db
from groupes.groups.models import Membership, Person


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
