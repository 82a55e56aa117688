"""The meeting page's one primary button: the next step for this viewer, by role and by the
meeting's life (before, on the day, after; minutes in draft, in review, validated)."""

import re
from datetime import UTC, datetime, timedelta

from world import future_meeting, read_page, signed_in

from groupes.extensions import db
from groupes.meetings.models import MeetingStatus
from groupes.meetings.next_step import (
    ADD_TO_CALENDAR,
    ATTENDANCE,
    DOWNLOAD,
    FOLLOW_REVIEW,
    PREPARE,
    READ,
    REVIEW,
    WRITE,
    next_step,
)
from groupes.minutes.models import MinutesStatus

FACILITATOR = {"edits": True, "approves": False, "reads_minutes": True}
MEMBER_IN_REVIEW = {"edits": False, "approves": True, "reads_minutes": True}
READER = {"edits": False, "approves": False, "reads_minutes": True}
OUTSIDER = {"edits": False, "approves": False, "reads_minutes": False}


def test_the_facilitator_prepares_before_the_day_takes_attendance_on_it_and_writes_after(app, world):
    meeting = world.draft  # 3 March 2014, 14 h – 17 h in Paris, minutes in draft
    start = meeting.starts_at
    assert next_step(meeting, start - timedelta(days=2), **FACILITATOR) == PREPARE
    assert next_step(meeting, start - timedelta(hours=3), **FACILITATOR) == ATTENDANCE  # the morning of the day
    assert next_step(meeting, start + timedelta(hours=1), **FACILITATOR) == ATTENDANCE
    assert next_step(meeting, meeting.ends_at + timedelta(minutes=1), **FACILITATOR) == WRITE
    meeting.ends_at = None  # a meeting with no end time is taken to last three hours
    assert next_step(meeting, start + timedelta(hours=2), **FACILITATOR) == ATTENDANCE
    assert next_step(meeting, start + timedelta(hours=4), **FACILITATOR) == WRITE


def test_minutes_in_review_are_read_by_members_and_followed_by_the_facilitator(app, world):
    meeting, later = world.in_review, world.in_review.ends_at + timedelta(days=3)
    assert meeting.minutes.status == MinutesStatus.REVIEW
    assert next_step(meeting, later, **MEMBER_IN_REVIEW) == REVIEW
    assert next_step(meeting, later, **FACILITATOR) == FOLLOW_REVIEW
    assert next_step(meeting, later, **READER) == READ  # an observer reads, approves nothing
    assert next_step(meeting, later, **OUTSIDER) is None


def test_validated_minutes_are_downloaded_by_their_readers(app, world):
    meeting, later = world.validated, world.validated.ends_at + timedelta(days=30)
    assert next_step(meeting, later, **READER) == DOWNLOAD
    assert next_step(meeting, later, **FACILITATOR) == DOWNLOAD
    assert next_step(meeting, later, **OUTSIDER) is None


def test_a_member_adds_a_coming_meeting_to_their_calendar_and_a_cancelled_one_offers_nothing(app, world):
    meeting = world.draft
    assert next_step(meeting, meeting.starts_at - timedelta(days=1), **READER) == ADD_TO_CALENDAR
    assert next_step(meeting, meeting.ends_at + timedelta(days=1), **READER) is None
    meeting.status = MeetingStatus.CANCELLED
    assert next_step(meeting, meeting.starts_at - timedelta(days=1), **FACILITATOR) is None


def primary_buttons(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", label).strip()
        for label in re.findall(r'class="btn btn-primary"[^>]*>(.*?)</a>', html, re.S)
    ]


def test_the_meeting_page_offers_each_viewer_their_next_step_as_its_one_primary_button(app, world):
    coming = future_meeting(world.private, days=10)
    facilitator, member = signed_in(app, "facilitator"), signed_in(app, "member")
    assert primary_buttons(read_page(facilitator, f"/reunions/{coming.id}")) == ["Préparer l’ordre du jour"]
    # The same cached body, another header: the member's next step is their own.
    assert primary_buttons(read_page(member, f"/reunions/{coming.id}")) == ["Ajouter à mon agenda (.ics)"]
    assert primary_buttons(read_page(member, f"/reunions/{world.in_review.id}")) == ["Relire le compte-rendu"]
    assert primary_buttons(read_page(facilitator, f"/reunions/{world.in_review.id}")) == ["Suivre la relecture"]
    observer = read_page(signed_in(app, "observer"), f"/reunions/{world.validated.id}")
    assert primary_buttons(observer) == ["Télécharger le compte-rendu (PDF)"]


def test_the_next_step_follows_the_hour_though_the_body_is_cached(app, world):
    """The page cache keeps the body under content stamps, not the hour: the header is made
    at each visit, so the next step moves on when the meeting starts."""
    coming = future_meeting(world.private, days=1)
    facilitator = signed_in(app, "facilitator")
    assert primary_buttons(read_page(facilitator, f"/reunions/{coming.id}")) == ["Préparer l’ordre du jour"]
    db.session.execute(db.update(type(coming)).where(type(coming).id == coming.id).values(starts_at=datetime.now(UTC)))
    db.session.commit()
    assert primary_buttons(read_page(facilitator, f"/reunions/{coming.id}")) == ["Prendre les présences"]
