"""The mail queue: messages wait in the database, go to a real SMTP server on loopback
after the response, survive a server that is down, and are never sent twice."""

from datetime import timedelta
from email import message_from_bytes, policy
from html import unescape
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import Inbox, mail_server
from world import another_app, build_world, csrf_token, future_meeting, sign_in

from groupes.dbtypes import utcnow
from groupes.extensions import db
from groupes.groups.models import Person
from groupes.mail.addresses import InvalidAddress
from groupes.mail.models import OutgoingMail
from groupes.mail.outbox import MAX_ATTEMPTS, claim, deliver, queue
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
    token = csrf_token(client)
    return client, client.post(f"/reunions/{meeting.id}/convocation/envoyer", data={"csrf_token": token})


def queued(subject="Objet", key=None, recipient="quelqu-un@test.example"):
    mail = queue(recipient, subject, "Texte brut.", "<p>Texte <strong>HTML</strong>.</p>", kind="essai", key=key)
    db.session.commit()
    return mail


def test_a_message_reaches_the_smtp_server_with_its_text_html_and_calendar_parts(app, smtp_server):
    mail = queue(
        "destinataire@test.example",
        "Convocation – réunion du jeudi",
        "Bonjour,\nTexte brut accentué : é à ç.",
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
    assert "accentué : é à ç" in message.get_body(("plain",)).get_content()
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
    assert "Sans adresse e-mail valable, à prévenir autrement : Invitée Sans Adresse." in landing
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
        queue("quelqu-un@test.example", "Annonce d’un changement", "Texte.", kind="essai")
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


# Addresses: one checked address per message; a bad one never holds up the queue.

HOSTILE_ADDRESSES = [
    "pas une adresse <a@x.example>, b@y.example",
    "a@b.example\r\nBcc: c@d.example",
    "a@b.example, c@d.example",
    "Nom <a@b.example>",
]


def raw_mail(recipient: str, subject: str = "Objet") -> OutgoingMail:
    """A message as an older version, or a row written by hand, may have queued it."""
    mail = OutgoingMail(kind="essai", recipient=recipient, subject=subject, text_body="Texte.", html_body="")
    db.session.add(mail)
    db.session.commit()
    return mail


def test_a_message_to_a_bad_address_is_given_up_with_its_reason_and_the_rest_goes(app, smtp_server):
    bad = [raw_mail(address) for address in HOSTILE_ADDRESSES]
    good = raw_mail("bonne@test.example", "Pour la bonne adresse")
    assert deliver() == (1, len(bad))
    smtp_server.wait_for(1)
    assert smtp_server.envelopes == [(smtp_server.envelopes[0][0], ["bonne@test.example"])]
    assert smtp_server.messages[0]["To"] == "bonne@test.example"
    for mail in bad:
        db.session.refresh(mail)
        assert mail.sent_at is None and mail.attempts == MAX_ATTEMPTS
        assert "Adresse e-mail invalide" in mail.last_error and "Message abandonné" in mail.last_error
    db.session.refresh(good)
    assert good.sent_at is not None
    assert deliver() == (0, 0)  # given up: not tried again by itself
    build_world()
    admin = app.test_client()
    sign_in(admin, "admin")
    page = unescape(admin.get("/admin/courriels").get_data(as_text=True))
    assert "(abandonné)" in page and "Message abandonné : corrigez l’adresse de la personne." in page


class RefusingInbox(Inbox):
    """A server that refuses one mailbox for good (550) and another for now (450)."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("inconnue@"):
            return "550 5.1.1 Mailbox unavailable"
        if address.startswith("pleine@"):
            return "450 4.2.2 Mailbox full"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_an_address_the_server_refuses_for_good_is_given_up_a_passing_refusal_retried(app):
    with mail_server(app, RefusingInbox()) as inbox:
        unknown, full, known = (raw_mail(f"{who}@test.example") for who in ("inconnue", "pleine", "connue"))
        assert deliver() == (1, 2)
        inbox.wait_for(1)
    assert [rcpt for _, rcpt in inbox.envelopes] == [["connue@test.example"]]
    db.session.refresh(unknown)
    db.session.refresh(full)
    assert unknown.attempts == MAX_ATTEMPTS and "Adresse refusée par le serveur de courriel (550" in unknown.last_error
    assert full.attempts == 1 and "SMTPRecipientsRefused" in full.last_error
    assert full.send_after > utcnow()


def test_a_guest_whose_stored_address_is_unusable_is_told_otherwise_and_the_others_convened(app, smtp_server):
    world = build_world()
    meeting = invited_meeting(world)
    guest = Person(name="Invitée Adresse Cassée")
    meeting.attendances.append(Attendance(person=guest))
    db.session.commit()
    # Written before addresses were checked: straight into the table, past the model's rule.
    db.session.execute(sa.update(Person).where(Person.id == guest.id).values(email="a@b.example\r\nbcc: c@d.example"))
    db.session.commit()
    client, response = convene(app, meeting)
    assert response.status_code == 302
    response.close()
    smtp_server.wait_for(3)
    landing = unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "Convocation envoyée à 3 personne(s)" in landing
    assert "à prévenir autrement : Invitée Adresse Cassée, Invitée Sans Adresse." in landing
    assert all(len(rcpt) == 1 and "\n" not in rcpt[0] for _, rcpt in smtp_server.envelopes)


def test_no_person_is_stored_with_an_address_that_fails_the_shared_rule():
    for address in HOSTILE_ADDRESSES:
        with pytest.raises(InvalidAddress, match="Adresse e-mail invalide"):
            Person(name="Quelqu’un", email=address)
    assert Person(name="Quelqu’un", email="  Prénom.Nom@Exemple.FR ").email == "prénom.nom@exemple.fr"


def test_an_address_stored_before_the_rule_can_be_set_again_unchanged_but_not_to_another_bad_one():
    person = Person(name="Ancienne Adresse", email="ancienne@test.example")
    db.session.add(person)
    db.session.commit()
    db.session.execute(sa.update(Person).where(Person.id == person.id).values(email="a@b.example, c@d.example"))
    db.session.commit()
    db.session.refresh(person)
    person.email = person.email or "autre@test.example"  # as the import does
    with pytest.raises(InvalidAddress):
        person.email = "e@f.example, g@h.example"
    person.email = "Corrigee@Test.example"
    assert person.email == "corrigee@test.example"
