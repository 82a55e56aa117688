"""Small acts without a full page load: a facilitator plans a 6-point agenda with one sub-point
and takes attendance for 10 people; the only page loads are the opening of the two pages."""

from playwright.sync_api import expect
from world import build_world, future_meeting

from groupes.extensions import db
from groupes.meetings.agenda import add_item
from groupes.meetings.attendance import add_guest, invite_members
from tests.e2e.conftest import screenshot
from tests.e2e.test_facilitator import sign_in

POINTS = [
    ("Tour de table", "20", None),
    ("L’accès aux droits", "40", None),
    ("Retour de la CAF", "15", "L’accès aux droits"),
    ("Le logement des jeunes", "30", None),
    ("Questions diverses", "10", None),
    ("Prochaine réunion", "5", None),
]


def count_page_loads(page) -> dict:
    """Full page loads (each fires `load` on the main frame) from now on."""
    loads = {"count": 0}
    page.on("load", lambda _page: loads.__setitem__("count", loads["count"] + 1))
    return loads


def open_page(page, url: str) -> None:
    page.goto(url)
    page.evaluate("window.stillTheSamePage = true")


def test_planning_an_agenda_and_taking_attendance_loads_no_page_but_the_two_opened(live_server, new_page):
    world = build_world()
    meeting = future_meeting(world.private, days=10)
    invite_members(meeting)
    for n in range(10 - len(meeting.attendances)):
        add_guest(meeting, name=f"Invitée {n + 1}", organisation="CAF du Cher", email=None)
    db.session.commit()
    people = sorted(a.person.name for a in meeting.attendances)
    assert len(people) == 10

    page = new_page()
    sign_in(page, live_server, "facilitator@test.example")
    page.wait_for_load_state("load")
    loads = count_page_loads(page)

    open_page(page, f"{live_server}/reunions/{meeting.id}/ordre-du-jour")
    for title, minutes, parent in POINTS:
        page.get_by_label("Intitulé").fill(title)
        page.get_by_label("Durée (minutes)").fill(minutes)
        page.get_by_label("Placer sous").select_option(label=parent or "— premier niveau —")
        page.get_by_role("button", name="Ajouter le point").click()
        expect(page.locator(".agenda-editor strong", has_text=title)).to_be_visible()
        expect(page.get_by_label("Intitulé")).to_be_focused()  # ready for the next point
        expect(page.get_by_label("Intitulé")).to_have_value("")
    expect(page.get_by_role("status").filter(has_text="Point ajouté : « Prochaine réunion ».")).to_be_attached()
    page.get_by_role("button", name="Monter : « Questions diverses »").click()
    expect(page.get_by_role("button", name="Monter : « Questions diverses »")).to_be_focused()
    expect(page.locator("#agenda-announce")).to_have_text(
        "Point déplacé : « Questions diverses » est maintenant le 3e point."
    )
    top = page.locator("#ordre-du-jour + ol > li > .item-line strong")
    expect(top).to_have_text(
        [
            "Tour de table",
            "L’accès aux droits",
            "Questions diverses",
            "Le logement des jeunes",
            "Prochaine réunion",
        ]
    )
    expect(page.locator(".agenda-editor .agenda-editor strong")).to_have_text(["Retour de la CAF"])
    agenda_survived = page.evaluate("window.stillTheSamePage === true")
    screenshot(page, "no-reload-agenda")

    open_page(page, f"{live_server}/reunions/{meeting.id}/presences")
    for index, name in enumerate(people):
        status = "Présent·e" if index < 7 else "Excusé·e"
        row = page.locator(".attendance-row", has_text=name)
        row.get_by_role("button", name=status, exact=True).click()
        expect(
            page.locator(".attendance-row", has_text=name).get_by_role("button", name=status, exact=True)
        ).to_be_focused()
        expect(
            page.locator(".attendance-row", has_text=name).get_by_role("button", name=status, exact=True)
        ).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#attendance-counts")).to_contain_text("Présent·e : 7")
    expect(page.locator("#attendance-counts")).to_contain_text("Excusé·e : 3")
    attendance_survived = page.evaluate("window.stillTheSamePage === true")

    print(f"\nFull page loads: {loads['count']} (2 pages opened)")
    assert (loads["count"], agenda_survived, attendance_survived) == (2, True, True)


