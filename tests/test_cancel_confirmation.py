"""Cancelling a meeting or a series is confirmed first: the page names the meetings it would
cancel and those it would leave, and nothing changes (no e-mail either) until « Oui, annuler »."""

from datetime import date, time

from world import csrf_token, sign_in

from groupes.extensions import db
from groupes.mail.models import OutgoingMail
from groupes.meetings.models import Meeting, MeetingStatus
from groupes.meetings.planning import Rhythm, Slot, plan_series


def statuses(meetings) -> list[MeetingStatus]:
    db.session.expire_all()
    return [db.session.get(Meeting, m.id).status for m in meetings]


def test_cancelling_a_series_names_its_meetings_first_and_changes_nothing(app, world, count):
    meetings = plan_series(world.private, Slot(date(2014, 9, 1), time(9, 30), None), Rhythm("weekly", count=3))
    db.session.commit()
    client = app.test_client()
    sign_in(client, "facilitator")
    url = f"/reunions/{meetings[1].id}/annuler"
    mails = count(OutgoingMail)
    asked = client.post(url, data={"scope": "following", "csrf_token": csrf_token(client)})
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "<h1>Annuler 2 réunions\u202f?</h1>" in html
    assert "<li>lundi 8 septembre 2014, " in html and "<li>lundi 15 septembre 2014, " in html
    assert "1 septembre" not in html
    assert 'name="confirmed" value="1"' in html and 'name="scope" value="following"' in html
    assert "Oui, annuler les 2 réunions" in html
    assert statuses(meetings) == [MeetingStatus.PLANNED] * 3 and count(OutgoingMail) == mails
    done = client.post(url, data={"scope": "following", "confirmed": "1", "csrf_token": csrf_token(client)})
    assert done.status_code == 302
    assert statuses(meetings) == [MeetingStatus.PLANNED, MeetingStatus.CANCELLED, MeetingStatus.CANCELLED]
    assert count(OutgoingMail) >= mails
