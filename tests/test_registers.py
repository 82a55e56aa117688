"""The registers of decisions and actions across groups: only what one may read,
filters that never break, and downloads read back."""

import csv
import io
import re
from datetime import date, timedelta

from openpyxl import load_workbook
from world import build_world, signed_in
from world import read_page as text

from groupes.extensions import db
from groupes.groups.models import Organisation, Person
from groupes.meetings.models import Attendance, AttendanceStatus
from groupes.outcomes.models import Action, ActionStatus, Decision
from groupes.registers.filters import PAGE_SIZE


def test_each_reader_sees_the_decisions_of_the_minutes_they_may_read_and_no_others(app):
    build_world()
    expected = {
        "anonymous": {"Décision public validé"},
        "outsider": {"Décision public validé"},
        "observer": {"Décision public validé", "Décision validé"},
        "member": {"Décision public validé", "Décision validé", "Décision en relecture"},
        "secretary": {"Décision public validé", "Décision validé", "Décision en relecture", "Décision brouillon"},
        "organiser": {
            "Décision public validé",
            "Décision validé",
            "Décision en relecture",
            "Décision brouillon",
            "Décision public brouillon",
        },
    }
    every = {
        "Décision public validé",
        "Décision validé",
        "Décision en relecture",
        "Décision brouillon",
        "Décision public brouillon",
    }
    for role, visible in expected.items():
        client = signed_in(app, role)
        html = text(client, "/decisions")
        shown = {d for d in every if f"1. {d}<" in html}
        assert shown == visible, role
        data = client.get("/decisions.csv").data.decode("utf-8-sig")
        assert {row[4] for row in list(csv.reader(io.StringIO(data), delimiter=";"))[1:]} == visible, role
        assert f"{len(visible)} décision" in html, role  # the count reveals nothing more


def test_the_actions_register_filters_by_status_owner_overdue_group_and_dates(app):
    world = build_world()
    member = world.users["member"].person
    today = date.today()
    world.validated.actions += [
        Action(title="En retard", owner_person=member, due=today - timedelta(days=3)),
        Action(title="À venir", owner_person=member, due=today + timedelta(days=30), status=ActionStatus.IN_PROGRESS),
        Action(title="Finie", owner_person=member, due=today - timedelta(days=3), status=ActionStatus.DONE),
    ]
    db.session.commit()
    client = signed_in(app, "organiser")
    html = text(client, "/actions")
    assert "En retard" in html and "À venir" in html and "Finie" not in html  # unfinished by default
    assert "Finie" in text(client, "/actions?etat=toutes")
    assert "Finie" in text(client, "/actions?etat=done") and "À venir" not in text(client, "/actions?etat=done")
    overdue = text(client, "/actions?en_retard=1")
    assert "En retard" in overdue and "À venir" not in overdue and "Action validé" in overdue  # due 2014
    by_owner = text(client, "/actions?etat=toutes&responsable=member")
    assert "Action public validé" not in by_owner and "En retard" in by_owner
    public = text(client, f"/actions?groupe={world.public.id}&etat=toutes")
    assert "Action public validé" in public and "Action validé<" not in public
    march_10 = text(client, "/actions?etat=toutes&du=2014-03-10&au=2014-03-10")
    assert "Action en relecture" in march_10 and "Action validé<" not in march_10
    by_due = text(client, "/actions?etat=toutes&tri=echeance")
    assert by_due.index("Action validé") < by_due.index("En retard") < by_due.index("À venir")


def test_nonsense_filters_fall_back_to_the_defaults_and_say_so(app):
    build_world()
    client = signed_in(app, "organiser")
    html = text(client, "/actions?groupe=abc&etat=%22%3Cscript%3E&du=31/12/2014&tri=n%27importe&page=-4")
    assert "Groupe « abc » inconnu : filtre ignoré." in html
    raw = client.get("/actions?etat=%22%3Cscript%3E").get_data(as_text=True)
    assert "&#34;&lt;script&gt;" in raw and "<script>" not in raw.split("</header>")[1]
    assert "inconnu : actions en cours montrées." in html
    assert "illisible (attendu : AAAA-MM-JJ)" in html
    assert "Tri « n'importe » inconnu" in html
    assert "Action validé" in html
    assert "Ce groupe n’existe pas ou ne vous est pas visible" in text(client, "/decisions?groupe=999999")
    outsider = signed_in(app, "outsider")
    build = text(outsider, "/decisions?du=2014-12-31&au=2014-01-01")
    assert "La date de début vient après la date de fin" in build


def test_a_private_group_asked_for_by_an_outsider_is_ignored(app):
    world = build_world()
    html = text(signed_in(app, "outsider"), f"/decisions?groupe={world.private.id}")
    assert "Ce groupe n’existe pas ou ne vous est pas visible" in html
    assert "Décision validé<" not in html and "Groupe réservé" not in html


def test_registers_are_paginated(app):
    world = build_world()
    world.validated.decisions += [Decision(number=n, text=f"Décision numéro {n}") for n in range(2, PAGE_SIZE + 10)]
    db.session.commit()
    client = signed_in(app, "member")
    first = text(client, "/decisions?tri=anciennes")
    assert "page 1 sur 2" in first and "Page suivante" in first
    second = text(client, "/decisions?tri=anciennes&page=2")
    on_first = set(re.findall(r"Décision numéro \d+<", first))
    on_second = set(re.findall(r"Décision numéro \d+<", second))
    assert not on_first & on_second and len(on_first | on_second) == PAGE_SIZE + 8
    assert first.count("<tr>") - 1 == PAGE_SIZE
    assert second.count("<tr>") - 1 == 11  # 61 readable decisions in all


