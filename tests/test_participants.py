"""What a participant finds online: the dashboard, their account, and the reminders they get."""

from datetime import UTC, date, datetime, timedelta
from html import unescape

import sqlalchemy as sa
from world import build_world, future_meeting, signed_in
from world import post_form as post

from groupes.auth.models import User
from groupes.extensions import db
from groupes.groups.models import Organisation, Person
from groupes.mail.models import OutgoingMail
from groupes.meetings.models import Attendance, AttendanceStatus, Meeting
from groupes.minutes.models import Minutes
from groupes.outcomes.models import Action, ActionStatus


def dashboard(client) -> str:
    return unescape(client.get("/").get_data(as_text=True))


def section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def test_the_dashboard_shows_my_next_meetings_with_their_agenda_and_calendar_links(app):
    world = build_world()
    meeting = future_meeting(world.private)
    future_meeting(world.elsewhere)
    html = dashboard(signed_in(app, "member"))
    mine = section(html, "prochaines")
    assert f"/reunions/{meeting.id}#odj" in mine and f"/reunions/{meeting.id}.ics" in mine
    assert mine.count('.ics"') == 1


def test_the_dashboard_lists_drafts_awaiting_my_review_and_whether_i_approved(app):
    world = build_world()
    member = signed_in(app, "member")
    waiting = section(dashboard(member), "a-relire")
    assert f"/reunions/{world.in_review.id}/compte-rendu/relecture" in waiting and "pas encore lu" in waiting
    post(member, f"/reunions/{world.in_review.id}/compte-rendu/approuver")
    assert "lu et approuvé" in section(dashboard(member), "a-relire")
    # Observers do not review; drafts are for the editors.
    observer = section(dashboard(signed_in(app, "observer")), "a-relire")
    assert "Aucun compte-rendu n’attend votre relecture." in observer


def test_the_dashboard_shows_recent_decisions_i_may_read_only(app):
    world = build_world()
    decisions = section(dashboard(signed_in(app, "member")), "decisions")
    assert "Décision validé" in decisions and "Décision en relecture" in decisions
    assert "Décision brouillon" not in decisions
    observer = section(dashboard(signed_in(app, "observer")), "decisions")
    assert "Décision validé" in observer and "Décision en relecture" not in observer
    assert world.public_validated  # (the public group's decisions are not « my groups »)
    assert "Décision public validé" not in decisions


def test_i_update_my_actions_from_the_dashboard(app):
    world = build_world()
    member = signed_in(app, "member")
    action = world.validated.actions[0]
    html = section(dashboard(member), "actions")
    assert f"/actions/{action.id}/suivi" in html
    response = post(
        member, f"/actions/{action.id}/suivi", {"status": "in_progress", "note": "Contact pris.", "next": "/#actions"}
    )
    assert response.headers["Location"] == "/#actions"
    db.session.expire_all()
    action = db.session.get(Action, action.id)
    assert action.status == ActionStatus.IN_PROGRESS and action.updates[-1].note == "Contact pris."


def test_i_edit_my_profile_and_my_organisation_is_found_or_added(app, count):
    world = build_world()
    member = signed_in(app, "member")
    post(member, "/compte/profil", {"name": "Marie Membre", "organisation": "caf du cher", "function": "Conseillère"})
    db.session.expire_all()
    person = db.session.get(Person, world.users["member"].person_id)
    assert (person.name, person.organisation.name, person.function) == ("Marie Membre", "CAF du Cher", "Conseillère")
    organisations = count(Organisation)
    post(member, "/compte/profil", {"name": "Marie Membre", "organisation": "UDAF 18", "function": ""})
    assert count(Organisation) == organisations + 1
    response = post(member, "/compte/profil", {"name": "", "organisation": "Texte gardé", "function": ""})
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 422 and "Ce champ est obligatoire." in html and 'value="Texte gardé"' in html
    db.session.expire_all()
    assert db.session.get(Person, person.id).name == "Marie Membre"


def test_i_choose_which_messages_i_receive(app):
    world = build_world()
    member = signed_in(app, "member")
    post(member, "/compte/notifications", {"notify_convocations": "y", "notify_actions": "y"})
    db.session.expire_all()
    user = db.session.get(User, world.users["member"].id)
    assert (
        user.notify_convocations,
        user.notify_reviews,
        user.notify_validated,
        user.notify_actions,
        user.notify_reminders,
    ) == (
        True,
        False,
        False,
        True,
        False,
    )
    html = unescape(member.get("/compte").get_data(as_text=True))
    assert '<input checked id="notify_convocations"' in html
    assert '<input id="notify_reviews"' in html


