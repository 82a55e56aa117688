"""The live meeting: the agenda point it is at, its timer, and members following the minutes.

The facilitator sets the point the meeting is at (« On en est à … »); every editor's room,
the presentation view and the members' follow view show it, with the time spent on it
against its planned duration. The facilitator may open the minutes to the group's members
for reading while they are written: until the meeting's end, or until closed.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from groupes.auth.permissions import Viewer, load_or_refuse
from groupes.extensions import db
from groupes.groups.models import Role
from groupes.meetings.models import AgendaItem, Meeting
from groupes.minutes.models import Minutes, MinutesSection
from groupes.minutes.writing import MinutesError
from groupes.outcomes.models import Action, Decision, Finding

# Following past the planned end: a meeting that overruns, or one without an end time.
FOLLOW_GRACE = timedelta(hours=1)
WARN_AT = 0.8  # the timer warns when this share of the planned duration is spent


@dataclass
class LivePoint:
    item: AgendaItem
    since: datetime | None
    planned_minutes: int | None


def live_point(meeting: Meeting) -> LivePoint | None:
    """The point the meeting is at, if the facilitator set one and it is still on the agenda."""
    item = next((i for i in meeting.agenda_items if i.id == meeting.live_item_id), None)
    if item is None:
        return None
    return LivePoint(item, meeting.live_item_since, item.duration_min)


def set_live_point(meeting: Meeting, item_id: int | None, now: datetime) -> None:
    """Move the meeting to one of its points (None: to no point); its timer starts now."""
    if meeting.is_frozen:
        raise MinutesError("item", "Le compte-rendu est validé : la réunion est close.")
    if item_id is not None and not any(i.id == item_id for i in meeting.agenda_items):
        raise MinutesError("item", "Ce point n’appartient pas à l’ordre du jour de cette réunion.")
    if item_id == meeting.live_item_id:
        return
    meeting.live_item_id = item_id
    meeting.live_item_since = now if item_id is not None else None


def followers_end(meeting: Meeting, now: datetime) -> datetime:
    """When following ends if opened ``now``: at the meeting's planned end, or an hour from
    now for a meeting past its planned end or without one."""
    end = meeting.ends_at
    return end if end is not None and end > now else now + FOLLOW_GRACE


def open_to_followers(meeting: Meeting, now: datetime) -> None:
    if meeting.is_frozen:
        raise MinutesError("follow", "Le compte-rendu est validé : il se lit déjà sur la page de la réunion.")
    meeting.followers_until = followers_end(meeting, now)


def close_to_followers(meeting: Meeting) -> None:
    meeting.followers_until = None


def stamped_meeting(meeting_id: int) -> Meeting:
    """The meeting with its group and minutes, nothing else: enough for the permission and
    the stamp of a live page's poll (the full meeting is loaded only when something changed)."""
    query = (
        sa.select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(joinedload(Meeting.group), joinedload(Meeting.minutes))
    )
    return load_or_refuse(query)


def room_stamp(meeting: Meeting, *, text: bool = False) -> str:
    """What the live pages show, read as a few short columns (no object loaded, nothing
    rendered): the same stamp, the same page, so that the pages' polls are answered 304
    before any template runs. It covers the point and its timer, the followers' invitation,
    the minutes' state, the agenda (its points, titles, durations, huis clos marks), the
    parts (the room offers to reload when one is added), the decisions, actions and findings
    (each raises its version on every change); with ``text``, the parts' text too (the
    follow view shows it)."""
    minutes = sa.select(Minutes.id).where(Minutes.meeting_id == meeting.id).scalar_subquery()
    of_meeting = [
        sa.select(Minutes.status, Minutes.outcomes_version, *([Minutes.revision] if text else [])).where(
            Minutes.meeting_id == meeting.id
        ),
        sa.select(
            AgendaItem.id,
            AgendaItem.parent_id,
            AgendaItem.position,
            AgendaItem.title,
            AgendaItem.duration_min,
            AgendaItem.confidential,
        ).where(AgendaItem.meeting_id == meeting.id),
        sa.select(
            MinutesSection.id,
            MinutesSection.heading,
            MinutesSection.confidential,
            *([MinutesSection.version] if text else []),
        ).where(MinutesSection.minutes_id == minutes),
        sa.select(Decision.id, Decision.version, Decision.confidential).where(Decision.meeting_id == meeting.id),
        sa.select(Action.id, Action.version, Action.confidential, Action.status).where(Action.meeting_id == meeting.id),
        sa.select(Finding.id, Finding.version, Finding.confidential).where(Finding.meeting_id == meeting.id),
    ]
    state = [(meeting.live_item_id, meeting.live_item_since, meeting.followers_until, meeting.is_followed)]
    state += [sorted(db.session.execute(query).all()) for query in of_meeting]
    return hashlib.sha256(repr(state).encode()).hexdigest()[:32]


def live_audience(meeting: Meeting) -> Viewer:
    """Whoever watches the projection or follows the minutes live: they read the minutes in
    their current state, as the group's editors do, but as a document reads them (``reader_view``
    with ``document=True``): never a huis clos passage, whoever they are."""
    return Viewer(roles={meeting.group_id: Role.SECRETARY})