def test_a_failed_request_says_so_in_french_and_keeps_what_was_typed(live_server, new_page):
    world = build_world()
    meeting = future_meeting(world.private, days=10)
    page = new_page()
    sign_in(page, live_server, "facilitator@test.example")
    open_page(page, f"{live_server}/reunions/{meeting.id}/ordre-du-jour")
    problem = page.locator("#request-problem")
    title = page.get_by_label("Intitulé")

    # The network is down.
    page.route("**/ordre-du-jour", lambda route: route.abort() if route.request.method == "POST" else route.continue_())
    title.fill("Point tapé hors ligne")
    page.get_by_role("button", name="Ajouter le point").click()
    expect(problem).to_contain_text("La connexion au serveur a échoué : rien n’a été enregistré.")
    expect(title).to_have_value("Point tapé hors ligne")
    page.unroute("**/ordre-du-jour")

    # Signed out in another tab: the session is over.
    other = page.context.new_page()
    other.goto(f"{live_server}/")
    other.get_by_role("button", name="Se déconnecter").click()
    page.get_by_role("button", name="Ajouter le point").click()
    expect(problem).to_contain_text("Votre session a expiré")
    expect(title).to_have_value("Point tapé hors ligne")

    # Signed in again there, « Réessayer » here sends the same point.
    sign_in(other, live_server, "facilitator@test.example")
    problem.get_by_role("button", name="Réessayer").click()
    expect(page.locator(".agenda-editor strong", has_text="Point tapé hors ligne")).to_be_visible()
    expect(problem).to_be_empty()

    # A fault of the server.
    page.route("**/deplacer", lambda route: route.fulfill(status=500, body="Erreur"))
    title.fill("Deuxième point")
    page.get_by_role("button", name="Ajouter le point").click()
    page.get_by_role("button", name="Monter : « Deuxième point »").click()
    expect(problem).to_contain_text("Une erreur est survenue de notre côté")
    top = page.locator("#ordre-du-jour + ol > li > .item-line strong")
    expect(top).to_have_text(["Point tapé hors ligne", "Deuxième point"])
    assert page.evaluate("window.stillTheSamePage === true")
    screenshot(page, "no-reload-server-error")


def test_a_point_dragged_by_its_handle_is_placed_where_it_was_dropped(live_server, new_page):
    world = build_world()
    meeting = future_meeting(world.private, days=10)
    for title in ["Premier", "Deuxième", "Troisième"]:
        add_item(meeting, title=title, duration=None, presenter="", parent_id=None)
    db.session.commit()
    page = new_page()
    sign_in(page, live_server, "facilitator@test.example")
    open_page(page, f"{live_server}/reunions/{meeting.id}/ordre-du-jour")
    handle = page.locator("li", has_text="Troisième").locator(".drag-handle")
    expect(handle).to_be_visible()
    handle.drag_to(page.locator("li", has_text="Premier").locator(".item-line"))
    top = page.locator("#ordre-du-jour + ol > li > .item-line strong")
    expect(top).to_have_text(["Troisième", "Premier", "Deuxième"])
    expect(page.locator("#agenda-announce")).to_have_text("Point déplacé : « Troisième » est maintenant le 1er point.")

    # Not saved (the network is down): the point goes back and the page says so.
    page.route("**/placer", lambda route: route.abort())
    page.locator("li", has_text="Deuxième").locator(".drag-handle").drag_to(
        page.locator("li", has_text="Troisième").locator(".item-line")
    )
    expect(page.locator("#request-problem")).to_contain_text("La connexion au serveur a échoué")
    expect(top).to_have_text(["Troisième", "Premier", "Deuxième"])
    assert page.evaluate("window.stillTheSamePage === true")
