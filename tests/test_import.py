"""Import of the interchange format: every error class, all or nothing, matching."""

import json

import pytest
import sqlalchemy as sa
from documents import document, person, programme

from groupes.extensions import db
from groupes.groups.models import Membership, Organisation, Person, Role, WorkingGroup
from groupes.interchange.reader import ImportRefused, import_bytes, import_document
from groupes.meetings.models import AgendaItem, Attendance, AttendanceStatus, Meeting
from groupes.minutes.models import Minutes, MinutesRevision, MinutesStatus
from groupes.outcomes.models import Action, Decision, Finding
from groupes.programmes.models import Programme


def refused(data) -> list[str]:
    with pytest.raises(ImportRefused) as info:
        if isinstance(data, bytes):
            import_bytes(data)
        else:
            import_document(data)
    return info.value.errors.lines()


def nothing_written(count) -> None:
    for model in (Programme, Person, Organisation, Meeting):
        assert count(model) == 0


def test_a_valid_document_is_imported_with_defaults(count):
    summary = import_document(document())
    assert summary.counts["programmes"] == 1 and summary.counts["meetings"] == 1
    group = db.session.scalar(sa.select(WorkingGroup))
    assert group.visibility.value == "members"  # the default
    meeting_ = group.meetings[0]
    assert [i.title for i in meeting_.agenda_items] == [
        "Présentation de la démarche",
        "Enjeux",
        "Pratiques inspirantes",
    ]
    child = meeting_.agenda_items[2]
    assert child.parent is meeting_.agenda_items[1] and child.presenter == "Karim Benali"
    assert meeting_.minutes.status == MinutesStatus.VALIDATED
    assert meeting_.minutes.validated_revision == 1
    notes = [s for s in meeting_.minutes.sections if s.agenda_item_id is not None]
    assert notes[0].agenda_item is meeting_.agenda_items[0] and notes[0].body == "Notes du point."
    assert [d.number for d in meeting_.decisions] == [1, 2]
    assert meeting_.starts_at.isoformat() == "2014-03-27T13:00:00+00:00"  # Paris winter time is UTC+1
    assert count(MinutesRevision) == 1


def test_people_named_in_several_places_are_one_record(count):
    import_document(document())
    # Julien: member with e-mail, attendee without; Karim: member and attendee with organisation.
    assert count(Person) == 3 + 0  # Julien, Karim, the external guest
    karim = db.session.scalar(sa.select(Person).where(Person.name == "Karim Benali"))
    assert karim.organisation.name == "CAF du Cher"
    statuses = {a.person.name: a.status for a in db.session.scalars(sa.select(Attendance))}
    assert statuses["Karim Benali"] == AttendanceStatus.REPRESENTED


def test_action_owner_is_a_person_of_the_programme_or_else_an_organisation():
    import_document(document())
    owners = {a.title: (a.owner_person, a.owner_organisation) for a in db.session.scalars(sa.select(Action))}
    assert owners["Inviter les employeurs"][0].name == "Julien Morel"
    assert owners["Réserver une salle"][0] is None
    assert owners["Réserver une salle"][1].name == "Conseil départemental"


def test_organisations_named_but_not_listed_are_created_and_linked():
    import_document(document())
    names = {o.name for o in db.session.scalar(sa.select(Programme)).organisations}
    assert names == {"ATEC", "CAF du Cher", "ARS Centre", "Conseil départemental"}


def test_import_into_a_database_with_data_matches_existing_people(count):
    import_document(document())
    import_document(document(programme(title="Deuxième démarche")))
    assert count(Programme) == 2
    assert count(Person) == 3
    assert count(Organisation) == 4
    assert count(Membership) == 4


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"\xff\xfe{}", "(racine): le fichier n'est pas en UTF-8 (octet 1 invalide)"),
        (
            b'{"format": "groupes/1",',
            "(racine): JSON invalide, ligne 1, colonne 24 : Expecting property name enclosed in double quotes",
        ),
        (b"[]", "(racine): attendu un objet, reçu une liste"),
    ],
)
def test_a_file_that_is_not_utf8_json_is_refused(raw, message, count):
    assert refused(raw) == [message]
    nothing_written(count)


def test_a_utf8_byte_order_mark_is_accepted():
    import_bytes(b"\xef\xbb\xbf" + json.dumps(document()).encode())
    assert db.session.scalar(sa.select(Programme)).title == "Assises territoriales"


