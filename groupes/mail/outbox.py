"""Queueing and sending e-mail.

A page never waits for a mail server: messages are written to the database
with the change they announce, and sent once the response has gone out (or
by ``flask --app groupes send-mail``). A failed send waits and is tried
again later; admins see what is stuck. Without ``MAIL_SERVER`` (development),
messages are written to ``instance/outbox/`` as .eml files instead.
"""

import re
import smtplib
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app, g, has_request_context
from sqlalchemy.exc import IntegrityError

from groupes.dbtypes import utcnow
from groupes.extensions import db
from groupes.mail.addresses import InvalidAddress, mailbox
from groupes.mail.models import OutgoingMail

# After this many failures a message is no longer retried by itself (an admin can).
MAX_ATTEMPTS = 8
# A sender that took a message and vanished (killed worker) lets it go after this.
CLAIM_TIMEOUT = timedelta(minutes=15)


def retry_delay(attempts: int) -> timedelta:
    """2, 4, 8… minutes after each failure, at most a day."""
    return min(timedelta(minutes=2**attempts), timedelta(days=1))


SUBJECT_LENGTH = 500  # the column's
BREAKABLE_SPACES = re.compile(r"[^\S\u00a0\u202f]+")  # every space and line break but the no-break ones


def one_line(text: str, length: int) -> str:
    """A header's value: the line breaks of a title pasted with them would open headers of their own
    (and the message would never leave), and a long title would overflow the column. The no-break
    spaces of French typography stay."""
    text = " ".join(BREAKABLE_SPACES.split(text.strip()))
    return text if len(text) <= length else text[: length - 1] + "…"


def queue(
    recipient: str,
    subject: str,
    text: str,
    html: str = "",
    *,
    kind: str,
    key: str | None = None,
    attachments: list[dict] | None = None,
) -> OutgoingMail | None:
    """Add a message to the queue, in the caller's transaction.

    A message whose ``key`` was already queued is not queued again (None).
    """
    if key is not None and db.session.scalar(sa.select(OutgoingMail.id).where(OutgoingMail.key == key)):
        return None
    mail = OutgoingMail(
        kind=kind,
        key=key,
        recipient=recipient,
        subject=one_line(subject, SUBJECT_LENGTH),
        text_body=text,
        html_body=html,
        attachments=attachments or [],
    )
    try:
        with db.session.begin_nested():
            db.session.add(mail)
    except IntegrityError:  # the same key, queued at this very moment by someone else
        return None
    if has_request_context():
        g.setdefault("queued_mail", []).append(mail.id)
    return mail


def send_after_response(app: Flask) -> None:
    """Send what a request queued once its response has been delivered."""

    @app.after_request
    def deliver_later(response):
        ids = g.pop("queued_mail", None)
        if ids and app.config["MAIL_SEND_AFTER_RESPONSE"]:

            def deliver_now():
                with app.app_context():
                    deliver(ids)

            response.call_on_close(deliver_now)
        return response


def pending_query(now: datetime) -> sa.Select:
    return sa.select(OutgoingMail.id).where(
        OutgoingMail.sent_at.is_(None),
        OutgoingMail.send_after <= now,
        OutgoingMail.attempts < MAX_ATTEMPTS,
        sa.or_(OutgoingMail.claimed_at.is_(None), OutgoingMail.claimed_at < now - CLAIM_TIMEOUT),
    )


