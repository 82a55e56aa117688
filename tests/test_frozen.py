"""What is validated never changes until reopened with a reason: the meeting's number, date,
place, title, status and huis clos marks, besides the text and outcomes."""

from datetime import date, time

import pytest
from world import csrf_token, sign_in

from groupes.extensions import db
from groupes.meetings.models import Meeting, MeetingStatus
from groupes.meetings.numbering import meeting_numbers
from groupes.meetings.planning import (
    PlanningError,
    RenumberingNotConfirmed,
    Rhythm,
    Slot,
    cancel_meeting,
    plan_meeting,
    plan_series,
    restore_meeting,
    update_meeting,
)
from groupes.minutes.writing import reopen, validate
from groupes.outcomes.models import Decision


@pytest.fixture
def validated_in_review(world):
    """The conftest's ``world``, whose minutes in review are validated through the workflow, as in real
    use: the number is frozen then. Every test of this file starts from there."""
    meeting = world.in_review
    validate(meeting.minutes, world.users["facilitator"])
    db.session.commit()  # domain functions flush; their caller commits


pytestmark = pytest.mark.usefixtures("validated_in_review")


def numbers(world) -> dict[int, int]:
    db.session.expire_all()
    return meeting_numbers(db.session.get(type(world.private), world.private.id).meetings)


def facilitator(app):
    client = app.test_client()
    sign_in(client, "facilitator")
    return client


def test_validation_freezes_the_number_and_reopening_frees_it(world):
    assert world.in_review.frozen_number == 2
    # Something placing a meeting earlier without asking (an import, a script) does not renumber it.
    db.session.add(Meeting(group=world.private, starts_at=world.validated.starts_at.replace(day=1)))
    db.session.commit()
    assert numbers(world)[world.in_review.id] == 2
    reopen(world.in_review.minutes, world.users["facilitator"], "Erreur de date")
    assert world.in_review.frozen_number is None and numbers(world)[world.in_review.id] == 3


def test_a_meeting_placed_before_validated_ones_asks_first_and_writes_nothing_until_confirmed(world, count):
    before = count(Meeting)
    with pytest.raises(RenumberingNotConfirmed) as refused:
        plan_meeting(world.private, Slot(date(2014, 3, 5), time(10), None))
    message = str(refused.value)
    assert message.startswith("Cette date renumérote des réunions dont le compte-rendu est validé : ")
    assert "la 2ème réunion du 10 mars 2014 deviendrait la 3ème" in message
    db.session.rollback()
    assert count(Meeting) == before and numbers(world)[world.in_review.id] == 2
    added = plan_meeting(world.private, Slot(date(2014, 3, 5), time(10), None), confirmed=True)
    assert numbers(world) == {world.validated.id: 1, added.id: 2, world.in_review.id: 3, world.draft.id: 4}


def test_a_series_before_validated_meetings_asks_too(world, count):
    before = count(Meeting)
    with pytest.raises(RenumberingNotConfirmed):
        plan_series(world.private, Slot(date(2014, 1, 6), time(10), None), Rhythm("weekly", count=2))
    db.session.rollback()
    assert count(Meeting) == before


def test_a_meeting_after_them_or_moves_that_keep_their_numbers_need_no_confirmation(world):
    plan_meeting(world.private, Slot(date(2014, 6, 5), time(10), None))
    update_meeting(world.draft, Slot(date(2014, 3, 18), time(10), None))
    assert numbers(world)[world.in_review.id] == 2


def test_moving_cancelling_or_restoring_an_earlier_meeting_asks_first(world):
    earlier = world.validated
    reopen(earlier.minutes, world.users["facilitator"], "Une correction")
    db.session.commit()
    with pytest.raises(RenumberingNotConfirmed, match="la 2ème réunion du 10 mars 2014 deviendrait la 1ère"):
        cancel_meeting(earlier)
    db.session.rollback()
    with pytest.raises(RenumberingNotConfirmed):
        update_meeting(earlier, Slot(date(2014, 3, 20), time(10), None))
    db.session.rollback()
    assert db.session.get(Meeting, earlier.id).status == MeetingStatus.HELD
    cancel_meeting(db.session.get(Meeting, earlier.id), confirmed=True)
    assert numbers(world)[world.in_review.id] == 1
    with pytest.raises(RenumberingNotConfirmed, match="la 1ère réunion du 10 mars 2014 deviendrait la 2ème"):
        restore_meeting(db.session.get(Meeting, earlier.id))


@pytest.mark.parametrize(
    "change",
    [
        lambda m: update_meeting(m, Slot(date(2014, 3, 10), time(15), None, "Autre titre", "Autre lieu")),
        lambda m: cancel_meeting(m),
    ],
)
def test_a_validated_meeting_is_neither_moved_nor_renamed_nor_cancelled(world, change):
    meeting = world.in_review
    before = (meeting.starts_at, meeting.place, meeting.title, meeting.status, meeting.sequence)
    with pytest.raises(PlanningError, match="Le compte-rendu de cette réunion est validé"):
        change(meeting)
    db.session.rollback()
    meeting = db.session.get(Meeting, meeting.id)
    assert (meeting.starts_at, meeting.place, meeting.title, meeting.status, meeting.sequence) == before