def mutate(change):
    data = document()
    change(data)
    return data


def group0(data):
    return data["programmes"][0]["groups"][0]


def meeting0(data):
    return group0(data)["meetings"][0]


G = "programmes[0].groups[0]"
M = f"{G}.meetings[0]"


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda d: d.update(format="groupes/2"), 'format: format inconnu "groupes/2" (attendu "groupes/1")'),
        (lambda d: d.pop("programmes"), "programmes: clé obligatoire manquante"),
        (lambda d: d["programmes"][0].pop("title"), "programmes[0].title: clé obligatoire manquante"),
        (
            lambda d: d["programmes"][0].update(titel="x"),
            "programmes[0].titel: clé inconnue (clés possibles : title, header, description, milestones, organisers, organisations, groups)",
        ),
        (lambda d: group0(d).update(number="1"), f'{G}.number: attendu un nombre entier, reçu "1"'),
        (lambda d: group0(d).update(number=0), f"{G}.number: doit valoir au moins 1, reçu 0"),
        (lambda d: group0(d).update(number=2**70), f"{G}.number: doit valoir au plus 9999, reçu {2**70}"),
        (lambda d: group0(d).update(title=""), f"{G}.title: ne doit pas être vide"),
        (lambda d: group0(d).update(title=None), f"{G}.title: attendu un texte, reçu null"),
        (lambda d: group0(d).update(members={}), f"{G}.members: attendu une liste, reçu un objet"),
        (
            lambda d: group0(d).update(visibility="secret"),
            f'{G}.visibility: valeur inconnue "secret" (valeurs possibles : members, public)',
        ),
        (
            lambda d: meeting0(d).update(starts_at="27/03/2014"),
            f'{M}.starts_at: pas une date-heure (AAAA-MM-JJTHH:MM) : "27/03/2014"',
        ),
        (
            lambda d: meeting0(d).update(starts_at="2014-02-30T10:00"),
            f'{M}.starts_at: pas une date-heure (AAAA-MM-JJTHH:MM) : "2014-02-30T10:00"',
        ),
        (
            lambda d: meeting0(d).update(starts_at="2014-03-30T02:30"),
            f"{M}.starts_at: heure inexistante à Paris (passage à l'heure d'été) : \"2014-03-30T02:30\"",
        ),
        (
            lambda d: meeting0(d).update(ends_at="2014-03-27T12:00"),
            f"{M}.ends_at: la fin (2014-03-27T12:00) précède le début (2014-03-27T14:00)",
        ),
        (
            lambda d: meeting0(d).update(status="done"),
            f'{M}.status: valeur inconnue "done" (valeurs possibles : planned, held, cancelled)',
        ),
        (
            lambda d: meeting0(d)["actions"][0].update(due="2014-13-01"),
            f'{M}.actions[0].due: pas une date (AAAA-MM-JJ) : "2014-13-01"',
        ),
        (
            lambda d: meeting0(d)["actions"][0].update(status="closed"),
            f'{M}.actions[0].status: valeur inconnue "closed" (valeurs possibles : open, in_progress, done, dropped)',
        ),
        (
            lambda d: meeting0(d)["findings"][0].update(kind="idée"),
            f'{M}.findings[0].kind: valeur inconnue "idée" (valeurs possibles : constat, besoin, faiblesse, menace, piste, preconisation, pratique)',
        ),
        (lambda d: meeting0(d)["findings"][0].pop("text"), f"{M}.findings[0].text: clé obligatoire manquante"),
        (
            lambda d: meeting0(d)["attendance"][0].update(status="late"),
            f'{M}.attendance[0].status: valeur inconnue "late" (valeurs possibles : invited, present, excused, absent, represented)',
        ),
        (
            lambda d: meeting0(d)["attendance"][0].update(represented_by="Ana"),
            f'{M}.attendance[0].represented_by: seule une personne représentée (status "represented") a un représentant, pas une personne au statut "present"',
        ),
        (
            lambda d: meeting0(d)["minutes"].update(status="final"),
            f'{M}.minutes.status: valeur inconnue "final" (valeurs possibles : draft, review, validated)',
        ),
        (
            lambda d: meeting0(d)["agenda"][1]["children"][0].update(duration_min=-5),
            f"{M}.agenda[1].children[0].duration_min: doit valoir au moins 0, reçu -5",
        ),
        (
            lambda d: meeting0(d)["agenda"][1]["children"][0].update(children=[{"title": "Troisième niveau"}]),
            f"{M}.agenda[1].children[0].children: l'ordre du jour a deux niveaux au plus : un sous-point "
            "n'a pas de sous-points (placez-les sous le point principal)",
        ),
        (
            lambda d: group0(d)["members"][0].update(role="chair"),
            f'{G}.members[0].role: valeur inconnue "chair" (valeurs possibles : facilitator, secretary, member, observer)',
        ),
        (
            lambda d: group0(d)["members"][0].update(email="pas-une-adresse"),
            f'{G}.members[0].email: adresse e-mail invalide : "pas-une-adresse"',
        ),
        (
            lambda d: d["programmes"][0].update(milestones=[{"title": "COPIL", "date": "29 avril"}]),
            'programmes[0].milestones[0].date: pas une date (AAAA-MM-JJ) : "29 avril"',
        ),
        (
            lambda d: d["programmes"][0].update(header=["Ministère\nDirection"]),
            "programmes[0].header[0]: doit tenir sur une ligne",
        ),
        (lambda d: group0(d).update(title="x" * 501), f"{G}.title: trop long : 501 caractères pour 500 au plus"),
    ],
)
def test_each_kind_of_error_is_reported_with_its_path_and_nothing_is_written(change, expected, count):
    assert refused(mutate(change)) == [expected]
    nothing_written(count)


