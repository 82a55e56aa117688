"""The synthesis workspace: taking findings up, merging, wording, ordering, publishing, and the PDF made of it."""

import subprocess

import pytest
import sqlalchemy as sa
from world import csrf_token, post_form, read_page, signed_in

from groupes.extensions import db
from groupes.meetings.models import Meeting
from groupes.minutes.models import Minutes
from groupes.outcomes.models import Finding, FindingKind
from groupes.programmes.models import SynthesisEntry


@pytest.fixture
def organiser(client_as):
    return client_as("organiser")


def piste(meeting) -> Finding:
    return next(f for f in meeting.findings if f.kind == FindingKind.PISTE)


def entries() -> list[SynthesisEntry]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(SynthesisEntry).order_by(SynthesisEntry.position, SynthesisEntry.id)))


def base(world) -> str:
    return f"/programmes/{world.programme.id}/synthese"


def take_up(client, world, findings, how, **extra):
    return post_form(client, f"{base(world)}/reprendre", {"finding": [f.id for f in findings], "how": how, **extra})


def make_entry(world, text, sources=(), *, kind=FindingKind.PISTE, published=False, theme="", position=0):
    entry = SynthesisEntry(
        programme=world.programme,
        kind=kind,
        text=text,
        theme=theme,
        sources=list(sources),
        published=published,
        position=position,
    )
    db.session.add(entry)
    db.session.commit()
    return entry


def pdf_text(client, world) -> str:
    response = client.get(f"/programmes/{world.programme.id}/synthese.pdf")
    assert response.status_code == 200
    out = subprocess.run(["pdftotext", "-", "-"], input=response.data, capture_output=True, check=True).stdout
    return " ".join(out.decode().split())


def test_the_workspace_shows_every_finding_by_kind_and_theme_with_its_source(app, world, organiser):
    world.private.theme = "Accès aux droits"
    db.session.commit()
    page = read_page(organiser, base(world))
    assert page.count("<h1>") == 1 and "Synthèse des travaux des groupes" in page
    assert page.index("Constats") < page.index("Pistes de travail") < page.index("Préconisations")
    # Every finding of the programme, drafts included, with its group and meeting; drafts are marked.
    for text in ("Piste validé", "Piste en relecture", "Piste brouillon", "Piste public validé"):
        assert text in page
    assert "Groupe 1, 1ère réunion : lundi 3 mars 2014" in page
    assert "compte-rendu brouillon" in page and "compte-rendu en relecture" in page
    assert "<legend>Accès aux droits</legend>" in page and "<legend>Sans thème</legend>" in page
    assert "Groupe d’ailleurs" not in page


def test_findings_taken_up_together_make_one_entry_that_keeps_every_source(app, world, organiser):
    first, second = piste(world.validated), piste(world.public_validated)
    response = take_up(organiser, world, [first, second], "together")
    assert response.status_code == 302 and response.location.endswith("#nature-piste")
    (entry,) = entries()
    assert entry.text == "Piste validé" and entry.kind == FindingKind.PISTE and not entry.published
    assert {f.id for f in entry.sources} == {first.id, second.id}
    # The groups' findings stay as their minutes recorded them.
    assert db.session.get(Finding, first.id).text == "Piste validé"
    page = read_page(organiser, base(world))
    assert "Élément ajouté à la synthèse." in page and "repris" in page


def test_findings_taken_up_one_by_one_make_one_entry_each(app, world, organiser):
    take_up(organiser, world, [piste(world.validated), piste(world.draft)], "each")
    assert [(e.text, e.position) for e in entries()] == [("Piste validé", 1), ("Piste brouillon", 2)]


def test_findings_of_different_kinds_are_not_made_into_one_entry(app, world, organiser):
    need = Finding(meeting=world.validated, kind=FindingKind.BESOIN, text="Un besoin")
    db.session.add(need)
    db.session.commit()
    take_up(organiser, world, [piste(world.validated), need], "together")
    assert entries() == []
    assert "de natures différentes (besoin, piste de travail)" in read_page(organiser, base(world))


def test_nothing_ticked_or_unknown_ids_change_nothing(app, world, organiser):
    post_form(organiser, f"{base(world)}/reprendre", {"finding": ["abc", "999999"], "how": "each"})
    assert entries() == []
    assert "Cochez au moins un élément des groupes." in read_page(organiser, base(world))


