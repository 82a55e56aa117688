"""The secretary's hour in a real browser: from an empty meeting to validated minutes,
through a lost connection and a reload that lose nothing."""

from datetime import date, time

import sqlalchemy as sa
from playwright.sync_api import expect
from world import build_world

from groupes.extensions import db
from groupes.meetings.agenda import add_item
from groupes.meetings.planning import Slot, plan_meeting
from groupes.minutes.models import Minutes, MinutesSection, MinutesStatus
from groupes.outcomes.models import Decision
from tests.e2e.conftest import screenshot
from tests.e2e.test_facilitator import sign_in


def stored_notes(item_id: int) -> str | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(MinutesSection.body).where(MinutesSection.agenda_item_id == item_id))


def test_the_secretarys_hour(live_server, new_page):
    world = build_world()
    meeting = plan_meeting(world.private, Slot(date(2014, 6, 12), time(10), time(12)))
    item = add_item(meeting, title="Tour de table", duration=30, presenter="", parent_id=None)
    db.session.commit()  # domain functions flush; their caller commits
    item_id, meeting_id = item.id, meeting.id

    page = new_page()
    sign_in(page, live_server, "secretary@test.example")
    page.goto(f"{live_server}/reunions/{meeting_id}/compte-rendu/rediger")
    notes = page.locator(f'[data-part="p{item_id}"] .rich-editor-text')
    state = page.locator(f"#etat-p{item_id}")

    # Saved while typing, in the part's formatted-text editor.
    notes.click()
    page.keyboard.type("Chaque structure présente ses missions.")
    expect(state).to_contain_text("Enregistré à", timeout=10_000)
    assert stored_notes(item_id) == "Chaque structure présente ses missions."

    # A decision captured with the keyboard, without leaving the page.
    notes.focus()
    page.keyboard.press("Alt+d")
    decision = page.locator("#decision-text")
    expect(decision).to_be_focused()
    decision.fill("Élargir le groupe aux employeurs")
    page.locator("#saisie").get_by_role("button", name="Ajouter la décision").click()
    expect(page.get_by_text("Décision ajoutée au relevé.")).to_be_visible()
    assert (
        db.session.scalar(sa.select(Decision.text).where(Decision.meeting_id == meeting_id))
        == "Élargir le groupe aux employeurs"
    )

    # The connection drops mid-typing: the text stays on the device and leaves when it comes back.
    page.context.set_offline(True)
    notes.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" La CAF détaille l'accès aux droits.")
    expect(state).to_contain_text("Hors ligne", timeout=10_000)
    assert stored_notes(item_id) == "Chaque structure présente ses missions."
    page.context.set_offline(False)
    expect(state).to_contain_text("Enregistré à", timeout=15_000)
    assert stored_notes(item_id).endswith("La CAF détaille l'accès aux droits.")

    # A reload before the server has the text (its sends are made to fail here):
    # the text comes back from the device and is saved.
    def refuse_sends(route):
        if route.request.method == "POST":
            route.abort()
        else:
            route.continue_()

    page.route("**/compte-rendu/direct", refuse_sends)
    page.keyboard.press("Control+End")
    page.keyboard.type(" Fin du tour.")
    expect(state).to_contain_text("Hors ligne", timeout=10_000)
    assert not stored_notes(item_id).endswith("Fin du tour.")
    page.unroute("**/compte-rendu/direct")
    page.reload()
    expect(notes).to_have_text(
        "Chaque structure présente ses missions. La CAF détaille l'accès aux droits. Fin du tour.", timeout=10_000
    )
    expect(state).to_contain_text("Enregistré à", timeout=10_000)
    assert stored_notes(item_id).endswith("Fin du tour.")
    screenshot(page, "meeting-room-desktop")

    # Submitted for review, then validated by the facilitator on a tablet.
    page.get_by_role("button", name="Soumettre à la relecture des membres").click()
    expect(page.get_by_text("Compte-rendu soumis à la relecture des membres, qui en sont prévenus.")).to_be_visible()
    tablet = new_page(820, 1180)
    sign_in(tablet, live_server, "facilitator@test.example")
    tablet.goto(f"{live_server}/reunions/{meeting_id}/compte-rendu/rediger")
    screenshot(tablet, "meeting-room-tablet")
    tablet.get_by_role("button", name="Valider le compte-rendu").click()
    tablet.get_by_role("button", name="Confirmer la validation").click()  # after the summary
    expect(tablet.get_by_text("Compte-rendu validé : cette version est figée.")).to_be_visible()
    expect(tablet.locator(f'[data-part="p{item_id}"] .rich-editor-text')).to_have_attribute("contenteditable", "false")
    db.session.expire_all()
    minutes = db.session.scalar(sa.select(Minutes).where(Minutes.meeting_id == meeting_id))
    assert minutes.status == MinutesStatus.VALIDATED and minutes.validated_by.person.name == "Facilitator Test"