def test_series_changes_leave_validated_meetings_and_say_which(app, world):
    meetings = plan_series(world.private, Slot(date(2014, 9, 1), time(9, 30), None), Rhythm("weekly", count=3))
    validate(meetings[1].minutes, world.users["facilitator"], "Relu en séance")
    db.session.commit()
    changes = update_meeting(meetings[0], Slot(date(2014, 9, 1), time(14), None, "", "Salle B"), scope="following")
    assert changes.changed == [meetings[0], meetings[2]] and changes.frozen == [meetings[1]]
    assert [m.place for m in meetings] == ["Salle B", "", "Salle B"]
    db.session.commit()
    client = facilitator(app)
    token = csrf_token(client, f"/reunions/{meetings[0].id}/modifier")
    cancel = f"/reunions/{meetings[0].id}/annuler"
    data = {"scope": "following", "csrf_token": token}
    asked = client.post(cancel, data=data).get_data(as_text=True)  # the validated one moves up a number
    assert "Cette annulation renumérote des réunions dont le compte-rendu est validé" in asked
    assert 'name="scope" value="following"' in asked
    response = client.post(cancel, data=data | {"confirm_renumbering": "1"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "2 réunion(s) annulée(s)" in html
    assert "Non annulées, leur compte-rendu étant validé : la réunion du 8 septembre 2014." in html
    db.session.expire_all()
    assert [m.status for m in meetings] == [MeetingStatus.CANCELLED, MeetingStatus.PLANNED, MeetingStatus.CANCELLED]


def test_the_edit_page_of_a_validated_meeting_refuses_and_explains(app, world):
    client = facilitator(app)
    url = f"/reunions/{world.in_review.id}/modifier"
    html = client.get(url).get_data(as_text=True)
    assert "sa date, son lieu, son sous-titre et son numéro sont figés" in html
    assert f'href="/reunions/{world.in_review.id}/compte-rendu/rediger#etat">Rouvrir le compte-rendu</a>' in html
    assert f'action="/reunions/{world.in_review.id}/annuler"' not in html
    token = csrf_token(client, url)
    client.post(url, data={"day": "2014-03-11", "start": "10:00", "place": "Ailleurs", "csrf_token": token})
    cancelled = client.post(
        f"/reunions/{world.in_review.id}/annuler", data={"csrf_token": token}, follow_redirects=True
    )
    assert "elle ne peut pas être annulée sans le rouvrir" in cancelled.get_data(as_text=True)
    db.session.expire_all()
    meeting = db.session.get(Meeting, world.in_review.id)
    assert meeting.place == "Salle du conseil" and meeting.status == MeetingStatus.HELD


def test_the_form_asks_before_renumbering_and_keeps_what_was_typed(app, world, count):
    client = facilitator(app)
    url = f"/groupes/{world.private.id}/reunions/nouvelle"
    token = csrf_token(client, url)
    data = {"day": "2014-03-05", "start": "10:00", "place": "Salle des fêtes", "csrf_token": token}
    before = count(Meeting)
    html = client.post(url, data=data).get_data(as_text=True)
    assert "Cette date renumérote des réunions dont le compte-rendu est validé" in html
    assert "la 2ème réunion du 10 mars 2014 deviendrait la 3ème" in html
    assert 'name="confirm_renumbering"' in html and 'value="Salle des fêtes"' in html
    assert count(Meeting) == before
    assert 'name="confirm_renumbering"' not in client.get(url).get_data(as_text=True)
    assert client.post(url, data=data | {"confirm_renumbering": "y"}).status_code == 302
    assert count(Meeting) == before + 1 and numbers(world)[world.in_review.id] == 3


def test_cancelling_an_earlier_meeting_shows_a_confirmation_page(app, world):
    earlier = world.validated
    reopen(earlier.minutes, world.users["facilitator"], "Une correction")
    db.session.commit()
    client = facilitator(app)
    token = csrf_token(client, f"/reunions/{earlier.id}/modifier")
    page = client.post(f"/reunions/{earlier.id}/annuler", data={"csrf_token": token})
    assert page.status_code == 409 and "deviendrait la 1ère" in page.get_data(as_text=True)
    assert db.session.get(Meeting, earlier.id).status == MeetingStatus.HELD
    client.post(f"/reunions/{earlier.id}/annuler", data={"csrf_token": token, "confirm_renumbering": "1"})
    db.session.expire_all()
    assert db.session.get(Meeting, earlier.id).status == MeetingStatus.CANCELLED
    assert numbers(world)[world.in_review.id] == 1


def test_huis_clos_marks_of_validated_minutes_stay(app, world):
    meeting = world.in_review
    decision = meeting.decisions[0]
    decision.confidential = True
    db.session.commit()
    client = facilitator(app)
    token = csrf_token(client, f"/reunions/{meeting.id}")
    for part, value in ((f"d{decision.id}", "0"), (f"s{meeting.minutes.sections[0].id}", "1")):
        response = client.post(
            f"/reunions/{meeting.id}/huis-clos",
            data={"part": part, "confidential": value, "csrf_token": token},
            follow_redirects=True,
        )
        assert "est figé. Rouvrez le compte-rendu" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Decision, decision.id).confidential
    assert not meeting.minutes.sections[0].confidential
    assert "Lever le huis clos" not in client.get(f"/reunions/{meeting.id}").get_data(as_text=True)
