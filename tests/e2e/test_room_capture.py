"""Captures in place and the facilitator's view in a real browser: Alt+A puts the focus in the
action's text, Enter records it without loading a page, another editor's room shows it within
seconds; the presentation view shows the point the meeting is at; a member follows the draft
live without its huis clos passages."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from playwright.sync_api import expect
from world import build_world

from groupes.extensions import db
from groupes.groups.models import Membership
from groupes.meetings.models import AgendaItem, Meeting
from groupes.outcomes.models import Action, Decision
from tests.e2e.conftest import ARTIFACTS, screenshot
from tests.e2e.test_facilitator import sign_in


def room(live_server, new_page, email, meeting_id, width=1280):
    page = new_page(width=width)
    sign_in(page, live_server, email)
    page.goto(f"{live_server}/reunions/{meeting_id}/compte-rendu/rediger")
    page.wait_for_load_state("load")
    return page


def test_a_capture_by_shortcut_is_recorded_in_place_and_reaches_the_other_editor(live_server, new_page):
    world = build_world()
    meeting_id = world.draft.id
    divers = world.draft.agenda_items[1].id
    secretary = room(live_server, new_page, "secretary@test.example", meeting_id)
    facilitator = room(live_server, new_page, "facilitator@test.example", meeting_id)

    # The facilitator moves the meeting on to « Divers »: the secretary's room shows it.
    facilitator.get_by_label("Changer de point").select_option(str(divers))
    facilitator.get_by_role("button", name="Passer à ce point").click()
    expect(secretary.locator("#point-en-cours")).to_contain_text("Divers", timeout=5_000)
    expect(facilitator.locator(".live-set-state")).to_have_text("Point en cours changé.")
    facilitator.screenshot(path=ARTIFACTS / "room-facilitator-1280.png")

    secretary.evaluate("window.__stayed = 'même page'")
    secretary.keyboard.press("Alt+a")
    # The focus is in the action's text (not in the hidden CSRF field).
    expect(secretary.locator("#action-title")).to_be_focused()
    secretary.keyboard.type("Écrire aux employeurs du Cher")
    secretary.keyboard.press("Enter")
    expect(secretary.locator("#releve")).to_contain_text("Écrire aux employeurs du Cher", timeout=5_000)
    expect(secretary.locator(".capture-action .capture-state")).to_have_text("Action ajoutée.")
    expect(secretary.locator("#action-title")).to_have_value("")
    expect(secretary.locator("#action-title")).to_be_focused()
    assert secretary.evaluate("window.__stayed") == "même page"  # no page was loaded
    db.session.expire_all()
    action = db.session.scalar(sa.select(Action).where(Action.title == "Écrire aux employeurs du Cher"))
    assert action.meeting_id == meeting_id and action.agenda_item_id == divers

    # A decision over two lines: Shift+Enter makes a new line, Enter records it.
    secretary.keyboard.press("Alt+d")
    expect(secretary.locator("#decision-text")).to_be_focused()
    secretary.keyboard.type("Réunir le groupe à Bourges")
    secretary.keyboard.press("Shift+Enter")
    secretary.keyboard.type("en juin")
    secretary.keyboard.press("Enter")
    expect(secretary.locator(".capture-decision .capture-state")).to_have_text("Décision ajoutée au relevé.")
    assert secretary.evaluate("window.__stayed") == "même page"
    db.session.expire_all()
    recorded = db.session.scalar(sa.select(Decision.text).where(Decision.agenda_item_id == divers))
    assert recorded.replace("\r\n", "\n") == "Réunir le groupe à Bourges\nen juin"  # forms send CRLF

    # The other editor's room shows both within a few seconds, without a reload.
    facilitator.evaluate("window.__stayed = 'même page'")
    expect(facilitator.locator("#releve")).to_contain_text("Écrire aux employeurs du Cher", timeout=5_000)
    expect(facilitator.locator("#releve")).to_contain_text("Réunir le groupe à Bourges", timeout=5_000)
    assert facilitator.evaluate("window.__stayed") == "même page"

    # A blank capture is refused next to its field, in French, nothing recorded.
    secretary.keyboard.press("Alt+e")
    expect(secretary.locator("#finding-text")).to_be_focused()
    secretary.keyboard.type("   ")
    secretary.keyboard.press("Enter")
    expect(secretary.locator("#finding-text-erreurs")).to_have_text("Ce champ est obligatoire.")
    expect(secretary.locator("#finding-text")).to_be_focused()

    # Corrected and removed in place.
    secretary.locator("#releve").get_by_text("modifier la décision 2").click()
    secretary.locator("#releve textarea[name=text]").last.fill("Réunir le groupe à Bourges le 12 juin")
    secretary.locator("#releve form[data-outcome]").filter(has=secretary.locator("textarea")).last.get_by_role(
        "button", name="Enregistrer"
    ).click()
    expect(secretary.locator("#releve")).to_contain_text("le 12 juin", timeout=5_000)
    secretary.locator("#releve").get_by_role(
        "button", name="retirer l’action « Écrire aux employeurs du Cher »"
    ).click()
    expect(secretary.locator("#releve")).not_to_contain_text("Écrire aux employeurs du Cher", timeout=5_000)
    assert secretary.evaluate("window.__stayed") == "même page"

    # What the writer sees: the capture open over the notes, at desktop and tablet widths.
    for width in (1280, 820):
        page = room(live_server, new_page, "secretary@test.example", meeting_id, width=width)
        page.locator(f"#texte-p{divers}").focus()
        page.keyboard.press("Alt+a")
        expect(page.locator("#action-title")).to_be_focused()
        page.screenshot(path=ARTIFACTS / f"room-capture-{width}.png")

    # Removed from the group meanwhile: refused in French, the text still in its field.
    db.session.execute(sa.delete(Membership).where(Membership.person_id == world.users["secretary"].person_id))
    db.session.commit()
    secretary.keyboard.press("Alt+d")
    secretary.keyboard.type("Une décision de trop")
    secretary.keyboard.press("Enter")
    expect(secretary.locator(".capture-decision .capture-state")).to_contain_text("Saisie refusée")
    expect(secretary.locator("#decision-text")).to_have_value("Une décision de trop")
    assert db.session.scalar(sa.select(Decision).where(Decision.text == "Une décision de trop")) is None


def test_the_presentation_view_shows_the_point_and_the_member_follows_live(live_server, new_page):
    world = build_world()
    meeting_id = world.draft.id
    first = world.draft.agenda_items[0]
    world.draft.decisions[0].agenda_item = first
    db.session.commit()
    facilitator = room(live_server, new_page, "facilitator@test.example", meeting_id)
    facilitator.get_by_label("Changer de point").select_option(str(first.id))
    facilitator.get_by_role("button", name="Passer à ce point").click()
    expect(facilitator.locator("#point-en-cours")).to_contain_text(first.title)
    facilitator.get_by_role("button", name="Inviter les membres à suivre en direct").click()
    expect(facilitator.get_by_text("Les membres du groupe suivent le compte-rendu en direct")).to_be_visible()

    projection = new_page(width=1280, height=720)
    sign_in(projection, live_server, "facilitator@test.example")
    projection.goto(f"{live_server}/reunions/{meeting_id}/salle/projection")
    expect(projection.locator(".live-point-title")).to_have_text(first.title)
    expect(projection.locator("#projection-releve")).to_contain_text("Décision brouillon")
    expect(projection.locator(".live-timer-text")).to_contain_text("sur 45 prévues", timeout=5_000)

    # The timer warns at 80 % of the planned 45 minutes, and when they are over, in words and aloud.
    for spent, words, said in (
        (37, "bientôt la fin du temps prévu (8 min restantes)", "Attention : 80 % du temps prévu"),
        (50, "temps prévu dépassé de 5 min", "Temps prévu pour ce point dépassé."),
    ):
        db.session.execute(
            sa.update(Meeting)
            .where(Meeting.id == meeting_id)
            .values(live_item_since=datetime.now(UTC) - timedelta(minutes=spent, seconds=10))
        )
        db.session.commit()
        projection.reload()
        expect(projection.locator(".live-timer-text")).to_contain_text(words)
        expect(projection.locator("#annonce-minuteur")).to_contain_text(said)

    member = new_page()
    sign_in(member, live_server, "member@test.example")
    member.goto(f"{live_server}/reunions/{meeting_id}/compte-rendu/suivre")
    expect(member.locator("#suivi-texte")).to_contain_text("Notes du point brouillon.")

    # A decision captured in the room reaches the projection and the member, without a reload.
    facilitator.keyboard.press("Alt+d")
    facilitator.keyboard.type("Inviter la CAF à la prochaine réunion")
    facilitator.keyboard.press("Enter")
    expect(projection.locator("#projection-releve")).to_contain_text("Inviter la CAF", timeout=5_000)
    expect(member.locator("#suivi-texte")).to_contain_text("Inviter la CAF", timeout=5_000)

    # Huis clos set during the meeting: gone from both at once.
    facilitator.locator("#releve li").filter(has_text="Inviter la CAF").get_by_role(
        "button", name="Passer à huis clos"
    ).click()
    expect(projection.locator("#projection-releve")).not_to_contain_text("Inviter la CAF", timeout=5_000)
    expect(member.locator("#suivi-texte")).not_to_contain_text("Inviter la CAF", timeout=5_000)
    screenshot(projection, "room-projection")
    screenshot(member, "room-follow")


def test_a_point_or_a_section_added_during_the_meeting_is_announced_in_the_open_rooms(live_server, new_page):
    world = build_world()
    meeting_id = world.draft.id
    secretary = room(live_server, new_page, "secretary@test.example", meeting_id)
    facilitator = room(live_server, new_page, "facilitator@test.example", meeting_id, width=390)
    secretary.evaluate("window.loadedOnce = true")
    notice = secretary.locator("#partie-ajoutee")
    secretary.wait_for_timeout(2000)  # a few rounds of the refresh: nothing is announced
    expect(notice).to_be_empty()

    # The facilitator adds a free section from their room: the secretary's page says so.
    facilitator.locator("#section-heading").fill("Questions diverses")
    facilitator.get_by_role("button", name="Ajouter la section").click()
    expect(notice).to_contain_text("Une section a été ajoutée au compte-rendu : actualisez la page", timeout=5_000)
    assert secretary.evaluate("window.loadedOnce") is True  # announced without a page load
    screenshot(secretary, "room-part-added")

    # A point added to the agenda meanwhile (on the agenda page): the reload shows both.
    meeting = db.session.get(Meeting, meeting_id)
    meeting.agenda_items.append(AgendaItem(title="Point ajouté en séance", position=5))
    db.session.commit()
    item_id = meeting.agenda_items[-1].id
    notice.get_by_role("button", name="Actualiser la page").click()
    expect(secretary.locator(f'[data-part="p{item_id}"]')).to_be_visible()
    expect(secretary.locator("#sections")).to_contain_text("Questions diverses")
    expect(notice).to_be_empty()
    facilitator.reload()
    expect(facilitator.locator("#partie-ajoutee")).to_be_empty()
    db.session.add(AgendaItem(meeting_id=meeting_id, title="Encore un point", position=6))
    db.session.commit()
    expect(facilitator.locator("#partie-ajoutee")).to_contain_text(
        "Un point a été ajouté à l’ordre du jour : actualisez la page", timeout=5_000
    )
    screenshot(facilitator, "room-part-added-phone")
