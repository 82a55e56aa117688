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
    timed: bool = True  # its start is known: every point before it has a length


def _complete(item: AgendaItem, children: list[ScheduledItem], children_complete: bool) -> bool:
    """Whether the item's length is known: its own duration, or those of all its sub-items."""
    return item.duration_min is not None or (bool(children) and children_complete)


def agenda_schedule(meeting: Meeting) -> list[ScheduledItem]:
    """Each item starts when the previous one ends; sub-items share their parent's slot. An
    item is ``timed`` when every item before it has a known length (no durations: only the
    first one's start is known)."""
    children_of: dict[int | None, list[AgendaItem]] = {}
    for item in meeting.agenda_items:  # ordered by position
        children_of.setdefault(item.parent_id, []).append(item)

    def schedule(items: list[AgendaItem], start: datetime, timed: bool) -> tuple[list[ScheduledItem], int, bool]:
        scheduled, clock, complete = [], 0, True
        for item in items:
            at = start + timedelta(minutes=clock)
            children, inner, children_complete = schedule(children_of.get(item.id, []), at, timed)
            length = item.duration_min if item.duration_min is not None else (inner or None)
            scheduled.append(ScheduledItem(item, at, length, children, timed))
            clock += length or 0
            complete = complete and _complete(item, children, children_complete)
            timed = timed and complete
        return scheduled, clock, complete

    return schedule(children_of.get(None, []), meeting.starts_at, True)[0]


def planned_minutes(schedule: list[ScheduledItem]) -> int:
    return sum(entry.minutes or 0 for entry in schedule)
