"""In real browsers: two editors writing the same part at once converge, an editor offline
for a while catches up, an expired login resumes without a reload, a refused change is
offered back, and each sees who writes on which point."""

import re
import time

import sqlalchemy as sa
from playwright.sync_api import expect
from world import build_world

from groupes.extensions import db
from groupes.groups.models import Membership
from groupes.minutes.models import MinutesSection
from groupes.minutes.writing import validate
from tests.e2e.conftest import screenshot
from tests.e2e.test_facilitator import sign_in


def notes_of(item_id: int) -> str:
    db.session.expire_all()
    return db.session.scalar(sa.select(MinutesSection.body).where(MinutesSection.agenda_item_id == item_id))


def open_room(new_page, live_server, email, meeting_id, width=1280):
    page = new_page(width)
    sign_in(page, live_server, email)
    page.goto(f"{live_server}/reunions/{meeting_id}/compte-rendu/rediger")
    return page


def editor(page, item_id):
    return page.locator(f'[data-part="p{item_id}"] .rich-editor-text')


def type_at_end(page, item_id, text):
    field = editor(page, item_id)
    field.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(text)


def wait_for_text(page, item_id, *parts, timeout=15_000):
    for part in parts:
        expect(editor(page, item_id)).to_contain_text(part, timeout=timeout)


def test_two_editors_typing_into_the_same_point_at_once_converge(live_server, new_page):
    world = build_world()
    meeting_id, item_id = world.draft.id, world.draft.agenda_items[0].id
    secretary = open_room(new_page, live_server, "secretary@test.example", meeting_id)
    facilitator = open_room(new_page, live_server, "facilitator@test.example", meeting_id)
    expect(editor(secretary, item_id)).to_have_text("Notes du point brouillon.")
    expect(secretary.locator(f'[data-part="p{item_id}"] textarea')).to_be_hidden()
    # Both at the end of the same paragraph, typing in turns faster than the updates travel.
    for page in (secretary, facilitator):
        editor(page, item_id).click()
        page.keyboard.press("Control+End")
    for round_ in range(4):
        secretary.keyboard.type(f" S{round_}")
        facilitator.keyboard.type(f" F{round_}")
    secretary.keyboard.press("Control+b")
    secretary.keyboard.type(" gras")
    words = [f"S{n}" for n in range(4)] + [f"F{n}" for n in range(4)] + ["gras"]
    for page in (secretary, facilitator):
        wait_for_text(page, item_id, *words)
    expect(editor(facilitator, item_id)).to_have_text(editor(secretary, item_id).inner_text(), timeout=10_000)
    expect(facilitator.locator(f'[data-part="p{item_id}"] strong')).to_have_text("gras")
    expect(facilitator.locator(f'.part-presence[data-key="p{item_id}"]')).to_have_text(
        "Écrit aussi ici : Secretary Test", timeout=25_000
    )
    shown = editor(secretary, item_id).inner_text()
    for _ in range(50):
        if notes_of(item_id).replace("**", "") == shown:
            break
        secretary.wait_for_timeout(200)
    stored = notes_of(item_id)
    assert all(word in stored for word in words) and "**gras**" in stored
    assert stored.replace("**", "") == shown
    screenshot(secretary, "cowriting-desktop")


