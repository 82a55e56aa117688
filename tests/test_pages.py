"""What each page shows, and to whom: drafts stay with the editors."""

import re

import pytest
from world import build_world, future_meeting, read_page, sign_in, signed_in

from groupes.extensions import db
from groupes.meetings.models import AgendaItem, AgendaItemKind
from groupes.outcomes.models import ActionStatus
from groupes.site.formatting import duration, long_date, ordinal, short_date


def page(app, role, url) -> str:
    client = app.test_client()
    sign_in(client, role)
    response = client.get(url)
    assert response.status_code == 200, f"{url} as {role}"
    return response.get_data(as_text=True)


def test_the_meeting_page_reads_like_the_annex(app, world):
    html = page(app, "member", f"/reunions/{world.validated.id}")
    assert "<h1>1ère réunion : lundi 3 mars 2014</h1>" in html
    assert "Ordre du jour de validé" in html and "45\u00a0min" in html
    assert '<time datetime="2014-03-03T14:00+01:00">14\u00a0h</time>' in html  # 13:00 UTC is 14 h in Paris
    assert "Texte du compte-rendu validé." in html and "Notes du point validé." in html
    assert "Relevé de décisions" in html and "Décision validé" in html
    assert "Pistes de travail" in html and "Piste validé" in html
    assert "Member Test (CAF du Cher)" in html
    assert html.count("<h1>") == 1


def test_numbers_follow_the_dates_and_skip_cancelled_meetings(app, world):
    from groupes.extensions import db
    from groupes.meetings.models import MeetingStatus

    db.session.get(type(world.validated), world.validated.id).status = MeetingStatus.CANCELLED
    db.session.commit()
    html = page(app, "member", f"/groupes/{world.private.id}")
    assert "Réunion annulée : lundi 3 mars 2014" in html
    assert "1ère réunion : lundi 10 mars 2014" in html and "2ème réunion : lundi 17 mars 2014" in html


@pytest.mark.parametrize(
    "role, visible, hidden",
    [
        ("observer", ["validé"], ["en relecture", "brouillon"]),
        ("member", ["validé", "en relecture"], ["brouillon"]),
        ("secretary", ["validé", "en relecture", "brouillon"], []),
        ("facilitator", ["validé", "en relecture", "brouillon"], []),
        ("organiser", ["validé", "en relecture", "brouillon"], []),
        ("admin", ["validé", "en relecture", "brouillon"], []),
    ],
)
def test_minutes_decisions_and_actions_show_by_role(app, world, role, visible, hidden):
    meetings = {"validé": world.validated, "en relecture": world.in_review, "brouillon": world.draft}
    group_page = page(app, role, f"/groupes/{world.private.id}")
    for text in visible:
        html = page(app, role, f"/reunions/{meetings[text].id}")
        assert f"Texte du compte-rendu {text}." in html and f"Décision {text}" in html and f"Action {text}" in html
        assert f"Décision {text}" in group_page
    for text in hidden:
        html = page(app, role, f"/reunions/{meetings[text].id}")
        assert "Le compte-rendu de cette réunion n’est pas encore publié." in html
        assert f"Texte du compte-rendu {text}" not in html and f"Décision {text}" not in html
        assert f"Ordre du jour de {text}" in html  # the agenda is for whoever sees the group
        assert f"Décision {text}" not in group_page and f"Action {text}" not in group_page


def test_an_anonymous_visitor_reads_only_validated_minutes_of_public_groups(app, world):
    validated = page(app, "anonymous", f"/reunions/{world.public_validated.id}")
    assert "Texte du compte-rendu public validé." in validated
    draft = page(app, "anonymous", f"/reunions/{world.public_draft.id}")
    assert "Texte du compte-rendu public brouillon" not in draft and "Member Test" not in draft
    group = page(app, "anonymous", f"/groupes/{world.public.id}")
    assert "Décision public validé" in group and "Décision public brouillon" not in group
    assert "Outsider Test" not in group and "Structures représentées : CAF du Cher." in group


