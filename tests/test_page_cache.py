"""The page cache: the meeting page's body is rendered once for everyone who sees it alike,
shows every change at once, and is never shared between people who see it differently."""

import re
import sqlite3
from datetime import timedelta

import pytest
import sqlalchemy as sa
from world import PASSWORD_HASH, TOKEN, counting, future_meeting, read_page, signed_in

from groupes.auth.models import User
from groupes.extensions import db
from groupes.groups.models import Membership, Person, Role
from groupes.meetings import views as meetings_views
from groupes.meetings.models import AgendaItem, AgendaItemKind
from groupes.minutes.review import mark_read
from groupes.outcomes.models import ActionStatus
from groupes.site.page_cache import CSRF_PLACEHOLDER
from groupes.site.stamps import SITE, ContentStamp


def page(client, meeting) -> str:
    return read_page(client, f"/reunions/{meeting.id}")


def main(html: str) -> str:
    """The page's own content, tokens aside (the layout around it names the viewer)."""
    return TOKEN.sub("csrf", html[html.index("<main") : html.index("</main>")])


def new_member(world, name: str, email: str) -> str:
    """Another member of the private group, with an account; the role name to sign in with."""
    person = Person(name=name, email=f"{email}@test.example")
    user = User(person=person)
    user.password_hash = PASSWORD_HASH
    db.session.add_all([user, Membership(group=world.private, person=person, role=Role.MEMBER)])
    db.session.commit()
    return email


def queries(app, client, meeting) -> int:
    with counting(app) as statements:
        page(client, meeting)
    return len(statements)


def test_a_second_reading_comes_from_the_cache_with_few_queries(app, world):
    client = signed_in(app, "secretary")
    first = page(client, world.validated)
    with counting(app) as statements:
        second = page(client, world.validated)
    assert main(second) == main(first)
    assert "Texte du compte-rendu validé." in second
    # The viewer, their rights, the meeting with its group and minutes, the stamps, the reading's log.
    assert len(statements) <= 9, statements
    db.session.execute(sa.delete(ContentStamp))
    db.session.commit()
    assert queries(app, client, world.validated) > 2 * len(statements), "without a site stamp nothing is kept"


def test_people_who_see_it_alike_share_it_each_with_their_own_token(app, world):
    first, second = new_member(world, "Camille Une", "camille"), new_member(world, "Dominique Deux", "dominique")
    reader = signed_in(app, first)
    html = page(reader, world.in_review)
    other = signed_in(app, second)
    cached = queries(app, other, world.in_review)
    assert cached < queries(app, signed_in(app, "secretary"), world.in_review)
    shared = page(other, world.in_review)
    assert main(shared) == main(html)
    assert str(CSRF_PLACEHOLDER) not in shared
    tokens = {m.group(1) or m.group(2) for m in TOKEN.finditer(shared)}
    assert len(tokens) == 1 and tokens != {m.group(1) or m.group(2) for m in TOKEN.finditer(html)}
    # The token on the shared page is the reader's own: their session accepts it.
    response = other.post("/deconnexion", data={"csrf_token": tokens.pop()})
    assert response.status_code == 302


def test_what_huis_clos_hides_is_never_served_from_anothers_page(app, world):
    section = world.validated.minutes.free_sections[0]
    section.confidential = True
    db.session.commit()
    secret = "Texte du compte-rendu validé."
    assert secret in page(signed_in(app, "member"), world.validated)
    assert secret not in page(signed_in(app, "observer"), world.validated)
    # The other way round: the observer's page first, then the group's.
    world.validated.minutes.free_sections[0].body = "Un autre passage réservé."
    db.session.commit()
    assert "Un autre passage réservé." not in page(signed_in(app, "observer"), world.validated)
    assert "Un autre passage réservé." in page(signed_in(app, "facilitator"), world.validated)


def test_a_passage_marked_huis_clos_leaves_the_observers_page_at_once(app, world):
    observer = signed_in(app, "observer")
    assert "Texte du compte-rendu validé." in page(observer, world.validated)
    world.validated.minutes.free_sections[0].confidential = True
    db.session.commit()
    assert "Texte du compte-rendu validé." not in page(observer, world.validated)


def test_the_minutes_text_shows_at_once(app, world):
    secretary = signed_in(app, "secretary")
    assert "Notes du point brouillon." in page(secretary, world.draft)
    world.draft.minutes.item_notes[world.draft.agenda_items[0].id].body = "Notes réécrites."
    db.session.commit()
    html = page(secretary, world.draft)
    assert "Notes réécrites." in html and "Notes du point brouillon." not in html


def test_an_action_followed_elsewhere_leaves_the_next_meetings_review_of_actions(app, world):
    world.in_review.agenda_items.append(
        AgendaItem(title="Suivi des actions", kind=AgendaItemKind.ACTIONS_REVIEW, duration_min=10, position=1)
    )
    db.session.commit()
    secretary = signed_in(app, "secretary")
    review = re.compile(r'<ul class="followed-actions">.*?</ul>', re.S)
    assert "Action validé" in review.search(page(secretary, world.in_review)).group()
    world.validated.actions[0].status = ActionStatus.DONE
    db.session.commit()
    after = review.search(page(secretary, world.in_review))
    assert after is None or "Action validé" not in after.group()


@pytest.mark.parametrize("how", ["object", "statement"])
def test_a_renamed_person_is_renamed_on_every_page(app, world, how):
    secretary = signed_in(app, "secretary")
    assert "Member Test" in page(secretary, world.validated)
    if how == "object":
        db.session.get(Person, world.membership.person_id).name = "Marie Nouveau-Nom"
    else:
        db.session.execute(
            sa.update(Person).where(Person.id == world.membership.person_id).values(name="Marie Nouveau-Nom")
        )
    db.session.commit()
    html = page(secretary, world.validated)
    assert "Marie Nouveau-Nom" in html and "Member Test" not in html


