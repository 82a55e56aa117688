"""In a real browser: a conflict never lets the autosave overwrite the other text; the attendance script never loses a tap."""

import sqlalchemy as sa
from playwright.sync_api import expect
from world import build_world

from groupes.extensions import db
from groupes.meetings.models import Attendance
from groupes.minutes.models import MinutesSection
from groupes.minutes.writing import save_part
from tests.e2e.test_facilitator import sign_in


def notes_of(item_id: int) -> str:
    db.session.expire_all()
    return db.session.scalar(sa.select(MinutesSection.body).where(MinutesSection.agenda_item_id == item_id))


def test_after_a_conflict_neither_typing_nor_reloading_overwrites_the_other_text(live_server, new_page):
    world = build_world()
    meeting_id, item_id = world.draft.id, world.draft.agenda_items[0].id
    page = new_page()
    sign_in(page, live_server, "secretary@test.example")
    page.goto(f"{live_server}/reunions/{meeting_id}/compte-rendu/rediger")
    save_part(
        world.draft.minutes,
        key=f"p{item_id}",
        base_version=1,
        body="Texte de l'animatrice.",
        user=world.users["facilitator"],
    )
    notes = page.locator(f"#texte-p{item_id}")
    notes.fill("Texte de la secrétaire.")
    expect(page.locator("#conflit")).to_be_visible(timeout=10_000)
    expect(page.locator(".conflict-theirs")).to_have_value("Texte de l'animatrice.")
    notes.type(" Suite.")
    page.wait_for_timeout(2500)
    assert notes_of(item_id) == "Texte de l'animatrice."
    page.reload()
    expect(page.locator("#conflit")).to_be_visible(timeout=10_000)
    expect(page.locator(".conflict-mine")).to_have_value("Texte de la secrétaire. Suite.")
    assert notes_of(item_id) == "Texte de l'animatrice."
    page.get_by_role("button", name="Fusionner les deux").click()
    page.get_by_role("button", name="Garder mon texte").click()
    expect(page.locator(f"#etat-p{item_id}")).to_contain_text("Enregistré à", timeout=10_000)
    assert notes_of(item_id) == "Texte de l'animatrice.\n\nTexte de la secrétaire. Suite."


def test_removing_someone_from_the_list_works_with_the_script(live_server, new_page):
    world = build_world()
    page = new_page(390, 844)
    sign_in(page, live_server, "secretary@test.example")
    page.goto(f"{live_server}/reunions/{world.draft.id}/presences")
    row = page.locator(".attendance-row", has_text="Member Test")
    row.locator("summary").click()
    row.get_by_role("button", name="Retirer de la liste").click()
    expect(page.get_by_text("Member Test retiré·e de la liste.")).to_be_visible()
    db.session.expire_all()
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Attendance).where(Attendance.meeting_id == world.draft.id)
        )
        == 0
    )
