"""The mail queue: messages wait in the database, go to a real SMTP server on loopback
after the response, survive a server that is down, and are never sent twice."""

from datetime import timedelta
from email import message_from_bytes, policy
from html import unescape
from pathlib import Path

import sqlalchemy as sa
from world import another_app, build_world, csrf_token, future_meeting, sign_in

from groupes.dbtypes import utcnow
from groupes.extensions import db
from groupes.groups.models import Person
from groupes.mail.models import OutgoingMail
from groupes.mail.outbox import claim, deliver, queue
from groupes.meetings.models import Attendance


def invited_meeting(world):
    meeting = future_meeting(world.private)
    meeting.attendances = [
        Attendance(person=world.users[role].person) for role in ("facilitator", "member", "secretary")
    ] + [Attendance(person=Person(name="Invitée Sans Adresse"))]
    db.session.commit()
    return meeting


def convene(app, meeting):
    """The facilitator sends the convocation; the response is not closed yet."""
    client = app.test_client()
    sign_in(client, "facilitator")
    token = csrf_token(client, "/deconnexion")
    return client, client.post(f"/reunions/{meeting.id}/convocation/envoyer", data={"csrf_token": token})


def queued(subject="Objet", key=None, recipient="quelqu-un@test.example"):
    mail = queue(recipient, subject, "Texte brut.", "<p>Texte <strong>HTML</strong>.</p>", kind="essai", key=key)
    db.session.commit()
    return mail


def test_a_message_reaches_the_smtp_server_with_its_text_html_and_calendar_parts(app, smtp_server):
    mail = queue(
        "destinataire@test.example",
        "Convocation – réunion du jeudi",
        "Bonjour,\nTexte brut accentué : é à ç.",
        "<p>Bonjour,</p>",
        kind="convocation",
        attachments=[
            {
                "filename": "reunion.ics",
                "subtype": "calendar",
                "content": "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
                "params": {"method": "REQUEST"},
            }
        ],
    )
    db.session.commit()
    assert deliver() == (1, 0)
    smtp_server.wait_for(1)
    message = smtp_server.messages[0]
    assert smtp_server.envelopes[0][1] == ["destinataire@test.example"]
    assert message["Subject"] == "Convocation – réunion du jeudi"
    assert message["From"] == app.config["MAIL_DEFAULT_SENDER"]
    assert message["Auto-Submitted"] == "auto-generated"
    assert "accentué : é à ç" in message.get_body(("plain",)).get_content()
    assert message.get_body(("html",)).get_content().strip() == "<p>Bonjour,</p>"
    [calendar] = [part for part in message.iter_attachments()]
    assert calendar.get_content_type() == "text/calendar"
    assert calendar.get_param("method") == "REQUEST"
    assert calendar.get_filename() == "reunion.ics"
    db.session.refresh(mail)
    assert mail.sent_at is not None and mail.attempts == 1 and mail.last_error == ""
    assert deliver() == (0, 0)  # nothing is sent twice
    assert len(smtp_server.messages) == 1


def test_messages_queued_by_a_page_leave_once_its_response_is_delivered(app, smtp_server):
    world = build_world()
    meeting = invited_meeting(world)
    client, response = convene(app, meeting)
    assert response.status_code == 302
    assert smtp_server.messages == []  # nothing was sent while the page was being made
    response.close()  # the server has delivered the response: now the messages go
    smtp_server.wait_for(3)
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "facilitator@test.example",
        "member@test.example",
        "secretary@test.example",
    ]


def test_with_the_mail_server_down_the_action_succeeds_and_the_message_waits(app, no_smtp_server, count):
    world = build_world()
    meeting = invited_meeting(world)
    client, response = convene(app, meeting)
    assert response.status_code == 302
    response.close()  # sending fails after the response: the user saw success
    landing = unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "Convocation envoyée à 3 personne(s)" in landing
    assert "Sans adresse e-mail, à prévenir autrement : Invitée Sans Adresse." in landing
    mails = db.session.scalars(sa.select(OutgoingMail)).all()
    assert len(mails) == 3
    for mail in mails:
        db.session.refresh(mail)
        assert mail.sent_at is None and mail.attempts == 1
        assert "ConnectionRefusedError" in mail.last_error
        assert mail.send_after > utcnow() + timedelta(minutes=1)  # it waits before the next try
        assert mail.claimed_at is None
    assert deliver() == (0, 0)  # not due yet

    admin = app.test_client()
    sign_in(admin, "admin")
    page = unescape(admin.get("/admin/courriels").get_data(as_text=True))
    assert "En attente (3)" in page and "ConnectionRefusedError" in page


