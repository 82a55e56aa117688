"""The facilitator's journey in a real browser: plan a series, build an agenda, take attendance on a phone."""

import io
import re
from urllib.parse import urljoin

from playwright.sync_api import expect
from pypdf import PdfReader
from world import PASSWORD, build_world

from tests.e2e.conftest import screenshot


def sign_in(page, base, email):
    page.goto(f"{base}/connexion")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")


def open_planning(page, group_url: str, link: str, day: str, start: str, end: str) -> None:
    """From the group's page, the planning form of one meeting or a series, its slot filled in."""
    page.goto(group_url)
    page.get_by_role("link", name=link).click()
    page.get_by_label("Date").fill(day)
    page.get_by_label("Début").fill(start)
    page.get_by_label("Fin", exact=True).fill(end)


def test_plan_a_series_build_the_agenda_and_take_attendance(live_server, new_page):
    world = build_world()
    page = new_page()
    sign_in(page, live_server, "secretary@test.example")

    # A monthly series: the second Thursday, three meetings.
    open_planning(
        page, f"{live_server}/groupes/{world.private.id}", "Planifier une série", "2014-09-01", "09:30", "12:00"
    )
    page.get_by_label("le Nième jour de chaque mois").check()
    page.get_by_label("Le …").select_option("2")
    page.get_by_label("Jour", exact=True).select_option("3")
    page.get_by_label("Ou nombre de réunions").fill("3")
    page.get_by_label("Lieu ou lien de visioconférence").fill("Salle du conseil")
    screenshot(page, "series-form")
    page.get_by_role("button", name="Planifier la série").click()
    expect(page.get_by_text("3 réunions planifiées (le 2e jeudi de chaque mois, 09:30–12:00).")).to_be_visible()
    for label in [
        "4ème réunion : jeudi 11 septembre 2014",
        "5ème réunion : jeudi 9 octobre 2014",
        "6ème réunion : jeudi 13 novembre 2014",
    ]:
        expect(page.get_by_role("link", name=label)).to_be_visible()
    screenshot(page, "group-with-series")

    # The agenda of the first one: two standing items, then ours, nested and reordered.
    page.get_by_role("link", name="4ème réunion : jeudi 11 septembre 2014").click()
    page.get_by_role("link", name="Préparer l’ordre du jour").click()
    for title, minutes, parent in [
        ("Tour de table", "30", None),
        ("Institutions", "20", "Tour de table"),
        ("Calendrier", "10", None),
    ]:
        page.get_by_label("Intitulé").fill(title)
        page.get_by_label("Durée (minutes)").fill(minutes)
        page.get_by_label("Placer sous").select_option(label=parent or "— premier niveau —")
        page.get_by_role("button", name="Ajouter le point").click()
        expect(page.get_by_text(f"Point ajouté : « {title} ».")).to_be_visible()
    page.get_by_role("button", name="Monter : « Calendrier »").click()
    items = page.locator("#ordre-du-jour + ol > li > .item-line strong")
    expect(items).to_have_text(
        ["Validation du compte-rendu de la réunion précédente", "Suivi des actions", "Calendrier", "Tour de table"]
    )
    expect(page.locator(".agenda-editor .agenda-editor strong")).to_have_text(["Institutions"])
    expect(page.locator("#total")).to_contain_text(
        "Durée prévue : 1\u00a0h\u00a005 pour une réunion de 2\u00a0h\u00a030"
    )
    screenshot(page, "agenda-editor")

    # At the door, on a phone: one tap per person, saved without reloading the page.
    meeting_url = re.sub(r"/ordre-du-jour.*$", "", page.url)
    phone = new_page(390, 844)
    sign_in(phone, live_server, "secretary@test.example")
    phone.goto(f"{meeting_url}/presences")
    member = phone.locator(".attendance-row", has_text="Member Test")
    member.get_by_role("button", name="Présent·e").click()
    expect(
        phone.locator(".attendance-row", has_text="Member Test").get_by_role("button", name="Présent·e")
    ).to_have_attribute("aria-pressed", "true")
    phone.locator(".attendance-row", has_text="Facilitator Test").get_by_role("button", name="Excusé·e").click()
    expect(phone.locator("#attendance-counts")).to_contain_text("Présent·e : 1")
    expect(phone.locator("#attendance-counts")).to_contain_text("Excusé·e : 1")
    assert phone.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    screenshot(phone, "attendance-phone")
    phone.reload()
    expect(
        phone.locator(".attendance-row", has_text="Facilitator Test").get_by_role("button", name="Excusé·e")
    ).to_have_attribute("aria-pressed", "true")