def test_downloads_hold_the_filtered_list_as_csv_and_spreadsheet(app):
    world = build_world()
    world.validated.actions[0].status = ActionStatus.IN_PROGRESS
    db.session.commit()
    client = signed_in(app, "member")
    response = client.get(f"/actions.xlsx?groupe={world.private.id}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="actions.xlsx"'
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.values)
    assert rows[0] == ("Démarche", "Groupe", "Réunion", "Action", "Responsable", "Échéance", "État", "En retard")
    titles = {r[3]: r for r in rows[1:]}
    assert set(titles) == {"Action validé", "Action en relecture"}
    assert titles["Action validé"][5].date() == date(2014, 5, 1)
    assert titles["Action validé"][6] == "En cours" and titles["Action validé"][7] == "oui"
    csv_text = client.get(f"/actions.csv?groupe={world.private.id}").data.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(csv_text), delimiter=";"))
    assert lines[0][3] == "Action" and {line[3] for line in lines[1:]} == set(titles)
    assert client.get("/actions.pdf").status_code == 404


def test_attendance_statistics_count_who_came_and_which_organisations(app):
    world = build_world()
    udaf = Organisation(name="UDAF 18")
    guest = Person(name="Invitée Externe", organisation=udaf)
    world.validated.attendances.append(Attendance(person=guest, status=AttendanceStatus.EXCUSED))
    world.in_review.attendances.append(Attendance(person=guest, status=AttendanceStatus.REPRESENTED))
    db.session.commit()
    html = text(signed_in(app, "member"), f"/groupes/{world.private.id}/assiduite")
    assert "3 réunions tenues" in html
    people = html[html.index('id="par-personne"') : html.index('id="par-structure"')]
    member_row = people[people.index("Member Test") :].split("</tr>")[0]
    assert "3 sur 3" in member_row  # present at the three meetings
    guest_row = people[people.index("Invitée Externe") :].split("</tr>")[0]
    assert "1 sur 3" in guest_row  # represented once, excused once
    organisations = html[html.index('id="par-structure"') :]
    assert organisations.index("CAF du Cher") < organisations.index("UDAF 18")
    assert "1 sur 3" in organisations[organisations.index("UDAF 18") :].split("</tr>")[0]


def test_attendance_statistics_follow_what_one_may_see_and_download(app):
    world = build_world()
    assert signed_in(app, "outsider").get(f"/groupes/{world.private.id}/assiduite").status_code == 404
    # An anonymous visitor of the public group counts the meetings whose validated minutes are public.
    assert "1 réunion tenue" in text(app.test_client(), f"/groupes/{world.public.id}/assiduite")
    response = signed_in(app, "organiser").get(f"/groupes/{world.private.id}/assiduite.xlsx")
    assert response.headers["Content-Disposition"] == 'attachment; filename="assiduite-groupe-1.xlsx"'
    rows = list(load_workbook(io.BytesIO(response.data)).active.values)
    assert rows[0][:4] == ("Personne", "Structure", "Réunions comptées", "Présent·e ou représenté·e")
    assert rows[1][:4] == ("Member Test", "CAF du Cher", 3, 3)


HTMX = {"HX-Request": "true"}


def test_a_filter_sent_by_htmx_answers_the_results_alone_and_announces_their_number(app):
    world = build_world()
    client = signed_in(app, "organiser")
    response = client.get(f"/actions?groupe={world.public.id}&etat=toutes", headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and "<form" not in html
    assert html.lstrip().startswith('<div id="resultats"') and "Action public validé" in html
    assert "Action validé<" not in html
    assert re.search(r'<p id="resultats-annonce" data-hx-swap-oob="innerHTML">\d+ actions?\.</p>', html)
    assert 'href="/actions.csv?groupe=' in html  # the downloads follow the filters
    page = client.get(f"/actions?groupe={world.public.id}&etat=toutes").get_data(as_text=True)
    assert "<html" in page and 'data-hx-get="/actions"' in page and 'data-hx-push-url="true"' in page
    assert "hx-swap-oob" not in page


def test_htmx_decisions_keep_the_ignored_filters_messages_and_the_pager(app):
    world = build_world()
    world.validated.decisions += [Decision(number=n, text=f"Décision numéro {n}") for n in range(2, PAGE_SIZE + 10)]
    db.session.commit()
    client = signed_in(app, "member")
    html = client.get("/decisions?tri=n%27importe", headers=HTMX).get_data(as_text=True)
    assert "<html" not in html and "Tri « n&#39;importe » inconnu" in html
    assert re.search(r'data-hx-get="/decisions\?[^"]*page=2"', html) and ", page 1 sur 2." in html


def test_a_page_restored_from_the_history_by_htmx_is_whole(app):
    build_world()
    client = signed_in(app, "organiser")
    html = client.get("/decisions", headers={**HTMX, "HX-History-Restore-Request": "true"}).get_data(as_text=True)
    assert "<html" in html and "<form" in html
