"""Attendance at the door: statuses in one tap, guests, representation, arrival and departure."""

import json
import re
from datetime import date, time

import pytest
import sqlalchemy as sa
from world import csrf_token, sign_in

from groupes.extensions import db
from groupes.groups.models import Organisation, Person
from groupes.meetings.attendance import AttendanceError, add_guest, counts, invite_members, record
from groupes.meetings.models import Attendance, AttendanceStatus, Meeting
from groupes.meetings.planning import Slot, plan_meeting
from groupes.site.timezone import PARIS


@pytest.fixture
def meeting(world):
    meeting = plan_meeting(world.private, Slot(date(2014, 6, 12), time(10), time(12)))
    db.session.commit()  # domain functions flush; their caller commits
    return meeting


def row(meeting, name) -> Attendance:
    return next(a for a in meeting.attendances if a.person.name == name)


def test_marking_each_status_and_counting(meeting):
    record(row(meeting, "Member Test"), status="present")
    record(row(meeting, "Secretary Test"), status="excused")
    record(row(meeting, "Facilitator Test"), status="represented", represented_by="Ana Diaz")
    by_status, by_organisation = counts(meeting)
    assert by_status[AttendanceStatus.PRESENT] == 1 and by_status[AttendanceStatus.EXCUSED] == 1
    assert by_status[AttendanceStatus.REPRESENTED] == 1 and by_status[AttendanceStatus.INVITED] == 0
    assert by_organisation == [("CAF du Cher", 1)]
    assert row(meeting, "Facilitator Test").represented_by == "Ana Diaz"


def test_representation_needs_a_name_and_goes_with_another_status(meeting):
    attendance = row(meeting, "Member Test")
    with pytest.raises(AttendanceError, match="Indiquez qui représente la personne."):
        record(attendance, status="represented", represented_by="")
    db.session.rollback()
    record(attendance, status="represented", represented_by="Ana Diaz")
    record(attendance, status="present", represented_by="Ana Diaz")
    assert attendance.represented_by is None


def test_late_arrival_and_early_departure(meeting):
    attendance = row(meeting, "Member Test")
    record(attendance, status="present", arrived_at=time(10, 40), left_at=time(11, 30))
    assert attendance.arrived_at.astimezone(PARIS).strftime("%H:%M") == "10:40"
    with pytest.raises(AttendanceError, match="Le départ doit venir après l’arrivée."):
        record(attendance, status="present", arrived_at=time(11), left_at=time(10))
    db.session.rollback()
    record(db.session.get(Attendance, attendance.id), status="excused", arrived_at=time(10, 40))
    assert db.session.get(Attendance, attendance.id).arrived_at is None


def test_guests_reuse_known_people_and_organisations(world, meeting, count):
    people, organisations = count(Person), count(Organisation)
    guest = add_guest(meeting, name="Observer Test", organisation="CAF du Cher", email=None)
    assert guest.person_id == world.users["observer"].person_id
    newcomer = add_guest(meeting, name="Léa Martin", organisation="ARS Centre", email="lea@test.example")
    assert newcomer.person.organisation.name == "ARS Centre"
    assert count(Person) == people + 1 and count(Organisation) == organisations + 1


def test_the_same_guest_twice_is_refused(meeting, count):
    add_guest(meeting, name="Léa Martin", organisation="ARS Centre", email=None)
    db.session.commit()  # as its caller would
    before = count(Attendance)
    with pytest.raises(AttendanceError, match="Léa Martin figure déjà sur la liste de cette réunion."):
        add_guest(meeting, name="Léa Martin", organisation="ARS Centre", email=None)
    db.session.rollback()
    assert count(Attendance) == before


def test_members_added_later_can_be_invited(world, meeting):
    from groupes.groups.models import Membership, Role

    db.session.add(Membership(group=world.private, person=Person(name="Nouvelle Membre"), role=Role.MEMBER))
    db.session.commit()
    assert invite_members(meeting) == 1
    assert invite_members(meeting) == 0


