"""The group dossier and the programme annex: order, privacy, table of contents, bookmarks, page numbers."""

import html
import io
import re
import subprocess

from pypdf import PdfReader
from world import sign_in

from groupes.extensions import db


def get(app, role, url):
    client = app.test_client()
    sign_in(client, role)
    return client.get(url)


def text_of(pdf: bytes) -> str:
    return " ".join(
        subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode().split()
    )


def test_the_annex_compiles_the_groups_one_may_see_with_validated_minutes_only(app, world):
    response = get(app, "organiser", f"/programmes/{world.programme.id}/annexe.pdf")
    assert response.status_code == 200
    pdf = response.data
    text = text_of(pdf)
    assert "Liste des comptes-rendus des groupes de travail" in text and "Sommaire" in text
    # Groups in number order, each meeting with validated minutes in date order; drafts and reviews left out.
    assert text.index("Groupe de travail 1") < text.index("Groupe de travail 2")
    assert "Texte du compte-rendu validé." in text and "Texte du compte-rendu public validé." in text
    assert "en relecture" not in text and "brouillon" not in text
    reader = PdfReader(io.BytesIO(pdf))
    pages = len(reader.pages)
    assert f"page {pages} / {pages}" in text
    # One bookmark per group, and under it one per meeting.
    outline = reader.outline
    titles = [item.title for item in outline if not isinstance(item, list)]
    assert titles == ["Groupe de travail 1", "Groupe de travail 2"]
    assert [m.title for m in outline[1]] == [
        "1ère\u00a0réunion\u00a0: lundi\u00a03\u00a0mars\u00a02014"
    ]  # kept on one line
    # The table of contents gives the page where each group starts.
    first_group_page = reader.get_destination_page_number(outline[0]) + 1
    assert re.search(rf"Groupe de travail 1 : Groupe réservé\W+{first_group_page}\b", text)


def test_the_public_annex_leaves_out_members_only_groups(app, world):
    text = text_of(get(app, "anonymous", f"/programmes/{world.programme.id}/annexe.pdf").data)
    assert "Groupe réservé" not in text and "Groupe public" in text


def test_the_annex_of_a_programme_one_may_not_see_is_not_found(app, world):
    assert get(app, "outsider", f"/programmes/{world.other_programme.id}/annexe.pdf").status_code == 404
    assert get(app, "outsider", "/programmes/999999/annexe.pdf").status_code == 404


def test_a_group_dossier(app, world):
    text = text_of(get(app, "observer", f"/groupes/{world.private.id}/dossier.pdf").data)
    assert "Groupe de travail 1" in text and "Texte du compte-rendu validé." in text and "brouillon" not in text
    assert get(app, "outsider", f"/groupes/{world.private.id}/dossier.pdf").status_code == 404


def test_a_programme_without_validated_minutes_says_so(app, world):
    from groupes.extensions import db
    from groupes.groups.models import WorkingGroup
    from groupes.programmes.models import Programme

    empty = Programme(title="Démarche naissante")
    db.session.add(WorkingGroup(programme=empty, number=1, title="Premier groupe", visibility="public"))
    db.session.commit()
    text = text_of(get(app, "anonymous", f"/programmes/{empty.id}/annexe.pdf").data)
    assert "Aucun compte-rendu validé pour ce groupe." in text


def test_the_convocation_lists_the_agenda_with_its_schedule(app, world):
    text = text_of(get(app, "member", f"/reunions/{world.draft.id}/convocation.pdf").data)
    assert "Convocation" in text and "lundi 17 mars 2014" in text and "Ordre du jour de brouillon" in text
    assert "14 h Ordre du jour de brouillon 45 min" in text.replace("\u00a0", " ")
    assert "Personnes invitées" in text and "Member Test (CAF du Cher)" in text
    public = text_of(get(app, "anonymous", f"/reunions/{world.public_draft.id}/convocation.pdf").data)
    assert "Convocation" in public and "Personnes invitées" not in public  # names stay with the members