def test_two_editors_typing_at_the_same_point_at_the_same_time_keep_everything(live_server, new_page):
    """Keystrokes interleaved between the two browsers, two at a time, never waiting for the
    other's changes to arrive: both carets at the same place, each editor's letters arrive
    while the other is typing (a typist's changes leave within 120 ms even while they go on). Each keeps a case of its own, so that what either typed can be
    read back, in order, from the merged text."""
    world = build_world()
    meeting_id, item_id = world.draft.id, world.draft.agenda_items[0].id
    secretary = open_room(new_page, live_server, "secretary@test.example", meeting_id)
    facilitator = open_room(new_page, live_server, "facilitator@test.example", meeting_id)
    start = "Notes du point brouillon."
    for page in (secretary, facilitator):
        expect(editor(page, item_id)).to_have_text(start)
        editor(page, item_id).click()
        page.keyboard.press("Control+End")
    typed = {secretary: "", facilitator: ""}
    for round_ in range(20):
        for page, letters in ((secretary, "abcdefghijklmnopqrstuvwxyz"), (facilitator, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")):
            chunk = letters[(2 * round_) % 26] + letters[(2 * round_ + 1) % 26]
            page.keyboard.type(chunk, delay=25)
            typed[page] += chunk
        if round_ == 10:
            # Typing goes on, yet each already shows some of what the other typed: the changes cross.
            assert any(c.isupper() for c in editor(secretary, item_id).inner_text()[len(start) :])
            assert any(c.islower() for c in editor(facilitator, item_id).inner_text()[len(start) :])
    expected_length = len(start) + len(typed[secretary]) + len(typed[facilitator])
    for page in (secretary, facilitator):
        expect(editor(page, item_id)).to_have_text(re.compile(f"^.{{{expected_length}}}$"), timeout=15_000)
    shown = editor(secretary, item_id).inner_text()
    expect(editor(facilitator, item_id)).to_have_text(shown)
    assert shown.startswith(start)
    added = shown[len(start) :]
    assert "".join(c for c in added if c.islower()) == typed[secretary]
    assert "".join(c for c in added if c.isupper()) == typed[facilitator]
    for _ in range(50):
        if notes_of(item_id) == shown:
            break
        secretary.wait_for_timeout(200)
    assert notes_of(item_id) == shown


def test_a_fast_typist_s_changes_leave_while_they_type(live_server, new_page):
    """Keystrokes 40 ms apart (faster than the 120 ms batching window) still leave while the
    typing goes on: the window starts at the first unsent keystroke, not at the last."""
    world = build_world()
    meeting_id, item_id = world.draft.id, world.draft.agenda_items[0].id
    page = open_room(new_page, live_server, "secretary@test.example", meeting_id)
    expect(editor(page, item_id)).to_have_text("Notes du point brouillon.")
    sent = []
    page.on(
        "request",
        lambda request: (
            sent.append(time.monotonic())
            if request.method == "POST" and request.url.endswith("/compte-rendu/direct")
            else None
        ),
    )
    type_at_end(page, item_id, "")
    began = time.monotonic()
    page.keyboard.type(" " + "x" * 40, delay=40)
    ended = time.monotonic()
    assert len([moment for moment in sent if began < moment < ended]) >= 3
    wait_for_text(page, item_id, "x" * 40)


def test_an_editor_offline_for_a_while_catches_up_when_back(live_server, new_page):
    world = build_world()
    meeting_id, item_id = world.draft.id, world.draft.agenda_items[0].id
    secretary = open_room(new_page, live_server, "secretary@test.example", meeting_id)
    facilitator = open_room(new_page, live_server, "facilitator@test.example", meeting_id, width=390)
    expect(editor(facilitator, item_id)).to_have_text("Notes du point brouillon.")
    facilitator.context.set_offline(True)
    type_at_end(facilitator, item_id, " Écrit hors ligne.")
    expect(facilitator.locator(f"#etat-p{item_id}")).to_contain_text("Hors ligne", timeout=15_000)
    type_at_end(secretary, item_id, " Écrit en ligne.")
    wait_for_text(secretary, item_id, "Écrit en ligne.")
    secretary.wait_for_timeout(1500)
    assert "Écrit hors ligne." not in notes_of(item_id)
    facilitator.context.set_offline(False)
    for page in (secretary, facilitator):
        wait_for_text(page, item_id, "Écrit hors ligne.", "Écrit en ligne.", timeout=20_000)
    expect(facilitator.locator(f"#etat-p{item_id}")).to_contain_text("Enregistré", timeout=15_000)
    stored = notes_of(item_id)
    assert "Écrit hors ligne." in stored and "Écrit en ligne." in stored
    screenshot(facilitator, "cowriting-phone")


def test_an_expired_login_keeps_the_text_and_resumes_without_a_reload(live_server, new_page):
    world = build_world()
    meeting_id, item_id = world.draft.id, world.draft.agenda_items[0].id
    page = open_room(new_page, live_server, "secretary@test.example", meeting_id)
    expect(editor(page, item_id)).to_have_text("Notes du point brouillon.")
    page.context.clear_cookies()
    type_at_end(page, item_id, " Tapé après l’expiration.")
    expect(page.locator("#reconnexion")).to_contain_text("Votre session a expiré", timeout=15_000)
    assert "Tapé après" not in notes_of(item_id)
    other = page.context.new_page()
    sign_in(other, live_server, "secretary@test.example")
    other.close()
    expect(page.locator("#reconnexion")).to_have_count(0, timeout=20_000)
    for _ in range(50):
        if "Tapé après l’expiration." in notes_of(item_id):
            break
        page.wait_for_timeout(200)
    assert "Tapé après l’expiration." in notes_of(item_id)


def test_a_change_refused_by_the_server_is_offered_back_in_french(live_server, new_page):
    """The minutes are validated while someone types: their text is refused, shown to copy,
    and the part goes back to the validated text, read-only."""
    world = build_world()
    meeting_id, item_id = world.draft.id, world.draft.agenda_items[0].id
    page = open_room(new_page, live_server, "facilitator@test.example", meeting_id)
    expect(editor(page, item_id)).to_have_text("Notes du point brouillon.")
    validate(world.draft.minutes, world.users["facilitator"], "Validé en séance, sans relecture.")
    db.session.commit()
    type_at_end(page, item_id, " Ajout trop tard.")
    alert = page.locator(f"#partie-p{item_id} .offered-back")
    expect(alert).to_contain_text("Le compte-rendu est validé", timeout=10_000)
    expect(alert.get_by_label("Votre texte non enregistré")).to_have_value("Notes du point brouillon. Ajout trop tard.")
    expect(editor(page, item_id)).to_have_text("Notes du point brouillon.")
    expect(editor(page, item_id)).to_have_attribute("contenteditable", "false")
    assert notes_of(item_id) == "Notes du point brouillon."


def test_who_is_on_which_point_follows_the_focus(live_server, new_page):
    world = build_world()
    meeting_id = world.draft.id
    first, other = world.draft.agenda_items[0].id, world.draft.agenda_items[1].id
    secretary = open_room(new_page, live_server, "secretary@test.example", meeting_id)
    facilitator = open_room(new_page, live_server, "facilitator@test.example", meeting_id)
    editor(secretary, first).click()
    expect(facilitator.locator(f'.part-presence[data-key="p{first}"]')).to_have_text(
        "Écrit aussi ici : Secretary Test", timeout=25_000
    )
    editor(secretary, other).click()
    expect(facilitator.locator(f'.part-presence[data-key="p{other}"]')).to_have_text(
        "Écrit aussi ici : Secretary Test", timeout=25_000
    )
    expect(facilitator.locator(f'.part-presence[data-key="p{first}"]')).to_have_text("")


def test_a_writer_who_lost_the_right_gets_their_text_back(live_server, new_page):
    world = build_world()
    meeting_id, item_id = world.draft.id, world.draft.agenda_items[0].id
    page = open_room(new_page, live_server, "secretary@test.example", meeting_id)
    expect(editor(page, item_id)).to_have_text("Notes du point brouillon.")
    # Typed while the network holds the text back; meanwhile the secretary is no longer one.
    page.route(
        "**/compte-rendu/direct", lambda route: route.abort() if route.request.method == "POST" else route.continue_()
    )
    type_at_end(page, item_id, " Après le retrait.")
    expect(page.locator(f"#etat-p{item_id}")).to_contain_text("Hors ligne", timeout=10_000)
    membership = db.session.scalar(
        sa.select(Membership).where(Membership.person_id == world.users["secretary"].person_id)
    )
    membership.role = "member"
    db.session.commit()
    page.unroute("**/compte-rendu/direct")
    offered = page.locator(".offered-back")
    expect(offered).to_contain_text("Vous ne pouvez plus modifier ce compte-rendu", timeout=25_000)
    expect(offered.get_by_label("Votre texte non enregistré")).to_have_value(re.compile("Après le retrait."))
    expect(editor(page, item_id)).to_have_attribute("contenteditable", "false")
    assert notes_of(item_id) == "Notes du point brouillon."
