"""A reader's view of a meeting: what this reader may read of it, and nothing else.

Every page, document, export and mail that shows a meeting's agenda, minutes,
outcomes, documents or comments is built from ``reader_view``: huis clos
passages are already withheld (replaced by a mention, with the counts of what
was left out) for those who may not read them, and in every document; the
minutes and outcomes are already empty for those who may not read their state.
Templates render what they are given and decide nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby

from groupes.attachments.models import Attachment
from groupes.auth.permissions import Viewer
from groupes.auth.permissions import viewer as current_viewer
from groupes.meetings.models import AgendaItem, AgendaItemKind, AgendaKinds, Meeting
from groupes.meetings.schedule import ScheduledItem, agenda_schedule
from groupes.minutes.models import MinutesSection
from groupes.minutes.parts import PartKey
from groupes.outcomes.models import Action, Decision, Finding, FindingKind
from groupes.privacy.confidential import WITHHELD_POINT


@dataclass
class Point(AgendaKinds):
    """A point of the agenda as this reader sees it: a withheld one is only « Point à huis clos »,
    without presenter nor sub-points."""

    id: int
    title: str
    presenter: str
    kind: AgendaItemKind
    starts_at: datetime
    minutes: int | None
    is_confidential: bool  # huis clos, shown to the group with its badge
    withheld: bool
    children: list[Point] = field(default_factory=list)
    timed: bool = True  # its start is known (every point before it has a duration)


@dataclass
class Part:
    """A part of the minutes (the notes of a point, or a free section) as this reader sees it."""

    section_id: int
    title: str  # the point's title, or the section's heading
    body: str
    is_confidential: bool
    withheld: bool
    of_point: bool
    point_id: int | None = None  # the agenda item whose notes these are


@dataclass
class MeetingView:
    meeting: Meeting
    disclose: bool  # huis clos passages are shown (to the group, on its pages)
    read_minutes: bool  # the minutes and outcomes in their current state
    agenda: list[Point]
    notes: list[Part]  # the notes of the points, in reading order
    sections: list[Part]  # the free sections
    findings: list[tuple[FindingKind, list[Finding]]]  # runs of one kind, in the order written
    decisions: list[Decision]
    actions: list[Action]
    attachments: list[Attachment]
    # How many of each were withheld (decisions, actions, findings, attachments), to say so.
    withheld: dict[str, int]
    has_decisions: bool  # any at all, withheld or not (« Aucune décision » otherwise)
    has_actions: bool
    has_attachments: bool

    @property
    def readable_section_ids(self) -> set[int]:
        return {p.section_id for p in self.notes + self.sections if not p.withheld}

    @property
    def readable_outcome_keys(self) -> set[PartKey]:
        """The decisions, actions and findings this reader may read, by part key."""
        shown = [("d", self.decisions), ("a", self.actions), ("f", [f for _, run in self.findings for f in run])]
        return {PartKey(kind, row.id) for kind, rows in shown for row in rows}

    def threads(self, threads: dict) -> dict:
        """The comment threads (by section id, outcome key, None for general remarks) on what
        this reader may read."""
        readable = self.readable_section_ids | self.readable_outcome_keys
        return {key: value for key, value in threads.items() if key is None or key in readable}

    def point_title(self, item: AgendaItem | None) -> str:
        if item is None:
            return ""
        return item.title if self.disclose or not item.is_confidential else WITHHELD_POINT


def reader_view(meeting: Meeting, viewer: Viewer | None = None, *, document: bool = False) -> MeetingView:
    """The meeting as ``viewer`` (the current one by default) may read it; a ``document`` (PDF,
    calendar, mail, export) never carries huis clos passages, whoever asks. Reads only what the
    meeting has loaded: no query of its own."""
    v = viewer or current_viewer()
    group = meeting.group
    disclose = not document and v.discloses(group)
    read_minutes = meeting.minutes.status in v.minutes_states(group)
    hidden = set() if disclose else {i.id for i in meeting.agenda_items if i.is_confidential}

    def shown(items):
        return list(items) if disclose else [i for i in items if not i.is_confidential]

    schedule = agenda_schedule(meeting)
    agenda = _points(schedule, hidden)
    notes: list[Part] = []
    sections: list[Part] = []
    findings, decisions, actions, attachments = [], [], [], []
    if read_minutes:
        item_notes = meeting.minutes.item_notes

        def walk(entries: list[ScheduledItem]) -> None:
            for entry in entries:
                section = item_notes.get(entry.item.id)
                if section is not None and section.body.strip():
                    notes.append(_part(section, entry.item.title, entry.item.id in hidden, of_point=True))
                walk(entry.children)

        walk(schedule)
        for section in meeting.minutes.free_sections:
            if section.heading.strip() or section.body.strip():
                withheld = not disclose and section.is_confidential
                sections.append(_part(section, section.heading, withheld, of_point=False))
        # In the order they were written, a kind's heading over each run of consecutive ones.
        findings = [(kind, list(items)) for kind, items in groupby(shown(meeting.findings), key=lambda f: f.kind)]
        decisions, actions, attachments = shown(meeting.decisions), shown(meeting.actions), shown(meeting.attachments)
    all_of = {
        "findings": meeting.findings if read_minutes else [],
        "decisions": meeting.decisions if read_minutes else [],
        "actions": meeting.actions if read_minutes else [],
        "attachments": meeting.attachments if read_minutes else [],
    }
    kept = {"findings": sum(len(i) for _, i in findings), "decisions": len(decisions), "actions": len(actions)}
    kept["attachments"] = len(attachments)
    return MeetingView(
        meeting=meeting,
        disclose=disclose,
        read_minutes=read_minutes,
        agenda=agenda,
        notes=notes,
        sections=sections,
        findings=findings,
        decisions=decisions,
        actions=actions,
        attachments=attachments,
        withheld={key: len(items) - kept[key] for key, items in all_of.items()},
        has_decisions=bool(all_of["decisions"]),
        has_actions=bool(all_of["actions"]),
        has_attachments=bool(all_of["attachments"]),
    )


def document_agenda(meeting: Meeting) -> list[Point]:
    """The agenda as every document (calendar, mail, PDF) gives it, whoever receives it."""
    return _points(agenda_schedule(meeting), {i.id for i in meeting.agenda_items if i.is_confidential})


def _points(schedule: list[ScheduledItem], hidden: set[int]) -> list[Point]:
    def point(entry: ScheduledItem) -> Point:
        item = entry.item
        if item.id in hidden:
            return Point(
                item.id, WITHHELD_POINT, "", item.kind, entry.starts_at, entry.minutes, False, True, [], entry.timed
            )
        return Point(
            item.id,
            item.title,
            item.presenter or "",
            item.kind,
            entry.starts_at,
            entry.minutes,
            item.is_confidential,
            False,
            [point(child) for child in entry.children],
            entry.timed,
        )

    return [point(entry) for entry in schedule]


def _part(section: MinutesSection, title: str, withheld: bool, *, of_point: bool) -> Part:
    if withheld:
        return Part(section.id, WITHHELD_POINT if of_point else "", "", False, True, of_point, section.agenda_item_id)
    return Part(section.id, title, section.body, section.is_confidential, False, of_point, section.agenda_item_id)


def readable_actions(actions: list[Action], viewer: Viewer | None = None, *, document: bool = False) -> list[Action]:
    """Actions of other meetings (the follow-up of open actions) as this reader may read them."""
    v = viewer or current_viewer()
    return [a for a in actions if not a.is_confidential or (not document and v.discloses(a.meeting.group))]