def test_a_finding_of_another_programme_cannot_be_taken_up(app, world, organiser):
    elsewhere = Meeting(group=world.elsewhere, starts_at=world.validated.starts_at, ends_at=world.validated.ends_at)
    elsewhere.minutes = Minutes()
    elsewhere.findings = [Finding(kind=FindingKind.PISTE, text="Piste d’ailleurs")]
    db.session.add(elsewhere)
    db.session.commit()
    take_up(organiser, world, elsewhere.findings, "each")
    assert entries() == []


def test_taking_up_everything_takes_the_validated_findings_not_yet_taken_up_once(app, world, organiser):
    post_form(organiser, f"{base(world)}/reprendre-tout")
    assert sorted(e.text for e in entries()) == ["Piste public validé", "Piste validé"]
    post_form(organiser, f"{base(world)}/reprendre-tout")
    assert len(entries()) == 2
    assert "0 élément(s) des comptes-rendus validés ajouté(s)" in read_page(organiser, base(world))


def test_findings_join_the_sources_of_an_existing_entry_of_their_kind(app, world, organiser):
    entry = make_entry(world, "Une piste", [piste(world.validated)])
    take_up(organiser, world, [piste(world.in_review), piste(world.validated)], "into", entry=entry.id)
    assert sorted(f.text for f in entries()[0].sources) == ["Piste en relecture", "Piste validé"]
    need = make_entry(world, "Un besoin", kind=FindingKind.BESOIN)
    take_up(organiser, world, [piste(world.draft)], "into", entry=need.id)
    assert db.session.get(SynthesisEntry, need.id).sources == []
    assert "de nature « besoin »" in read_page(organiser, base(world))
    take_up(organiser, world, [piste(world.draft)], "into", entry="")
    assert "Choisissez l’élément de la synthèse à compléter." in read_page(organiser, base(world))


def test_merging_duplicates_keeps_the_first_wording_and_every_source(app, world, organiser):
    first = make_entry(world, "Rédaction gardée", [piste(world.validated)], position=1)
    second = make_entry(world, "Doublon", [piste(world.public_validated), piste(world.validated)], position=2)
    second.published = True
    third = make_entry(world, "Autre", [piste(world.draft)], position=3)
    db.session.commit()
    first_id, second_id, third_id = first.id, second.id, third.id
    response = post_form(organiser, f"{base(world)}/fusionner", {"entry": [second_id, first_id]})
    assert response.location.endswith(f"#element-{first_id}")
    kept, other = entries()
    assert kept.id == first_id and kept.text == "Rédaction gardée" and kept.published
    assert sorted(f.text for f in kept.sources) == ["Piste public validé", "Piste validé"]
    assert other.id == third_id
    assert db.session.get(SynthesisEntry, second_id) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Finding)) == 5


def test_merging_needs_two_entries_of_one_kind(app, world, organiser):
    one = make_entry(world, "Seule")
    need = make_entry(world, "Besoin", kind=FindingKind.BESOIN)
    post_form(organiser, f"{base(world)}/fusionner", {"entry": [one.id]})
    assert "Cochez au moins deux éléments" in read_page(organiser, base(world))
    post_form(organiser, f"{base(world)}/fusionner", {"entry": [one.id, need.id]})
    assert "On ne fusionne que des éléments d’une même nature." in read_page(organiser, base(world))
    assert len(entries()) == 2


def test_an_organiser_rewords_an_entry(app, world, organiser):
    entry = make_entry(world, "Première rédaction", [piste(world.validated)])
    url = f"{base(world)}/elements/{entry.id}"
    page = read_page(organiser, url)
    assert "Première rédaction" in page and "« Piste validé »" in page
    response = post_form(
        organiser, url, {"kind": "piste", "theme": "Logement", "text": "Rédaction finale", "base_version": 1}
    )
    assert response.status_code == 302
    (saved,) = entries()
    assert (saved.text, saved.theme, saved.version) == ("Rédaction finale", "Logement", 2)