def test_the_convocation_shows_times_only_where_they_are_known(app, world):
    from groupes.meetings.models import AgendaItem
    from groupes.meetings.schedule import agenda_schedule

    meeting = world.draft  # 14 h: « Ordre du jour de brouillon », 45 min; « Divers », 5 min
    meeting.agenda_items.append(AgendaItem(title="Point sans durée", position=10))
    meeting.agenda_items.append(AgendaItem(title="Point suivant", duration_min=30, position=11))
    meeting.agenda_items.append(AgendaItem(title="Point final", position=12))
    db.session.commit()
    assert [entry.timed for entry in agenda_schedule(meeting)] == [True, True, True, False, False]
    text = text_of(get(app, "member", f"/reunions/{meeting.id}/convocation.pdf").data).replace("\u00a0", " ")
    assert "14 h Ordre du jour de brouillon 45 min 14 h 45 Divers 5 min 14 h 50 Point sans durée" in text
    assert "Point sans durée Point suivant 30 min Point final" in text  # after a point of unknown length
    for item in meeting.agenda_items:
        item.duration_min = None
    db.session.commit()
    text = text_of(get(app, "member", f"/reunions/{meeting.id}/convocation.pdf").data).replace("\u00a0", " ")
    assert "Heure Point 14 h Ordre du jour de brouillon Divers Point sans durée Point suivant Point final" in text
    assert "Durée" not in text and text.count("14 h") == 2  # the timetable above, and the first point


def test_the_sign_in_sheet_has_a_row_per_invited_person_and_blank_rows(app, world):
    response = get(app, "secretary", f"/reunions/{world.draft.id}/emargement.pdf")
    text = text_of(response.data)
    assert "Feuille d’émargement" in text and "Member Test CAF du Cher" in text and "lundi 17 mars 2014" in text
    assert get(app, "member", f"/reunions/{world.draft.id}/emargement.pdf").status_code == 404


def test_convocation_and_sign_in_sheet_list_people_by_surname(app, world):
    from groupes.groups.models import Person, sort_name
    from groupes.meetings.models import Attendance

    names = ["Aurélie Zeller", "Zoé Abadie", "Jean DE LA FONTAINE", "Bruno Élan", "Anne Martin"]
    world.draft.attendances = [Attendance(person=Person(name=name)) for name in names]
    db.session.commit()
    expected = ["Zoé Abadie", "Jean DE LA FONTAINE", "Bruno Élan", "Anne Martin", "Aurélie Zeller"]
    assert sorted(names, key=sort_name) == expected
    for role, url in [("member", "convocation.pdf"), ("secretary", "emargement.pdf")]:
        text = text_of(get(app, role, f"/reunions/{world.draft.id}/{url}").data)
        assert [text.index(name) for name in expected] == sorted(text.index(name) for name in expected), url


def test_the_synthesis_gathers_findings_by_kind_then_decisions_and_open_actions(app, world):
    text = text_of(get(app, "organiser", f"/programmes/{world.programme.id}/synthese.pdf").data)
    assert "Synthèse des travaux des groupes" in text and "Pistes de travail" in text
    assert "Piste validé (groupe 1, 1ère réunion, 3 mars 2014)" in text
    assert "Piste brouillon" not in text and "Piste en relecture" not in text
    assert text.index("Pistes de travail") < text.index("Relevé des décisions") < text.index("Actions en cours")
    assert "Action validé (groupe 1) Member Test 1er mai 2014" in text
    public = text_of(get(app, "anonymous", f"/programmes/{world.programme.id}/synthese.pdf").data)
    assert "Piste validé" not in public and "Piste public validé" in public


