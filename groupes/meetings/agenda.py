"""Editing an ordre du jour: items in two levels, ordered, with durations."""

from groupes.extensions import db
from groupes.meetings.models import AgendaItem, AgendaItemKind, Meeting
from groupes.meetings.planning import PlanningError, previous_meeting

MAX_DEPTH = 2


class AgendaError(PlanningError):
    pass


def ensure_open(meeting: Meeting) -> None:
    """Validated minutes are frozen, and with them the agenda their notes hang on."""
    if meeting.is_frozen:
        raise AgendaError(
            "title",
            "Le compte-rendu de cette réunion est validé : son ordre du jour est figé (rouvrez-le pour le modifier).",
        )


def _siblings(meeting: Meeting, parent_id: int | None) -> list[AgendaItem]:
    return sorted((i for i in meeting.agenda_items if i.parent_id == parent_id), key=lambda i: (i.position, i.id or 0))


def renumber(meeting: Meeting) -> None:
    """Positions in reading order: each item, then its sub-items."""
    position = 0
    for root in _siblings(meeting, None):
        root.position = position
        position += 1
        for child in _siblings(meeting, root.id):
            child.position = position
            position += 1


def _parent(meeting: Meeting, parent_id: int | None) -> AgendaItem | None:
    if not parent_id:
        return None
    parent = next((i for i in meeting.agenda_items if i.id == parent_id), None)
    if parent is None:
        raise AgendaError("parent", "Ce point n’appartient pas à cet ordre du jour.")
    if parent.parent_id is not None:
        raise AgendaError(
            "parent", f"L’ordre du jour a {MAX_DEPTH} niveaux au plus : placez ce point sous un point principal."
        )
    return parent


def add_item(
    meeting: Meeting, *, title: str, duration: int | None, presenter: str, parent_id: int | None
) -> AgendaItem:
    ensure_open(meeting)
    parent = _parent(meeting, parent_id)
    siblings = _siblings(meeting, parent.id if parent else None)
    item = AgendaItem(
        title=title,
        duration_min=duration,
        presenter=presenter or None,
        parent_id=parent.id if parent else None,
        position=(siblings[-1].position + 1) if siblings else (parent.position + 1 if parent else 0),
    )
    meeting.agenda_items.append(item)
    db.session.flush()
    renumber(meeting)
    db.session.flush()
    return item


def _new_parent(item: AgendaItem, parent_id: int | None, field: str) -> AgendaItem | None:
    """The point ``item`` may go under (None: the first level); a point with sub-points stays at the first."""
    meeting = item.meeting
    parent = _parent(meeting, parent_id)
    if parent is not None and (parent.id == item.id or any(i.parent_id == item.id for i in meeting.agenda_items)):
        raise AgendaError(
            field, f"L’ordre du jour a {MAX_DEPTH} niveaux au plus : ce point a lui-même des sous-points."
        )
    return parent


def update_item(item: AgendaItem, *, title: str, duration: int | None, presenter: str, parent_id: int | None) -> None:
    meeting = item.meeting
    ensure_open(meeting)
    parent = _new_parent(item, parent_id, "parent")
    if (parent.id if parent else None) != item.parent_id:
        item.parent_id = parent.id if parent else None
        siblings = [s for s in _siblings(meeting, item.parent_id) if s is not item]
        item.position = (siblings[-1].position + 1) if siblings else 0
    item.title, item.duration_min, item.presenter = title, duration, presenter or None
    db.session.flush()
    renumber(meeting)
    db.session.flush()


def delete_item(item: AgendaItem) -> None:
    """Remove a point and its sub-points, unless the minutes already hold notes on them."""
    meeting = item.meeting
    ensure_open(meeting)
    doomed = [item] + [i for i in meeting.agenda_items if i.parent_id == item.id]
    notes = {s.agenda_item_id for s in meeting.minutes.sections if s.body.strip()}
    if any(i.id in notes for i in doomed):
        raise AgendaError(
            "title", "Ce point a des notes au compte-rendu : supprimez-les d’abord, elles seraient perdues."
        )
    for doomed_item in reversed(doomed):
        meeting.agenda_items.remove(doomed_item)
        db.session.delete(doomed_item)
    db.session.flush()
    renumber(meeting)
    db.session.flush()


