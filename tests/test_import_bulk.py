"""An import writes table by table: its statements do not grow with the meetings, and what the
ORM used to work out row by row (revisions, numbers, the search index, the stamps) is there."""

import copy
from datetime import datetime, timedelta

import sqlalchemy as sa
from documents import document, programme
from world import counting

from groupes.extensions import db
from groupes.interchange.reader import import_document
from groupes.meetings.models import AgendaItem, Meeting
from groupes.minutes.models import Minutes, MinutesRevision, MinutesSection
from groupes.search.index import TABLE, documents
from groupes.site.stamps import current_stamps


def archive(meetings: int) -> dict:
    """The tests' document with its one meeting repeated, a week apart."""
    data = document()
    group = data["programmes"][0]["groups"][0]
    first = group["meetings"][0]
    group["meetings"] = []
    for n in range(meetings):
        entry = copy.deepcopy(first)
        start = datetime.fromisoformat(first["starts_at"]) + timedelta(weeks=n)
        entry["starts_at"] = start.strftime("%Y-%m-%dT%H:%M")
        entry["ends_at"] = (start + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
        group["meetings"].append(entry)
    return data


def statements_of_import(app, data) -> int:
    with counting(app) as statements:
        import_document(data)
    return len(statements)


def test_the_statements_of_an_import_do_not_grow_with_its_meetings(app):
    few = statements_of_import(app, archive(2))
    many = archive(12)
    many["programmes"][0]["title"] = "Autre démarche"
    assert statements_of_import(app, many) <= few
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)) == 14


def test_rows_keep_the_order_of_the_document_and_point_at_their_own():
    import_document(archive(3))
    meetings = db.session.scalars(sa.select(Meeting).order_by(Meeting.starts_at)).all()
    assert [m.id for m in meetings] == sorted(m.id for m in meetings)
    for meeting in meetings:
        assert [i.title for i in meeting.agenda_items] == [
            "Présentation de la démarche",
            "Enjeux",
            "Pratiques inspirantes",
        ]
        enjeux, inspiring = meeting.agenda_items[1:]
        assert inspiring.parent_id == enjeux.id and inspiring.meeting_id == meeting.id
        notes = meeting.minutes.item_notes
        assert notes[meeting.agenda_items[0].id].body == "Notes du point."
        assert [a.person.name for a in meeting.attendances] == ["Julien Morel", "Karim Benali", "Invitée Externe"]
        assert [a.title for a in meeting.actions] == ["Inviter les employeurs", "Réserver une salle"]
        assert meeting.actions[0].owner_person.name == "Julien Morel"
        assert meeting.actions[1].owner_organisation.name == "Conseil départemental"


def test_validated_minutes_get_their_revision_and_number():
    data = archive(3)
    meetings = data["programmes"][0]["groups"][0]["meetings"]
    meetings[0]["status"] = "cancelled"
    meetings[2]["minutes"]["status"] = "draft"
    import_document(data)
    first, second, third = db.session.scalars(sa.select(Meeting).order_by(Meeting.starts_at))
    # A cancelled meeting has no number, and does not count: the second meeting is the first.
    assert (first.frozen_number, second.frozen_number, third.frozen_number) == (None, 1, None)
    assert second.minutes.revision == 1 and second.minutes.validated_revision == 1
    assert third.minutes.revision == 1 and third.minutes.validated_revision is None  # a text: recorded, not validated
    revision = db.session.scalar(sa.select(MinutesRevision).where(MinutesRevision.minutes_id == second.minutes.id))
    assert revision.reason == "Import" and revision.status.value == "validated"
    assert revision.content == second.minutes.snapshot()


def test_an_empty_draft_has_no_revision():
    data = archive(1)
    entry = data["programmes"][0]["groups"][0]["meetings"][0]
    entry["minutes"] = {"status": "draft", "sections": []}
    for point in entry["agenda"]:
        point.pop("notes", None)
    import_document(data)
    minutes = db.session.scalar(sa.select(Minutes))
    assert minutes.revision == 0 and db.session.scalar(sa.select(sa.func.count()).select_from(MinutesRevision)) == 0


def test_the_search_index_holds_what_a_rebuild_would_and_leaves_huis_clos_out():
    data = archive(2)
    entry = data["programmes"][0]["groups"][0]["meetings"][1]
    entry["agenda"][1]["confidential"] = True  # « Enjeux », and with it its sub-point
    entry["agenda"][1]["notes"] = "Passage confidentiel."
    import_document(data)
    indexed = db.session.execute(sa.text(f"SELECT kind, ref_id, meeting_id, title, body FROM {TABLE}")).all()
    ids = list(db.session.scalars(sa.select(Meeting.id)))
    expected = documents(db.session, ids)
    assert sorted(map(tuple, indexed)) == sorted(
        (d["kind"], d["ref_id"], d["meeting_id"], d["title"], d["body"]) for d in expected
    )
    assert len(indexed) > 2 * 5 and not any("confidentiel" in row.body for row in indexed)
    hidden = db.session.scalar(
        sa.select(AgendaItem).where(AgendaItem.title == "Pratiques inspirantes", AgendaItem.meeting_id == max(ids))
    )
    assert ("agenda", hidden.id) not in {(row.kind, row.ref_id) for row in indexed}
    # The revision marks the notes of the huis clos point as such, as a snapshot does.
    section = db.session.scalar(sa.select(MinutesSection).where(MinutesSection.body == "Passage confidentiel."))
    revision = db.session.scalar(sa.select(MinutesRevision).where(MinutesRevision.minutes_id == section.minutes_id))
    (part,) = [p for p in revision.content["sections"] if p["id"] == section.id]
    assert part["confidential"] is True


def test_an_import_renews_the_site_stamp():
    import_document(document(programme(title="Première", groups=[])))
    before = current_stamps()
    import_document(archive(1))
    assert current_stamps() != before and before is not None
