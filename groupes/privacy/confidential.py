"""Huis clos: what a group marks as never leaving it.

A point of the agenda (with its sub-points, its notes and the decisions,
actions and findings recorded under it) or a free section of the minutes may
be marked. The group's editors and members see it, marked as such; observers
and the public see a mention that a passage was withheld; no export carries
it (PDF, annex, synthesis, search, e-mail, spreadsheets, JSON unless an
administrator asks for it).
"""

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from groupes.meetings.models import AgendaItem
from groupes.minutes.models import MinutesSection
from groupes.minutes.parts import PartKey

WITHHELD_POINT = "Point à huis clos"
WITHHELD_PASSAGE = "Passage à huis clos : il n’est pas reproduit ici."
WITHHELD_ACTION = "Action décidée à huis clos (son intitulé n’est lisible qu’en ligne)"


def confidential_item_ids(meeting_ids: list[int] | None = None) -> sa.Select:
    """In SQL, the agenda items that are huis clos, themselves or through any point above them
    (the agenda has two levels, but an item under a huis clos point stays huis clos whatever its depth)."""
    marked = sa.select(AgendaItem.id).where(AgendaItem.confidential.is_(True))
    if meeting_ids is not None:
        marked = marked.where(AgendaItem.meeting_id.in_(meeting_ids))
    closed = marked.cte("confidential_items", recursive=True)
    below = aliased(AgendaItem)
    closed = closed.union_all(sa.select(below.id).where(below.parent_id == closed.c.id))
    return sa.select(closed.c.id)


def confidential_section_ids() -> sa.Select:
    """In SQL, the parts of the minutes that are huis clos, themselves or through their point."""
    return sa.select(MinutesSection.id).where(
        sa.or_(MinutesSection.confidential.is_(True), MinutesSection.agenda_item_id.in_(confidential_item_ids()))
    )


def not_confidential(model) -> sa.ColumnElement[bool]:
    """In SQL, the decisions, actions or findings (``model``) neither marked nor recorded under a huis clos point."""
    return sa.and_(
        model.confidential.is_(False),
        sa.or_(model.agenda_item_id.is_(None), model.agenda_item_id.not_in(confidential_item_ids())),
    )


def disclosed(items: Iterable[Any], disclose: bool) -> list[Any]:
    """The items one may see: all of them for the group, those not huis clos for everyone else."""
    return list(items) if disclose else [item for item in items if not item.is_confidential]


def mailed_title(action) -> str:
    """What an e-mail may say of an action: never the wording of a huis clos one."""
    return WITHHELD_ACTION if action.is_confidential else action.title


def withhold_snapshot(content: dict, confidential_keys: set[PartKey], disclose: bool) -> dict:
    """A revision's content without its huis clos parts, for those who may not see them.

    A part counts as huis clos if it was when saved or is now (``confidential_keys``).
    """
    if disclose:
        return content
    sections = [
        s
        for s in content.get("sections", [])
        if not s.get("confidential") and PartKey.of_snapshot(s) not in confidential_keys
    ]
    return {**content, "sections": sections}
