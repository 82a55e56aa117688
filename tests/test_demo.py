"""The demonstration looks alive on the day it is loaded: its dates are relative to that day."""

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from world import csrf_token, read_page

from groupes.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_document, load_demo
from groupes.extensions import db, limiter
from groupes.meetings.models import Meeting, MeetingStatus
from groupes.minutes.models import MinutesStatus
from groupes.outcomes.models import Action, ActionStatus
from groupes.site.timezone import PARIS


@pytest.mark.parametrize("today", [date(2026, 12, 7) + timedelta(days=n) for n in range(7)])  # every weekday
def test_the_demonstration_is_placed_relative_to_today(today):
    load_demo(today)
    db.session.commit()
    meetings = db.session.scalars(sa.select(Meeting)).all()
    noon = datetime(today.year, today.month, today.day, 12, tzinfo=PARIS)
    planned = [m for m in meetings if m.status == MeetingStatus.PLANNED]
    held = [m for m in meetings if m.status == MeetingStatus.HELD]
    assert all(m.starts_at > noon for m in planned) and all(m.starts_at < noon for m in held)
    # The next meeting of each of the first two groups comes within the next four weeks.
    for number in (1, 2):
        upcoming = [m.starts_at for m in planned if m.group.number == number]
        assert upcoming and min(upcoming) < noon + timedelta(weeks=4), number
    in_review = [m for m in held if m.minutes.status == MinutesStatus.REVIEW]
    assert len(in_review) == 1 and in_review[0].starts_at > noon - timedelta(weeks=3)
    assert any(m.minutes.status == MinutesStatus.VALIDATED for m in held)
    open_actions = db.session.scalars(
        sa.select(Action).where(Action.status.in_([ActionStatus.OPEN, ActionStatus.IN_PROGRESS]))
    ).all()
    late = [a for a in open_actions if a.due < today]
    soon = [a for a in open_actions if today <= a.due <= today + timedelta(days=14)]
    assert len(late) <= 1 and soon and len(open_actions) >= 5


def test_dates_written_in_the_texts_move_with_the_demonstration():
    first_meeting = demo_document(date(2026, 12, 8))["programmes"][0]["groups"][0]["meetings"][0]
    notes = first_meeting["agenda"][0]["children"][0]["notes"]
    assert "Assises interrégionales : lundi 21 décembre" in notes  # 2 juin 2014, moved by 654 weeks
    assert "2014" not in str(demo_document(date(2026, 12, 8))["programmes"][0]["description"])
    loi = "loi du 5 mars 2007"
    assert loi in str(demo_document(date(2026, 12, 8)))  # another year's date is not the demonstration's


def test_each_demonstration_account_finds_its_dashboard_alive(app):
    load_demo()
    db.session.commit()
    limiter.reset()
    shown = {}
    for email in DEMO_ACCOUNTS:
        client = app.test_client()
        response = client.post(
            "/connexion", data={"email": email, "password": DEMO_PASSWORD, "csrf_token": csrf_token(client)}
        )
        assert response.status_code == 302
        shown[email] = read_page(client, "/")
    for email in ["animateur@demo.example", "secretaire@demo.example", "membre@demo.example"]:
        html = shown[email]
        assert "Aucune réunion prévue" not in html and "/reunions/" in html.split("Mes prochaines réunions")[1]
    for email in ["animateur@demo.example", "secretaire@demo.example", "membre@demo.example"]:
        assert "pas encore lu" in shown[email].split("Comptes-rendus à relire")[1].split("<h2")[0]  # group 1's
        actions = shown[email].split("Mes actions en cours")[1].split("<h2")[0]
        assert "Aucune action ouverte" not in actions
        assert "en retard" not in actions or email == "secretaire@demo.example"  # the one late action
