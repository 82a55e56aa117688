"""Planning meetings: one at a time or as a series; moving and cancelling them."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from dateutil.rrule import MONTHLY, WEEKLY, rrule, weekday
from sqlalchemy.exc import IntegrityError

from groupes.errors import DomainError
from groupes.extensions import db
from groupes.groups.models import Role, WorkingGroup
from groupes.meetings.models import (
    AgendaItem,
    AgendaItemKind,
    Attendance,
    Meeting,
    MeetingSeries,
    MeetingStatus,
)
from groupes.meetings.numbering import Renumbered, renumbered
from groupes.minutes.models import Minutes
from groupes.site.dates import date_problem
from groupes.site.formatting import short_date
from groupes.site.timezone import PARIS

MAX_SERIES = 60
WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
NTH = [(1, "1er"), (2, "2e"), (3, "3e"), (4, "4e"), (-1, "dernier")]
PREVIOUS_MINUTES_TITLE = "Validation du compte-rendu de la réunion précédente"
ACTIONS_REVIEW_TITLE = "Suivi des actions"


class PlanningError(DomainError, ValueError):
    """A plan that cannot be carried out; ``field`` names the form field at fault."""


class RenumberingNotConfirmed(PlanningError):
    """The change would give meetings with validated minutes another number: it is made
    only once the user has confirmed it, knowing which."""

    def __init__(self, changes: list[Renumbered], cause: str):
        super().__init__(
            "day",
            f"{cause} renumérote des réunions dont le compte-rendu est validé : "
            + " ; ".join(str(change) for change in changes)
            + ". Confirmez pour l’enregistrer quand même.",
        )
        self.changes = changes


@dataclass
class Changes:
    """What a change of several meetings did, and the meetings it left as they were
    because their minutes are validated."""

    changed: list[Meeting]
    frozen: list[Meeting]

    def frozen_names(self) -> str:
        return ", ".join(f"la réunion du {short_date(m.starts_at)}" for m in self.frozen)


def ensure_not_frozen(meeting: Meeting, what: str) -> None:
    """Refuse ``what`` (« modifiée », « annulée »…) on a meeting whose minutes are validated."""
    if meeting.is_frozen:
        raise PlanningError(
            "day",
            f"Le compte-rendu de cette réunion est validé : elle ne peut pas être {what} "
            "sans le rouvrir (avec un motif) : date, lieu, sous-titre et numéro sont figés.",
        )


def _check_numbers(
    group: WorkingGroup,
    confirmed: bool,
    cause: str,
    moved: dict[Meeting, tuple[datetime, MeetingStatus]] | None = None,
    added: list[datetime] = (),
) -> list[Renumbered]:
    """Stop a change that renumbers validated meetings unless it is confirmed; once it is,
    the new numbers are theirs."""
    changes = renumbered(group.meetings, moved, added)
    if changes and not confirmed:
        raise RenumberingNotConfirmed(changes, cause)
    return changes


def _renumber(changes: list[Renumbered]) -> None:
    for change in changes:
        change.meeting.frozen_number = change.becomes


def paris_moment(day: date, at: time, field: str = "start") -> datetime:
    """The moment a Paris wall-clock time names, in UTC; refused if clocks skip it or the
    date is outside the window of sensible dates."""
    if problem := date_problem(day):
        raise PlanningError("day", problem)
    local = datetime.combine(day, at).replace(tzinfo=PARIS)
    moment = local.astimezone(UTC)
    if moment.astimezone(PARIS).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise PlanningError(field, "Cette heure n’existe pas ce jour-là à Paris (passage à l’heure d’été).")
    return moment


def paris_time(moment: datetime | None) -> time | None:
    return moment.astimezone(PARIS).time() if moment else None


@dataclass
class Slot:
    day: date
    start: time
    end: time | None
    title: str = ""
    place: str = ""

    def moments(self) -> tuple[datetime, datetime | None]:
        starts = paris_moment(self.day, self.start)
        ends = paris_moment(self.day, self.end, "end") if self.end else None
        if ends is not None and ends <= starts:
            raise PlanningError("end", "La fin doit venir après le début.")
        return starts, ends


def _check_free(group: WorkingGroup, starts: datetime, ignore: list[Meeting] = ()) -> None:
    """Two meetings of a group never start at the same moment (this also stops double submits)."""
    query = sa.select(Meeting.id).where(
        Meeting.group_id == group.id, Meeting.starts_at == starts, Meeting.status != MeetingStatus.CANCELLED
    )
    ids = [m.id for m in ignore if m.id]
    if ids:
        query = query.where(Meeting.id.not_in(ids))
    if db.session.scalar(query):
        local = starts.astimezone(PARIS)
        raise PlanningError("day", f"Le groupe a déjà une réunion le {local:%d/%m/%Y} à {local:%H:%M}.")


def _flush(group: WorkingGroup) -> None:
    """Flush a plan; the database refuses two meetings of a group at one moment,
    even when two requests check at the same time (a double submit)."""
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise PlanningError("day", "Le groupe a déjà une réunion à cette date et à cette heure.") from None


def _new_meeting(group: WorkingGroup, starts: datetime, ends: datetime | None, slot: Slot) -> Meeting:
    invited = [m.person_id for m in group.memberships if m.role != Role.OBSERVER]
    meeting = Meeting(group=group, starts_at=starts, ends_at=ends, title=slot.title, place=slot.place)
    db.session.add(meeting)
    meeting.minutes = Minutes()
    meeting.agenda_items = [
        AgendaItem(title=PREVIOUS_MINUTES_TITLE, kind=AgendaItemKind.PREVIOUS_MINUTES, duration_min=10, position=0),
        AgendaItem(title=ACTIONS_REVIEW_TITLE, kind=AgendaItemKind.ACTIONS_REVIEW, duration_min=15, position=1),
    ]
    meeting.attendances = [Attendance(person_id=person_id) for person_id in invited]
    return meeting


def plan_meeting(group: WorkingGroup, slot: Slot, confirmed: bool = False) -> Meeting:
    """A new meeting, with the standing agenda items and the group's members invited."""
    starts, ends = slot.moments()
    _check_free(group, starts)
    changes = _check_numbers(group, confirmed, "Cette date", added=[starts])
    meeting = _new_meeting(group, starts, ends, slot)
    _renumber(changes)
    _flush(group)
    return meeting