def test_a_duplicate_group_number_is_refused(count):
    data = document()
    second = json.loads(json.dumps(group0(data)))
    second["title"] = "Un autre groupe"
    data["programmes"][0]["groups"].append(second)
    assert refused(data) == ["programmes[0].groups[1].number: numéro 1 déjà pris par programmes[0].groups[0]"]
    nothing_written(count)


def test_two_meetings_of_a_group_at_the_same_moment_are_refused(count):
    data = document()
    group0(data)["meetings"].append({"starts_at": "2014-03-27T14:00", "title": "Doublon"})
    assert refused(data) == [
        f"{G}.meetings[1].starts_at: le groupe a déjà une réunion à cette date et heure ({G}.meetings[0]) ; "
        'une réunion annulée aurait le statut "cancelled"'
    ]
    group0(data)["meetings"][1]["status"] = "cancelled"
    import_document(data)
    assert count(Meeting) == 2


def test_rules_across_keys_are_reported_along_with_shape_errors():
    data = document()
    second = json.loads(json.dumps(group0(data)))
    second["title"] = ""
    data["programmes"][0]["groups"].append(second)
    meeting0(data)["ends_at"] = "2014-03-27T10:00"
    group0(data)["visibility"] = "secret"
    assert refused(data) == [
        f'{G}.visibility: valeur inconnue "secret" (valeurs possibles : members, public)',
        "programmes[0].groups[1].title: ne doit pas être vide",
        f"{M}.ends_at: la fin (2014-03-27T10:00) précède le début (2014-03-27T14:00)",
        "programmes[0].groups[1].number: numéro 1 déjà pris par programmes[0].groups[0]",
    ]


def test_a_key_given_twice_in_one_object_is_refused():
    raw = b'{"format": "groupes/1", "programmes": [{"title": "A", "title": "B"}]}'
    assert refused(raw) == ["programmes[0].title: clé présente plusieurs fois"]


def test_every_error_is_reported_not_just_the_first(count):
    data = document()
    meeting0(data).update(starts_at="hier", status="done")
    group0(data)["members"][1].pop("name")
    assert refused(data) == [
        f"{G}.members[1].name: clé obligatoire manquante",
        f'{M}.starts_at: pas une date-heure (AAAA-MM-JJTHH:MM) : "hier"',
        f'{M}.status: valeur inconnue "done" (valeurs possibles : planned, held, cancelled)',
    ]
    nothing_written(count)


def test_what_is_said_of_one_person_must_agree(count):
    data = document()
    data["programmes"][0]["organisers"] = [person("J. Morel", email="Julien@exemple.example", organisation="CPAM")]
    assert refused(data) == [
        f'{G}.members[0].organisation: "ATEC" contredit "CPAM" donné pour la même personne (programmes[0].organisers[0])'
    ]
    nothing_written(count)


