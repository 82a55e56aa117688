"""The running schedule of an ordre du jour, computed from the meeting's start."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from groupes.meetings.models import AgendaItem, Meeting


@dataclass
class ScheduledItem:
    item: AgendaItem
    starts_at: datetime
    minutes: int | None  # its length: its own duration, or that of its sub-items
    children: list["ScheduledItem"]


def agenda_schedule(meeting: Meeting) -> list[ScheduledItem]:
    """Each item starts when the previous one ends; sub-items share their parent's slot."""
    children_of: dict[int | None, list[AgendaItem]] = {}
    for item in meeting.agenda_items:  # ordered by position
        children_of.setdefault(item.parent_id, []).append(item)

    def schedule(items: list[AgendaItem], start: datetime) -> tuple[list[ScheduledItem], int]:
        scheduled, clock = [], 0
        for item in items:
            children, inner = schedule(children_of.get(item.id, []), start + timedelta(minutes=clock))
            length = item.duration_min if item.duration_min is not None else (inner or None)
            scheduled.append(ScheduledItem(item, start + timedelta(minutes=clock), length, children))
            clock += length or 0
        return scheduled, clock

    return schedule(children_of.get(None, []), meeting.starts_at)[0]


def planned_minutes(schedule: list[ScheduledItem]) -> int:
    return sum(entry.minutes or 0 for entry in schedule)
