"""The synthesis of a programme, built by its organisers from the groups' findings.

Findings stay as the groups recorded them in their minutes; the synthesis is
made of entries (SynthesisEntry) worded by the organisers, each standing for
the findings it came from. Taking findings up, merging duplicates, moving
and publishing entries are the functions below; the views only call them.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from groupes.errors import DomainError
from groupes.extensions import db
from groupes.groups.models import WorkingGroup
from groupes.meetings.models import AgendaItem, Meeting, MeetingStatus
from groupes.meetings.numbering import meeting_numbers
from groupes.minutes.models import MinutesStatus
from groupes.outcomes.models import Finding, FindingKind
from groupes.programmes.models import Programme, SynthesisEntry


class SynthesisError(DomainError):
    """A change the organiser asked for that cannot be made, said in French."""


class SynthesisConflict(SynthesisError):
    """Someone else changed the entry since the form was shown."""

    def __init__(self, entry: SynthesisEntry):
        super().__init__(
            "Quelqu’un a modifié cet élément depuis que vous l’avez ouvert. "
            "Votre texte est conservé ci-dessous : reprenez-le à partir de la version actuelle."
        )
        self.entry = entry


@dataclass
class Source:
    """A finding with what the workspace says of its origin."""

    finding: Finding
    number: int | None  # the meeting's number in its group (« 2ème réunion »)

    @property
    def meeting(self) -> Meeting:
        return self.finding.meeting

    @property
    def group(self) -> WorkingGroup:
        return self.finding.meeting.group


@dataclass
class KindSection:
    kind: FindingKind
    themes: list[tuple[str, list[Source]]] = field(default_factory=list)
    entries: list[SynthesisEntry] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(sources) for _, sources in self.themes)


@dataclass
class Workspace:
    programme: Programme
    sections: list[KindSection]
    sources: dict[int, Source]  # finding id → source
    taken_up: dict[int, list[SynthesisEntry]]  # finding id → the entries standing for it

    def pending(self, section: KindSection) -> int:
        return sum(1 for _, sources in section.themes for s in sources if s.finding.id not in self.taken_up)


def programme_findings(programme_id: int) -> list[Finding]:
    """Every finding recorded in the programme's meetings that were not cancelled, in one query."""
    return list(
        db.session.scalars(
            sa.select(Finding)
            .join(Finding.meeting)
            .join(Meeting.group)
            .where(WorkingGroup.programme_id == programme_id, Meeting.status != MeetingStatus.CANCELLED)
            .options(
                joinedload(Finding.meeting).joinedload(Meeting.minutes),
                joinedload(Finding.meeting).joinedload(Meeting.group),
                joinedload(Finding.agenda_item).joinedload(AgendaItem.parent),
            )
            .order_by(WorkingGroup.number, Meeting.starts_at, Finding.position, Finding.id)
        )
    )


def load_entries(programme_id: int) -> list[SynthesisEntry]:
    return list(
        db.session.scalars(
            sa.select(SynthesisEntry)
            .where(SynthesisEntry.programme_id == programme_id)
            .options(selectinload(SynthesisEntry.sources))
            .order_by(SynthesisEntry.position, SynthesisEntry.id)
        )
    )


def numbers_of(programme: Programme) -> dict[int, int]:
    """Meeting id → its number in its group, for every group of the programme (one query)."""
    meetings = db.session.scalars(
        sa.select(Meeting).join(Meeting.group).where(WorkingGroup.programme_id == programme.id)
    ).all()
    by_group: dict[int, list[Meeting]] = {}
    for meeting in meetings:
        by_group.setdefault(meeting.group_id, []).append(meeting)
    numbers: dict[int, int] = {}
    for group_meetings in by_group.values():
        numbers.update(meeting_numbers(group_meetings))
    return numbers


def workspace(programme: Programme) -> Workspace:
    """All findings by kind, then by their group's theme, beside the entries made of them."""
    numbers = numbers_of(programme)
    sources = {f.id: Source(f, numbers.get(f.meeting_id)) for f in programme_findings(programme.id)}
    entries = load_entries(programme.id)
    taken_up: dict[int, list[SynthesisEntry]] = {}
    for entry in entries:
        for finding in entry.sources:
            taken_up.setdefault(finding.id, []).append(entry)
    sections = []
    for kind in FindingKind:
        by_theme: dict[str, list[Source]] = {}
        for source in sources.values():
            if source.finding.kind == kind:
                by_theme.setdefault(source.group.theme, []).append(source)
        section = KindSection(kind, sorted(by_theme.items(), key=lambda pair: (pair[0] == "", pair[0].lower())))
        section.entries = [e for e in entries if e.kind == kind]
        sections.append(section)
    return Workspace(programme, sections, sources, taken_up)


