"""Who is told what by e-mail: each notification picks its recipients and queues one message each.

Callers commit. People choose on their account page which notifications
they want; account messages (invitation, password reset) always go out.
"""

from collections.abc import Iterable

from flask import render_template

from groupes.auth.models import User
from groupes.dbtypes import utcnow
from groupes.exports.ics import calendar
from groupes.groups.models import Person, Role
from groupes.mail.addresses import is_valid_email
from groupes.mail.outbox import queue
from groupes.meetings.models import Meeting
from groupes.meetings.numbering import meeting_numbers
from groupes.outcomes.models import Action
from groupes.privacy.confidential import mailed_title
from groupes.privacy.reading import document_agenda
from groupes.site.formatting import long_date, ordinal
from groupes.site.links import external_url


def send(
    person: Person, template: str, subject: str, *, kind: str, key: str | None = None, attachments=None, **context
):
    """Queue the message ``mail/<template>.txt`` (and .html) to one person."""
    context.update(person=person, subject=subject, url=external_url)
    text = render_template(f"mail/{template}.txt", **context)
    html = render_template(f"mail/{template}.html", **context)
    return queue(person.email, subject, text, html, kind=kind, key=key, attachments=attachments)


def wanting(people: Iterable[Person], preference: str, *, account_needed: bool = False) -> list[Person]:
    """The people of this list with a valid address who want this kind of message.

    Without an account (a guest), one gets what concerns them directly
    (convocations, actions) unless ``account_needed``.
    """
    chosen, seen = [], set()
    for person in people:
        if person.id in seen or not reachable(person):
            continue
        seen.add(person.id)
        user = person.user
        if user is None and account_needed:
            continue
        if user is not None and not user.wants(preference):
            continue
        chosen.append(person)
    return chosen


def reachable(person: Person) -> bool:
    """An address written before addresses were checked may be unusable (two addresses, a line break):
    such a person is told otherwise, like one without an address."""
    return bool(person.email) and is_valid_email(person.email)


def members(meeting: Meeting, *, with_observers: bool = True) -> list[Person]:
    return [m.person for m in meeting.group.memberships if with_observers or m.role != Role.OBSERVER]


def meeting_heading(meeting: Meeting) -> str:
    number = meeting_numbers(meeting.group.meetings).get(meeting.id)
    label = f"{ordinal(number)} réunion" if number else "Réunion"
    return f"{label} du groupe {meeting.group.number} : {long_date(meeting.starts_at)}"


# Account messages


def invitation(user: User, group, link: str, invited_by: User | None) -> None:
    where = f" au groupe « {group.title} »" if group else ""
    send(
        user.person,
        "invitation",
        f"Invitation{where}",
        kind="invitation",
        group=group,
        link=link,
        invited_by=invited_by,
    )


def added_to_group(user: User, group, invited_by: User | None) -> None:
    send(
        user.person,
        "added",
        f"Vous êtes membre du groupe « {group.title} »",
        kind="invitation",
        group=group,
        invited_by=invited_by,
    )


def password_reset(user: User, link: str) -> None:
    send(user.person, "reset", "Choisir un nouveau mot de passe", kind="reset", link=link)


def email_change(user: User, new_email: str, link: str) -> None:
    """To the new address, which the link proves one receives mail at."""
    subject = "Confirmer votre nouvelle adresse e-mail"
    context = dict(person=user.person, subject=subject, url=external_url, link=link, new_email=new_email)
    text = render_template("mail/email_change.txt", **context)
    html = render_template("mail/email_change.html", **context)
    queue(new_email, subject, text, html, kind="email_change")


# Meetings


def ics_attachment(meeting: Meeting, method: str, person: Person) -> list[dict]:
    content = calendar([meeting], name=f"Groupe {meeting.group.number}", method=method, attendee=person.email)
    return [
        {
            "filename": "reunion.ics" if method == "REQUEST" else "annulation.ics",
            "subtype": "calendar",
            "content": content.decode(),
            "params": {"method": method},
        }
    ]


def convocation(meeting: Meeting, *, update: bool = False) -> list[Person]:
    """Send the convocation (or its update) to everyone on the attendance list; returns who got it."""
    invited = [a.person for a in meeting.attendances]
    heading = meeting_heading(meeting)
    subject = f"{'Réunion modifiée' if update else 'Convocation'} – {heading}"
    people = wanting(invited, "convocations")
    agenda = document_agenda(meeting)
    for person in people:
        send(
            person,
            "convocation",
            subject,
            kind="convocation",
            attachments=ics_attachment(meeting, "REQUEST", person),
            meeting=meeting,
            agenda=agenda,
            heading=heading,
            update=update,
        )
    meeting.convened_at = utcnow()
    return people


def meeting_changed(meetings: Iterable[Meeting]) -> None:
    """A meeting already announced moved or was restored: its people get the new event."""
    for meeting in meetings:
        if meeting.convened_at is not None:
            convocation(meeting, update=True)


def meeting_cancelled(meetings: Iterable[Meeting]) -> None:
    for meeting in meetings:
        if meeting.convened_at is None:
            continue
        heading = meeting_heading(meeting)
        for person in wanting([a.person for a in meeting.attendances], "convocations"):
            send(
                person,
                "cancelled",
                f"Réunion annulée – {heading}",
                kind="annulation",
                attachments=ics_attachment(meeting, "CANCEL", person),
                meeting=meeting,
                heading=heading,
            )


def meeting_tomorrow(meeting: Meeting) -> int:
    """The day-before reminder, once per person and per date of the meeting."""
    heading = meeting_heading(meeting)
    sent = 0
    for attendance in meeting.attendances:
        if attendance.status.value == "excused":
            continue
        person = attendance.person
        if not wanting([person], "reminders"):
            continue
        key = f"rappel-reunion:{meeting.id}:{person.id}:{meeting.starts_at.isoformat()}"
        if send(person, "tomorrow", f"Demain – {heading}", kind="rappel", key=key, meeting=meeting, heading=heading):
            sent += 1
    return sent


# Minutes


def tell_members(meeting: Meeting, by: User, template: str, what: str, preference: str, *, observers: bool) -> None:
    """Tell the members with an account (not the one who acted) what happened to the minutes."""
    heading = meeting_heading(meeting)
    for person in wanting(members(meeting, with_observers=observers), preference, account_needed=True):
        if person.id != by.person_id:
            send(person, template, f"{what} – {heading}", kind=template, meeting=meeting, heading=heading)


def review_requested(meeting: Meeting, by: User) -> None:
    """Observers read validated minutes only: they are not asked to review."""
    tell_members(meeting, by, "review", "Compte-rendu à relire", "reviews", observers=False)


def minutes_validated(meeting: Meeting, by: User) -> None:
    tell_members(meeting, by, "validated", "Compte-rendu validé", "validated", observers=True)


# Actions


def action_assigned(action: Action, by: User) -> None:
    person = action.owner_person
    if person is None or person.id == by.person_id or not wanting([person], "actions"):
        return
    send(
        person,
        "action",
        f"Action à votre nom : {mailed_title(action)}",
        kind="action",
        action=action,
        meeting=action.meeting,
    )


def action_due(action: Action) -> bool:
    """The due-soon reminder, once per action and due date."""
    person = action.owner_person
    if person is None or not wanting([person], "actions"):
        return False
    key = f"rappel-action:{action.id}:{action.due.isoformat()}"
    return (
        send(
            person,
            "due",
            f"Échéance proche : {mailed_title(action)}",
            kind="rappel",
            key=key,
            action=action,
            meeting=action.meeting,
        )
        is not None
    )
