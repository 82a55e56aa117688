"""Import of a ``groupes/1`` document: all or nothing.

Three steps, and nothing is written before the last: parse and check the
shape (schema.py), resolve the people and organisations the document names
against each other and against the database, then build every row in one
transaction and flush it in a couple of batches.
"""

from __future__ import annotations

import heapq
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from groupes.extensions import db
from groupes.groups.models import Membership, Organisation, Person, Role, Visibility, WorkingGroup
from groupes.interchange.schema import MAX_DEPTH, Errors, check_document, object_pairs_hook, quoted, too_deep
from groupes.meetings.models import AgendaItem, Attendance, AttendanceStatus, Meeting, MeetingStatus
from groupes.meetings.numbering import freeze_number
from groupes.minutes.models import Minutes, MinutesSection, MinutesStatus
from groupes.outcomes.models import Action, ActionStatus, Decision, Finding, FindingKind
from groupes.programmes.models import Milestone, Programme, ProgrammeOrganiser


class ImportRefused(Exception):
    """The document was refused; ``errors`` holds every ``(path, message)``."""

    def __init__(self, errors: Errors):
        super().__init__("\n".join(errors.lines()))
        self.errors = errors


def parse_bytes(raw: bytes) -> Any:
    """The JSON value of a file, or ImportRefused saying why it is not UTF-8 JSON."""
    errors = Errors()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        errors.add("", f"le fichier n'est pas en UTF-8 (octet {exc.start + 1} invalide)")
        raise ImportRefused(errors) from None
    if (path := too_deep(text)) is not None:
        errors.add(path, f"imbrication trop profonde : au plus {MAX_DEPTH} niveaux d'objets et de listes")
        raise ImportRefused(errors)
    try:
        return json.loads(text, object_pairs_hook=object_pairs_hook)
    except json.JSONDecodeError as exc:
        errors.add("", f"JSON invalide, ligne {exc.lineno}, colonne {exc.colno} : {exc.msg}")
        raise ImportRefused(errors) from None


@dataclass
class ImportSummary:
    counts: Counter = field(default_factory=Counter)
    programme_ids: list[int] = field(default_factory=list)

    def describe(self) -> str:
        labels = [
            ("programmes", "démarche(s)"),
            ("groups", "groupe(s)"),
            ("meetings", "réunion(s)"),
            ("people", "nouvelle(s) personne(s)"),
            ("organisations", "nouvelle(s) structure(s)"),
            ("decisions", "décision(s)"),
            ("actions", "action(s)"),
            ("findings", "élément(s) de synthèse"),
        ]
        return ", ".join(f"{self.counts[key]} {label}" for key, label in labels)


def import_bytes(raw: bytes) -> ImportSummary:
    return import_document(parse_bytes(raw))


def import_document(data: Any) -> ImportSummary:
    """Check, resolve and write a parsed document in one transaction.

    Raises ImportRefused with every error found; the database is then unchanged.
    """
    errors = Errors()
    document = check_document(data, errors)
    if document is None:
        raise ImportRefused(errors)
    with db.session.no_autoflush:
        directory = Directory.load()
        directory.resolve(document, errors)
        if errors:
            raise ImportRefused(errors)
        try:
            summary = Builder(directory).build(document)
            db.session.commit()
        except SQLAlchemyError as exc:
            db.session.rollback()
            errors.add("", f"la base de données a refusé l'import, rien n'a été écrit : {exc.orig or exc}")
            raise ImportRefused(errors) from exc
    return summary


# -- people and organisations ---------------------------------------------


@dataclass
class PersonRecord:
    """One person as the document and the database describe them together."""

    name: str
    email: str | None
    organisation: str | None
    function: str
    path: str
    existing: Person | None = None
    person: Person | None = None


@dataclass
class OrganisationRecord:
    name: str
    fields: dict[str, str]
    path: str
    existing: Organisation | None = None
    organisation: Organisation | None = None


ORGANISATION_FIELDS = ("acronym", "kind", "territory", "missions")