@dataclass
class Rhythm:
    kind: str  # "weekly" or "monthly"
    interval: int = 1  # weeks, for "weekly"
    nth: int = 1  # 1..4 or -1 (last), for "monthly"
    weekday: int = 0  # Monday = 0
    until: date | None = None
    count: int | None = None

    def days(self, first: date) -> list[date]:
        if self.until is None and self.count is None:
            raise PlanningError("until", "Indiquez une date de fin ou un nombre de réunions.")
        if self.kind == "weekly":
            rule = rrule(WEEKLY, interval=self.interval, dtstart=first, until=self.until, count=self.count)
        else:
            rule = rrule(
                MONTHLY, byweekday=weekday(self.weekday, self.nth), dtstart=first, until=self.until, count=self.count
            )
        days = []
        for moment in rule:
            days.append(moment.date())
            if len(days) > MAX_SERIES:
                raise PlanningError(
                    "until", f"Une série compte au plus {MAX_SERIES} réunions : rapprochez la date de fin."
                )
        if not days:
            raise PlanningError("day", "Aucune réunion ne tombe entre ces dates avec ce rythme.")
        for field, day in (("day", days[0]), ("until", days[-1])):
            if problem := date_problem(day):
                raise PlanningError(field, problem)
        return days

    def describe(self, slot: Slot) -> str:
        hours = f"{slot.start:%H:%M}" + (f"–{slot.end:%H:%M}" if slot.end else "")
        if self.kind == "weekly":
            every = "chaque semaine" if self.interval == 1 else f"toutes les {self.interval} semaines"
            return f"{every}, {hours}"
        return f"le {dict(NTH)[self.nth]} {WEEKDAYS[self.weekday]} de chaque mois, {hours}"