MOVES = {
    "up": "monter",
    "down": "descendre",
    "indent": "placer sous le point précédent",
    "outdent": "remonter d’un niveau",
}


def move_item(item: AgendaItem, direction: str) -> None:
    meeting = item.meeting
    ensure_open(meeting)
    siblings = _siblings(meeting, item.parent_id)
    index = siblings.index(item)
    if direction in ("up", "down"):
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(siblings):
            raise AgendaError(
                "title", f"Ce point est déjà le {'premier' if direction == 'up' else 'dernier'} de son niveau."
            )
        siblings[index], siblings[other] = siblings[other], siblings[index]
        for position, sibling in enumerate(siblings):
            sibling.position = position
    elif direction == "indent":
        if item.parent_id is not None:
            raise AgendaError("title", f"L’ordre du jour a {MAX_DEPTH} niveaux au plus.")
        if index == 0:
            raise AgendaError("title", "Le premier point ne peut pas passer sous un point précédent.")
        if any(i.parent_id == item.id for i in meeting.agenda_items):
            raise AgendaError(
                "title", f"L’ordre du jour a {MAX_DEPTH} niveaux au plus : ce point a lui-même des sous-points."
            )
        new_parent = siblings[index - 1]
        children = _siblings(meeting, new_parent.id)
        item.parent_id = new_parent.id
        item.position = (children[-1].position + 1) if children else 0
    elif direction == "outdent":
        if item.parent_id is None:
            raise AgendaError("title", "Ce point est déjà au premier niveau.")
        parent = next(i for i in meeting.agenda_items if i.id == item.parent_id)
        roots = _siblings(meeting, None)
        item.parent_id = None
        roots.insert(roots.index(parent) + 1, item)
        for position, root in enumerate(roots):
            root.position = position
    else:
        raise AgendaError("title", "Déplacement inconnu.")
    db.session.flush()
    renumber(meeting)
    db.session.flush()


def place_item(item: AgendaItem, parent_id: int | None, index: int) -> None:
    """Put a point at ``index`` among the points of ``parent_id`` (None: the first level), as a drag and drop does."""
    meeting = item.meeting
    ensure_open(meeting)
    parent = _new_parent(item, parent_id, "title")
    item.parent_id = parent.id if parent else None
    siblings = [s for s in _siblings(meeting, item.parent_id) if s is not item]
    siblings.insert(max(0, min(index, len(siblings))), item)
    for position, sibling in enumerate(siblings):
        sibling.position = position
    db.session.flush()
    renumber(meeting)
    db.session.flush()


def where_it_stands(item: AgendaItem) -> str:
    """The place of a point in words, as it is announced after a move: « le 3e point »."""
    siblings = _siblings(item.meeting, item.parent_id)
    rank = siblings.index(item) + 1
    ordinal = "1er" if rank == 1 else f"{rank}e"
    if item.parent_id is None:
        return f"le {ordinal} point"
    parent = next(i for i in item.meeting.agenda_items if i.id == item.parent_id)
    return f"le {ordinal} sous-point de « {parent.title} »"


def copy_previous_agenda(meeting: Meeting) -> int:
    """Append the topics of the previous meeting's agenda (the standing items are already there)."""
    ensure_open(meeting)
    previous = previous_meeting(meeting)
    if previous is None:
        raise AgendaError("title", "Ce groupe n’a pas de réunion précédente.")
    copies: dict[int, AgendaItem] = {}
    start = max((i.position for i in meeting.agenda_items), default=-1) + 1
    for offset, source in enumerate(sorted(previous.agenda_items, key=lambda i: i.position)):
        if source.kind != AgendaItemKind.TOPIC:
            continue
        copy = AgendaItem(
            title=source.title,
            duration_min=source.duration_min,
            presenter=source.presenter,
            position=start + offset,
            parent=copies.get(source.parent_id),
        )
        copies[source.id] = copy
        meeting.agenda_items.append(copy)
    if not copies:
        raise AgendaError("title", "L’ordre du jour précédent n’a pas de point à reprendre.")
    db.session.flush()
    renumber(meeting)
    db.session.flush()
    return len(copies)