def test_an_action_assigned_in_the_meeting_room_is_announced_to_its_owner(app):
    world = build_world()
    secretary = signed_in(app, "secretary")
    post(
        secretary,
        f"/reunions/{world.draft.id}/actions",
        {"action-title": "Recenser les places d’accueil", "action-owner": "Member Test", "action-due": "2014-06-30"},
    )
    [mail] = db.session.scalars(sa.select(OutgoingMail)).all()
    assert mail.recipient == "member@test.example"
    assert mail.subject == "Action à votre nom : Recenser les places d’accueil"
    assert "lundi 30 juin 2014" in mail.text_body


def remind(runner, day: date):
    result = runner.invoke(args=["remind", "--date", day.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def test_reminders_go_once_each_for_actions_due_soon_and_meetings_tomorrow(app, runner, smtp_server):
    world = build_world()
    today = date(2030, 3, 11)
    soon = Action(title="Rédiger la note", owner_person=world.users["member"].person, due=today + timedelta(days=2))
    later = Action(title="Plus tard", owner_person=world.users["member"].person, due=today + timedelta(days=10))
    done = Action(title="Déjà faite", owner_person=world.users["member"].person, due=today, status=ActionStatus.DONE)
    world.validated.actions.extend([soon, later, done])
    # Tomorrow at 9 h 30 in Paris (8:30 UTC in March).
    tomorrow = Meeting(group=world.private, starts_at=datetime(2030, 3, 12, 8, 30, tzinfo=UTC), title="Demain")
    db.session.add(tomorrow)
    tomorrow.minutes = Minutes()
    tomorrow.attendances = [
        Attendance(person=world.users["facilitator"].person),
        Attendance(person=world.users["secretary"].person, status=AttendanceStatus.EXCUSED),
    ]
    db.session.add(tomorrow)
    db.session.commit()

    output = remind(runner, today)
    assert "1 action(s) à échéance proche, 1 personne(s) attendue(s) demain" in output
    smtp_server.wait_for(2)
    subjects = sorted(m["Subject"] for m in smtp_server.messages)
    assert subjects[0].startswith("Demain – ") and "mardi 12 mars 2030" in subjects[0]
    assert subjects[1] == "Échéance proche : Rédiger la note"
    assert "9\u00a0h\u00a030" in smtp_server.to("facilitator@test.example")[0].get_body(("plain",)).get_content()

    # Run again the same day (cron ran twice): nothing new.
    assert "0 action(s) à échéance proche, 0 personne(s)" in remind(runner, today)
    assert len(smtp_server.messages) == 2


def test_reminders_respect_the_choices_of_each_person(app, runner):
    world = build_world()
    today = date(2030, 3, 11)
    world.users["member"].notify_actions = False
    world.validated.actions.append(Action(title="Note", owner_person=world.users["member"].person, due=today))
    db.session.commit()
    assert "0 action(s)" in remind(runner, today)


def test_the_status_form_of_an_action_shows_its_current_status(app):
    world = build_world()
    action = world.validated.actions[0]
    action.status = ActionStatus.IN_PROGRESS
    db.session.commit()
    member = signed_in(app, "member")
    for html in (dashboard(member), unescape(member.get(f"/reunions/{world.validated.id}").get_data(as_text=True))):
        select = html[html.index(f'-{action.id}" name="status"') :]
        select = select[: select.index("</select>")]
        assert '<option selected value="in_progress">' in select
        assert "selected" not in select.replace('<option selected value="in_progress">', "")


def test_overdue_actions_say_so_on_the_dashboard(app):
    world = build_world()
    soon = Action(title="Pour bientôt", owner_person=world.users["member"].person, due=date.today() + timedelta(days=5))
    world.validated.actions.append(soon)
    db.session.commit()
    html = section(dashboard(signed_in(app, "member")), "actions")
    rows = {title: html[html.index(title) :].split("</tr>")[0] for title in ("Action validé", "Pour bientôt")}
    assert "en retard" in rows["Action validé"]  # due 1 May 2014
    assert "en retard" not in rows["Pour bientôt"]
