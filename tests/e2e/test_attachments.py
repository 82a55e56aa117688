"""A secretary attaches documents to a meeting in a real browser: one refused, one kept, one removed."""

import samples
from playwright.sync_api import expect
from world import build_world

from tests.e2e.test_facilitator import sign_in


def test_attach_a_document_see_a_refusal_and_remove_it(live_server, new_page, tmp_path):
    world = build_world()
    lying, support = tmp_path / "facture.pdf", tmp_path / "Support – été.docx"
    lying.write_bytes(samples.EXE)
    support.write_bytes(samples.docx())
    page = new_page()
    sign_in(page, live_server, "secretary@test.example")
    page.goto(f"{live_server}/reunions/{world.draft.id}")

    page.get_by_label("Fichier").set_input_files(lying)
    page.get_by_role("button", name="Ajouter le document").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ajouter un document")
    expect(page.get_by_text("son contenu n’est pas un document PDF")).to_be_visible()

    page.get_by_label("Fichier").set_input_files(support)
    page.get_by_label("Point de l’ordre du jour").select_option(label="Divers")
    page.get_by_role("button", name="Ajouter le document").click()
    expect(page.get_by_text("Document « Support – été.docx » ajouté.")).to_be_visible()
    documents = page.locator("section", has=page.get_by_role("heading", name="Documents", exact=True))
    expect(documents.get_by_role("link", name="Support – été.docx")).to_be_visible()
    expect(documents).to_contain_text("Point « Divers »")

    documents.get_by_text("Retirer").click()
    documents.get_by_role("button", name="Confirmer le retrait").click()
    expect(page.get_by_text("Document « Support – été.docx » retiré.")).to_be_visible()
    expect(page.locator("#documents + p")).to_have_text("Aucun document joint à cette réunion.")
