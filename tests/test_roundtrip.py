"""Export writes every key; export → import into an empty database → export is identical."""

import json
from importlib import resources

import sqlalchemy as sa
from conftest import empty_database
from documents import document, programme

from groupes.extensions import db
from groupes.interchange.reader import import_bytes, import_document
from groupes.interchange.schema import format_moment
from groupes.interchange.writer import dumps, export_document
from groupes.meetings.models import Meeting
from groupes.programmes.models import Programme


def round_trip() -> tuple[str, str]:
    first = dumps(export_document())
    empty_database()
    import_bytes(first.encode())
    return first, dumps(export_document())


def test_the_demonstration_survives_a_round_trip():
    import_bytes(resources.files("groupes.demo").joinpath("demo.json").read_bytes())
    first, second = round_trip()
    assert first == second
    assert len(json.loads(first)["programmes"][0]["groups"]) == 3


def test_export_writes_every_key_with_its_default():
    import_document(
        document(programme(groups=[{"number": 1, "title": "G", "meetings": [{"starts_at": "2014-03-27T14:00"}]}]))
    )
    exported = export_document()
    group = exported["programmes"][0]["groups"][0]
    assert exported["programmes"][0]["header"] == [] and exported["programmes"][0]["description"] == ""
    assert group["visibility"] == "members" and group["theme"] == ""
    assert group["meetings"][0] == {
        "starts_at": "2014-03-27T14:00",
        "ends_at": None,
        "title": "",
        "place": "",
        "status": "planned",
        "agenda": [],
        "attendance": [],
        "minutes": {"status": "draft", "sections": []},
        "findings": [],
        "decisions": [],
        "actions": [],
    }


def test_the_document_of_the_tests_survives_a_round_trip():
    import_document(document())
    first, second = round_trip()
    assert first == second
    meeting = json.loads(first)["programmes"][0]["groups"][0]["meetings"][0]
    assert meeting["agenda"][0]["notes"] == "Notes du point."
    assert meeting["agenda"][1]["children"][0]["presenter"] == "Karim Benali"
    assert meeting["actions"][1]["owner"] == "Conseil départemental"


def test_several_programmes_keep_the_order_of_their_organisations():
    """Organisations are shared: each programme's list must come back in the same order."""
    first = programme(title="Première", organisations=[{"name": "B"}, {"name": "D"}], groups=[])
    second = programme(title="Seconde", organisations=[{"name": "A"}, {"name": "C"}], groups=[])
    import_document(document(first))
    import_document(document(second))
    import_document(document(programme(title="Troisième", organisations=[{"name": "A"}, {"name": "B"}], groups=[])))
    exported, again = round_trip()
    assert exported == again
    lists = [[o["name"] for o in p["organisations"]] for p in json.loads(exported)["programmes"]]
    assert lists == [["B", "D"], ["A", "C"], ["B", "A"]]


def test_an_ambiguous_autumn_time_is_written_with_its_offset():
    """On the night clocks go back, 02:30 happens twice: the offset says which."""
    import_document(
        document(
            programme(
                groups=[
                    {
                        "number": 1,
                        "title": "Veille de nuit",
                        "meetings": [
                            {"starts_at": "2014-10-26T02:30+01:00"},
                            {"starts_at": "2014-10-26T02:30+02:00"},
                            {"starts_at": "2014-10-26T03:30"},
                        ],
                    }
                ]
            )
        )
    )
    starts = [m.starts_at for m in db.session.scalars(sa.select(Meeting).order_by(Meeting.id))]
    assert [format_moment(s) for s in starts] == [
        "2014-10-26T02:30+01:00",
        "2014-10-26T02:30+02:00",
        "2014-10-26T03:30",
    ]
    assert (starts[0] - starts[1]).total_seconds() == 3600
    first, second = round_trip()
    assert first == second


def test_export_of_one_programme_stands_alone():
    import_document(document())
    import_document(document(programme(title="Autre", groups=[])))
    other = db.session.scalar(sa.select(Programme).where(Programme.title == "Autre"))
    exported = export_document(other.id)
    assert [p["title"] for p in exported["programmes"]] == ["Autre"]
    first = export_document(
        db.session.scalar(sa.select(Programme.id).where(Programme.title == "Assises territoriales"))
    )
    names = {o["name"] for o in first["programmes"][0]["organisations"]}
    assert names == {"ATEC", "CAF du Cher", "ARS Centre", "Conseil départemental"}