def test_a_new_role_sees_the_page_its_role_sees(app, world):
    observer = signed_in(app, "observer")
    section = world.in_review.minutes.free_sections[0]
    assert "Texte du compte-rendu en relecture." not in page(observer, world.in_review)
    db.session.execute(
        sa.update(Membership).where(Membership.person_id == world.users["observer"].person_id).values(role=Role.MEMBER)
    )
    db.session.commit()
    assert section.body in page(observer, world.in_review)


def test_only_the_owner_of_an_action_gets_its_follow_up_form(app, world):
    assert "Suivre cette action" in page(signed_in(app, "member"), world.validated)
    other = new_member(world, "Camille Une", "camille")
    assert "Suivre cette action" not in page(signed_in(app, other), world.validated)
    assert "Suivre cette action" in page(signed_in(app, "member"), world.validated)


def test_changes_to_unknown_things_renew_the_site_stamp(app, world):
    def site() -> int:
        return db.session.scalar(sa.select(ContentStamp.token).where(ContentStamp.scope == SITE))

    before = site()
    world.milestone.title = "Comité de pilotage renommé"
    db.session.commit()
    assert site() != before
    before = site()
    world.users["member"].last_login_at = None  # accounts show nowhere: no renewal
    db.session.commit()
    assert site() == before


# -- the dashboard -----------------------------------------------------------------------------


def dashboard(client) -> str:
    return read_page(client, "/")


def test_the_dashboard_comes_back_from_the_cache_with_few_queries(app, world):
    member = signed_in(app, "member")
    first = dashboard(member)
    with counting(app) as statements:
        second = dashboard(member)
    assert main(second) == main(first) and "Action validé" in second
    assert len(statements) <= 5, statements


def test_an_action_followed_by_someone_else_shows_on_its_owners_dashboard(app, world):
    member = signed_in(app, "member")
    assert "Action validé" in dashboard(member)
    world.validated.actions[0].status = ActionStatus.DONE
    db.session.commit()
    assert "Action validé" not in dashboard(member)


def test_reading_minutes_in_review_shows_on_the_dashboard(app, world):
    member = signed_in(app, "member")
    assert "pas encore lu" in dashboard(member)
    world.in_review.minutes.revision = 1
    db.session.commit()
    mark_read(world.in_review.minutes, world.users["member"])
    db.session.commit()
    html = dashboard(member)
    assert "pas encore lu" not in html and "· lu" in html


def test_minutes_in_review_changed_since_one_read_them_say_so(app, world):
    member = signed_in(app, "member")
    world.in_review.minutes.revision = 1
    mark_read(world.in_review.minutes, world.users["member"])
    db.session.commit()
    assert "modifié depuis votre lecture" not in dashboard(member)
    world.in_review.minutes.revision += 1
    db.session.commit()
    assert "modifié depuis votre lecture" in dashboard(member)


def test_a_meeting_that_has_begun_leaves_the_next_meetings(app, world, monkeypatch):
    coming = future_meeting(world.private, days=1)
    member = signed_in(app, "member")
    next_meetings = re.compile(r'<section aria-labelledby="prochaines">.*?</section>', re.S)
    assert f"/reunions/{coming.id}" in next_meetings.search(dashboard(member)).group()
    later = coming.starts_at + timedelta(minutes=1)
    monkeypatch.setattr("groupes.site.views.utcnow", lambda: later)
    assert f"/reunions/{coming.id}" not in next_meetings.search(dashboard(member)).group()


def test_a_new_administrator_gets_the_administrators_dashboard(app, world):
    member = signed_in(app, "member")
    assert "Nouvelle démarche" not in dashboard(member)
    world.users["member"].is_admin = True
    db.session.commit()
    assert "Nouvelle démarche" in dashboard(member)


def autocommits(connection) -> bool:
    """Whether the driver's connection runs each statement on its own (sqlite3 or psycopg)."""
    raw = connection.connection.dbapi_connection
    return raw.isolation_level is None if isinstance(raw, sqlite3.Connection) else raw.autocommit


def test_pages_read_outside_a_transaction_and_give_their_connection_back_as_it_was(app, world, monkeypatch):
    seen = []
    render = meetings_views.meeting_body

    def spy(meeting_id):
        seen.append(autocommits(db.session.connection()))
        return render(meeting_id)

    monkeypatch.setattr(meetings_views, "meeting_body", spy)
    page(signed_in(app, "member"), world.validated)
    assert seen == [True]
    connections = [db.engine.connect() for _ in range(3)]  # the pool's, whichever served the page
    try:
        assert not any(autocommits(c) for c in connections)
    finally:
        for c in connections:
            c.close()


def test_a_member_taken_out_of_the_group_loses_its_kept_pages_at_the_next_request(app, world):
    member = signed_in(app, "member")
    page(member, world.validated)
    db.session.delete(world.membership)
    db.session.commit()
    assert member.get(f"/reunions/{world.validated.id}").status_code == 404
    assert "Action validé" not in dashboard(member)


def test_a_text_that_spells_the_placeholder_stays_text(app, world):
    section = world.validated.minutes.free_sections[0]
    section.body = f"Avant {CSRF_PLACEHOLDER} après"
    section.heading = str(CSRF_PLACEHOLDER)
    db.session.commit()
    raw = signed_in(app, "member").get(f"/reunions/{world.validated.id}").get_data(as_text=True)
    assert "Avant &lt;!--jeton-csrf--&gt; après" in raw and raw.count("&lt;!--jeton-csrf--&gt;") == 2
    assert "<!--jeton-csrf-->" not in raw