def claim(mail_id: int, now: datetime, *, force: bool = False) -> bool:
    """Take a message for sending; False if another sender has it or it is sent."""
    conditions = [OutgoingMail.id == mail_id, OutgoingMail.sent_at.is_(None)]
    if not force:
        conditions.append(sa.or_(OutgoingMail.claimed_at.is_(None), OutgoingMail.claimed_at < now - CLAIM_TIMEOUT))
    result = db.session.execute(
        sa.update(OutgoingMail)
        .where(*conditions)
        .values(claimed_at=now, attempts=OutgoingMail.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def deliver(ids: list[int] | None = None, *, force: bool = False) -> tuple[int, int]:
    """Send queued messages (these ids, or every one that is due); returns (sent, failed).

    Never raises for a mail problem: a failure is recorded on the message, which
    waits for its next try, or is given up at once when its address is at fault,
    so that one bad address never holds up the rest of the queue.
    """
    now = utcnow()
    if ids is None:
        ids = list(db.session.scalars(pending_query(now).order_by(OutgoingMail.id)))
    sent = failed = 0
    with Transport(current_app) as transport:
        for mail_id in ids:
            if not claim(mail_id, now, force=force):
                continue
            mail = db.session.get(OutgoingMail, mail_id)
            try:
                transport.send(build_message(mail))
            except Exception as error:  # noqa: BLE001 (any failure of any server is recorded, never raised)
                failed += 1
                reason = address_refusal(error)
                if reason:
                    give_up(mail, reason)
                else:
                    wait_for_retry(mail, error)
            else:
                sent += 1
                mail.sent_at, mail.last_error = utcnow(), ""
            db.session.commit()
    return sent, failed


def address_refusal(error: Exception) -> str | None:
    """Why a message can never go to its address (in French), or None for a failure worth retrying."""
    if isinstance(error, InvalidAddress):
        return f"{error} Message abandonné : corrigez l’adresse de la personne."
    if isinstance(error, smtplib.SMTPRecipientsRefused) and all(code >= 500 for code, _ in error.recipients.values()):
        refusals = "; ".join(f"{code} {reply.decode(errors='replace')}" for code, reply in error.recipients.values())
        return f"Adresse refusée par le serveur de courriel ({refusals}). Message abandonné."
    return None


def give_up(mail: OutgoingMail, reason: str) -> None:
    """Not retried by itself (an admin's « send now » tries it again)."""
    mail.last_error = reason[:2000]
    mail.attempts = max(mail.attempts, MAX_ATTEMPTS)
    mail.claimed_at = None
    current_app.logger.warning("Courriel %s abandonné : %s", mail.id, reason)


def wait_for_retry(mail: OutgoingMail, error: Exception) -> None:
    mail.last_error = f"{type(error).__name__}: {error}"[:2000]
    mail.send_after = utcnow() + retry_delay(mail.attempts)
    mail.claimed_at = None
    current_app.logger.warning("Courriel %s non envoyé (%s), nouvel essai plus tard", mail.id, error)


def build_message(mail: OutgoingMail) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = mailbox(mail.recipient)  # one checked address, or InvalidAddress
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(mail.created_at)
    message["Message-ID"] = make_msgid(f"courriel-{mail.id}", domain=config["MAIL_DOMAIN"])
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.text_body)
    if mail.html_body:
        message.add_alternative(mail.html_body, subtype="html")
    for attachment in mail.attachments:  # text only (iCalendar): a text/<subtype> part each
        message.add_attachment(
            attachment["content"],
            subtype=attachment["subtype"],
            filename=attachment["filename"],
            params=attachment.get("params", {}),
        )
    return message


class Transport:
    """One SMTP connection for a batch, or the outbox folder when no server is set."""

    def __init__(self, app: Flask):
        self.config = app.config
        self.outbox = Path(app.instance_path) / "outbox"
        self.logger = app.logger
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass

    def connect(self) -> smtplib.SMTP:
        c = self.config
        timeout = c["MAIL_TIMEOUT"]
        if c["MAIL_USE_SSL"]:
            smtp = smtplib.SMTP_SSL(
                c["MAIL_SERVER"], c["MAIL_PORT"], timeout=timeout, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(c["MAIL_SERVER"], c["MAIL_PORT"], timeout=timeout)
            if c["MAIL_USE_TLS"]:
                smtp.starttls(context=ssl.create_default_context())
        if c["MAIL_USERNAME"]:
            smtp.login(c["MAIL_USERNAME"], c["MAIL_PASSWORD"] or "")
        return smtp

    def send(self, message: EmailMessage) -> None:
        if not self.config["MAIL_SERVER"]:
            self.write(message)
            return
        if self.smtp is None:
            self.smtp = self.connect()
        try:  # the envelope names the one recipient of the header, nothing read from elsewhere
            self.smtp.send_message(message, to_addrs=[message["To"].addresses[0].addr_spec])
        except smtplib.SMTPServerDisconnected:
            self.smtp = None
            raise

    def write(self, message: EmailMessage) -> None:
        self.outbox.mkdir(parents=True, exist_ok=True)
        name = message["Message-ID"].strip("<>").split("@")[0]
        path = self.outbox / f"{utcnow():%Y%m%d-%H%M%S}-{name}.eml"
        path.write_bytes(message.as_bytes())
        self.logger.info("Courriel pour %s écrit dans %s : %s", message["To"], path.name, message["Subject"])
