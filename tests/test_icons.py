"""The icon sprite (static/build/icons.svg, built from frontend/icons.txt) holds every icon the
templates use: the names written in templates, the next steps' icons, and every icon a page
actually refers to (names chosen in a template's list, which no pattern finds)."""

import re
from pathlib import Path

from world import future_meeting, read_page, signed_in

from groupes.meetings import next_step

ROOT = Path(__file__).resolve().parent.parent
SPRITE = ROOT / "static" / "build" / "icons.svg"


def sprite_names() -> set[str]:
    return set(re.findall(r'<symbol id="i-([a-z0-9-]+)"', SPRITE.read_text()))


def test_every_icon_named_in_a_template_is_in_the_sprite():
    used = set()
    for template in (ROOT / "templates").rglob("*.html"):
        used |= set(re.findall(r"""\bicon\(\s*["']([a-z0-9-]+)["']""", template.read_text()))
    assert used, "no icon found: the pattern is wrong"
    assert used - sprite_names() == set()


def test_every_next_step_icon_is_in_the_sprite():
    steps = [value for value in vars(next_step).values() if isinstance(value, next_step.Step)]
    assert len(steps) >= 8
    assert {step.icon for step in steps} - sprite_names() == set()


def test_every_icon_a_page_refers_to_is_in_the_sprite(app, world):
    coming = future_meeting(world.private)
    facilitator = signed_in(app, "facilitator")
    referred = set()
    for url in [
        "/",
        f"/reunions/{coming.id}",
        f"/reunions/{world.validated.id}",
        f"/groupes/{world.private.id}",
        f"/programmes/{world.programme.id}",
    ]:
        referred |= set(re.findall(r'icons\.svg#i-([a-z0-9-]+)"', read_page(facilitator, url)))
    assert {"list-ordered", "users", "clipboard-check"} <= referred
    assert referred - sprite_names() == set()