def door(app, role="secretary"):
    client = app.test_client()
    sign_in(client, role)
    return client


def test_one_tap_without_javascript(app, meeting):
    client = door(app)
    attendance = row(meeting, "Member Test")
    token = csrf_token(client, f"/reunions/{meeting.id}/presences")
    response = client.post(
        f"/reunions/{meeting.id}/presences/{attendance.id}",
        data={f"a{attendance.id}-status": "present", "csrf_token": token},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#presence-{attendance.id}")
    db.session.expire_all()
    assert db.session.get(Attendance, attendance.id).status == AttendanceStatus.PRESENT
    html = client.get(f"/reunions/{meeting.id}/presences").get_data(as_text=True)
    assert 'value="present" class="status-button" aria-pressed="true"' in html
    assert "Présent·e : 1" in html


def test_one_tap_with_htmx_gets_the_new_row_and_the_counts_out_of_band(app, meeting):
    client = door(app)
    attendance = row(meeting, "Member Test")
    token = csrf_token(client, f"/reunions/{meeting.id}/presences")
    response = client.post(
        f"/reunions/{meeting.id}/presences/{attendance.id}",
        data={f"a{attendance.id}-status": "excused", "csrf_token": token},
        headers={"HX-Request": "true"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith(f'<li class="attendance-row status-excused" id="presence-{attendance.id}">')
    assert 'value="excused" class="status-button" aria-pressed="true"' in html
    assert '<div id="attendance-counts" aria-live="polite" data-hx-swap-oob="innerHTML">' in html
    assert "Excusé·e : 1" in html


def test_a_bad_row_sent_by_htmx_comes_back_with_its_message_and_the_text_kept(app, meeting):
    client = door(app)
    attendance = row(meeting, "Member Test")
    response = client.post(
        f"/reunions/{meeting.id}/presences/{attendance.id}",
        data={f"a{attendance.id}-status": "represented", f"a{attendance.id}-arrived_at": "10:30"},
        headers={"HX-Request": "true", "X-CSRFToken": csrf_token(client)},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" not in html
    assert "Indiquez qui représente la personne." in html and 'value="10:30"' in html
    db.session.expire_all()
    assert db.session.get(Attendance, attendance.id).status == AttendanceStatus.INVITED


def test_removing_with_htmx_answers_the_list_with_the_focus_on_the_next_person(app, meeting):
    client = door(app)
    attendance = row(meeting, "Member Test")
    rows = sorted(meeting.attendances, key=lambda a: a.person.name.lower())
    after = rows[rows.index(attendance) + 1] if rows[-1] is not attendance else rows[-2]
    response = client.post(
        f"/reunions/{meeting.id}/presences/{attendance.id}/retirer",
        data={"csrf_token": csrf_token(client)},
        headers={"HX-Request": "true"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith(
        '<div id="attendance-sheet" data-hx-target="this" data-hx-swap="outerHTML" data-focus='
    )
    assert f'data-focus="presence-{after.id}-present"' in html
    assert "Member Test retiré·e de la liste." in html and f'id="presence-{attendance.id}"' not in html
    assert '<div id="attendance-counts" aria-live="polite" data-hx-swap-oob="innerHTML">' in html


def test_a_guest_added_with_htmx_answers_the_sheet_and_a_bad_one_keeps_the_text(app, meeting, count):
    client = door(app)
    url = f"/reunions/{meeting.id}/presences"
    before = count(Attendance)
    bad = client.post(
        url,
        data={"name": "Invitée gardée", "email": "pas une adresse", "csrf_token": csrf_token(client)},
        headers={"HX-Request": "true"},
    )
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "<html" not in html and 'data-focus="email"' in html
    assert 'value="Invitée gardée"' in html and 'value="pas une adresse"' in html and 'id="email-erreurs"' in html
    assert count(Attendance) == before
    good = client.post(
        url, data={"name": "Nouvelle Venue", "csrf_token": csrf_token(client)}, headers={"HX-Request": "true"}
    )
    html = good.get_data(as_text=True)
    assert good.status_code == 200 and 'data-focus="name"' in html and "Nouvelle Venue ajouté·e à la liste." in html
    assert re.search(r'<input [^>]*id="name"[^>]*value=""', html)
    assert '<div id="attendance-counts" aria-live="polite" data-hx-swap-oob="innerHTML">' in html
    assert count(Attendance) == before + 1


def test_inviting_the_members_with_htmx_answers_the_sheet(app, meeting):
    client = door(app)
    html = client.post(
        f"/reunions/{meeting.id}/presences/inviter-les-membres",
        data={"csrf_token": csrf_token(client)},
        headers={"HX-Request": "true"},
    ).get_data(as_text=True)
    assert "<html" not in html and 'data-focus="inviter-les-membres"' in html and "membre(s) ajouté(s)" in html


def test_htmx_rows_of_others_answer_404_and_csrf_is_enforced(app, meeting):
    attendance = row(meeting, "Member Test")
    url = f"/reunions/{meeting.id}/presences/{attendance.id}"
    member = door(app, "member")
    refused = member.post(
        url,
        data={f"a{attendance.id}-status": "present", "csrf_token": csrf_token(member)},
        headers={"HX-Request": "true"},
    )
    assert refused.status_code == 404
    client = door(app)
    no_token = client.post(url, data={f"a{attendance.id}-status": "present"}, headers={"HX-Request": "true"})
    assert no_token.status_code == 400 and json.loads(no_token.get_data(as_text=True)) == {"error": "csrf"}
    db.session.expire_all()
    assert db.session.get(Attendance, attendance.id).status == AttendanceStatus.INVITED


def test_a_representation_without_a_name_is_shown_again(app, meeting):
    client = door(app)
    attendance = row(meeting, "Member Test")
    token = csrf_token(client, f"/reunions/{meeting.id}/presences")
    response = client.post(
        f"/reunions/{meeting.id}/presences/{attendance.id}",
        data={f"a{attendance.id}-status": "represented", f"a{attendance.id}-arrived_at": "10:30", "csrf_token": token},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Indiquez qui représente la personne." in html
    db.session.expire_all()
    assert db.session.get(Attendance, attendance.id).status == AttendanceStatus.INVITED


@pytest.mark.parametrize("status", ["late", "", "invited'; DROP TABLE attendances;--"])
def test_an_unknown_status_changes_nothing(app, meeting, status):
    client = door(app)
    attendance = row(meeting, "Member Test")
    token = csrf_token(client, f"/reunions/{meeting.id}/presences")
    response = client.post(
        f"/reunions/{meeting.id}/presences/{attendance.id}",
        data={f"a{attendance.id}-status": status, "csrf_token": token},
    )
    assert response.status_code == 200 and "N’est pas un choix valide." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Attendance, attendance.id).status == AttendanceStatus.INVITED


def test_adding_a_guest_twice_through_the_form(app, meeting, count):
    client = door(app)
    url = f"/reunions/{meeting.id}/presences"
    data = {"name": "Léa Martin", "organisation": "ARS Centre"}
    assert client.post(url, data={**data, "csrf_token": csrf_token(client, url)}).status_code == 302
    before = count(Attendance)
    response = client.post(url, data={**data, "csrf_token": csrf_token(client, url)})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Léa Martin figure déjà sur la liste de cette réunion." in html
    assert 'value="Léa Martin"' in html and count(Attendance) == before


def test_the_sheet_suggests_known_people_and_organisations(app, meeting):
    html = door(app).get(f"/reunions/{meeting.id}/presences").get_data(as_text=True)
    assert 'list="personnes-connues"' in html and '<option value="Outsider Test">' in html
    assert '<option value="CAF du Cher">' in html
    assert 'data-hx-post="/reunions/' in html and 'data-hx-target="closest li"' in html


def test_meeting_forms_keep_the_text_and_explain(app, world, count):
    client = door(app)
    url = f"/groupes/{world.private.id}/reunions/nouvelle"
    before = count(Meeting)
    response = client.post(
        url,
        data={
            "day": "2014-06-12",
            "start": "12:00",
            "end": "10:00",
            "title": "Sous-titre gardé",
            "csrf_token": csrf_token(client, url),
        },
    )
    html = response.get_data(as_text=True)
    assert (
        response.status_code == 200
        and "La fin doit venir après le début." in html
        and 'value="Sous-titre gardé"' in html
    )
    response = client.post(url, data={"day": "12 juin", "start": "10:00", "csrf_token": csrf_token(client, url)})
    assert "N’est pas une date valide." in response.get_data(as_text=True)
    series = f"/groupes/{world.private.id}/reunions/serie"
    weekly = {"day": "2014-09-01", "start": "10:00", "rhythm": "weekly", "interval": "1", "nth": "2", "weekday": "3"}
    response = client.post(series, data={**weekly, "title": "Série gardée", "csrf_token": csrf_token(client, series)})
    html = response.get_data(as_text=True)
    assert "Indiquez une date de fin ou un nombre de réunions." in html and 'value="Série gardée"' in html
    response = client.post(series, data={**weekly, "until": "2030-01-01", "csrf_token": csrf_token(client, series)})
    assert "Une série compte au plus 60 réunions" in response.get_data(as_text=True)
    assert count(Meeting) == before
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(Meeting).where(Meeting.title == "Série gardée")) == 0
    )


def secretary_of_the_public_group(world):
    from groupes.groups.models import Membership, Role

    membership = db.session.scalar(
        sa.select(Membership).filter_by(group_id=world.public.id, person_id=world.users["outsider"].person_id)
    )
    membership.role = Role.SECRETARY
    db.session.commit()


def test_forms_never_suggest_or_reveal_people_of_groups_one_may_not_see(app, world):
    secretary_of_the_public_group(world)
    client = app.test_client()
    sign_in(client, "outsider")
    for url in (
        f"/reunions/{world.public_draft.id}/compte-rendu/rediger",
        f"/reunions/{world.public_draft.id}/presences",
    ):
        html = client.get(url).get_data(as_text=True)
        assert "Observer Test" not in html and "Facilitator Test" not in html, url
        assert "Outsider Test" in html
    url = f"/reunions/{world.public_draft.id}/presences"
    response = client.post(
        url, data={"name": "Quelqu’un", "email": "admin@test.example", "csrf_token": csrf_token(client, url)}
    )
    html = response.get_data(as_text=True)
    assert "Cette adresse appartient à une personne d’un autre groupe" in html and "Admin Test" not in html


def test_an_action_owner_is_never_matched_in_a_group_one_may_not_see(world):
    from groupes.outcomes.recording import add_action

    action = add_action(
        world.public_draft,
        title="Écrire",
        owner="Observer Test",
        due=None,
        agenda_item_id=None,
        user=world.users["outsider"],
        visible_groups=[world.public.id],
    )
    assert action.owner_person is None and action.owner_organisation.name == "Observer Test"


@pytest.mark.parametrize(
    "address",
    ["pas une adresse <a@x.example>, b@y.example", "a@b.example\r\nBcc: c@d.example", "a@b.example c@d.example"],
)
def test_a_guest_address_is_one_valid_address_or_the_form_says_so(app, meeting, count, address):
    client = door(app)
    url = f"/reunions/{meeting.id}/presences"
    before = count(Attendance), count(Person)
    response = client.post(url, data={"name": "Léa Martin", "email": address, "csrf_token": csrf_token(client, url)})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Adresse e-mail invalide. Une seule adresse, sans nom ni chevrons" in html
    assert 'value="Léa Martin"' in html and (count(Attendance), count(Person)) == before
    with pytest.raises(AttendanceError, match="Adresse e-mail invalide"):
        add_guest(meeting, name="Léa Martin", organisation="", email=address)
    db.session.rollback()
    assert (count(Attendance), count(Person)) == before
