"""Attack: every POST route of the permission table, aimed at a validated meeting by an administrator
(who may do everything), changes nothing of what was validated."""

import dataclasses

import pytest
import sqlalchemy as sa
from permission_table import ROWS
from world import attach, build_world, post_form, signed_in

from groupes.attachments.models import Attachment
from groupes.extensions import db
from groupes.meetings.models import AgendaItem, Attendance, Meeting
from groupes.meetings.numbering import meeting_numbers
from groupes.minutes.models import Minutes, MinutesSection
from groupes.outcomes.models import Action, Decision, Finding

# What follows a validated meeting legitimately: reopening it (with a reason), following its actions,
# sending its convocation again, and the routes that do not touch a meeting.
ALLOWED = {"minutes.reopen_minutes", "minutes.follow", "meetings.convene"}


def rows(model, *where, skip=()):
    columns = [c for c in model.__table__.columns if c.name not in skip]
    return sorted(tuple(str(r) for r in row) for row in db.session.execute(sa.select(*columns).where(*where)).all())


def record(meeting_id: int) -> dict:
    """Everything a validated meeting's record shows, read from the database."""
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting_id)
    minutes_id = meeting.minutes.id
    return {
        "meeting": rows(Meeting, Meeting.id == meeting_id, skip={"sequence", "convened_at"}),
        "number": meeting_numbers(meeting.group.meetings).get(meeting_id),
        "minutes": rows(Minutes, Minutes.id == minutes_id),
        "sections": rows(MinutesSection, MinutesSection.minutes_id == minutes_id),
        "agenda": rows(AgendaItem, AgendaItem.meeting_id == meeting_id),
        "attendance": rows(Attendance, Attendance.meeting_id == meeting_id),
        "decisions": rows(Decision, Decision.meeting_id == meeting_id),
        "actions": rows(Action, Action.meeting_id == meeting_id, skip={"status", "version"}),
        "findings": rows(Finding, Finding.meeting_id == meeting_id),
        "attachments": rows(Attachment, Attachment.meeting_id == meeting_id),
    }


def aimed_at_validated(world):
    """The world with its draft and minutes in review standing for the validated meeting."""
    validated = world.validated
    validated.agenda_items.append(AgendaItem(title="Divers", duration_min=5, position=1))
    db.session.commit()
    attach(validated)
    return dataclasses.replace(world, draft=validated, in_review=validated)


@pytest.mark.parametrize("row", [r for r in ROWS if r[1] == "POST" and r[0] not in ALLOWED], ids=lambda r: r[0])
def test_no_route_changes_a_validated_meeting(app, row):
    endpoint, _, url, data, _ = row
    world = build_world()
    target = aimed_at_validated(world)
    client = signed_in(app, "admin")
    address, data = url(target), data(target) if callable(data) else data  # may set up what they name
    before = record(world.validated.id)
    post_form(client, address, data)
    assert record(world.validated.id) == before, endpoint