def test_one_meeting_from_its_planning_to_the_validated_pdf(live_server, new_page):
    world = build_world()
    page = new_page()
    sign_in(page, live_server, "facilitator@test.example")

    # Planned, with its agenda.
    open_planning(page, f"{live_server}/groupes/{world.private.id}", "Nouvelle réunion", "2014-10-02", "14:00", "17:00")
    page.get_by_label("Sous-titre").fill("Poser la thématique")
    page.get_by_label("Lieu ou lien de visioconférence").fill("CAF du Cher, Bourges")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("jeudi 2 octobre 2014")
    meeting_url = page.url.split("#")[0]
    page.get_by_role("link", name="Préparer l’ordre du jour").click()
    page.get_by_label("Intitulé").fill("L'accès aux droits")
    page.get_by_label("Durée (minutes)").fill("60")
    page.get_by_role("button", name="Ajouter le point").click()
    expect(page.get_by_text("Point ajouté : « L'accès aux droits ».")).to_be_visible()

    # Attendance at the door.
    page.goto(f"{meeting_url}/presences")
    page.get_by_role("button", name="Inviter les membres du groupe qui manquent").click()
    page.locator(".attendance-row", has_text="Member Test").get_by_role("button", name="Présent·e").click()
    expect(page.locator("#attendance-counts")).to_contain_text("Présent·e : 1")

    # The minutes written live: notes, a decision and an action on the point.
    page.goto(meeting_url)
    page.get_by_role("link", name="Rédiger le compte-rendu").click()
    part = page.locator(".room-item", has=page.get_by_role("heading", name=re.compile("L'accès aux droits")))
    editor = part.locator(".rich-editor-text")
    editor.click()
    page.keyboard.type("La CAF présente son accueil sur rendez-vous.")
    expect(part.locator(".save-state")).to_contain_text("Enregistré à", timeout=10_000)
    # Captured in place, on the point being written.
    page.keyboard.press("Alt+d")
    page.locator("#decision-text").fill("Organiser une matinée d'information commune")
    page.keyboard.press("Enter")
    expect(page.locator("#releve")).to_contain_text("Organiser une matinée d'information commune", timeout=5_000)
    editor.click()
    page.keyboard.press("Alt+a")
    page.locator("#action-title").fill("Envoyer le calendrier des permanences")
    page.get_by_label("Qui (personne ou structure)").fill("CAF du Cher")
    page.get_by_label("Pour quand").fill("2014-11-01")
    page.locator(".capture-action").get_by_role("button", name="Ajouter l’action").click()
    expect(page.locator("#releve")).to_contain_text("Envoyer le calendrier des permanences — CAF du Cher")

    # Submitted for review, validated, and the PDF.
    page.get_by_role("button", name="Soumettre à la relecture des membres").click()
    expect(page.get_by_text("Compte-rendu soumis à la relecture des membres")).to_be_visible()
    page.get_by_role("button", name="Valider le compte-rendu").click()
    page.get_by_role("button", name="Confirmer la validation").click()  # after the summary
    expect(page.get_by_text("Compte-rendu validé : cette version est figée.")).to_be_visible()
    page.goto(meeting_url)
    href = page.get_by_role("link", name="Compte-rendu (PDF)").get_attribute("href")
    response = page.request.get(urljoin(page.url, href))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    text = re.sub(r"\s+", " ", text)
    for expected in [
        "2 octobre 2014",
        "L'accès aux droits",
        "La CAF présente son accueil sur rendez-vous.",
        "Organiser une matinée d'information commune",
        "Envoyer le calendrier des permanences",
        "Member Test",
    ]:
        assert expected in text, expected
    screenshot(page, "facilitator-validated-meeting")
