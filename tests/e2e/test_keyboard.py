"""The meeting room with the keyboard only: Tab, Shift+Tab, Enter and the room's shortcuts
reach the agenda, the notes of a point, their saving and the capture of a decision; the
focus is always visible (the :focus-visible outline) and never trapped."""

import sqlalchemy as sa
from playwright.sync_api import expect
from world import build_world

from groupes.extensions import db
from groupes.minutes.models import MinutesSection
from groupes.outcomes.models import Decision
from tests.e2e.test_facilitator import sign_in

# What has the focus, and whether it shows: an outline drawn because of :focus-visible.
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const style = getComputedStyle(e);
  const box = e.getBoundingClientRect();
  return {
    name: e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' « ' + (e.innerText || e.value || '').trim().slice(0, 40) + ' »',
    id: e.id,
    text: (e.innerText || '').trim(),
    tabindex: e.getAttribute('tabindex'),
    focusVisible: e.matches(':focus-visible'),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight,
  };
}"""


class Walk:
    """Moves the focus with the keyboard and checks, at every step, that it shows and moves on."""

    def __init__(self, page):
        self.page = page
        self.path: list[str] = []

    def focused(self) -> dict:
        focused = self.page.evaluate(FOCUSED)
        assert focused is not None, "the focus was lost after:\n" + "\n".join(self.path)
        return focused

    def press(self, key: str) -> dict:
        before = self.page.evaluate(FOCUSED)
        self.page.keyboard.press(key)
        focused = self.focused()
        self.path.append(f"{key} → {focused['name']}")
        if key in ("Tab", "Shift+Tab"):
            assert focused != before, f"{key} left the focus on {focused['name']}: trapped"
        if focused["tabindex"] != "-1":  # a target of a link (main, a point) is not a control
            assert focused["focusVisible"] and focused["outline"], f"focus not visible on {focused['name']}"
            assert focused["onScreen"], f"focus off screen on {focused['name']}"
        return focused

    def tab_to(self, matches, key: str = "Tab", limit: int = 80) -> dict:
        for _ in range(limit):
            focused = self.press(key)
            if matches(focused):
                return focused
        raise AssertionError(f"not reached in {limit} × {key}:\n" + "\n".join(self.path))


def test_a_secretary_writes_the_minutes_with_the_keyboard_only(live_server, new_page):
    world = build_world()
    meeting_id = world.draft.id
    first, other = world.draft.agenda_items[0].id, world.draft.agenda_items[1].id
    page = new_page()
    sign_in(page, live_server, "secretary@test.example")
    page.goto(f"{live_server}/reunions/{meeting_id}/compte-rendu/rediger")
    expect(page.locator(f"#editeur-p{other}")).to_be_visible()  # the editors are in place
    walk = Walk(page)

    # The skip link comes first and leads into the content.
    assert walk.press("Tab")["text"] == "Aller au contenu"
    walk.press("Enter")
    assert walk.focused()["id"] == "contenu"

    # The agenda, then its point « Divers »: Enter goes to its part of the minutes.
    walk.tab_to(lambda f: f["text"].endswith("Ordre du jour de brouillon"))
    walk.tab_to(lambda f: f["text"].endswith("· Divers"))
    walk.press("Enter")
    assert walk.focused()["id"] == f"partie-p{other}"
    walk.tab_to(lambda f: f["id"] == f"editeur-p{other}")
    page.keyboard.type("Questions diverses : la prochaine réunion aura lieu à Bourges.")

    # Saved while typing.
    expect(page.locator(f"#etat-p{other}")).to_contain_text("Enregistré à", timeout=10_000)
    db.session.expire_all()
    assert db.session.scalar(sa.select(MinutesSection.body).where(MinutesSection.agenda_item_id == other)) == (
        "Questions diverses : la prochaine réunion aura lieu à Bourges."
    )

    # Out to the toolbar with Shift+Tab and back, then Alt+Page précédente to the previous point, and back.
    assert walk.press("Shift+Tab")["text"] == "Lien"
    assert walk.press("Tab")["id"] == f"editeur-p{other}"
    assert walk.press("Alt+PageUp")["id"] == f"editeur-p{first}"
    assert walk.press("Alt+PageDown")["id"] == f"editeur-p{other}"

    # Alt+D opens the capture of a decision for this point; Tab and Enter add it, in place.
    assert walk.press("Alt+d")["id"] == "decision-text"
    page.keyboard.type("Réunir le groupe à Bourges en juin")
    walk.tab_to(lambda f: f["text"] == "Ajouter la décision")
    walk.press("Enter")
    expect(page.get_by_text("Décision ajoutée au relevé.")).to_be_visible()
    # The decision is in the relevé of the room.
    assert "Réunir le groupe à Bourges en juin" in page.locator("#releve").inner_text()
    db.session.expire_all()
    assert db.session.scalar(
        sa.select(Decision.text).where(Decision.meeting_id == meeting_id, Decision.agenda_item_id == other)
    ) == ("Réunir le groupe à Bourges en juin")

    # Nothing traps the focus: Tab goes on to the end of the page, Shift+Tab back to the top.
    walk.tab_to(lambda f: f["text"] == "Données personnelles", limit=200)
    walk.tab_to(lambda f: f["text"] == "Aller au contenu", key="Shift+Tab", limit=200)
