"""The compte-rendu as PDF, read back with pypdf and pdftotext."""

import io
import re
import subprocess
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from pypdf import PdfReader
from world import sign_in

from groupes.exports.pdf import StaticFilesOnly
from groupes.extensions import db
from groupes.groups.models import Person
from groupes.meetings.models import AttendanceStatus, Meeting
from groupes.minutes.models import MinutesSection
from groupes.outcomes.models import Finding, FindingKind


def text_of(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def info_of(pdf: bytes) -> str:
    return subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def fetch(app, role, url):
    client = app.test_client()
    sign_in(client, role)
    return client.get(url)


def test_the_compte_rendu_reads_like_the_annex(app, world):
    response = fetch(app, "member", f"/reunions/{world.validated.id}/compte-rendu.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert 'filename="compte-rendu-groupe-1-2014-03-03.pdf"' in response.headers["Content-Disposition"]
    pdf = response.data
    # In the order of the content (-raw): the visually hidden <h1> is still drawn as clipped
    # text, and -layout mixes its words with the lines beside it (issue 21, item 2).
    raw = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    text = " ".join(raw.decode().split())
    for expected in [
        "Ministère Direction",
        "Assises de test",
        "Groupe de travail 1",
        "« Groupe réservé »",
        "1ère réunion : lundi 3 mars 2014",
        "Ordre du jour",
        "Présents : Member Test (CAF du Cher)",
        "Notes du point validé.",
        "Texte du compte-rendu validé.",
        "Pistes de travail",
        "Relevé de décisions",
        "Décision validé",
        "Action validé Member Test 1er mai 2014",
        "page 1 / 1",
    ]:
        assert expected in text, expected
    assert "version non validée" not in text
    info = info_of(pdf)
    assert (
        "Tagged:          yes" in info and "Title:           Compte-rendu du groupe 1 – réunion du 3 mars 2014" in info
    )
    reader = PdfReader(io.BytesIO(pdf))
    group, meetings = reader.outline  # one bookmark for the group, the meeting under it
    assert group.title == "Groupe de travail 1"
    assert [m.title for m in meetings] == [
        "1ère\u00a0réunion\u00a0: lundi\u00a03\u00a0mars\u00a02014"
    ]  # French spacing


def test_a_draft_is_marked_and_only_its_editors_get_it(app, world):
    url = f"/reunions/{world.draft.id}/compte-rendu.pdf"
    assert fetch(app, "member", url).status_code == 404
    assert fetch(app, "outsider", url).status_code == 404
    assert fetch(app, "anonymous", url).status_code == 302
    text = text_of(fetch(app, "secretary", url).data)
    assert "Compte-rendu brouillon — version non validée" in text


def test_the_public_reads_validated_minutes_of_public_groups(app, world):
    assert fetch(app, "anonymous", f"/reunions/{world.public_validated.id}/compte-rendu.pdf").status_code == 200
    assert fetch(app, "anonymous", f"/reunions/{world.public_draft.id}/compte-rendu.pdf").status_code == 302


def test_milestones_on_request_and_the_archive_variant(app, world):
    plain = text_of(fetch(app, "member", f"/reunions/{world.validated.id}/compte-rendu.pdf").data)
    assert "Éléments de calendrier" not in plain
    with_calendar = text_of(fetch(app, "member", f"/reunions/{world.validated.id}/compte-rendu.pdf?calendrier=1").data)
    assert "Comité de pilotage : mardi 29 avril 2014 – Orléans" in " ".join(with_calendar.split())
    archive = fetch(app, "member", f"/reunions/{world.validated.id}/compte-rendu.pdf?archive=1").data
    metadata = subprocess.run(["pdfinfo", "-meta", "-"], input=archive, capture_output=True, check=True).stdout.decode()
    assert 'pdfaid:part="3"' in metadata and 'pdfaid:conformance="A"' in metadata  # level A: tagged (item 12)


def test_hostile_or_long_text_stays_inert_and_complete(app, world):
    section = db.session.scalar(
        sa.select(MinutesSection).where(
            MinutesSection.minutes_id == world.validated.minutes.id, MinutesSection.agenda_item_id.is_(None)
        )
    )
    long_word = "anticonstitutionnellement" * 12
    section.body = (
        f"<script>alert(1)</script> [lien](javascript:alert(1)) ![x](https://traceur.example/p.png) {long_word} FIN"
    )
    db.session.commit()
    pdf = fetch(app, "member", f"/reunions/{world.validated.id}/compte-rendu.pdf").data
    assert b"/JavaScript" not in pdf and b"javascript:" not in pdf
    text = "".join(re.sub(r"-\n\s*", "", text_of(pdf)).split())  # words cut at the end of a line (item 9)
    assert "<script>alert(1)</script>" in text and long_word in text and "FIN" in text


def test_the_pdf_engine_reads_static_files_and_nothing_else(app):
    from pathlib import Path

    static = Path(app.static_folder)
    fetcher = StaticFilesOnly(static)
    assert fetcher.fetch((static / "css" / "print.css").resolve().as_uri()).read().startswith(b"/*")
    for refused in [
        "file:///etc/passwd",
        "https://example.org/image.png",
        (static / ".." / "setup.cfg").resolve().as_uri(),
    ]:
        with pytest.raises(ValueError, match="ressource refusée"):
            fetcher.fetch(refused)


def test_export_pdf_command(runner, world, tmp_path):
    out = tmp_path / "cr.pdf"
    result = runner.invoke(args=["export-pdf", "--meeting", str(world.validated.id), "-o", str(out), "--archive"])
    assert result.exit_code == 0, result.output
    assert "1ère réunion : lundi 3 mars 2014" in " ".join(text_of(out.read_bytes()).split())
    missing = runner.invoke(args=["export-pdf", "--meeting", "999999", "-o", str(out)])
    assert missing.exit_code == 1 and "Aucune réunion n'a l'identifiant 999999." in missing.output
    both = runner.invoke(args=["export-pdf", "--meeting", "1", "--group", "1", "-o", str(out)])
    assert both.exit_code == 1 and "Indiquez une seule des options" in both.output
    annex = tmp_path / "annexe.pdf"
    result = runner.invoke(args=["export-pdf", "--programme", str(world.programme.id), "-o", str(annex)])
    assert result.exit_code == 0, result.output
    text = " ".join(text_of(annex.read_bytes()).split())
    assert "Groupe réservé" in text and "Groupe public" in text  # the operator sees every group
    dossier = tmp_path / "dossier.pdf"
    assert runner.invoke(args=["export-pdf", "--group", str(world.public.id), "-o", str(dossier)]).exit_code == 0
    assert "Groupe public" in " ".join(text_of(dossier.read_bytes()).split())


def test_an_unchanged_document_is_served_again_without_rendering(app, world, monkeypatch):
    from groupes.exports import pdf, printing

    url = f"/reunions/{world.validated.id}/compte-rendu.pdf"
    first = fetch(app, "member", url).data
    renders = []
    original = pdf.HTML

    def counting_html(*args, **kwargs):
        renders.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(pdf, "HTML", counting_html)
    # Its HTML is not even made: the key is known from the content stamps before rendering.
    templates = []
    original_template = printing.render_template
    monkeypatch.setattr(
        printing, "render_template", lambda *a, **k: templates.append(a[0]) or original_template(*a, **k)
    )
    assert fetch(app, "member", url).data == first and renders == [] and templates == []
    section = db.session.scalar(
        sa.select(MinutesSection).where(
            MinutesSection.minutes_id == world.validated.minutes.id, MinutesSection.agenda_item_id.is_(None)
        )
    )
    section.body = "Texte corrigé après réouverture."
    db.session.commit()
    changed = fetch(app, "member", url).data
    assert renders == [1] and templates == ["documents/compte_rendu.html"]
    assert "Texte corrigé après réouverture." in text_of(changed)


def test_the_compte_rendu_as_a_page_is_the_html_of_its_pdf(app, world):
    response = fetch(app, "member", f"/reunions/{world.validated.id}/compte-rendu")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and '<html lang="fr">' in html and html.count("<h1") == 1
    assert "1ère\u00a0réunion\u00a0: lundi\u00a03\u00a0mars\u00a02014" in html and "Relevé de décisions" in html
    assert 'href="/static/css/print.css" media="print"' in html
    assert f'href="/reunions/{world.validated.id}/compte-rendu.pdf"' in html


def test_french_spacing_in_documents():
    from groupes.exports.pdf import french_spacing

    html = '<p title="a : b">Constat : « parcours » ; pourquoi ? Voir https://x.example/?a=1 !</p>'
    assert french_spacing(html) == (
        '<p title="a : b">Constat\u00a0: «\u00a0parcours\u00a0»\u202f; pourquoi\u202f? Voir https://x.example/?a=1\u202f!</p>'
    )


def plain_text_of(pdf: bytes) -> str:
    """The text as a search engine reads it: in reading order, no layout."""
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def test_the_title_is_a_visible_heading_read_in_order(app, world):
    """No visually hidden h1 (a PDF draws it as clipped text, read word by word among the lines):
    the group's line is the one h1, the text extracts in reading order."""
    response = fetch(app, "member", f"/reunions/{world.validated.id}/compte-rendu.pdf")
    header = ["Ministère", "Direction", "Assises de test", "Groupe de travail 1", "« Groupe réservé »"]
    lines = [line.strip() for line in plain_text_of(response.data).splitlines() if line.strip()]
    assert lines[:5] == header, lines[:8]
    html = fetch(app, "member", f"/reunions/{world.validated.id}/compte-rendu").get_data(as_text=True)
    assert html.count("<h1") == 1 and '<h1 class="group-line">Groupe de travail 1' in html
    assert "visually-hidden" not in html.split("<body", 1)[1]
    dossier = fetch(app, "member", f"/groupes/{world.validated.group.id}/dossier.pdf")
    lines = [line.strip() for line in plain_text_of(dossier.data).splitlines() if line.strip()]
    assert lines[:5] == header, lines[:8]
    assert PdfReader(io.BytesIO(dossier.data)).outline[0].title == "Groupe de travail 1"


def test_findings_keep_the_order_they_were_written_in(app, world):
    """As the annex and the data have them: Faiblesses before Besoins, Pistes before Constats written
    after them; a kind's heading over each run of consecutive findings of that kind."""
    meeting = db.session.get(Meeting, world.validated.id)
    written = [
        (FindingKind.FAIBLESSE, "Une faiblesse."),
        (FindingKind.FAIBLESSE, "Une autre faiblesse."),
        (FindingKind.BESOIN, "Un besoin."),
        (FindingKind.PISTE, "Une piste."),
        (FindingKind.CONSTAT, "Un constat."),
    ]
    meeting.findings = [Finding(kind=k, text=t, position=i) for i, (k, t) in enumerate(written)]
    db.session.commit()
    text = " ".join(text_of(fetch(app, "member", f"/reunions/{world.validated.id}/compte-rendu.pdf").data).split())
    order = [
        "Faiblesses identifiées • Une faiblesse. • Une autre faiblesse.",
        "Besoins repérés • Un besoin.",
        "Pistes de travail • Une piste.",
        "Constats • Un constat.",
    ]
    positions = [text.find(heading) for heading in order]
    assert -1 not in positions and positions == sorted(positions), positions


def test_the_facilitation_is_printed_as_the_group_wrote_it_with_one_label(app, world):
    group = db.session.get(Meeting, world.validated.id).group
    url = f"/reunions/{world.validated.id}/compte-rendu.pdf"
    group.facilitation = "Animé par l'URIOPSS"
    db.session.commit()
    text = " ".join(text_of(fetch(app, "member", url).data).split())
    assert "Animé par l'URIOPSS" in text and "Animation" not in text
    group.facilitation = "ATEC – Pôle ressources Tours"
    db.session.commit()
    assert "Animation : ATEC – Pôle ressources Tours" in " ".join(text_of(fetch(app, "member", url).data).split())


def test_documents_need_no_inclusive_writing(app, world):
    """« représenté·e par » on the meeting page; a wording that needs no middle dot in documents."""
    attendance = db.session.get(Meeting, world.validated.id).attendances[0]
    attendance.status, attendance.represented_by = AttendanceStatus.REPRESENTED, "Marc Dubois"
    db.session.commit()
    pdf = fetch(app, "member", f"/reunions/{world.validated.id}/compte-rendu.pdf").data
    text = " ".join(text_of(pdf).split())
    assert "représentation assurée par Marc Dubois" in text and "·e" not in text
    page = fetch(app, "member", f"/reunions/{world.validated.id}").get_data(as_text=True)
    assert "représenté·e par Marc Dubois" in page


def test_documents_print_no_empty_section(app, world):
    """No « Relevé de décisions / Aucune décision. » nor « Ordre du jour / Pas d'ordre du jour. » in a
    document, as in the real annex; the meeting page still says there is no decision."""
    meeting = db.session.get(Meeting, world.validated.id)
    meeting.decisions = []
    meeting.agenda_items = []
    db.session.commit()
    text = " ".join(text_of(fetch(app, "member", f"/reunions/{world.validated.id}/compte-rendu.pdf").data).split())
    assert "Texte du compte-rendu validé." in text
    for empty in ["Relevé de décisions", "Aucune décision", "Ordre du jour", "Pas d'ordre du jour"]:
        assert empty not in text, empty
    page = fetch(app, "member", f"/reunions/{world.validated.id}").get_data(as_text=True)
    assert "Aucune décision." in page


def test_dates_ordinals_and_times_are_never_split_across_lines(app):
    from groupes.exports.pdf import render_pdf

    # A column so narrow that every space would end a line, were it an ordinary one.
    html = (
        '<html lang="fr"><body style="margin:0"><style>@page { size: 62mm 200mm; margin: 5mm }</style>'
        '<p style="font-size: 9pt">La 1ère réunion a lieu le jeudi 27 mars 2014 à 14 h 30, '
        "la suivante en novembre 2014, le lundi 1er décembre 2014 à 9 h.</p></body></html>"
    )
    with app.test_request_context():
        lines = [" ".join(line.split()) for line in text_of(render_pdf(None, lambda: html)).splitlines()]
    text = "\n".join(lines)
    for kept in ["1ère réunion", "jeudi 27 mars 2014", "14 h 30", "novembre 2014", "lundi 1er décembre 2014", "9 h."]:
        assert any(kept in line for line in lines), (kept, text)


def test_metadata_titles_in_words_authors_and_creation_dates(app, world):
    from datetime import date

    from groupes.programmes.models import ProgrammeOrganiser

    world.validated.group.facilitation = "URIOPSS Centre"
    world.validated.minutes.validated_at = datetime(2014, 3, 20, 23, 30, tzinfo=UTC)  # 21 March in Paris
    world.draft.convened_at = datetime(2014, 3, 7, 9, 0, tzinfo=UTC)
    db.session.add(ProgrammeOrganiser(programme=world.programme, person=Person(name="Agnès Roy", organisation=None)))
    db.session.commit()

    def metadata(role, url):
        response = fetch(app, role, url)
        assert response.status_code == 200, url
        return PdfReader(io.BytesIO(response.data)).metadata

    number = world.draft.group.number
    for role, url, title, author, created in [
        (
            "member",
            f"/reunions/{world.validated.id}/compte-rendu.pdf",
            "Compte-rendu du groupe 1 – réunion du 3 mars 2014",
            "URIOPSS Centre",
            date(2014, 3, 21),
        ),
        (
            "member",
            f"/reunions/{world.draft.id}/convocation.pdf",
            f"Convocation – groupe {number} – réunion du 17 mars 2014",
            "URIOPSS Centre",  # the same group
            date(2014, 3, 7),
        ),
        (
            "secretary",
            f"/reunions/{world.draft.id}/emargement.pdf",
            f"Feuille d’émargement – groupe {number} – réunion du 17 mars 2014",
            "URIOPSS Centre",
            date(2014, 3, 17),
        ),
        (
            "organiser",
            f"/programmes/{world.programme.id}/annexe.pdf",
            "Assises de test – comptes-rendus des groupes de travail",
            "CAF du Cher, Seconde Organisatrice, Agnès Roy",  # the programme's organisers: their organisations, or their names
            date.today(),
        ),
        (
            "organiser",
            f"/programmes/{world.programme.id}/synthese.pdf",
            "Assises de test – synthèse",
            "CAF du Cher, Seconde Organisatrice, Agnès Roy",
            date.today(),
        ),
    ]:
        info = metadata(role, url)
        assert (info.title, info.author) == (title, author), url
        assert info.creation_date.date() == created, url


LONG_PARAGRAPH = " ".join(
    f"{'Ainsi, ' * n}les professionnels de l’intervention sociale accompagnent quotidiennement des personnes "
    "vulnérables dont les situations administratives, familiales et professionnelles demandent une coordination "
    "interinstitutionnelle renforcée entre départements, caisses d’allocations familiales et associations "
    "gestionnaires d’établissements."
    for n in range(6)
)


def test_body_text_is_justified_and_hyphenated_in_french(app, world):
    """Issue 21, item 9: a long paragraph breaks inside a word with a hyphen (Pyphen's French
    dictionary) and its lines, but the last, end at the same right edge."""
    import re

    world.validated.minutes.sections[0].body = LONG_PARAGRAPH
    db.session.commit()
    pdf = fetch(app, "member", f"/reunions/{world.validated.id}/compte-rendu.pdf").data
    lines = [line.strip() for line in text_of(pdf).splitlines()]
    words = set(LONG_PARAGRAPH.replace(",", " ").replace(".", " ").split())
    cut = [
        (line, after)
        for line, after in zip(lines, lines[1:], strict=False)
        if re.search(r"\w[-\u2010]$", line) and line.split()[-1][:-1] + after.split()[0].strip(",.") in words
    ]
    assert cut, "no word is hyphenated"
    bbox = subprocess.run(["pdftotext", "-bbox-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    blocks = re.findall(r"<block .*?</block>", bbox.stdout.decode(), re.S)
    paragraph = next(b for b in blocks if "intervention" in b)
    right_edges = [float(x) for x in re.findall(r'<line xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"', paragraph)]
    assert len(right_edges) >= 8
    assert max(right_edges[:-1]) - min(right_edges[:-1]) < 1.0  # justified


def test_documents_are_set_in_the_vendored_font_embedded(app, world):
    """Issue 21, item 17: Atkinson Hyperlegible Next (static/build/fonts), regular, bold and
    italic, embedded; no other font is needed for French text (no-break spaces, hyphens)."""
    world.validated.minutes.sections[0].body = (
        "Texte *en italique*, **en gras** et ***les deux*** : « l’œuvre » – 1ère ; pourquoi ? "
        + "anticonstitutionnellement " * 30  # hyphenated, with a hyphen of the font
    )
    db.session.commit()
    pdf = fetch(app, "member", f"/reunions/{world.validated.id}/compte-rendu.pdf").data
    rows = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    fonts = {line.split()[0].split("+", 1)[1]: line.split()[-5] for line in rows.splitlines()[2:]}
    assert fonts == {
        "Atkinson-Hyperlegible-Next": "yes",
        "Atkinson-Hyperlegible-Next-Bold": "yes",
        "Atkinson-Hyperlegible-Next-Italic": "yes",
        "Atkinson-Hyperlegible-Next-Bold-Italic": "yes",
    }


def test_french_spacing_leaves_code_alone():
    from groupes.exports.pdf import french_spacing

    html = "<p>Code : <code>a : b ; c ?</code> suite !</p><pre><code>x : y</code></pre><p>fin ?</p>"
    assert french_spacing(html) == (
        "<p>Code\u00a0: <code>a : b ; c ?</code> suite\u202f!</p><pre><code>x : y</code></pre><p>fin\u202f?</p>"
    )


def test_a_thread_decodes_the_documents_fonts_once_and_sets_every_document_in_them(app, world, monkeypatch):
    """The WOFF2 faces of print.css are decoded for a thread's first document only (a tenth of
    a second of CPU each time otherwise); the next documents are set in the same embedded fonts,
    and another thread has fonts of its own."""
    import threading

    from fontTools.ttLib import woff2

    from groupes.exports.pdf import document_fonts
    from groupes.exports.printing import meeting_pdf

    decoded = []
    decompress = woff2.decompress
    monkeypatch.setattr(woff2, "decompress", lambda *args: decoded.append(1) or decompress(*args))
    with app.test_request_context():
        meeting = db.session.get(Meeting, world.validated.id)
        first = meeting_pdf(meeting, None, archive=False, with_milestones=False)
        decoded.clear()
        second = meeting_pdf(meeting, None, archive=False, with_milestones=True)
    assert decoded == []
    fonts = [
        subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
        for pdf in (first, second)
    ]
    names = [sorted(line.split()[0].split("+", 1)[1] for line in rows.splitlines()[2:]) for rows in fonts]
    assert names[0] == names[1] and "Atkinson-Hyperlegible-Next" in names[1]
    elsewhere = []
    thread = threading.Thread(target=lambda: elsewhere.append(document_fonts()))
    thread.start()
    thread.join()
    assert document_fonts() is document_fonts() and elsewhere[0] is not document_fonts()