def _append(programme: Programme, kind: FindingKind, text: str, theme: str, sources: list[Finding]) -> SynthesisEntry:
    last = db.session.scalar(
        sa.select(sa.func.max(SynthesisEntry.position)).where(
            SynthesisEntry.programme_id == programme.id, SynthesisEntry.kind == kind
        )
    )
    entry = SynthesisEntry(
        programme=programme,
        kind=kind,
        theme=theme,
        text=text,
        position=(last or 0) + 1,
        sources=sources,
    )
    db.session.add(entry)
    return entry


def _one_kind(findings: list[Finding]) -> FindingKind:
    kinds = {f.kind for f in findings}
    if len(kinds) > 1:
        raise SynthesisError(
            "Les éléments choisis sont de natures différentes ("
            + ", ".join(sorted(k.label.lower() for k in kinds))
            + ") : regroupez des éléments d’une même nature."
        )
    return kinds.pop()


def take_up(programme: Programme, findings: list[Finding], *, together: bool) -> list[SynthesisEntry]:
    """New entries from findings: one standing for them all (``together``), or one each.

    A merged entry starts with the wording of the first finding; the others stay
    as its sources, to be read while rewording it. A huis clos finding is never taken
    up: its wording would start an entry of a published document.
    """
    if not findings:
        raise SynthesisError("Cochez au moins un élément des groupes.")
    if any(f.is_confidential for f in findings):
        raise SynthesisError(
            "Un élément à huis clos ne peut pas être repris dans la synthèse, qui est publiée : "
            "rédigez vous-même l’élément, sans ce qui reste dans le groupe."
        )
    if together:
        kind = _one_kind(findings)
        return [_append(programme, kind, findings[0].text, findings[0].meeting.group.theme, findings)]
    return [_append(programme, f.kind, f.text, f.meeting.group.theme, [f]) for f in findings]


def take_up_validated(programme: Programme, space: Workspace) -> list[SynthesisEntry]:
    """One entry for every finding of validated minutes that no entry stands for yet (huis clos ones left out)."""
    pending = [
        s.finding
        for s in space.sources.values()
        if s.finding.id not in space.taken_up
        and s.meeting.minutes.status == MinutesStatus.VALIDATED
        and not s.finding.is_confidential
    ]
    pending.sort(key=lambda f: list(FindingKind).index(f.kind))
    return take_up(programme, pending, together=False) if pending else []


def add_sources(entry: SynthesisEntry | None, findings: list[Finding]) -> int:
    """Let ``entry`` stand for these findings too; returns how many were new to it."""
    if entry is None:
        raise SynthesisError("Choisissez l’élément de la synthèse à compléter.")
    if not findings:
        raise SynthesisError("Cochez au moins un élément des groupes.")
    if _one_kind([*findings]) != entry.kind:
        raise SynthesisError(
            f"Cet élément de la synthèse est de nature « {entry.kind.label.lower()} » : "
            "ajoutez-lui des éléments de la même nature."
        )
    new = [f for f in findings if f not in entry.sources]
    entry.sources.extend(new)
    return len(new)


def merge_entries(entries: list[SynthesisEntry]) -> SynthesisEntry:
    """Fold duplicates into the first: it keeps its wording and gains every source."""
    if len(entries) < 2:
        raise SynthesisError("Cochez au moins deux éléments de la synthèse à fusionner.")
    kinds = {e.kind for e in entries}
    if len(kinds) > 1:
        raise SynthesisError("On ne fusionne que des éléments d’une même nature.")
    keep, *others = sorted(entries, key=lambda e: (e.position, e.id))
    for other in others:
        for finding in other.sources:
            if finding not in keep.sources:
                keep.sources.append(finding)
        keep.published = keep.published or other.published
        db.session.delete(other)
    keep.version += 1
    return keep