def test_an_admin_sends_waiting_messages_again_once_the_server_is_back(app, smtp_server):
    build_world()
    mail = queued()
    mail.attempts, mail.last_error, mail.send_after = 3, "ConnectionRefusedError: …", utcnow() + timedelta(hours=1)
    db.session.commit()
    admin = app.test_client()
    sign_in(admin, "admin")
    response = admin.post("/admin/courriels/envoyer", data={"csrf_token": csrf_token(admin, "/admin/courriels")})
    assert response.status_code == 302
    smtp_server.wait_for(1)
    db.session.refresh(mail)
    assert mail.sent_at is not None and mail.last_error == "" and mail.attempts == 4


def test_the_send_mail_command_sends_what_is_due_and_says_so(app, runner, smtp_server):
    queued("Premier")
    queued("Second")
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    assert "Courriels envoyés : 2" in result.output
    smtp_server.wait_for(2)


def test_the_send_mail_command_fails_loudly_when_the_server_is_down(app, runner, no_smtp_server):
    queued()
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 1
    assert "en échec (nouvel essai plus tard) : 1" in result.output


def test_two_senders_never_both_take_a_message():
    mail = queued()
    now = utcnow()
    assert claim(mail.id, now) is True
    assert claim(mail.id, now) is False
    # A sender that vanished lets go after a while.
    assert claim(mail.id, now + timedelta(hours=1)) is True


def test_a_key_queues_a_message_once(count):
    assert queued(key="rappel:1") is not None
    assert queued(key="rappel:1") is None
    assert count(OutgoingMail) == 1


def test_a_message_is_rolled_back_with_the_change_it_announces(count):
    """Queued before anything else is written (a savepoint first thing in the transaction)."""
    queue("quelqu-un@test.example", "Objet", "Texte.", kind="essai", key="annonce:1")
    db.session.add(Person(name="Changement qui échoue"))
    db.session.flush()
    db.session.rollback()
    assert count(OutgoingMail) == 0
    assert count(Person) == 0
    assert queued(key="annonce:1") is not None  # its key is free again


def test_a_page_that_queues_a_message_and_then_fails_sends_nothing(app, smtp_server, count):
    failing = another_app(
        app, PROPAGATE_EXCEPTIONS=False, MAIL_SERVER=app.config["MAIL_SERVER"], MAIL_PORT=app.config["MAIL_PORT"]
    )

    @failing.route("/essai/annonce-puis-echoue")
    def announce_then_fail():
        queue("quelqu-un@test.example", "Annonce d'un changement", "Texte.", kind="essai")
        db.session.add(Person(name="Changement qui échoue"))
        db.session.flush()
        raise RuntimeError("le changement échoue")

    response = failing.test_client().get("/essai/annonce-puis-echoue")
    assert response.status_code == 500
    response.close()  # what the page queued would go now
    with failing.app_context():
        assert deliver() == (0, 0)
        db.engine.dispose()
    assert count(OutgoingMail) == 0
    assert count(Person) == 0
    assert smtp_server.messages == []


def test_without_a_mail_server_messages_are_written_to_the_outbox_and_logged(app, caplog):
    assert app.config["MAIL_SERVER"] is None
    queued("Objet de développement")
    with caplog.at_level("INFO"):
        assert deliver() == (1, 0)
    assert "Objet de développement" in caplog.text
    written = sorted((Path(app.instance_path) / "outbox").glob("*.eml"))
    message = message_from_bytes(written[-1].read_bytes(), policy=policy.default)
    assert message["Subject"] == "Objet de développement"
