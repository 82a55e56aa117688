"""Meetings as iCalendar (RFC 5545): one event, a personal feed, and the
REQUEST/CANCEL messages of convocations (iTIP, RFC 5546).

Times are written in Europe/Paris with the time-zone definition, so that a
meeting at 14 h stays at 14 h in every calendar, summer or winter. Each
meeting keeps one UID for life; its SEQUENCE is raised on every change, so
calendars replace the event instead of adding another.
"""

from urllib.parse import urlsplit

import icalendar
from flask import current_app

from groupes.dbtypes import utcnow
from groupes.meetings.models import Meeting, MeetingStatus
from groupes.privacy.reading import document_agenda
from groupes.site.links import external_url
from groupes.site.timezone import PARIS

PRODID = "-//groupes//Groupes de travail//FR"


def meeting_uid(meeting: Meeting) -> str:
    domain = urlsplit(current_app.config["BASE_URL"]).hostname or "groupes"
    return f"reunion-{meeting.id}@{domain}"


def summary(meeting: Meeting) -> str:
    text = f"Groupe {meeting.group.number} – {meeting.group.title}"
    return f"{text} : {meeting.title}" if meeting.title else text


def description(meeting: Meeting) -> str:
    lines = []
    points = document_agenda(meeting)
    if points:
        lines.append("Ordre du jour :")
        lines += [f"{n}. {point.title}" for n, point in enumerate(points, 1)]
        lines.append("")
    lines.append(external_url("meetings.show", meeting_id=meeting.id))
    return "\n".join(lines)


def meeting_event(meeting: Meeting, *, cancelled: bool = False, attendee: str | None = None) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", utcnow())
    event.add("sequence", meeting.sequence)
    event.add("summary", summary(meeting))
    event.add("dtstart", meeting.starts_at.astimezone(PARIS))
    if meeting.ends_at is not None:
        event.add("dtend", meeting.ends_at.astimezone(PARIS))
    if meeting.place:
        event.add("location", meeting.place)
    event.add("description", description(meeting))
    event.add("url", external_url("meetings.show", meeting_id=meeting.id))
    cancelled = cancelled or meeting.status == MeetingStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    address = sender.rpartition("<")[2].rstrip(">") or sender
    event.add("organizer", f"mailto:{address}", parameters={"CN": f"Groupe {meeting.group.number}"})
    if attendee:
        event.add(
            "attendee",
            f"mailto:{attendee}",
            parameters={"ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION", "RSVP": "FALSE"},
        )
    return event


def calendar(meetings: list[Meeting], *, name: str, method: str | None = None, attendee: str | None = None) -> bytes:
    """A calendar holding these meetings; with ``method`` an iTIP message (REQUEST, CANCEL)."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Paris")
    if method:
        cal.add("method", method)
    for meeting in meetings:
        cal.add_component(meeting_event(meeting, cancelled=method == "CANCEL", attendee=attendee))
    cal.add_missing_timezones()
    return cal.to_ical()