class Directory:
    """The people and organisations of the database and of the document, matched."""

    def __init__(self, people: list[Person], organisations: list[Organisation]):
        self.organisations: dict[str, OrganisationRecord] = {}
        self.organisation_order: list[str] = []
        for organisation in organisations:
            self.organisations[organisation.name] = OrganisationRecord(
                organisation.name,
                {key: getattr(organisation, key) for key in ORGANISATION_FIELDS},
                "",
                existing=organisation,
                organisation=organisation,
            )
        self.by_email: dict[str, PersonRecord] = {}
        self.by_name: dict[str, list[PersonRecord]] = defaultdict(list)
        self.new_people: list[PersonRecord] = []
        for person in people:
            record = PersonRecord(
                person.name,
                person.email,
                person.organisation.name if person.organisation else None,
                person.function,
                "",
                existing=person,
                person=person,
            )
            self._index(record)
        # Per mention (path) the record it resolved to, for the builder.
        self.mentions: dict[str, PersonRecord] = {}
        self.owners: dict[str, PersonRecord | str] = {}

    @classmethod
    def load(cls) -> Directory:
        organisations = db.session.scalars(sa.select(Organisation)).all()
        people = db.session.scalars(sa.select(Person)).all()
        return cls(people, organisations)

    def _index(self, record: PersonRecord) -> None:
        if record.email:
            self.by_email[record.email] = record
        self.by_name[record.name].append(record)

    # organisations

    def organisation_order_for(self, document: dict) -> list[str]:
        """Names of new organisations in an order that keeps every programme's list order.

        Export lists each programme's organisations in creation order, so a
        merge of those lists (a topological order, ties by first appearance)
        recreates them in an order every list agrees with.
        """
        first_seen: dict[str, int] = {}
        after: dict[str, set[str]] = defaultdict(set)
        incoming: Counter = Counter()
        for programme in document["programmes"]:
            names = [o["name"] for o in programme["organisations"]]
            for name in names:
                first_seen.setdefault(name, len(first_seen))
            for before, following in zip(names, names[1:], strict=False):
                if following not in after[before] and before != following:
                    after[before].add(following)
                    incoming[following] += 1
        ready = [(index, name) for name, index in first_seen.items() if incoming[name] == 0]
        heapq.heapify(ready)
        order: list[str] = []
        while ready:
            _, name = heapq.heappop(ready)
            order.append(name)
            for following in after[name]:
                incoming[following] -= 1
                if incoming[following] == 0:
                    heapq.heappush(ready, (first_seen[following], following))
        # Lists that disagree with each other leave a cycle: keep first appearance there.
        order += sorted((n for n in first_seen if n not in set(order)), key=first_seen.get)
        return order

    def declare_organisation(self, entry: dict, path: str, errors: Errors) -> None:
        record = self.organisations.get(entry["name"])
        if record is None:
            self.organisations[entry["name"]] = OrganisationRecord(
                entry["name"], {key: entry[key] for key in ORGANISATION_FIELDS}, path
            )
            return
        for key in ORGANISATION_FIELDS:
            given, known = entry[key], record.fields[key]
            if given and known and given != known:
                where = record.path or "la base de données"
                errors.add(
                    f"{path}.{key}", f"{quoted(given)} contredit {quoted(known)} donné pour la même structure ({where})"
                )
            elif given and not known:
                record.fields[key] = given

    def refer_organisation(self, name: str | None, path: str) -> None:
        if name is not None and name not in self.organisations:
            self.organisations[name] = OrganisationRecord(name, dict.fromkeys(ORGANISATION_FIELDS, ""), path)

    # people

    def resolve_person(self, mention: dict, path: str, errors: Errors) -> PersonRecord | None:
        """The record of the person a mention names, created if nobody matches.

        Matched by e-mail when one is given, otherwise by name and organisation;
        what the mentions say of one person must agree.
        """
        email = mention.get("email")
        organisation = mention.get("organisation")
        function = mention.get("function") or ""
        record = self.by_email.get(email) if email else None
        if record is None:
            candidates = [
                r
                for r in self.by_name.get(mention["name"], [])
                if (organisation is None or r.organisation is None or r.organisation == organisation)
                and (email is None or r.email is None)
            ]
            if len(candidates) > 1 and organisation is not None:
                candidates = [r for r in candidates if r.organisation == organisation] or candidates
            if len(candidates) > 1:
                errors.add(
                    f"{path}.name",
                    f"plusieurs personnes s'appellent {quoted(mention['name'])} "
                    f"({candidates[0].path or 'base de données'}, {candidates[1].path or 'base de données'}) : "
                    "précisez son e-mail ou sa structure",
                )
                return None
            record = candidates[0] if candidates else None
        if record is None:
            record = PersonRecord(mention["name"], email, organisation, function, path)
            self._index(record)
            self.new_people.append(record)
        else:
            self._merge(record, email, organisation, function, path, errors)
        self.refer_organisation(organisation, f"{path}.organisation")
        self.mentions[path] = record
        return record

    def _merge(self, record: PersonRecord, email, organisation, function, path, errors: Errors) -> None:
        where = record.path or "la base de données"
        for key, given, known in (
            ("email", email, record.email),
            ("organisation", organisation, record.organisation),
            ("function", function, record.function),
        ):
            if given and known and given != known:
                errors.add(
                    f"{path}.{key}", f"{quoted(given)} contredit {quoted(known)} donné pour la même personne ({where})"
                )
        if email and not record.email:
            record.email = email
            self.by_email[email] = record
        record.organisation = record.organisation or organisation
        record.function = record.function or function

    def resolve(self, document: dict, errors: Errors) -> None:
        """Match every person and organisation the document names; record conflicts."""
        self.organisation_order = self.organisation_order_for(document)
        for p, programme in enumerate(document["programmes"]):
            for o, entry in enumerate(programme["organisations"]):
                self.declare_organisation(entry, f"programmes[{p}].organisations[{o}]", errors)
        for p, programme in enumerate(document["programmes"]):
            self._resolve_programme(programme, f"programmes[{p}]", errors)

    def _resolve_programme(self, programme: dict, path: str, errors: Errors) -> None:
        people_here: dict[str, list[PersonRecord]] = defaultdict(list)

        def note(record: PersonRecord | None) -> None:
            if record is not None and record not in people_here[record.name]:
                people_here[record.name].append(record)

        def unique_mentions(entries: list[dict], list_path: str, what: str) -> None:
            seen: dict[int, str] = {}
            for i, entry in enumerate(entries):
                record = self.resolve_person(entry, f"{list_path}[{i}]", errors)
                note(record)
                if record is None:
                    continue
                if id(record) in seen:
                    errors.add(f"{list_path}[{i}]", f"{quoted(record.name)} figure déjà {what} ({seen[id(record)]})")
                else:
                    seen[id(record)] = f"{list_path}[{i}]"

        unique_mentions(programme["organisers"], f"{path}.organisers", "parmi les organisateurs")
        for g, group in enumerate(programme["groups"]):
            group_path = f"{path}.groups[{g}]"
            unique_mentions(group["members"], f"{group_path}.members", "parmi les membres du groupe")
            for m, meeting in enumerate(group["meetings"]):
                unique_mentions(
                    meeting["attendance"], f"{group_path}.meetings[{m}].attendance", "dans la liste de présence"
                )
        for g, group in enumerate(programme["groups"]):
            for m, meeting in enumerate(group["meetings"]):
                for a, action in enumerate(meeting["actions"]):
                    owner = action["owner"]
                    if owner is None:
                        continue
                    owner_path = f"{path}.groups[{g}].meetings[{m}].actions[{a}].owner"
                    named = people_here.get(owner, [])
                    if len(named) > 1:
                        errors.add(owner_path, f"plusieurs personnes de la démarche s'appellent {quoted(owner)}")
                    elif named:
                        self.owners[owner_path] = named[0]
                    else:
                        self.refer_organisation(owner, owner_path)
                        self.owners[owner_path] = owner


