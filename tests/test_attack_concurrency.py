"""Attack: writers at the same moment. A change that passed its checks on what it read must not land on
what someone else changed meanwhile (minutes validated between the check of an outcome edit and its write)."""

from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from world import build_world, csrf_token, sign_in

from groupes.extensions import db
from groupes.minutes.models import Minutes, MinutesStatus
from groupes.outcomes.models import Action, Decision, Finding


@contextmanager
def validated_by_someone_else_before_the_first_write(minutes_id: int):
    """Another editor validates the minutes once the request has read and checked them, just before it
    writes (its first flush): on its own connection, committed at once."""
    done = []

    def validate_meanwhile(session, flush_context, instances):
        if done or not any(
            isinstance(o, Decision | Action | Finding) for o in [*session.dirty, *session.new, *session.deleted]
        ):
            return
        done.append(True)
        table = Minutes.__table__
        with db.engine.begin() as other:
            other.execute(
                sa.update(table)
                .where(table.c.id == minutes_id)
                .values(
                    status=MinutesStatus.VALIDATED.value,
                    revision=table.c.revision + 1,
                    validated_revision=table.c.revision + 1,
                )
            )

    sa.event.listen(db.session, "before_flush", validate_meanwhile)
    try:
        yield done
    finally:
        sa.event.remove(db.session, "before_flush", validate_meanwhile)


def rows(model, meeting_id):
    db.session.expire_all()
    columns = [c for c in model.__table__.columns if c.name != "version"]
    return sorted(tuple(r) for r in db.session.execute(sa.select(*columns).where(model.meeting_id == meeting_id)))


CHANGES = {
    "decision edited": lambda m: (
        f"/reunions/{m.id}/decisions/{m.decisions[0].id}",
        {"text": "Après coup", "base_version": "1"},
    ),
    "decision added": lambda m: (f"/reunions/{m.id}/decisions", {"decision-text": "Une de plus"}),
    "action edited": lambda m: (
        f"/reunions/{m.id}/actions/{m.actions[0].id}",
        {"title": "Après coup", "owner": "", "base_version": "1"},
    ),
    "finding removed": lambda m: (f"/reunions/{m.id}/elements/{m.findings[0].id}/supprimer", {"base_version": "1"}),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_an_outcome_change_racing_a_validation_lands_nowhere(app, change):
    world = build_world()
    meeting = world.draft
    url, data = change(meeting)
    before = {model: rows(model, meeting.id) for model in (Decision, Action, Finding)}
    client = app.test_client()
    sign_in(client, "facilitator")
    token = csrf_token(client, f"/reunions/{meeting.id}/compte-rendu/rediger")
    with validated_by_someone_else_before_the_first_write(meeting.minutes.id) as happened:
        response = client.post(url, data=data | {"csrf_token": token})
    assert happened, "the change never reached the database"
    assert response.status_code in (302, 409, 422)
    assert {model: rows(model, meeting.id) for model in (Decision, Action, Finding)} == before


def test_two_first_approvals_at_once_record_one_approval(app):
    """A double click on « lu et approuvé » by a first-time reader: the other request makes the
    reader's row between this one's look-up and its insert."""
    from groupes.minutes.models import MinutesReader

    world = build_world()
    meeting, member = world.in_review, world.users["member"]
    client = app.test_client()
    sign_in(client, "member")
    review = f"/reunions/{meeting.id}/compte-rendu/relecture"
    token = csrf_token(client, review)
    db.session.execute(sa.delete(MinutesReader))  # the page just read made the row: not yet, as on a first reading
    db.session.commit()
    done = []

    def other_request_first(session, flush_context, instances):
        if done or not any(isinstance(o, MinutesReader) for o in session.new):
            return
        done.append(True)
        with db.engine.begin() as other:
            other.execute(
                sa.insert(MinutesReader.__table__).values(
                    minutes_id=meeting.minutes.id, user_id=member.id, read_revision=0
                )
            )

    sa.event.listen(db.session, "before_flush", other_request_first)
    try:
        response = client.post(f"/reunions/{meeting.id}/compte-rendu/approuver", data={"csrf_token": token})
    finally:
        sa.event.remove(db.session, "before_flush", other_request_first)
    assert done
    assert response.status_code == 302
    db.session.expire_all()
    rows = db.session.scalars(sa.select(MinutesReader).where(MinutesReader.user_id == member.id)).all()
    assert len(rows) == 1 and rows[0].approved_revision == meeting.minutes.revision
