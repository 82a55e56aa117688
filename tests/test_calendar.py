"""Meetings in calendars: the .ics of a meeting, convocations as iTIP REQUEST/CANCEL,
and the personal feed behind a secret, revocable address — parsed back with icalendar."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import icalendar
import sqlalchemy as sa
from world import build_world, future_meeting, sign_in
from world import post_form as post

from groupes.auth.models import User
from groupes.extensions import db
from groupes.mail.outbox import deliver
from groupes.meetings.models import Attendance, Meeting

PARIS = ZoneInfo("Europe/Paris")


def events(content: bytes) -> list[icalendar.Event]:
    return icalendar.Calendar.from_ical(content).walk("VEVENT")


def summer_meeting(world) -> Meeting:
    """14 h in Paris on a summer day: 12:00 UTC."""
    meeting = future_meeting(world.private)
    meeting.starts_at = datetime(2030, 7, 4, 12, 0, tzinfo=UTC)
    meeting.ends_at = datetime(2030, 7, 4, 15, 30, tzinfo=UTC)
    meeting.place = "Maison des associations, Bourges"
    meeting.attendances = [Attendance(person=world.users[r].person) for r in ("member", "facilitator")]
    db.session.commit()
    return meeting


def test_a_meeting_as_an_ics_event_in_paris_time(app):
    world = build_world()
    meeting = summer_meeting(world)
    client = app.test_client()
    sign_in(client, "member")
    response = client.get(f"/reunions/{meeting.id}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    assert calendar["VERSION"] == "2.0" and "METHOD" not in calendar
    [timezone] = calendar.walk("VTIMEZONE")
    assert timezone["TZID"] == "Europe/Paris"
    [event] = calendar.walk("VEVENT")
    assert event["UID"] == f"reunion-{meeting.id}@127.0.0.1"
    assert event["SEQUENCE"] == 0
    assert event["SUMMARY"] == "Groupe 1 – Groupe réservé : À venir"
    assert event["LOCATION"] == "Maison des associations, Bourges"
    assert event["STATUS"] == "CONFIRMED"
    start = event.decoded("DTSTART")
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert (start.hour, start.minute, start.utcoffset().total_seconds()) == (14, 0, 7200)
    assert event.decoded("DTEND").astimezone(PARIS).strftime("%H:%M") == "17:30"
    assert f"/reunions/{meeting.id}" in str(event["URL"])


def test_a_private_meetings_ics_answers_404_to_outsiders(app):
    world = build_world()
    client = app.test_client()
    sign_in(client, "outsider")
    assert client.get(f"/reunions/{world.draft.id}.ics").status_code == 404


def test_the_convocation_carries_a_request_and_changes_raise_the_sequence_under_one_uid(app, smtp_server):
    world = build_world()
    meeting = summer_meeting(world)
    client = app.test_client()
    sign_in(client, "facilitator")
    post(client, f"/reunions/{meeting.id}/convocation/envoyer")
    deliver()
    smtp_server.wait_for(2)
    first = smtp_server.to("member@test.example")[0]
    assert first["Subject"].startswith("Convocation – ")
    [attachment] = list(first.iter_attachments())
    assert attachment.get_param("method") == "REQUEST"
    calendar = icalendar.Calendar.from_ical(attachment.get_content())
    assert calendar["METHOD"] == "REQUEST"
    [event] = calendar.walk("VEVENT")
    uid = event["UID"]
    assert event["SEQUENCE"] == 0
    assert str(event["ATTENDEE"]) == "mailto:member@test.example"

    # Moving the meeting sends the update: same UID, sequence raised, new time.
    post(
        client,
        f"/reunions/{meeting.id}/modifier",
        {"day": "2030-07-05", "start": "09:30", "end": "12:00", "title": "À venir", "place": "Salle 2"},
    )
    deliver()
    smtp_server.wait_for(4)
    update = smtp_server.to("member@test.example")[1]
    assert update["Subject"].startswith("Réunion modifiée – ")
    [event] = events(list(update.iter_attachments())[0].get_content().encode())
    assert (event["UID"], event["SEQUENCE"]) == (uid, 1)
    assert event.decoded("DTSTART").astimezone(PARIS).strftime("%d %H:%M") == "05 09:30"
    assert event["LOCATION"] == "Salle 2"

    # Cancelling sends a CANCEL of the same event.
    post(client, f"/reunions/{meeting.id}/annuler", {"confirmed": "1"})
    deliver()
    smtp_server.wait_for(6)
    cancel = smtp_server.to("member@test.example")[2]
    assert cancel["Subject"].startswith("Réunion annulée – ")
    calendar = icalendar.Calendar.from_ical(list(cancel.iter_attachments())[0].get_content())
    assert calendar["METHOD"] == "CANCEL"
    [event] = calendar.walk("VEVENT")
    assert (event["UID"], event["SEQUENCE"], event["STATUS"]) == (uid, 2, "CANCELLED")


def test_an_unchanged_save_does_not_raise_the_sequence_nor_send_anything(app, count):
    from groupes.mail.models import OutgoingMail

    world = build_world()
    meeting = summer_meeting(world)
    meeting.convened_at = meeting.starts_at
    db.session.commit()
    client = app.test_client()
    sign_in(client, "facilitator")
    post(
        client,
        f"/reunions/{meeting.id}/modifier",
        {"day": "2030-07-04", "start": "14:00", "end": "17:30", "title": "À venir", "place": meeting.place},
    )
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).sequence == 0
    assert count(OutgoingMail) == 0


def test_people_who_turned_convocations_off_get_none(app, smtp_server):
    world = build_world()
    meeting = summer_meeting(world)
    world.users["member"].notify_convocations = False
    db.session.commit()
    client = app.test_client()
    sign_in(client, "facilitator")
    post(client, f"/reunions/{meeting.id}/convocation/envoyer")
    deliver()
    smtp_server.wait_for(1)
    assert [m["To"] for m in smtp_server.messages] == ["facilitator@test.example"]


def feed_address(client) -> str:
    post(client, "/compte/agenda", {"action": "renew"})
    user = db.session.scalar(sa.select(User).where(User.calendar_token.is_not(None)))
    return f"/calendrier/{user.calendar_token}.ics"


def test_the_personal_feed_holds_the_meetings_of_my_groups_and_nothing_else(app):
    world = build_world()
    mine = summer_meeting(world)
    future_meeting(world.elsewhere)  # a group of another programme
    future_meeting(world.public)  # public, but not one of my groups
    client = app.test_client()
    sign_in(client, "member")
    address = feed_address(client)
    account = client.get("/compte").get_data(as_text=True)
    assert address in account

    calendar_app = app.test_client()  # no session: the address alone
    response = calendar_app.get(address)
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.data)
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Paris"
    uids = {str(e["UID"]) for e in calendar.walk("VEVENT")}
    assert f"reunion-{mine.id}@127.0.0.1" in uids
    groups = {
        m.group_id
        for m in db.session.scalars(
            sa.select(Meeting).where(Meeting.id.in_([int(u.split("-")[1].split("@")[0]) for u in uids]))
        )
    }
    assert groups == {world.private.id}


def test_replacing_or_revoking_the_feed_address_stops_the_old_one(app):
    build_world()
    client = app.test_client()
    sign_in(client, "member")
    first = feed_address(client)
    second = feed_address(client)
    assert first != second
    assert app.test_client().get(first).status_code == 404
    assert app.test_client().get(second).status_code == 200
    post(client, "/compte/agenda", {"action": "revoke"})
    assert app.test_client().get(second).status_code == 404


def test_a_deactivated_accounts_feed_stops(app):
    world = build_world()
    client = app.test_client()
    sign_in(client, "member")
    address = feed_address(client)
    world.users["member"].active = False
    db.session.commit()
    assert app.test_client().get(address).status_code == 404


def test_a_cancelled_meeting_is_not_convened(app, count):
    from groupes.mail.models import OutgoingMail
    from groupes.meetings.models import MeetingStatus

    world = build_world()
    meeting = summer_meeting(world)
    meeting.status = MeetingStatus.CANCELLED
    db.session.commit()
    client = app.test_client()
    sign_in(client, "facilitator")
    response = post(client, f"/reunions/{meeting.id}/convocation/envoyer")
    landing = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Cette réunion est annulée : rétablissez-la avant de convoquer." in landing
    assert count(OutgoingMail) == 0
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).convened_at is None
