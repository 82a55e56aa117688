"""Import of a ``groupes/1`` document: all or nothing.

Three steps, and nothing is written before the last: parse and check the
shape (schema.py), resolve the people and organisations the document names
against each other and against the database, then write every row in one
transaction, a few multi-row statements per table (see ``Builder``).
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
from groupes.mail.addresses import normalised_email
from groupes.meetings.models import AgendaItem, Attendance, AttendanceStatus, Meeting, MeetingStatus
from groupes.minutes.models import Minutes, MinutesRevision, MinutesSection, MinutesStatus
from groupes.outcomes.models import Action, ActionStatus, Decision, Finding, FindingKind
from groupes.programmes.models import Milestone, Programme, ProgrammeOrganiser, programme_organisations
from groupes.search.index import TABLE, reindex


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
    person_id: int | None = None


@dataclass
class OrganisationRecord:
    name: str
    fields: dict[str, str]
    path: str
    existing: Organisation | None = None
    organisation_id: int | None = None


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
                organisation_id=organisation.id,
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
                person_id=person.id,
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
    """Writes the rows of a checked and resolved document, table by table.

    Each table's rows go in one statement run over the list of them (SQLAlchemy's
    "insertmanyvalues": a few multi-row INSERTs, not one per row); the ids a later
    table needs come back with RETURNING, in the order of the rows given. The search
    index of the new meetings is written once at the end, in the same transaction;
    the content stamps are renewed at the commit (the statements change the site's).
    """

    def __init__(self, directory: Directory):
        self.directory = directory
        self.summary = ImportSummary()

    def build(self, document: dict) -> ImportSummary:
        self._create_organisations()
        self._create_people()
        programme_ids = _insert_returning(
            Programme,
            [
                {"title": p["title"], "description": p["description"], "header": "\n".join(p["header"])}
                for p in document["programmes"]
            ],
        )
        meetings: list[tuple[int, dict, str]] = []
        for p, (programme_id, programme) in enumerate(zip(programme_ids, document["programmes"], strict=True)):
            meetings += self._programme(programme_id, programme, f"programmes[{p}]")
        meeting_ids = self._meetings(meetings)
        _analyse_new_rows(INDEXED_TABLES)
        reindex(db.session, meeting_ids)
        _analyse_new_rows([TABLE])
        self.summary.programme_ids = programme_ids
        return self.summary

    def _create_organisations(self) -> None:
        records = self.directory.organisations
        listed = self.directory.organisation_order
        new = []
        for name in listed + [name for name in records if name not in set(listed)]:
            record = records[name]
            if record.existing is not None:
                for key, value in record.fields.items():
                    if value and not getattr(record.existing, key):
                        setattr(record.existing, key, value)
            else:
                new.append(record)
        ids = _insert_returning(Organisation, [{"name": r.name, **r.fields} for r in new])
        for record, ident in zip(new, ids, strict=True):
            record.organisation_id = ident
        self.summary.counts["organisations"] += len(new)

    def _organisation_id(self, name: str | None) -> int | None:
        return None if name is None else self.directory.organisations[name].organisation_id

    def _create_people(self) -> None:
        for records in self.directory.by_name.values():
            for record in records:
                if record.existing is not None:
                    existing = record.existing
                    existing.email = existing.email or record.email
                    if existing.organisation_id is None:
                        existing.organisation_id = self._organisation_id(record.organisation)
                    existing.function = existing.function or record.function
        new = self.directory.new_people
        ids = _insert_returning(
            Person,
            [
                {
                    "name": r.name,
                    # What Person's validator does to an address set on the model.
                    "email": normalised_email(r.email) if r.email else None,
                    "organisation_id": self._organisation_id(r.organisation),
                    "function": r.function,
                }
                for r in new
            ],
        )
        for record, ident in zip(new, ids, strict=True):
            record.person_id = ident
        self.summary.counts["people"] += len(new)

    def _person(self, path: str) -> PersonRecord:
        return self.directory.mentions[path]

    def _programme(self, programme_id: int, data: dict, path: str) -> list[tuple[int, dict, str]]:
        """Write the programme's milestones, organisers, groups and organisations; its meetings
        (group id, data, path), to be written with every programme's."""
        _insert(
            Milestone,
            [
                {"programme_id": programme_id, "title": m["title"], "date": m["date"], "place": m["place"]}
                for m in data["milestones"]
            ],
        )
        organisers = [self._person(f"{path}.organisers[{i}]") for i in range(len(data["organisers"]))]
        _insert(ProgrammeOrganiser, [{"programme_id": programme_id, "person_id": r.person_id} for r in organisers])
        groups = data["groups"]
        group_ids = _insert_returning(
            WorkingGroup,
            [
                {
                    "programme_id": programme_id,
                    "number": g["number"],
                    "title": g["title"],
                    "theme": g["theme"],
                    "territory": g["territory"],
                    "facilitation": g["facilitation"],
                    "visibility": Visibility(g["visibility"]),
                }
                for g in groups
            ],
        )
        people = list(organisers)
        memberships, meetings = [], []
        owners: set[str] = set()
        for g, (group_id, group) in enumerate(zip(group_ids, groups, strict=True)):
            group_path = f"{path}.groups[{g}]"
            for i, member in enumerate(group["members"]):
                record = self._person(f"{group_path}.members[{i}]")
                people.append(record)
                memberships.append({"group_id": group_id, "person_id": record.person_id, "role": Role(member["role"])})
            for m, meeting in enumerate(group["meetings"]):
                meeting_path = f"{group_path}.meetings[{m}]"
                meetings.append((group_id, meeting, meeting_path))
                people += [self._person(f"{meeting_path}.attendance[{i}]") for i in range(len(meeting["attendance"]))]
                for a in range(len(meeting["actions"])):
                    owner = self.directory.owners.get(f"{meeting_path}.actions[{a}].owner")
                    if isinstance(owner, str):
                        owners.add(owner)
        _insert(Membership, memberships)
        self.summary.counts["groups"] += len(groups)
        linked = {o["name"] for o in data["organisations"]} | owners | {r.organisation for r in people}
        _insert(
            programme_organisations,
            [
                {"programme_id": programme_id, "organisation_id": self._organisation_id(name)}
                for name in self.directory.organisations
                if name in linked
            ],
        )
        self.summary.counts["programmes"] += 1
        return meetings

    def _meetings(self, meetings: list[tuple[int, dict, str]]) -> list[int]:
        """Write the meetings and everything of them; their ids."""
        frozen = frozen_numbers([(group_id, data) for group_id, data, _ in meetings])
        meeting_ids = _insert_returning(
            Meeting,
            [
                {
                    "group_id": group_id,
                    "starts_at": data["starts_at"],
                    "ends_at": data["ends_at"],
                    "title": data["title"],
                    "place": data["place"],
                    "status": MeetingStatus(data["status"]),
                    "frozen_number": frozen[i],
                }
                for i, (group_id, data, _) in enumerate(meetings)
            ],
        )
        # Minutes with a text or past the draft start with revision 1, the import's.
        recorded = [
            bool(_has_parts(data)) or data["minutes"]["status"] != MinutesStatus.DRAFT for _, data, _ in meetings
        ]
        minutes_ids = _insert_returning(
            Minutes,
            [
                {
                    "meeting_id": meeting_id,
                    "status": MinutesStatus(data["minutes"]["status"]),
                    "revision": 1 if record else 0,
                    "validated_revision": 1
                    if record and data["minutes"]["status"] == MinutesStatus.VALIDATED
                    else None,
                }
                for meeting_id, (_, data, _), record in zip(meeting_ids, meetings, recorded, strict=True)
            ],
        )
        items = self._agenda(meeting_ids, [data for _, data, _ in meetings])
        sections = self._sections(minutes_ids, [data for _, data, _ in meetings], items)
        _insert(
            MinutesRevision,
            [
                {
                    "minutes_id": minutes_id,
                    "number": 1,
                    "status": MinutesStatus(data["minutes"]["status"]),
                    "reason": "Import",
                    "content": {"sections": sections[minutes_id]},
                }
                for minutes_id, (_, data, _), record in zip(minutes_ids, meetings, recorded, strict=True)
                if record
            ],
        )
        self._outcomes(meeting_ids, meetings)
        self.summary.counts["meetings"] += len(meetings)
        return meeting_ids

    def _agenda(self, meeting_ids: list[int], meetings: list[dict]) -> list[list[dict]]:
        """Write the agenda items (points, then sub-points); per meeting, its items in document
        order as ``{"id", "position", "confidential", "data"}`` (confidential also through the point above)."""
        per_meeting: list[list[dict]] = []
        points, subpoints = [], []
        for meeting_id, data in zip(meeting_ids, meetings, strict=True):
            items: list[dict] = []
            for point in data["agenda"]:
                entry = {
                    "meeting_id": meeting_id,
                    "position": len(items),
                    "data": point,
                    "confidential": point["confidential"],
                }
                items.append(entry)
                points.append(entry)
                for child in point["children"]:
                    sub = {
                        "meeting_id": meeting_id,
                        "position": len(items),
                        "data": child,
                        "parent": entry,
                        "confidential": child["confidential"] or point["confidential"],
                    }
                    items.append(sub)
                    subpoints.append(sub)
            per_meeting.append(items)
        for level in (points, subpoints):
            ids = _insert_returning(
                AgendaItem,
                [
                    {
                        "meeting_id": e["meeting_id"],
                        "parent_id": e["parent"]["id"] if "parent" in e else None,
                        "position": e["position"],
                        "title": e["data"]["title"],
                        "duration_min": e["data"]["duration_min"],
                        "presenter": e["data"]["presenter"],
                        "confidential": e["data"]["confidential"],
                    }
                    for e in level
                ],
            )
            for entry, ident in zip(level, ids, strict=True):
                entry["id"] = ident
        return per_meeting

    def _sections(self, minutes_ids: list[int], meetings: list[dict], items: list[list[dict]]) -> dict[int, list]:
        """Write the parts of the minutes: free sections, then the notes of the points; per
        minutes, the parts as a revision holds them, in the minutes' order of parts."""
        rows = []
        for minutes_id, data, meeting_items in zip(minutes_ids, meetings, items, strict=True):
            for i, s in enumerate(data["minutes"]["sections"]):
                rows.append(
                    {
                        "minutes_id": minutes_id,
                        "agenda_item_id": None,
                        "position": i,
                        "heading": s["heading"],
                        "body": s["body"],
                        "confidential": s["confidential"],
                        "shown_confidential": s["confidential"],
                    }
                )
            for item in meeting_items:
                if item["data"]["notes"]:
                    rows.append(
                        {
                            "minutes_id": minutes_id,
                            "agenda_item_id": item["id"],
                            "position": item["position"],
                            "heading": "",
                            "body": item["data"]["notes"],
                            "confidential": False,
                            "shown_confidential": item["confidential"],
                        }
                    )
        ids = _insert_returning(
            MinutesSection, [{k: v for k, v in r.items() if k != "shown_confidential"} for r in rows]
        )
        parts: dict[int, list] = defaultdict(list)
        for row, ident in sorted(zip(rows, ids, strict=True), key=lambda pair: (pair[0]["position"], pair[1])):
            parts[row["minutes_id"]].append(
                {
                    "id": ident,
                    "agenda_item_id": row["agenda_item_id"],
                    "heading": row["heading"],
                    "body": row["body"],
                    "confidential": row["shown_confidential"],
                }
            )
        return parts

    def _outcomes(self, meeting_ids: list[int], meetings: list[tuple[int, dict, str]]) -> None:
        attendances, findings, decisions, actions = [], [], [], []
        for meeting_id, (_, data, path) in zip(meeting_ids, meetings, strict=True):
            attendances += [
                {
                    "meeting_id": meeting_id,
                    "person_id": self._person(f"{path}.attendance[{i}]").person_id,
                    "status": AttendanceStatus(entry["status"]),
                    "represented_by": entry["represented_by"],
                }
                for i, entry in enumerate(data["attendance"])
            ]
            findings += [
                {
                    "meeting_id": meeting_id,
                    "kind": FindingKind(f["kind"]),
                    "text": f["text"],
                    "position": i,
                    "confidential": f["confidential"],
                }
                for i, f in enumerate(data["findings"])
            ]
            decisions += [
                {"meeting_id": meeting_id, "number": i + 1, "text": d["text"], "confidential": d["confidential"]}
                for i, d in enumerate(data["decisions"])
            ]
            actions += [self._action(meeting_id, a, f"{path}.actions[{i}]") for i, a in enumerate(data["actions"])]
        _insert(Attendance, attendances)
        _insert(Finding, findings)
        _insert(Decision, decisions)
        _insert(Action, actions)
        counts = self.summary.counts
        counts["findings"] += len(findings)
        counts["decisions"] += len(decisions)
        counts["actions"] += len(actions)

    def _action(self, meeting_id: int, data: dict, path: str) -> dict:
        owner = self.directory.owners.get(f"{path}.owner")
        return {
            "meeting_id": meeting_id,
            "title": data["title"],
            "due": data["due"],
            "status": ActionStatus(data["status"]),
            "confidential": data["confidential"],
            "owner_person_id": owner.person_id if isinstance(owner, PersonRecord) else None,
            "owner_organisation_id": self._organisation_id(owner) if isinstance(owner, str) else None,
        }


# What the search index reads of the new meetings.
INDEXED_TABLES = ("meetings", "minutes", "minutes_sections", "agenda_items", "decisions", "actions", "findings")


def _analyse_new_rows(tables) -> None:
    """PostgreSQL plans queries by its statistics of the tables, which know nothing yet of
    thousands of rows just written (seconds of a bad plan instead of milliseconds, until
    autovacuum comes by): ANALYZE them, in the transaction (it sees its rows; it blocks no
    reader nor writer). Before the index is written, for its queries; the index after, for
    the searches that follow the import."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text(f"ANALYZE {', '.join(tables)}"))


def _has_parts(meeting: dict) -> bool:
    return bool(meeting["minutes"]["sections"]) or any(
        point["notes"] or any(child["notes"] for child in point["children"]) for point in meeting["agenda"]
    )


def frozen_numbers(meetings: list[tuple[int, dict]]) -> list[int | None]:
    """For meetings (group id, data) about to be written in this order, the number each one's
    validated minutes keep (``freeze_number``): its place by date among its group's meetings
    that are not cancelled, later rows after earlier ones at the same moment (as their ids)."""
    by_group: dict[int, list[tuple]] = defaultdict(list)
    for index, (group_id, data) in enumerate(meetings):
        if data["status"] != MeetingStatus.CANCELLED:
            by_group[group_id].append((data["starts_at"], index))
    place = {index: n for entries in by_group.values() for n, (_, index) in enumerate(sorted(entries), start=1)}
    return [
        place.get(index) if data["minutes"]["status"] == MinutesStatus.VALIDATED else None
        for index, (_, data) in enumerate(meetings)
    ]


def _table(model) -> sa.Table:
    return getattr(model, "__table__", model)


def _insert(model, rows: list[dict]) -> None:
    if rows:
        db.session.execute(sa.insert(_table(model)), rows)


def _insert_returning(model, rows: list[dict]) -> list[int]:
    """Insert the rows; their new ids, in the order of the rows, with no statement per row.

    PostgreSQL returns them in that order when asked (SQLAlchemy orders its multi-row INSERT
    by a sentinel). SQLite gives each new row a rowid above every one before it, and the rows
    go in the order given: their ids sorted are theirs in order.
    """
    if not rows:
        return []
    table = _table(model)
    if db.session.get_bind().dialect.name == "postgresql":
        statement = sa.insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(db.session.execute(statement, rows).scalars())
    return sorted(db.session.execute(sa.insert(table).returning(table.c.id), rows).scalars())