def test_a_conflict_with_a_person_already_in_the_database_is_refused(count):
    import_document(document())
    data = document(programme(title="Autre"))
    group0(data)["members"][0]["function"] = "Directeur"
    db.session.scalar(sa.select(Person).where(Person.name == "Julien Morel")).function = "Animateur"
    db.session.commit()
    assert refused(data) == [
        f'{G}.members[0].function: "Directeur" contredit "Animateur" donné pour la même personne (la base de données)'
    ]
    assert count(Programme) == 1


def test_a_person_twice_in_a_list_is_refused():
    data = document()
    group0(data)["members"].append(person("Karim Benali", organisation="CAF du Cher"))
    assert refused(data) == [f'{G}.members[2]: "Karim Benali" figure déjà parmi les membres du groupe ({G}.members[1])']


def test_an_ambiguous_name_is_refused():
    data = document()
    group0(data)["members"].append(person("Karim Benali", organisation="CPAM du Loiret"))
    meeting0(data)["attendance"].append(person("Karim Benali", status="present"))
    lines = refused(data)
    assert lines == [
        f'{M}.attendance[3].name: plusieurs personnes s\'appellent "Karim Benali" ({G}.members[1], {G}.members[2]) : '
        "précisez son e-mail ou sa structure"
    ]


def test_a_database_refusal_leaves_nothing_half_written(count, monkeypatch):
    """Even past every check, a failure while writing rolls the whole import back."""
    from groupes.interchange import reader

    original = reader.Builder._action

    def failing_action(self, meeting_id, data, path):
        action = original(self, meeting_id, data, path)
        action["title"] = ""  # violates ck_actions_title_not_empty in the database
        return action

    monkeypatch.setattr(reader.Builder, "_action", failing_action)
    lines = refused(document())
    assert len(lines) == 1 and lines[0].startswith("(racine): la base de données a refusé l'import, rien n'a été écrit")
    nothing_written(count)
    for model in (Minutes, AgendaItem, Decision, Finding, Action):
        assert count(model) == 0


def test_members_keep_their_roles():
    import_document(document())
    roles = {m.person.name: m.role for m in db.session.scalars(sa.select(Membership))}
    assert roles == {"Julien Morel": Role.FACILITATOR, "Karim Benali": Role.MEMBER}


def test_a_deeply_nested_document_is_refused_with_the_path_where_it_goes_too_deep(count):
    # An agenda nested a thousand levels down: parsed, it would exhaust Python's recursion.
    data = document()
    meeting0(data)["agenda"][0]["children"] = ["sous-points"]
    nested = '{"title": "Sous-point", "children": [' * 1_000 + '{"title": "Fin"}' + "]}" * 1_000
    (error,) = refused(json.dumps(data).replace('"sous-points"', nested).encode())
    path, message = error.split(": ", 1)
    assert message == "imbrication trop profonde : au plus 40 niveaux d'objets et de listes"
    assert path.startswith(f"{M}.agenda[0].children[0].children[0]") and path.endswith("children[0]")
    # Brackets alone, or strings that hold brackets, are counted as JSON reads them.
    assert refused(b"[" * 100_000) == [
        "[0]" * 40 + ": imbrication trop profonde : au plus 40 niveaux d'objets et de listes"
    ]
    assert refused(b'{"a": "[[[[' + b"[" * 100 + b'"}')[0].startswith("format: ")
    nothing_written(count)


@pytest.mark.parametrize(
    "change, path, year",
    [
        (lambda d: meeting0(d).update(starts_at="0001-01-01T00:00", ends_at=None), f"{M}.starts_at", 1),
        (lambda d: meeting0(d).update(ends_at="9999-12-31T23:59+14:00"), f"{M}.ends_at", 9999),
        (lambda d: meeting0(d).update(starts_at="0201-01-01T10:00", ends_at=None), f"{M}.starts_at", 201),
        (
            lambda d: d["programmes"][0].update(milestones=[{"title": "COPIL", "date": "0001-04-29"}]),
            "programmes[0].milestones[0].date",
            1,
        ),
    ],
)
def test_dates_outside_the_sensible_window_are_refused_with_their_path(change, path, year, count):
    assert refused(mutate(change)) == [
        f"{path}: Date refusée : l’année doit être comprise entre 1900 et 2100 (année {year})."
    ]
    nothing_written(count)
