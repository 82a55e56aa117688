"""What a reading costs: a public meeting page read anonymously writes nothing (the counts
of anonymous readings gather in the process and are written at most every
ANONYMOUS_READINGS_WRITE_SECONDS), and a meeting page costs a fixed number of statements."""

import weakref

import pytest
import sqlalchemy as sa
from world import counting, read_page, sign_in

from groupes.dbtypes import utcnow
from groupes.extensions import db
from groupes.privacy import access_log
from groupes.privacy.access_log import anonymous_tally, write_anonymous_readings
from groupes.privacy.models import AccessKind, AnonymousReading
from groupes.site.page_cache import cache
from groupes.site.timezone import PARIS

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture(autouse=True)
def gathered(app, monkeypatch):
    """Counts written every minute, as in production (the tests' configuration writes each at once)."""
    monkeypatch.setitem(app.config, "ANONYMOUS_READINGS_WRITE_SECONDS", 60)
    anonymous_tally(app).take()
    yield
    anonymous_tally(app).take()


def written_counts() -> list[tuple]:
    db.session.expire_all()
    rows = db.session.scalars(sa.select(AnonymousReading).order_by(AnonymousReading.target))
    return [(r.kind, r.meeting_id, r.target, r.count) for r in rows]


def writes(statements) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith(WRITES)]


def test_anonymous_readings_write_nothing_until_due_then_all_counts_in_one_statement(app, world, monkeypatch):
    meeting = world.public_validated
    read_page(app.test_client(), "/")  # the tally's clock starts
    for _ in range(3):  # a page among the costly ones: its rate limit for anonymous visitors writes
        read_page(app.test_client(), f"/reunions/{meeting.id}/compte-rendu")
    with counting(app) as statements:
        read_page(app.test_client(), f"/reunions/{meeting.id}")
    assert writes(statements) == [], writes(statements)
    assert written_counts() == []
    later = access_log.time_module.monotonic() + app.config["ANONYMOUS_READINGS_WRITE_SECONDS"]
    monkeypatch.setattr(access_log.time_module, "monotonic", lambda: later)
    with counting(app) as statements:
        read_page(app.test_client(), f"/reunions/{meeting.id}")  # the counts are due: this request writes them
    assert len(writes(statements)) == 1
    assert written_counts() == [
        (AccessKind.READ, meeting.id, "Compte-rendu (page de la réunion) – groupe 2, réunion du 04/03/2014", 2),
        (AccessKind.READ, meeting.id, "Compte-rendu – groupe 2, réunion du 04/03/2014", 3),
    ]
    # Written counts are not written again; later ones add to the day's row.
    read_page(app.test_client(), f"/reunions/{meeting.id}/compte-rendu")
    write_anonymous_readings(anonymous_tally(app))
    assert [c[-1] for c in written_counts()] == [2, 4]
    assert {r.day for r in db.session.scalars(sa.select(AnonymousReading))} == {utcnow().astimezone(PARIS).date()}


def test_counts_left_when_the_process_ends_are_written(app, world):
    read_page(app.test_client(), f"/reunions/{world.public_validated.id}")
    assert written_counts() == []
    access_log._write_at_exit(weakref.ref(app))
    assert [c[-1] for c in written_counts()] == [1]


def test_counts_of_a_programme_deleted_meanwhile_are_dropped_without_failing(app, world):
    read_page(app.test_client(), f"/reunions/{world.public_validated.id}")
    db.session.delete(world.programme)
    db.session.commit()
    write_anonymous_readings(anonymous_tally(app))
    assert written_counts() == [] and anonymous_tally(app).take() == {}


def test_a_public_meeting_page_read_anonymously_costs_a_fixed_number_of_statements(app, world):
    url = f"/reunions/{world.public_validated.id}"
    client = app.test_client()
    read_page(client, url)
    cache.clear()  # the page as rendered, not as kept
    with counting(app) as statements:
        read_page(client, url)
    assert writes(statements) == []
    assert len(statements) == PUBLIC_PAGE_STATEMENTS, statements
    with counting(app) as statements:
        read_page(client, url)  # kept: the stamps say it has not changed
    assert len(statements) == KEPT_PAGE_STATEMENTS, statements


def test_a_meeting_page_signed_in_costs_a_fixed_number_of_statements(app, world):
    url = f"/reunions/{world.validated.id}"
    client = app.test_client()
    sign_in(client, "member")
    read_page(client, url)  # the first reading is logged (one write), not the next ones within the window
    cache.clear()
    with counting(app) as statements:
        read_page(client, url)
    assert writes(statements) == []
    assert len(statements) == SIGNED_IN_PAGE_STATEMENTS, statements


PUBLIC_PAGE_STATEMENTS = 13
KEPT_PAGE_STATEMENTS = 1
SIGNED_IN_PAGE_STATEMENTS = 14