# -- writing ------------------------------------------------------------------


class Builder:
    """Builds the rows of a checked and resolved document."""

    def __init__(self, directory: Directory):
        self.directory = directory
        self.summary = ImportSummary()
        self.minutes_to_record: list[Minutes] = []

    def build(self, document: dict) -> ImportSummary:
        self._create_organisations()
        self._create_people()
        programmes = [
            self._programme(programme, f"programmes[{p}]") for p, programme in enumerate(document["programmes"])
        ]
        db.session.add_all(programmes)
        db.session.flush()
        # The revisions name the parts by id, known only after the first flush.
        for minutes in self.minutes_to_record:
            minutes.add_revision(reason="Import")
            if minutes.status == MinutesStatus.VALIDATED:
                minutes.validated_revision = minutes.revision
                freeze_number(minutes.meeting)
        db.session.flush()
        self.summary.programme_ids = [programme.id for programme in programmes]
        return self.summary

    def _create_organisations(self) -> None:
        records = self.directory.organisations
        listed = self.directory.organisation_order
        order = listed + [name for name in records if name not in set(listed)]
        for name in order:
            record = records[name]
            if record.existing is not None:
                for key, value in record.fields.items():
                    if value and not getattr(record.existing, key):
                        setattr(record.existing, key, value)
                continue
            record.organisation = Organisation(name=name, **record.fields)
            db.session.add(record.organisation)
            self.summary.counts["organisations"] += 1
        db.session.flush()

    def _organisation(self, name: str | None) -> Organisation | None:
        return None if name is None else self.directory.organisations[name].organisation

    def _create_people(self) -> None:
        for records in self.directory.by_name.values():
            for record in records:
                if record.existing is not None:
                    existing = record.existing
                    existing.email = existing.email or record.email
                    existing.organisation = existing.organisation or self._organisation(record.organisation)
                    existing.function = existing.function or record.function
        for record in self.directory.new_people:
            record.person = Person(
                name=record.name,
                email=record.email,
                organisation=self._organisation(record.organisation),
                function=record.function,
            )
            db.session.add(record.person)
            self.summary.counts["people"] += 1

    def _person(self, path: str) -> Person:
        return self.directory.mentions[path].person

    def _programme(self, data: dict, path: str) -> Programme:
        programme = Programme(title=data["title"], description=data["description"])
        programme.header_lines = data["header"]
        programme.milestones = [
            Milestone(title=m["title"], date=m["date"], place=m["place"]) for m in data["milestones"]
        ]
        programme.organisers = [
            ProgrammeOrganiser(person=self._person(f"{path}.organisers[{i}]")) for i in range(len(data["organisers"]))
        ]
        programme.groups = [self._group(group, f"{path}.groups[{g}]") for g, group in enumerate(data["groups"])]
        linked = {o["name"] for o in data["organisations"]} | self._referenced_organisations(programme)
        programme.organisations = [self._organisation(name) for name in self.directory.organisations if name in linked]
        self.summary.counts["programmes"] += 1
        return programme

    @staticmethod
    def _referenced_organisations(programme: Programme) -> set[str]:
        people = [o.person for o in programme.organisers]
        names = set()
        for group in programme.groups:
            people += [m.person for m in group.memberships]
            for meeting in group.meetings:
                people += [a.person for a in meeting.attendances]
                names |= {a.owner_organisation.name for a in meeting.actions if a.owner_organisation}
        return names | {p.organisation.name for p in people if p.organisation}

    def _group(self, data: dict, path: str) -> WorkingGroup:
        group = WorkingGroup(
            number=data["number"],
            title=data["title"],
            theme=data["theme"],
            territory=data["territory"],
            facilitation=data["facilitation"],
            visibility=Visibility(data["visibility"]),
        )
        group.memberships = [
            Membership(person=self._person(f"{path}.members[{i}]"), role=Role(member["role"]))
            for i, member in enumerate(data["members"])
        ]
        group.meetings = [self._meeting(meeting, f"{path}.meetings[{m}]") for m, meeting in enumerate(data["meetings"])]
        self.summary.counts["groups"] += 1
        return group

    def _meeting(self, data: dict, path: str) -> Meeting:
        meeting = Meeting(
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            title=data["title"],
            place=data["place"],
            status=MeetingStatus(data["status"]),
        )
        minutes = Minutes(status=MinutesStatus(data["minutes"]["status"]))
        meeting.minutes = minutes
        sections = [
            MinutesSection(position=i, heading=s["heading"], body=s["body"], confidential=s["confidential"])
            for i, s in enumerate(data["minutes"]["sections"])
        ]
        positions = iter(range(1_000_000))

        def agenda(items: list[dict], parent: AgendaItem | None) -> list[AgendaItem]:
            built = []
            for item_data in items:
                item = AgendaItem(
                    title=item_data["title"],
                    duration_min=item_data["duration_min"],
                    presenter=item_data["presenter"],
                    confidential=item_data["confidential"],
                    position=next(positions),
                    parent=parent,
                )
                if item_data["notes"]:
                    sections.append(MinutesSection(position=item.position, agenda_item=item, body=item_data["notes"]))
                built.append(item)
                built += agenda(item_data["children"], item)
            return built

        meeting.agenda_items = agenda(data["agenda"], None)
        minutes.sections = sections
        if sections or minutes.status != MinutesStatus.DRAFT:
            self.minutes_to_record.append(minutes)
        meeting.attendances = [
            Attendance(
                person=self._person(f"{path}.attendance[{i}]"),
                status=AttendanceStatus(entry["status"]),
                represented_by=entry["represented_by"],
            )
            for i, entry in enumerate(data["attendance"])
        ]
        meeting.findings = [
            Finding(kind=FindingKind(f["kind"]), text=f["text"], position=i, confidential=f["confidential"])
            for i, f in enumerate(data["findings"])
        ]
        meeting.decisions = [
            Decision(number=i + 1, text=d["text"], confidential=d["confidential"])
            for i, d in enumerate(data["decisions"])
        ]
        meeting.actions = [self._action(a, f"{path}.actions[{i}]") for i, a in enumerate(data["actions"])]
        counts = self.summary.counts
        counts["meetings"] += 1
        counts["findings"] += len(meeting.findings)
        counts["decisions"] += len(meeting.decisions)
        counts["actions"] += len(meeting.actions)
        return meeting

    def _action(self, data: dict, path: str) -> Action:
        action = Action(
            title=data["title"], due=data["due"], status=ActionStatus(data["status"]), confidential=data["confidential"]
        )
        owner = self.directory.owners.get(f"{path}.owner")
        if isinstance(owner, PersonRecord):
            action.owner_person = owner.person
        elif owner is not None:
            action.owner_organisation = self._organisation(owner)
        return action
