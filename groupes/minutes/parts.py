"""The name of a part of the minutes, as forms, anchors and scripts carry it.

« p<item id> » names the notes of an agenda item, « s<section id> » a free section: the
room's editor saves a part under its key, revisions are compared part by part, and a
passage is marked huis clos by it (``groupes/privacy/marking.py`` names decisions,
actions and findings the same way, with their own letters).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from groupes.minutes.models import MinutesSection


@dataclass(frozen=True)
class PartKey:
    kind: str  # NOTES or SECTION (or a letter of ``kinds`` given to ``parse``)
    id: int  # the agenda item's for NOTES, the section's for SECTION

    NOTES: ClassVar[str] = "p"
    SECTION: ClassVar[str] = "s"

    @classmethod
    def parse(cls, text: str, kinds=(NOTES, SECTION)) -> PartKey:
        """The key ``text`` spells; ValueError if it spells none of ``kinds``."""
        kind, number = text[:1], text[1:]
        # One spelling per key: ASCII digits without leading zeros (« p012 » and « p١٢ » are not « p12 »).
        if kind not in kinds or not (number.isascii() and number.isdigit()) or str(int(number)) != number:
            raise ValueError(f"unknown part key {text!r}")
        return cls(kind, int(number))

    @classmethod
    def of(cls, section: MinutesSection) -> PartKey:
        return cls.of_snapshot({"agenda_item_id": section.agenda_item_id, "id": section.id})

    @classmethod
    def of_snapshot(cls, section: dict) -> PartKey:
        """The key of a section as a revision's content keeps it."""
        if section.get("agenda_item_id"):
            return cls(cls.NOTES, section["agenda_item_id"])
        return cls(cls.SECTION, section["id"])

    @property
    def is_section(self) -> bool:
        return self.kind == self.SECTION

    def __str__(self) -> str:
        return f"{self.kind}{self.id}"
