"""In a real browser: a text saved by the form reaches the open editors without overwriting; the attendance script never loses a tap."""

import sqlalchemy as sa
from playwright.sync_api import expect
from world import build_world

from groupes.extensions import db
from groupes.meetings.models import Attendance
from groupes.minutes.cowriting import follow_markdown
from groupes.minutes.models import MinutesSection
from groupes.minutes.writing import save_part
from tests.e2e.test_facilitator import sign_in


def notes_of(item_id: int) -> str:
    db.session.expire_all()
    return db.session.scalar(sa.select(MinutesSection.body).where(MinutesSection.agenda_item_id == item_id))


def test_a_text_saved_by_the_form_reaches_the_open_editor_and_typing_goes_on(live_server, new_page):
    """With script the room writes live (tests/e2e/test_cowriting.py): no conflict to resolve
    any more. A part saved meanwhile by the form (without script) shows in the open editor,
    and what is typed next is added to it, never written over it."""
    world = build_world()
    meeting_id, item_id = world.draft.id, world.draft.agenda_items[0].id
    page = new_page()
    sign_in(page, live_server, "secretary@test.example")
    page.goto(f"{live_server}/reunions/{meeting_id}/compte-rendu/rediger")
    field = page.locator(f'[data-part="p{item_id}"] .rich-editor-text')
    expect(field).to_have_text("Notes du point brouillon.")
    save_part(
        world.draft.minutes,
        key=f"p{item_id}",
        base_version=1,
        body="Texte de l'animatrice.",
        user=world.users["facilitator"],
    )
    follow_markdown(meeting_id, f"p{item_id}", "Texte de l'animatrice.", world.users["facilitator"])
    db.session.commit()
    expect(field).to_have_text("Texte de l'animatrice.", timeout=15_000)
    field.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Suite.")
    expect(page.locator(f"#etat-p{item_id}")).to_contain_text("Enregistré à", timeout=10_000)
    assert notes_of(item_id) == "Texte de l'animatrice. Suite."


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