def test_private_groups_do_not_show_to_outsiders(app, world):
    for role in ("anonymous", "outsider"):
        html = page(app, role, "/") + page(app, role, f"/programmes/{world.programme.id}")
        assert "Groupe réservé" not in html and "Groupe public" in html
        assert "Autre démarche" not in html
    assert "Groupe réservé" in page(app, "observer", f"/programmes/{world.programme.id}")
    assert "Groupe d’ailleurs" in page(app, "admin", "/")


def test_the_dashboard_lists_my_next_meetings_and_my_open_actions(app, world):
    future_meeting(world.private)
    html = page(app, "member", "/")
    assert "Mes prochaines réunions" in html and "Groupe 1 : Groupe réservé" in html
    actions = re.search(r'id="actions".*?</section>', html, re.S).group(0)
    assert "Action validé" in actions and "Action en relecture" in actions
    assert "Action brouillon" not in actions  # its minutes are still a draft


def test_the_programme_page_shows_header_milestones_and_groups(app, world):
    html = page(app, "anonymous", f"/programmes/{world.programme.id}")
    assert "Ministère<br>Direction" in html
    assert "Comité de pilotage : mardi 29 avril 2014 – Orléans" in html
    assert "Groupe de travail 2" in html


def test_french_formatting():
    assert [ordinal(n) for n in (1, 2, 3, 11)] == ["1ère", "2ème", "3ème", "11ème"]
    assert [duration(m) for m in (None, 45, 60, 90)] == ["", "45\u00a0min", "1\u00a0h", "1\u00a0h\u00a030"]


def test_the_first_of_the_month_is_written_1er(app):
    from datetime import date

    assert short_date(date(2014, 5, 1)) == "1er mai 2014"
    assert long_date(date(2026, 12, 1)) == "mardi 1er décembre 2026"
    assert [short_date(date(2014, 5, d)) for d in (11, 21, 31)] == ["11 mai 2014", "21 mai 2014", "31 mai 2014"]
    assert long_date(date(2014, 3, 27)) == "jeudi 27 mars 2014"


def test_the_follow_up_point_lists_earlier_open_actions_the_reader_may_read(app):
    world = build_world()
    meeting = future_meeting(world.private)
    meeting.agenda_items = [AgendaItem(title="Suivi des actions", kind=AgendaItemKind.ACTIONS_REVIEW, position=0)]
    world.in_review.actions[0].status = ActionStatus.DONE
    db.session.commit()
    member = read_page(signed_in(app, "member"), f"/reunions/{meeting.id}")
    follow_up = member[member.index("Suivi des actions") : member.index("</ol>", member.index("Suivi des actions"))]
    assert "Action validé" in follow_up
    assert "Action en relecture" not in follow_up  # done
    assert "Action brouillon" not in follow_up  # a draft the member may not read
    facilitator = read_page(signed_in(app, "facilitator"), f"/reunions/{meeting.id}")
    assert "Action brouillon" in facilitator[facilitator.index("Suivi des actions") :]


def test_role_headings_of_a_group_are_plural_for_several_people(app, world):
    from groupes.groups.models import Membership, Person, Role

    html = page(app, "member", f"/groupes/{world.private.id}")
    assert "<h3>Membre</h3>" in html and "<h3>Observateur</h3>" in html  # one of each
    for name, role in [("Deuxième Membre", Role.MEMBER), ("Deuxième Observatrice", Role.OBSERVER)]:
        db.session.add(Membership(group_id=world.private.id, person=Person(name=name), role=role))
    db.session.commit()
    html = page(app, "member", f"/groupes/{world.private.id}")
    assert "<h3>Membres</h3>" in html and "<h3>Observateurs</h3>" in html
    assert "<h3>Membre</h3>" not in html and "<h3>Observateur</h3>" not in html