def plan_series(group: WorkingGroup, slot: Slot, rhythm: Rhythm, confirmed: bool = False) -> list[Meeting]:
    """Every meeting of a series in one step; nothing is written if one of them cannot be."""
    moments = [Slot(day, slot.start, slot.end).moments() for day in rhythm.days(slot.day)]
    for starts, _ in moments:
        _check_free(group, starts)
    _renumber(_check_numbers(group, confirmed, "Cette série", added=[starts for starts, _ in moments]))
    series = MeetingSeries(group=group, description=rhythm.describe(slot))
    meetings = [_new_meeting(group, starts, ends, slot) for starts, ends in moments]
    for meeting in meetings:
        meeting.series = series
    db.session.add(series)
    db.session.flush()
    return meetings


def _this_and_following(meeting: Meeting, scope: str) -> list[Meeting]:
    if scope == "following" and meeting.series is not None:
        return [m for m in meeting.series.meetings if (m.starts_at, m.id) >= (meeting.starts_at, meeting.id)]
    return [meeting]


def update_meeting(meeting: Meeting, slot: Slot, scope: str = "this", confirmed: bool = False) -> Changes:
    """Move or edit a meeting; with scope "following", its later meetings in the series
    take the same hours, place and subtitle (each keeps its own date), except those whose
    minutes are validated, which are left as they are. Returns the meetings that changed
    (each has its iCalendar sequence raised) and those left."""
    ensure_not_frozen(meeting, "modifiée")
    targets = _this_and_following(meeting, scope)
    frozen = [target for target in targets if target.is_frozen]
    targets = [target for target in targets if not target.is_frozen]
    changes = []
    for target in targets:
        day = slot.day if target is meeting else target.starts_at.astimezone(PARIS).date()
        starts, ends = Slot(day, slot.start, slot.end).moments()
        _check_free(meeting.group, starts, ignore=targets)
        changes.append((target, starts, ends))
    renumbering = _check_numbers(
        meeting.group, confirmed, "Cette date", moved={target: (starts, target.status) for target, starts, _ in changes}
    )
    changed = []
    for target, starts, ends in changes:
        before = (target.starts_at, target.ends_at, target.title, target.place)
        target.starts_at, target.ends_at = starts, ends
        target.title, target.place = slot.title, slot.place
        if (starts, ends, slot.title, slot.place) != before:
            target.sequence += 1
            changed.append(target)
    _renumber(renumbering)
    _flush(meeting.group)
    return Changes(changed, frozen)


def cancel_meeting(meeting: Meeting, scope: str = "this", confirmed: bool = False) -> Changes:
    """Cancel a meeting (or it and the rest of its series, except those whose minutes are
    validated: they stay in the dossier and the annex); their pages stay."""
    ensure_not_frozen(meeting, "annulée")
    targets = [m for m in _this_and_following(meeting, scope) if m.status != MeetingStatus.CANCELLED]
    frozen = [target for target in targets if target.is_frozen]
    targets = [target for target in targets if not target.is_frozen]
    _renumber(
        _check_numbers(
            meeting.group,
            confirmed,
            "Cette annulation",
            moved={target: (target.starts_at, MeetingStatus.CANCELLED) for target in targets},
        )
    )
    for target in targets:
        target.status = MeetingStatus.CANCELLED
        target.sequence += 1
    db.session.flush()
    return Changes(targets, frozen)


def restore_meeting(meeting: Meeting, confirmed: bool = False) -> None:
    ensure_not_frozen(meeting, "rétablie")
    _check_free(meeting.group, meeting.starts_at, ignore=[meeting])
    _renumber(
        _check_numbers(
            meeting.group, confirmed, "Ce rétablissement", moved={meeting: (meeting.starts_at, MeetingStatus.PLANNED)}
        )
    )
    meeting.status = MeetingStatus.PLANNED
    meeting.sequence += 1
    _flush(meeting.group)


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The group's last meeting before this one that was not cancelled."""
    earlier = [
        m
        for m in meeting.group.meetings
        if m.status != MeetingStatus.CANCELLED and (m.starts_at, m.id) < (meeting.starts_at, meeting.id)
    ]
    return max(earlier, key=lambda m: (m.starts_at, m.id), default=None)