def test_export_pdf_writes_the_synthesis(runner, world, tmp_path):
    out = tmp_path / "synthese.pdf"
    result = runner.invoke(args=["export-pdf", "--programme", str(world.programme.id), "--synthesis", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Synthèse des travaux des groupes" in text_of(out.read_bytes())
    wrong = runner.invoke(args=["export-pdf", "--meeting", "1", "--synthesis", "-o", str(out)])
    assert wrong.exit_code == 1 and "La synthèse se demande avec --programme." in wrong.output


def test_long_agendas_tables_words_and_urls_lay_out_without_loss(app, world):
    from groupes.extensions import db
    from groupes.meetings.models import AgendaItem
    from groupes.minutes.models import MinutesSection

    meeting = world.validated
    for n in range(200):
        meeting.agenda_items.append(AgendaItem(title=f"Point numéro {n + 1:03d}", duration_min=1, position=10 + n))
    table = "| structure | mission |\n|---|---|\n" + "\n".join(f"| Structure {n} | Mission {n} |" for n in range(120))
    url = "https://www.exemple.gouv.fr/" + "chemin/" * 40 + "fin"
    body = f"{'x' * 400} {url}\n\n<table><tr><td>html collé</td></tr></table>\n\n{table}\n\nDERNIÈRE LIGNE"
    db.session.add(MinutesSection(minutes=meeting.minutes, heading="Annexe technique", body=body, position=5))
    db.session.commit()
    text = text_of(get(app, "member", f"/reunions/{meeting.id}/compte-rendu.pdf").data)
    assert "Point numéro 001" in text and "Point numéro 200" in text
    assert "Structure 0 Mission 0" in text and "Structure 119 Mission 119" in text
    assert "DERNIÈRE LIGNE" in text and "<table><tr><td>html collé</td></tr></table>" in text
    joined = text.replace(" ", "")  # long words and addresses wrap: nothing is cut
    assert url in joined and "x" * 400 in joined


def test_compiled_documents_are_kept_for_each_audience_and_made_again_when_they_change(app, world, monkeypatch):
    from groupes.exports import pdf

    renders = []
    original = pdf.HTML
    monkeypatch.setattr(pdf, "HTML", lambda *a, **k: renders.append(1) or original(*a, **k))
    annex = f"/programmes/{world.programme.id}/annexe.pdf"
    synthesis = f"/programmes/{world.programme.id}/synthese.pdf"
    organisers = get(app, "organiser", annex).data
    assert "Texte du compte-rendu validé." in text_of(organisers) and len(renders) == 1
    # The reader of the public group only gets their own document, not the organiser's kept one.
    outsiders = get(app, "outsider", annex).data
    assert "Texte du compte-rendu validé." not in text_of(outsiders) and len(renders) == 2
    assert get(app, "organiser", annex).data == organisers and len(renders) == 2
    get(app, "organiser", synthesis)
    get(app, "organiser", synthesis)
    assert len(renders) == 3
    # A decision of validated minutes (the group's stamp) and a person's name (the site's) make them again.
    world.validated.decisions[0].text = "Décision corrigée après réouverture"
    db.session.commit()
    assert "Décision corrigée après réouverture" in text_of(get(app, "organiser", synthesis).data)
    assert len(renders) == 4
    world.programme.title = "Assises renommées"
    db.session.commit()
    assert "Assises renommées" in text_of(get(app, "organiser", annex).data) and len(renders) == 5


def layout_lines(pdf: bytes) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return [line.strip() for line in out.decode().splitlines() if line.strip()]


def test_no_line_is_broken_after_its_first_word_when_the_rest_fits(app, world):
    """Issue 21, item 1: text that nearly fills a line, followed by white space at the end of its
    list item or cell, by a nested list or by an inline element, broke after its first word in
    WeasyPrint (« Méthodologie / du groupe… »). Titles of every length around a line's width."""
    from groupes.meetings.models import AgendaItem

    filler = "du groupe : des lieux d’échanges entre les professionnels et les personnes accompagnées au quotidien"
    for meeting in (world.draft, world.validated):
        meeting.agenda_items = []
        for n in range(48):
            title = f"Méthodologie {filler[: 16 + 2 * n].rstrip()}"
            point = AgendaItem(title=title, presenter="Jean Dupont" if n % 2 else "", position=n)
            if n % 3 == 0:
                point.children = [AgendaItem(title="Sous-point", position=100 + n, meeting=meeting)]
            meeting.agenda_items.append(point)
    db.session.commit()
    for role, url in [
        ("member", f"/reunions/{world.draft.id}/convocation.pdf"),
        ("member", f"/reunions/{world.validated.id}/compte-rendu.pdf"),
    ]:
        lines = layout_lines(get(app, role, url).data)
        assert sum("Méthodologie" in line for line in lines) >= 48, url
        alone = [line for line in lines if line.split()[-1] == "Méthodologie"]
        assert not alone, (url, alone)


def a_png(width=120, height=60) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (0, 70, 140)).save(out, "PNG")
    return out.getvalue()


def page_text(pdf: bytes, page: int) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-f", str(page), "-l", str(page), "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def test_the_cover_carries_the_label_date_and_logo_the_organisers_chose(app, world):
    """Issue 21, item 6: « Annexe 2 », the document date (also the PDF's creation date), the
    logo; no page number on the cover; the title kept whole (« Île-de-France », no lone last word)."""
    from datetime import date

    programme = world.programme
    programme.title = (
        "États généraux du travail social : les assises territoriales en région d’Île-de-France – groupes de travail"
    )
    programme.document_label, programme.document_date, programme.logo, programme.logo_type = (
        "Annexe 2",
        date(2014, 11, 20),
        a_png(),
        "image/png",
    )
    db.session.commit()
    pdf = get(app, "organiser", f"/programmes/{programme.id}/annexe.pdf").data
    cover = page_text(pdf, 1)
    lines = [" ".join(line.split()) for line in cover.splitlines() if line.strip()]
    assert "Annexe 2" in lines
    assert "Document établi le jeudi 20 novembre 2014" in " ".join(cover.split())
    assert "page" not in cover and "page 2 /" in page_text(pdf, 2)
    assert any("Île-de-France" in line for line in lines)  # never « Île-de- / France »
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    headers = [page_text(pdf, n).splitlines()[0] for n in range(3, pages + 1)]  # the running headers
    assert headers and all("Île-de-France" in line for line in headers), headers
    title_lines = [line for line in lines if "travail" in line or "États" in line]
    assert all(len(line.split()) > 1 for line in title_lines), title_lines  # no word alone
    images = subprocess.run(["pdfimages", "-list", "-"], input=pdf, capture_output=True, check=True).stdout
    rows = [row.split() for row in images.decode().splitlines()[2:]]
    assert ["1", "120", "60"] == [rows[0][0], rows[0][3], rows[0][4]]  # the logo, on the cover
    info = subprocess.run(["pdfinfo", "-isodates", "-"], input=pdf, capture_output=True, check=True).stdout
    assert "CreationDate:    2014-11-20" in info.decode()
    assert "Title:           Annexe 2 – États généraux" in info.decode()


def test_organisers_set_the_documents_label_date_and_logo_checked_by_content(app, world):
    from world import csrf_token

    from groupes.programmes.models import Programme

    client = app.test_client()
    sign_in(client, "organiser")
    url = f"/programmes/{world.programme.id}/modifier"
    fields = {"title": world.programme.title, "document_label": "Annexe 2", "document_date": "2014-11-20"}

    def post(**files):
        return client.post(
            url, data={**fields, **files, "csrf_token": csrf_token(client, url)}, content_type="multipart/form-data"
        )

    assert 'enctype="multipart/form-data"' in client.get(url).get_data(as_text=True)
    refused = post(logo=(io.BytesIO(b"<svg onload='x'/>"), "logo.png"))  # a lying extension
    assert refused.status_code == 200 and "n’est pas une image PNG" in html.unescape(refused.get_data(as_text=True))
    gif = post(logo=(io.BytesIO(b"GIF89a" + b"\0" * 20), "logo.gif"))  # an image, of another type
    assert "« logo.gif » n’est pas une image PNG ou JPEG." in html.unescape(gif.get_data(as_text=True))
    big = post(logo=(io.BytesIO(a_png() + b"\0" * (1024 * 1024)), "logo.png"))
    assert "la limite est de" in html.unescape(big.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(Programme, world.programme.id).document_label == ""  # nothing changed
    assert post(logo=(io.BytesIO(a_png()), "logo.png")).status_code == 302
    db.session.expire_all()
    programme = db.session.get(Programme, world.programme.id)
    assert (programme.document_label, str(programme.document_date)) == ("Annexe 2", "2014-11-20")
    assert programme.logo == a_png() and programme.logo_type == "image/png"
    assert post(remove_logo="y").status_code == 302
    db.session.expire_all()
    assert db.session.get(Programme, world.programme.id).logo is None


def test_the_sign_in_sheet_and_the_convocation_read_as_the_documents_they_are(app, world):
    """Issue 21, item 16: the sheet carries the programme's header lines and the columns of an
    attendance proof; the convocation is a letter signed by the group's facilitation."""
    from datetime import UTC, datetime

    meeting = world.draft
    meeting.place = "Salle du conseil, Direction générale de la cohésion sociale, 14 avenue Duquesne, 75007 Paris"
    meeting.group.facilitation = "Animé par l’URIOPSS"
    member = next(a for a in meeting.attendances if a.person.name == "Member Test")
    member.person.function = "Conseillère technique"
    member.arrived_at = datetime(2014, 3, 17, 13, 20, tzinfo=UTC)
    db.session.commit()
    sheet = text_of(get(app, "secretary", f"/reunions/{meeting.id}/emargement.pdf").data).replace("\u00a0", " ")
    assert sheet.startswith("Ministère Direction Assises de test Feuille d’émargement")
    assert "Nom Structure Fonction Arrivée Départ" in sheet and "Signature" in sheet
    assert "Member Test CAF du Cher Conseillère technique 14 h 20" in sheet  # the arrival noted
    assert "Lieu : Salle du conseil, Direction générale de la cohésion sociale, 14 avenue Duquesne" in sheet
    letter = text_of(get(app, "member", f"/reunions/{meeting.id}/convocation.pdf").data).replace("\u00a0", " ")
    assert letter.startswith("Ministère Direction Assises de test Convocation Aux membres du groupe de travail 1")
    assert "Objet : 3ème réunion du groupe de travail 1, le lundi 17 mars 2014" in letter
    assert "Madame, Monsieur, Nous vous prions de bien vouloir participer à la 3ème réunion" in letter
    assert "de 14 h à 17 h, au lieu suivant : Salle du conseil, Direction générale" in letter
    assert letter.index("Objet :") < letter.index("Ordre du jour") < letter.index("salutations distinguées")
    assert letter.endswith("Pour le groupe de travail 1, Animé par l’URIOPSS page 1 / 1")


def test_every_document_honours_the_archive_option_as_tagged_pdf_a_3a(app, world):
    """Issue 21, item 12: ``?archive=1`` everywhere the README promises PDF/A, convocation and
    sign-in sheet included: PDF/A-3 level A (accessible, so tagged) and tagged indeed; without
    it, PDF/UA-1."""
    documents = [
        ("member", f"/reunions/{world.validated.id}/compte-rendu.pdf"),
        ("member", f"/reunions/{world.draft.id}/convocation.pdf"),
        ("secretary", f"/reunions/{world.draft.id}/emargement.pdf"),
        ("member", f"/groupes/{world.validated.group.id}/dossier.pdf"),
        ("organiser", f"/programmes/{world.programme.id}/annexe.pdf"),
        ("organiser", f"/programmes/{world.programme.id}/synthese.pdf"),
    ]
    for role, url in documents:
        for query, identified in [("?archive=1", ['pdfaid:part="3"', 'pdfaid:conformance="A"']), ("", ["pdfuaid"])]:
            pdf = get(app, role, url + query).data
            meta = subprocess.run(["pdfinfo", "-meta", "-"], input=pdf, capture_output=True, check=True).stdout
            info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout
            assert all(mark in meta.decode() for mark in identified), (url, query)
            assert "Tagged:          yes" in info.decode(), (url, query)


def test_a_milestone_known_by_its_month_and_the_calendar_on_request_in_the_annex(app, world, runner, tmp_path):
    """Issue 21, item 14: « États généraux : novembre 2014 » printed as the month; the calendar
    in the annex (each group's first meeting, as in 2014) and the compte-rendu, on request from
    the web (links) and the command line (--calendrier)."""
    from world import post_form, read_page

    from groupes.programmes.models import Milestone

    client = app.test_client()
    sign_in(client, "organiser")
    response = post_form(
        client,
        f"/programmes/{world.programme.id}/jalons/nouveau",
        {"title": "États généraux", "date": "2014-11-20", "by_month": "y"},
    )
    assert response.status_code == 302
    milestone = db.session.scalar(db.select(Milestone).filter_by(title="États généraux"))
    assert milestone.by_month and str(milestone.date) == "2014-11-01"
    page = " ".join(read_page(client, f"/programmes/{world.programme.id}").split())
    assert "États généraux : novembre 2014" in page and "annexe.pdf?calendrier=1" in page
    minutes_page = read_page(client, f"/reunions/{world.validated.id}/compte-rendu")
    assert "compte-rendu.pdf?calendrier=1" in minutes_page

    calendar = (
        "Éléments de calendrier Comité de pilotage : mardi 29 avril 2014 – Orléans États généraux : novembre 2014"
    )
    annex = f"/programmes/{world.programme.id}/annexe.pdf"
    assert "Éléments de calendrier" not in text_of(get(app, "organiser", annex).data)
    with_calendar = text_of(get(app, "organiser", annex + "?calendrier=1").data).replace("\u00a0", " ")
    assert with_calendar.count(calendar) == 2  # the two groups with validated minutes, once each
    minutes = text_of(get(app, "member", f"/reunions/{world.validated.id}/compte-rendu.pdf?calendrier=1").data)
    assert calendar in minutes.replace("\u00a0", " ")
    out = tmp_path / "annexe.pdf"
    result = runner.invoke(args=["export-pdf", "--programme", str(world.programme.id), "-o", str(out), "--calendrier"])
    assert result.exit_code == 0, result.output
    assert text_of(out.read_bytes()).replace("\u00a0", " ").count(calendar) == 2


def test_the_2014_annex_of_the_two_groups_reads_as_published(app, world, runner, tmp_path):
    """The real annex's two groups (tests/annex_2014.py), with its calendar: cover, contents,
    every group's header and meetings in the published order."""
    from annex_2014 import build_annex_2014

    programme = build_annex_2014()
    db.session.add(programme)
    db.session.commit()
    out = tmp_path / "annexe-2014.pdf"
    args = ["export-pdf", "--programme", str(programme.id), "-o", str(out), "--calendrier"]
    assert runner.invoke(args=args).exit_code == 0
    text = text_of(out.read_bytes()).replace("\u00a0", " ").replace("\u202f", " ")
    expected = [
        "Annexe 2",
        "Document établi le mardi 20 mai 2014",
        "Sommaire",
        "Groupe de travail 1 – Région Centre",
        "1ère réunion : jeudi 27 mars 2014",
        "Éléments de calendrier Comité de pilotage : mardi 29 avril 2014 – Orléans",
        "États généraux : novembre 2014",
        "L’évolution du champ",
        "Relevé de décisions",
        "3ème réunion : mercredi 7 mai 2014",
        "Groupe de travail 2 – Région Centre",
        "Animé par l’URIOPSS",
        "1ère réunion : lundi 24 mars 2014 « Poser la thématique »",
        "2ème réunion : jeudi 17 avril 2014 « Identifier des préconisations »",
        "Constats",
        "Faiblesses identifiées",
        "Besoins repérés",
        "Menaces",
        "Préconisations",
        "Pratiques inspirantes",
    ]
    assert "n'a pas de texte" not in text  # the meeting of findings only says nothing of missing text
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, check=True).stdout.decode()
    assert "DejaVu" not in fonts  # sub-points, no-break spaces and hyphens in the documents' own font
    positions = [
        text.find(phrase, text.find("Groupe de travail 2") if i >= 11 else 0) for i, phrase in enumerate(expected)
    ]
    assert all(p >= 0 for p in positions), [e for e, p in zip(expected, positions, strict=True) if p < 0]