def detach_source(entry: SynthesisEntry, finding_id: int) -> Finding:
    """The finding goes back among those not yet taken up (by this entry)."""
    finding = next((f for f in entry.sources if f.id == finding_id), None)
    if finding is None:
        raise SynthesisError("Cet élément ne compte pas parmi les sources.")
    entry.sources.remove(finding)
    return finding


def move_entry(entry: SynthesisEntry, siblings: list[SynthesisEntry], direction: str) -> None:
    """Up or down among the entries of the same kind."""
    ordered = sorted((e for e in siblings if e.kind == entry.kind), key=lambda e: (e.position, e.id))
    index = ordered.index(entry)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(ordered):
        raise SynthesisError(f"Cet élément est déjà le {'premier' if direction == 'up' else 'dernier'} de sa nature.")
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, sibling in enumerate(ordered, start=1):
        sibling.position = position


def update_entry(entry: SynthesisEntry, *, base_version: int, kind: FindingKind, theme: str, text: str) -> None:
    """Save the organiser's wording, unless someone changed the entry since ``base_version``.

    Publication is a separate switch that does not touch the wording: publishing
    an entry never makes another organiser's open edit of it fail.
    """
    if entry.version != base_version:
        raise SynthesisConflict(entry)
    if kind != entry.kind:
        if any(f.kind != kind for f in entry.sources):
            raise SynthesisError(
                "Les sources de cet élément sont d’une autre nature : retirez-les avant de changer la sienne."
            )
        entry.position = (
            db.session.scalar(
                sa.select(sa.func.max(SynthesisEntry.position)).where(
                    SynthesisEntry.programme_id == entry.programme_id, SynthesisEntry.kind == kind
                )
            )
            or 0
        ) + 1
    entry.kind, entry.theme, entry.text = kind, theme, text
    entry.version += 1


def add_entry(programme: Programme, *, kind: FindingKind, theme: str, text: str) -> SynthesisEntry:
    """An entry written by the organisers themselves, standing for no finding."""
    return _append(programme, kind, text, theme, [])


@dataclass
class PublishedEntry:
    entry: SynthesisEntry
    sources: list[Source]

    @property
    def citations(self) -> list[Source]:
        """One source per meeting: the synthesis cites meetings, not each finding."""
        seen: dict[int, Source] = {}
        for source in self.sources:
            seen.setdefault(source.meeting.id, source)
        return sorted(seen.values(), key=lambda s: (s.group.number, s.meeting.starts_at))


def published_synthesis(
    programme: Programme, readable: Callable[[Meeting], bool]
) -> list[tuple[FindingKind, list[tuple[str, list[PublishedEntry]]]]]:
    """The published entries by kind then theme, as one reader may see them.

    An entry made of findings shows only if the reader may read the minutes of
    at least one of them, and cites only those: the wording of a members-only
    group's finding never reaches those who may not read its minutes. Findings
    recorded under a huis clos point count as unreadable for everyone: the
    synthesis is a document, and documents never carry them.
    """
    numbers = numbers_of(programme)
    entries = [e for e in load_entries(programme.id) if e.published]
    _load_source_meetings(entries)
    result = []
    for kind in FindingKind:
        by_theme: dict[str, list[PublishedEntry]] = {}
        for entry in (e for e in entries if e.kind == kind):
            sources = [
                Source(f, numbers.get(f.meeting_id))
                for f in entry.sources
                if readable(f.meeting) and not f.is_confidential
            ]
            if entry.sources and not sources:
                continue
            by_theme.setdefault(entry.theme, []).append(PublishedEntry(entry, sources))
        if by_theme:
            result.append((kind, list(by_theme.items())))
    return result


def _load_source_meetings(entries: Iterable[SynthesisEntry]) -> None:
    """The meetings (with minutes and group) of every source, in one query, before the checks."""
    ids = {f.meeting_id for e in entries for f in e.sources}
    if ids:
        db.session.scalars(
            sa.select(Meeting)
            .where(Meeting.id.in_(ids))
            .options(joinedload(Meeting.minutes), joinedload(Meeting.group), selectinload(Meeting.agenda_items))
        ).all()


def has_published(programme_id: int) -> bool:
    return bool(
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(SynthesisEntry)
            .where(SynthesisEntry.programme_id == programme_id, SynthesisEntry.published.is_(True))
        )
    )
