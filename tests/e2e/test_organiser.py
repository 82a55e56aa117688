"""The organiser's journey in a real browser: a programme created and handed over, a group
set up with its members, the registers followed, the synthesis prepared (findings taken
up, merged, published) and downloaded with the annex, the directory and the access log."""

import io
import re
from urllib.parse import urljoin

from playwright.sync_api import expect
from pypdf import PdfReader
from world import build_world

from tests.e2e.conftest import screenshot
from tests.e2e.test_facilitator import sign_in
from tests.e2e.test_participant import wait_for_mail

INVITEE = "claire.nouvelle@test.example"


def choose(page, label: str, option_text: str) -> None:
    """Select the option of a <select> whose text contains ``option_text``."""
    select = page.get_by_label(label)
    value = select.evaluate("(s, text) => [...s.options].find(o => o.text.includes(text)).value", option_text)
    select.select_option(value)


def pdf_text(page, link_name: str) -> str:
    """The text of the PDF a link of the page leads to, fetched with the page's session."""
    href = page.get_by_role("link", name=link_name).first.get_attribute("href")
    response = page.request.get(urljoin(page.url, href))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf", href
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)


def test_the_organisers_programme_from_creation_to_the_synthesis(live_server, new_page, smtp_server):
    world = build_world()

    # An administrator creates the programme and names its organiser.
    admin = new_page()
    sign_in(admin, live_server, "admin@test.example")
    admin.goto(f"{live_server}/programmes/nouvelle")
    admin.get_by_label("Titre").fill("Assises territoriales du travail social – Centre")
    admin.get_by_label("Lignes d’en-tête des documents").fill("Ministère des affaires sociales\nDGCS")
    admin.get_by_role("button", name="Enregistrer").click()
    expect(admin.get_by_text("Démarche créée.")).to_be_visible()
    programme_url = admin.url
    admin.get_by_text("Plus d’actions").click()  # the programme's rare acts are in its menu
    admin.get_by_role("link", name="Organisateurs").click()
    choose(admin, "Personne", "Organiser Test")
    admin.get_by_role("button", name="Ajouter").click()
    expect(admin.get_by_text("Organisateur ajouté.")).to_be_visible()

    # The organiser finds it on the dashboard and sets up a group.
    page = new_page()
    sign_in(page, live_server, "organiser@test.example")
    page.get_by_role("link", name="Assises territoriales du travail social – Centre").first.click()
    assert page.url == programme_url
    page.get_by_role("link", name="Nouveau groupe").click()
    page.get_by_label("Intitulé").fill("Participation des personnes accompagnées")
    page.get_by_label("Thème (axe)").fill("Axe 1 : la place des personnes")
    page.get_by_label("Territoire").fill("Cher")
    page.get_by_label("Visibilité").select_option(index=0)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Groupe créé.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Participation des personnes accompagnées")
    group_url = page.url

    # Its facilitator, from the directory, and a newcomer invited by e-mail.
    page.goto(f"{group_url}/membres")
    choose(page, "Personne", "Facilitator Test")
    page.locator("#role").select_option("facilitator")
    page.get_by_role("button", name="Ajouter", exact=True).click()
    expect(page.get_by_role("region", name="Membres et rôles")).to_contain_text("Facilitator Test")
    page.goto(group_url)
    page.get_by_role("link", name="Inviter par e-mail").click()
    page.get_by_label("Adresse e-mail").fill(INVITEE)
    page.get_by_label("Nom et prénom").fill("Claire Nouvelle")
    page.get_by_role("button", name="Envoyer l’invitation").click()
    expect(page.get_by_text(f"{INVITEE} fait partie du groupe")).to_be_visible()
    [invitation] = wait_for_mail(smtp_server, INVITEE, 1)
    assert "Participation des personnes accompagnées" in invitation["Subject"]

    # The registers across the groups of the programme.
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Décisions").click()
    expect(page.locator("main")).to_contain_text("Décision validé")
    expect(page.locator("main")).to_contain_text("Décision brouillon")  # an organiser reads drafts
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Actions").click()
    expect(page.locator("main")).to_contain_text("Action validé")

    # The synthesis: two pistes taken up one each, merged into one, worded, published.
    page.goto(f"{live_server}/programmes/{world.programme.id}")
    page.get_by_role("link", name="Préparer la synthèse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Synthèse des travaux des groupes")
    pistes = page.locator("section", has=page.get_by_role("heading", name="Pistes de travail", exact=True))
    pistes.get_by_label("Piste validé", exact=True).check()
    pistes.get_by_label("Piste public validé", exact=True).check()
    pistes.get_by_role("button", name="Un élément par case cochée").click()
    expect(page.get_by_text("2 élément(s) ajouté(s) à la synthèse.")).to_be_visible()
    pistes = page.locator("section", has=page.get_by_role("heading", name="Pistes de travail", exact=True))
    entries = pistes.locator(".synthesis-entry")
    expect(entries).to_have_count(2)
    for index in range(2):
        entries.nth(index).get_by_label("à fusionner").check()
    pistes.get_by_role("button", name=re.compile("^Fusionner les éléments cochés")).click()
    pistes = page.locator("section", has=page.get_by_role("heading", name="Pistes de travail", exact=True))
    expect(pistes.locator(".synthesis-entry")).to_have_count(1)
    expect(pistes.locator(".synthesis-entry summary")).to_have_text("2 sources")
    pistes.get_by_role("link", name=re.compile("^Modifier")).click()
    page.get_by_label("Rédaction").fill(
        "Associer les personnes accompagnées à chaque groupe, dans tous les territoires."
    )
    page.get_by_role("button", name="Enregistrer").click()
    pistes = page.locator("section", has=page.get_by_role("heading", name="Pistes de travail", exact=True))
    pistes.get_by_role("button", name=re.compile("^Publier")).click()
    expect(pistes.locator(".synthesis-entry .badge")).to_have_text("publié")
    screenshot(page, "organiser-synthesis")

    # The synthesis and the annex, downloaded.
    synthesis = pdf_text(page, "synthèse en PDF")
    assert "Associer les personnes accompagnées" in re.sub(r"\s+", " ", synthesis)
    page.goto(f"{live_server}/programmes/{world.programme.id}")
    annex = pdf_text(page, "Annexe : les comptes-rendus des groupes (PDF)")
    assert "Texte du compte-rendu validé." in annex and "brouillon" not in annex

    # The directory, then the access log: the downloads are in it.
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Annuaire").click()
    page.get_by_label("Nom ou sigle").fill("CAF")
    page.get_by_label("Nom ou sigle").press("Enter")
    page.get_by_role("link", name=re.compile("CAF du Cher")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("CAF du Cher")
    page.goto(f"{live_server}/programmes/{world.programme.id}")
    page.get_by_text("Plus d’actions").click()
    page.get_by_role("link", name="Journal des accès").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Journal des accès : Assises de test")
    log = page.locator("main table")
    expect(log).to_contain_text("Organiser Test")
    expect(log).to_contain_text("Synthèse")
    screenshot(page, "organiser-access-log")