def test_a_stale_save_shows_both_texts_and_overwrites_nothing(app, world, organiser):
    entry = make_entry(world, "Texte de départ")
    url = f"{base(world)}/elements/{entry.id}"
    post_form(organiser, url, {"kind": "piste", "text": "Texte de ma collègue", "base_version": 1})
    response = post_form(organiser, url, {"kind": "piste", "text": "Mon texte à moi", "base_version": 1})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Quelqu’un a modifié cet élément" in page
    assert "Texte de ma collègue" in page and "Mon texte à moi" in page
    assert 'name="base_version" type="hidden" value="2"' in page
    assert entries()[0].text == "Texte de ma collègue"
    # Saving again from the version now shown goes through.
    assert post_form(organiser, url, {"kind": "piste", "text": "Mon texte à moi", "base_version": 2}).status_code == 302
    assert entries()[0].text == "Mon texte à moi"


def test_an_empty_wording_is_refused_with_the_rest_kept(app, world, organiser):
    entry = make_entry(world, "Texte")
    response = post_form(
        organiser,
        f"{base(world)}/elements/{entry.id}",
        {"kind": "piste", "theme": "Thème gardé", "text": "  ", "base_version": 1},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Ce champ est obligatoire." in page and 'value="Thème gardé"' in page
    assert entries()[0].text == "Texte"


def test_the_kind_changes_only_if_the_sources_agree(app, world, organiser):
    entry = make_entry(world, "Piste", [piste(world.validated)])
    url = f"{base(world)}/elements/{entry.id}"
    response = post_form(organiser, url, {"kind": "besoin", "text": "Piste", "base_version": 1})
    assert response.status_code == 422 and "retirez-les avant de changer la sienne" in response.get_data(as_text=True)
    assert entries()[0].kind == FindingKind.PISTE
    alone = make_entry(world, "Sans source")
    post_form(
        organiser, f"{base(world)}/elements/{alone.id}", {"kind": "besoin", "text": "Sans source", "base_version": 1}
    )
    db.session.expire_all()
    assert db.session.get(SynthesisEntry, alone.id).kind == FindingKind.BESOIN


def test_an_organiser_writes_an_entry_of_their_own(app, world, organiser):
    response = post_form(
        organiser,
        f"{base(world)}/elements/nouveau",
        {"kind": "constat", "theme": "Territoire", "text": "Constat transversal"},
    )
    assert response.status_code == 302
    (entry,) = entries()
    assert (entry.kind, entry.text, entry.theme, entry.sources) == (
        FindingKind.CONSTAT,
        "Constat transversal",
        "Territoire",
        [],
    )
    bad = post_form(organiser, f"{base(world)}/elements/nouveau", {"kind": "constat", "theme": "Gardé", "text": ""})
    assert bad.status_code == 422 and 'value="Gardé"' in bad.get_data(as_text=True)
    nonsense = post_form(organiser, f"{base(world)}/elements/nouveau", {"kind": "n’importe", "text": "x"})
    assert nonsense.status_code == 422 and "Not a valid choice" not in nonsense.get_data(as_text=True)
    assert len(entries()) == 1


def test_entries_move_up_and_down_within_their_kind(app, world, organiser):
    a = make_entry(world, "A", position=1)
    b = make_entry(world, "B", position=2)
    post_form(organiser, f"{base(world)}/elements/{b.id}/deplacer", {"direction": "up"})
    assert [e.text for e in entries()] == ["B", "A"]
    post_form(organiser, f"{base(world)}/elements/{b.id}/deplacer", {"direction": "up"})
    assert "déjà le premier de sa nature" in read_page(organiser, base(world))
    post_form(organiser, f"{base(world)}/elements/{a.id}/deplacer", {"direction": "sideways"})
    assert [e.text for e in entries()] == ["B", "A"]


def test_a_source_is_detached_and_an_entry_deleted_without_touching_the_findings(app, world, organiser):
    entry = make_entry(world, "Deux sources", [piste(world.validated), piste(world.public_validated)])
    post_form(organiser, f"{base(world)}/elements/{entry.id}/sources/{piste(world.validated).id}/retirer")
    assert [f.text for f in entries()[0].sources] == ["Piste public validé"]
    post_form(organiser, f"{base(world)}/elements/{entry.id}/sources/{piste(world.draft).id}/retirer")
    assert "ne compte pas parmi les sources" in read_page(organiser, base(world))
    post_form(organiser, f"{base(world)}/elements/{entry.id}/supprimer")
    assert entries() == [] and db.session.scalar(sa.select(sa.func.count()).select_from(Finding)) == 5


def test_publishing_does_not_make_an_open_edit_fail(app, world, organiser):
    entry = make_entry(world, "Texte")
    post_form(organiser, f"{base(world)}/elements/{entry.id}/publier", {"published": "1"})
    assert entries()[0].published
    response = post_form(
        organiser, f"{base(world)}/elements/{entry.id}", {"kind": "piste", "text": "Reformulé", "base_version": 1}
    )
    assert response.status_code == 302
    assert (entries()[0].text, entries()[0].published) == ("Reformulé", True)
    post_form(organiser, f"{base(world)}/elements/{entry.id}/publier", {"published": "0"})
    assert not entries()[0].published


def test_an_entry_of_another_programme_answers_404(app, world, organiser):
    foreign = SynthesisEntry(programme=world.other_programme, kind=FindingKind.PISTE, text="Ailleurs")
    db.session.add(foreign)
    db.session.commit()
    assert organiser.get(f"{base(world)}/elements/{foreign.id}").status_code == 404
    assert post_form(organiser, f"{base(world)}/elements/{foreign.id}/supprimer").status_code == 404
    assert db.session.get(SynthesisEntry, foreign.id) is not None


def test_the_pdf_follows_the_published_entries_and_cites_only_readable_sources(app, world):
    validated, public = piste(world.validated), piste(world.public_validated)
    make_entry(
        world,
        "Préconisation commune",
        [validated, public],
        kind=FindingKind.PRECONISATION,
        published=True,
        theme="Accès aux droits",
    )
    second_finding = Finding(meeting=world.validated, kind=FindingKind.PISTE, text="Autre piste du même jour")
    make_entry(world, "Réservée au groupe 1", [validated, second_finding], published=True, position=1)
    make_entry(world, "Tirée d’un brouillon", [piste(world.draft)], published=True, position=2)
    make_entry(world, "Pas encore publiée", [public], published=False, position=3)
    make_entry(world, "Écrite par l’organisation", [], kind=FindingKind.CONSTAT, published=True)

    organiser_text = pdf_text(signed_in(app, "organiser"), world)
    assert (
        organiser_text.index("Constats")
        < organiser_text.index("Pistes de travail")
        < organiser_text.index("Préconisations")
    )
    assert (
        "Accès aux droits • Préconisation commune (groupe 1, 1ère réunion, 3 mars 2014 ; groupe 2, 1ère réunion, 4 mars 2014)"
        in organiser_text
    )
    assert "Réservée au groupe 1 (groupe 1, 1ère réunion, 3 mars 2014) •" in organiser_text
    assert "Tirée d’un brouillon" in organiser_text
    assert "Pas encore publiée" not in organiser_text
    # The groups' findings as recorded are no longer listed once a synthesis is published.
    assert "Piste public validé" not in organiser_text

    public_text = pdf_text(app.test_client(), world)
    assert "Préconisation commune (groupe 2, 1ère réunion, 4 mars 2014)" in public_text
    assert "groupe 1" not in public_text
    assert "Réservée au groupe 1" not in public_text and "Tirée d’un brouillon" not in public_text
    assert "Écrite par l’organisation" in public_text

    member_text = pdf_text(signed_in(app, "member"), world)
    assert "Réservée au groupe 1" in member_text and "Tirée d’un brouillon" not in member_text


def test_the_pdf_says_so_when_nothing_a_reader_may_read_is_published(app, world):
    make_entry(world, "Réservée", [piste(world.validated)], published=True)
    text = pdf_text(app.test_client(), world)
    assert "Aucun élément de la synthèse n’est publié." in text and "Piste public validé" not in text


def test_export_pdf_writes_the_published_synthesis(runner, world, tmp_path):
    make_entry(world, "Tirée d’un brouillon", [piste(world.draft)], published=True)
    out = tmp_path / "synthese.pdf"
    result = runner.invoke(args=["export-pdf", "--programme", str(world.programme.id), "--synthesis", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, check=True).stdout.decode()
    assert "Tirée d’un brouillon" in " ".join(text.split())


def test_the_programme_page_links_the_workspace_for_organisers_only(app, world, organiser):
    assert f'href="{base(world)}"' in read_page(organiser, f"/programmes/{world.programme.id}")
    assert f'href="{base(world)}"' not in read_page(signed_in(app, "facilitator"), f"/programmes/{world.programme.id}")
    assert csrf_token(organiser, base(world))
