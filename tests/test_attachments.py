"""A meeting’s documents: the checks of an upload, the files on disk, who downloads, where they are listed."""

import io
import os
import re
import threading
import time
import zipfile
from pathlib import Path

import pytest
import samples
import sqlalchemy as sa
from pypdf import PdfReader
from world import attach, build_world, csrf_token, post_form, read_page, sign_in, signed_in

from groupes.attachments import storage
from groupes.attachments.attaching import add_attachment
from groupes.attachments.checks import AttachmentRefused, check_file, clean_filename, detect
from groupes.attachments.models import Attachment
from groupes.extensions import db
from groupes.meetings.models import AgendaItem, Meeting
from groupes.minutes.models import MinutesStatus
from groupes.site.formatting import file_size

MB = 1024 * 1024


def upload(client, meeting, content, filename, agenda_item=""):
    url = f"/reunions/{meeting.id}/documents"
    return post_form(client, url, {"file": (io.BytesIO(content), filename), "agenda_item": str(agenda_item)})


def stored_files() -> set[str]:
    return {p.name for p in storage.stored_files()}


# What a file is, from its content


@pytest.mark.parametrize(
    "content, kind",
    [
        (samples.pdf(), "pdf"),
        (samples.png(), "png"),
        (samples.docx(), "docx"),
        (samples.xlsx(), "xlsx"),
        (samples.odt(), "odt"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "jpeg"),
        (b"GIF89a\x01\x00\x01\x00", "gif"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "webp"),
        (samples.EXE, None),
        (samples.HTML, None),
        (samples.SHELL, None),
        (b"PK\x03\x04 not really a zip", None),
    ],
)
def test_the_type_comes_from_the_content(content, kind):
    assert detect(content) == kind


@pytest.mark.parametrize(
    "name, cleaned",
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\Léa\\Ordre du jour.docx", "Ordre du jour.docx"),
        ("compte\x00rendu<script>.pdf", "compte_rendu_script_.pdf"),
        ("..pdf", "pdf"),
        ("Présentation de l’équipe – CAF.pdf", "Présentation de l’équipe – CAF.pdf"),
        ("e\u0301te\u0301.pdf", "\u00e9t\u00e9.pdf"),  # NFC
        ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
    ],
)
def test_file_names_are_cleaned(name, cleaned):
    assert clean_filename(name) == cleaned


def test_the_size_limit_is_said_in_french():
    with pytest.raises(AttachmentRefused) as refusal:
        check_file("gros.pdf", samples.pdf() + b"\x00" * (2 * MB), max_size=MB)
    assert str(refusal.value) == "Le fichier « gros.pdf » pèse 2\u00a0Mo : la limite est de 1\u00a0Mo par fichier."
    assert file_size(int(1.5 * MB)) == "1,5\u00a0Mo"
    assert file_size(850 * 1024) == "850\u00a0ko"
    assert file_size(1) == "1\u00a0octet"


def test_an_empty_file_is_refused():
    with pytest.raises(AttachmentRefused, match="« vide.pdf » est vide"):
        check_file("vide.pdf", b"", max_size=MB)


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("programme.exe", samples.EXE, "n’est pas d’un type accepté (PDF, ODT"),
        ("page.html", samples.HTML, "n’est pas d’un type accepté"),
        ("script.sh", samples.SHELL, "n’est pas d’un type accepté"),
        ("macros.docx", samples.docm(), "« macros.docx » contient des macros (partie « word/vbaProject.bin »)"),
        # A lying extension, both ways.
        ("facture.pdf", samples.EXE, "porte l’extension .pdf mais son contenu n’est pas un document PDF"),
        ("rapport.docx", samples.pdf(), "porte l’extension .docx mais son contenu est un document PDF (.pdf)"),
        ("tableau.pdf", samples.xlsx(), "son contenu est un classeur Excel (.xlsx)"),
        ("photo.png", samples.pdf(), "son contenu est un document PDF"),
        ("document.pdf.exe", samples.pdf(), "porte l’extension .exe mais son contenu est un document PDF"),
    ],
)
def test_forbidden_types_and_lying_extensions_are_refused(name, content, message):
    with pytest.raises(AttachmentRefused, match=re.escape(message)):
        check_file(name, content, max_size=10 * MB)


def test_accepted_files_keep_their_name_or_get_the_right_extension():
    assert check_file("Notes de séance.ODT", samples.odt(), max_size=MB).filename == "Notes de séance.ODT"
    assert check_file("photo.jpeg", b"\xff\xd8\xff\xe0rest", max_size=MB).kind == "jpeg"
    assert check_file("sans extension", samples.pdf(), max_size=MB).filename == "sans extension.pdf"
    assert check_file("CR du 27.03.2014", samples.pdf(), max_size=MB).filename == "CR du 27.03.2014.pdf"
    assert check_file("", samples.png(), max_size=MB).filename == "document.png"


# Uploading


def test_an_editor_uploads_a_document_for_an_agenda_item(app):
    world = build_world()
    client = signed_in(app, "secretary")
    item = world.draft.agenda_items[0]
    content = samples.docx()
    response = upload(client, world.draft, content, "Support d’intervention – été.docx", agenda_item=item.id)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/reunions/{world.draft.id}#documents")
    attachment = db.session.scalar(sa.select(Attachment))
    assert (attachment.filename, attachment.kind, attachment.size) == (
        "Support d’intervention – été.docx",
        "docx",
        len(content),
    )
    assert attachment.agenda_item_id == item.id
    assert attachment.uploaded_by.person.name == "Secretary Test"
    assert attachment.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    # On disk under instance/, by a random name which has nothing of the client’s.
    path = storage.path_of(attachment.stored_name)
    assert path.is_relative_to(Path(app.instance_path) / "attachments")
    assert path.read_bytes() == content
    assert "Support" not in str(path) and len(attachment.stored_name) == 32
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    page = read_page(client, f"/reunions/{world.draft.id}")
    assert "Document « Support d’intervention – été.docx » ajouté." in page
    assert "Point « Ordre du jour de brouillon »" in page


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("vide.pdf", b"", "Le fichier « vide.pdf » est vide."),
        ("virus.pdf", samples.EXE, "porte l’extension .pdf mais son contenu n’est pas un document PDF"),
        ("page.html", samples.HTML, "n’est pas d’un type accepté"),
        ("../../etc/passwd.docx", samples.pdf(), "« passwd.docx » porte l’extension .docx"),
    ],
)
def test_a_refused_upload_shows_the_form_again_with_why(app, name, content, message):
    world = build_world()
    client = signed_in(app, "facilitator")
    before = stored_files()
    response = upload(client, world.draft, content, name)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Ajouter un document</h1>" in html
    assert message in html
    assert 'aria-invalid="true"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0
    assert stored_files() == before


def test_a_file_over_the_limit_is_refused_with_the_limit_in_french(app):
    world = build_world()
    client = signed_in(app, "facilitator")
    app.config["ATTACHMENT_MAX_SIZE"] = 100_000
    try:
        response = upload(client, world.draft, samples.pdf() + b"\x00" * 200_000, "gros.pdf")
    finally:
        app.config["ATTACHMENT_MAX_SIZE"] = 10 * MB
    assert "la limite est de 97,7\u00a0ko par fichier" in response.get_data(as_text=True)


def test_a_body_beyond_the_request_limit_is_cut_and_explained(app):
    world = build_world()
    client = signed_in(app, "facilitator")
    token = csrf_token(client)
    app.config["MAX_CONTENT_LENGTH"] = 50_000
    try:
        response = client.post(
            f"/reunions/{world.draft.id}/documents",
            data={"file": (io.BytesIO(b"%PDF-" + b"\x00" * 100_000), "gros.pdf"), "csrf_token": token},
        )
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 32 * MB
    assert response.status_code == 303
    page = read_page(client, response.headers["Location"])
    assert "Le fichier envoyé est trop volumineux : la limite est de 10\u00a0Mo par fichier." in page


def test_the_documents_of_a_meeting_have_a_total_limit(app):
    world = build_world()
    attach(world.draft, "premier.pdf", samples.pdf() + b"\x00" * 60_000)
    client = signed_in(app, "facilitator")
    app.config["ATTACHMENTS_MAX_PER_MEETING"] = 100_000
    try:
        response = upload(client, world.draft, samples.pdf() + b"\x00" * 60_000, "second.pdf")
    finally:
        app.config["ATTACHMENTS_MAX_PER_MEETING"] = 50 * MB
    assert "dépasseraient 97,7\u00a0ko au total" in response.get_data(as_text=True)


def test_a_document_outlives_the_agenda_item_it_belonged_to(app):
    world = build_world()
    item_id = world.draft.agenda_items[1].id
    attachment = attach(world.draft, agenda_item=world.draft.agenda_items[1])
    client = signed_in(app, "facilitator")
    post_form(client, f"/reunions/{world.draft.id}/ordre-du-jour/{item_id}/supprimer", {"confirmed": "1"})
    db.session.expire_all()
    assert db.session.get(AgendaItem, item_id) is None
    assert db.session.get(Attachment, attachment.id).agenda_item_id is None
    assert storage.path_of(attachment.stored_name).exists()


def test_an_agenda_item_of_another_meeting_is_refused(app):
    world = build_world()
    client = signed_in(app, "facilitator")
    response = upload(client, world.draft, samples.pdf(), "a.pdf", agenda_item=world.validated.agenda_items[0].id)
    assert response.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0


def test_no_file_is_left_when_the_database_refuses_the_row(app, monkeypatch):
    world = build_world()
    client = signed_in(app, "facilitator")
    before = stored_files()

    def refuse_commit(*args, **kwargs):
        raise sa.exc.OperationalError("COMMIT", {}, Exception("disk full"))

    monkeypatch.setattr(db.session, "commit", refuse_commit)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        response = upload(client, world.draft, samples.pdf(), "a.pdf")
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    assert response.status_code == 500
    assert stored_files() == before


# Removing


def test_an_editor_removes_a_document_and_its_file(app):
    world = build_world()
    attachment = attach(world.draft, "ancien.pdf")
    path = storage.path_of(attachment.stored_name)
    client = signed_in(app, "secretary")
    response = post_form(client, f"/reunions/{world.draft.id}/documents/{attachment.id}/supprimer")
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0
    assert not path.exists()
    assert "Document « ancien.pdf » retiré." in read_page(client, f"/reunions/{world.draft.id}")


def test_a_deletion_rolled_back_keeps_the_file(app):
    world = build_world()
    attachment = attach(world.draft)
    db.session.delete(attachment)
    db.session.flush()
    db.session.rollback()
    assert storage.path_of(attachment.stored_name).exists()


def test_a_savepoint_after_a_deletion_keeps_the_file_until_the_real_commit(app):
    """A message queued in the same request releases a savepoint: that is no commit of the deletion."""
    world = build_world()
    attachment = attach(world.draft)
    db.session.delete(attachment)
    db.session.flush()
    with db.session.begin_nested():
        pass
    assert storage.path_of(attachment.stored_name).exists()
    db.session.rollback()
    assert storage.path_of(attachment.stored_name).exists()


def test_a_meeting_deleted_takes_its_files_with_it(app):
    world = build_world()
    paths = [storage.path_of(attach(world.draft, f"{n}.pdf").stored_name) for n in range(2)]
    db.session.delete(db.session.get(Meeting, world.draft.id))
    db.session.commit()
    assert not any(p.exists() for p in paths)


def test_files_left_by_rows_the_database_deleted_are_cleared(app, runner):
    world = build_world()
    kept = attach(world.validated).stored_name
    gone = attach(world.draft).stored_name
    db.session.execute(sa.delete(Meeting).where(Meeting.id == world.draft.id))  # the database cascades
    db.session.commit()
    orphan, fresh = storage.path_of(gone), storage.path_of(storage.write(b"%PDF-"))
    old = time.time() - 2 * storage.ORPHAN_GRACE_SECONDS
    os.utime(orphan, (old, old))
    result = runner.invoke(args=["clean-files"])
    assert result.exit_code == 0 and "Fichiers de documents effacés : " in result.output
    assert not orphan.exists()
    assert storage.path_of(kept).exists()
    assert fresh.exists()  # perhaps an upload whose row is about to be committed


def test_validated_minutes_freeze_their_documents(app):
    world = build_world()
    attachment = attach(world.validated)
    client = signed_in(app, "facilitator")
    page = read_page(client, f"/reunions/{world.validated.id}")
    assert "ses documents sont figés" in page
    assert "Confirmer le retrait" not in page and "Ajouter le document" not in page
    form_page = read_page(client, f"/reunions/{world.validated.id}/documents")
    assert "ses documents sont figés" in form_page and "Ajouter le document" not in form_page
    response = upload(client, world.validated, samples.pdf(), "tardif.pdf")
    assert "ses documents sont figés (rouvrez-le pour en ajouter ou en retirer)" in response.get_data(as_text=True)
    post_form(client, f"/reunions/{world.validated.id}/documents/{attachment.id}/supprimer")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 1
    assert storage.path_of(attachment.stored_name).exists()


# Downloading


def test_the_download_answers_with_the_detected_type_and_the_name(app):
    world = build_world()
    content = samples.xlsx()
    attachment = attach(world.validated, "Bilan 2014 – équipe.xlsx", content)
    client = signed_in(app, "member")
    response = client.get(f"/reunions/{world.validated.id}/documents/{attachment.id}/nimporte-quoi")
    assert response.status_code == 200
    assert response.data == content
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''Bilan%202014%20%E2%80%93%20%C3%A9quipe.xlsx" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"].startswith("private")


def test_pdfs_and_images_open_in_the_browser(app):
    world = build_world()
    attachment = attach(world.public_validated, "schéma.png", samples.png())
    response = app.test_client().get(f"/reunions/{world.public_validated.id}/documents/{attachment.id}/schema.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.headers["Content-Disposition"].startswith("inline;")
    assert response.headers["Cache-Control"] == "private, no-cache"


def test_a_member_of_another_group_never_downloads_a_private_document(app):
    world = build_world()
    attachment = attach(world.validated, "confidentiel.pdf")
    url = f"/reunions/{world.validated.id}/documents/{attachment.id}/confidentiel.pdf"
    outsider = signed_in(app, "outsider")  # a member of the public group only
    assert outsider.get(url).status_code == 404
    # The same document named through a meeting the outsider may read is not found either.
    assert outsider.get(f"/reunions/{world.public_validated.id}/documents/{attachment.id}/x.pdf").status_code == 404
    anonymous = app.test_client().get(url)
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/connexion")


def test_a_drafts_documents_stay_with_the_editors(app):
    world = build_world()
    attachment = attach(world.draft)
    url = f"/reunions/{world.draft.id}/documents/{attachment.id}/note.pdf"
    assert signed_in(app, "member").get(url).status_code == 404
    assert signed_in(app, "secretary").get(url).status_code == 200
    page = read_page(signed_in(app, "member"), f"/reunions/{world.draft.id}")
    assert "note.pdf" not in page


def test_a_missing_file_is_not_found(app):
    world = build_world()
    attachment = attach(world.validated)
    storage.remove(attachment.stored_name)
    client = signed_in(app, "facilitator")
    assert client.get(f"/reunions/{world.validated.id}/documents/{attachment.id}/note.pdf").status_code == 404


# Where they are listed


def test_the_meeting_page_lists_the_documents_with_a_confirmed_removal(app):
    world = build_world()
    attachment = attach(world.draft, "Diaporama.pdf", agenda_item=world.draft.agenda_items[0])
    html = read_page(signed_in(app, "facilitator"), f"/reunions/{world.draft.id}")
    assert f'href="/reunions/{world.draft.id}/documents/{attachment.id}/Diaporama.pdf"' in html
    assert "(PDF, " in html and "Point « Ordre du jour de brouillon »" in html
    assert 'enctype="multipart/form-data"' in html
    assert "<summary>Retirer" in html and "Confirmer le retrait" in html
    assert '<label for="file">Fichier' in html and '<label for="agenda_item">' in html


def test_readers_see_the_list_without_the_buttons(app):
    world = build_world()
    attach(world.validated, "Diaporama.pdf")
    html = read_page(signed_in(app, "observer"), f"/reunions/{world.validated.id}")
    assert "Diaporama.pdf" in html
    assert "Confirmer le retrait" not in html and "Ajouter le document" not in html


def test_the_compte_rendu_lists_the_documents_on_screen_and_in_the_pdf(app):
    world = build_world()
    attach(world.validated, "Présentation CAF.pdf", agenda_item=world.validated.agenda_items[0])
    attach(world.validated, "Chiffres.xlsx", samples.xlsx())
    client = signed_in(app, "member")
    page = read_page(client, f"/reunions/{world.validated.id}/compte-rendu").replace("\u00a0", " ")
    assert "Documents joints" in page
    assert f'<a href="/reunions/{world.validated.id}/documents/' in page
    assert "Présentation CAF.pdf</a> (PDF, " in page and "– point « Ordre du jour de validé »" in page
    response = client.get(f"/reunions/{world.validated.id}/compte-rendu.pdf")
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Documents joints" in text and "Présentation CAF.pdf" in text and "Chiffres.xlsx" in text
    links = [
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if "/A" in annotation.get_object()
    ]
    base = app.config["BASE_URL"]
    assert any(link.startswith(f"{base}/reunions/{world.validated.id}/documents/") for link in links)


def test_the_compiled_dossier_leaves_the_documents_out(app):
    world = build_world()
    attach(world.validated, "Présentation CAF.pdf")
    client = signed_in(app, "member")
    response = client.get(f"/groupes/{world.private.id}/dossier.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "Présentation CAF.pdf" not in text


def test_reopened_minutes_take_documents_again(app):
    world = build_world()
    world.validated.minutes.status = MinutesStatus.REVIEW
    db.session.commit()
    client = signed_in(app, "facilitator")
    assert upload(client, world.validated, samples.png(), "plan.png").status_code == 302


def test_anonymous_visitors_are_sent_to_sign_in_before_uploading(app):
    world = build_world()
    client = app.test_client()
    sign_in(client, "anonymous")
    response = client.get(f"/reunions/{world.draft.id}/documents")
    assert response.status_code == 302 and response.headers["Location"].startswith("/connexion")


# Backup


def test_backup_and_restore_bring_back_the_files(app, runner, tmp_path):
    world = build_world()
    content = samples.docx("Relevé")
    kept = attach(world.validated, "Relevé.docx", content).stored_name
    backup = tmp_path / "sauvegarde.gz"
    result = runner.invoke(args=["backup", str(backup)])
    assert result.exit_code == 0 and ", 1 document(s) joint(s)." in result.output
    storage.remove(kept)
    later = attach(world.draft, "après.pdf").stored_name  # not in the backup: its row goes, and its file
    result = runner.invoke(args=["restore", str(backup), "--yes"])
    assert result.exit_code == 0, result.output
    assert storage.path_of(kept).read_bytes() == content
    assert not storage.path_of(later).exists()
    restored = db.session.scalar(sa.select(Attachment).where(Attachment.stored_name == kept))
    response = signed_in(app, "member").get(f"/reunions/{world.validated.id}/documents/{restored.id}/x")
    assert response.data == content


# Hostile office files, built here: macros whatever their parts are called, zip bombs, hidden names

CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
VBA = "application/vnd.ms-office.vbaProject"


def office_zip(parts: dict[str, bytes | str], first: str | None = None, level: int = 6) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name in [first] if first else []:
            archive.writestr(name, parts[name], compress_type=zipfile.ZIP_STORED)
        for name, data in parts.items():
            if name != first:
                archive.writestr(name, data)
    return out.getvalue()


def docx_parts(*, defaults="", overrides="", main_type=WORD_MAIN, document_rels="") -> dict[str, str]:
    """A Word document’s parts, with extra content types and relationships of the document part."""
    return {
        "[Content_Types].xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{CONTENT_TYPES_NS}">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Default Extension="xml" ContentType="application/xml"/>{defaults}'
            f'<Override PartName="/word/document.xml" ContentType="{main_type}"/>{overrides}</Types>'
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELATIONSHIPS_NS}">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
        ),
        "word/_rels/document.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELATIONSHIPS_NS}">'
            f"{document_rels}</Relationships>"
        ),
        "word/document.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><w:document '
            'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>'
        ),
    }


def relationship(kind: str, target: str) -> str:
    return f'<Relationship Id="rId9" Type="{kind}" Target="{target}"/>'


MS_RELS = "http://schemas.microsoft.com/office/2006/relationships"
OOXML_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

HOSTILE_DOCX = {
    "VBA part under another name, typed by extension": {
        **docx_parts(defaults=f'<Default Extension="bin" ContentType="{VBA}"/>'),
        "word/evil.bin": b"\xd0\xcf\x11\xe0" + b"\x00" * 60,
    },
    "VBA part under another name, typed by override": {
        **docx_parts(overrides=f'<Override PartName="/word/evil.dat" ContentType="{VBA}"/>'),
        "word/evil.dat": b"\xd0\xcf\x11\xe0" + b"\x00" * 60,
    },
    "VBA part reached by its relationship only": {
        **docx_parts(document_rels=relationship(f"{MS_RELS}/vbaProject", "evil.png")),
        "word/evil.png": b"\xd0\xcf\x11\xe0" + b"\x00" * 60,
    },
    "macro-enabled main part": docx_parts(main_type="application/vnd.ms-word.document.macroEnabled.main+xml"),
    "ActiveX control": {
        **docx_parts(
            overrides='<Override PartName="/word/activeX/x1.xml" ContentType="application/vnd.ms-office.activeX+xml"/>'
        ),
        "word/activeX/x1.xml": "<ax/>",
    },
    "OLE object": {
        **docx_parts(document_rels=relationship(f"{OOXML_RELS}/oleObject", "embeddings/objet.bin")),
        "word/embeddings/objet.bin": b"\xd0\xcf\x11\xe0" + b"\x00" * 60,
    },
}


@pytest.mark.parametrize("parts", HOSTILE_DOCX.values(), ids=HOSTILE_DOCX.keys())
def test_word_macros_are_found_by_their_declared_types_whatever_their_names(parts):
    with pytest.raises(AttachmentRefused, match=r"« rapport\.docx » contient des macros ou du contenu actif \("):
        check_file("rapport.docx", office_zip(parts), max_size=10 * MB)


def test_a_plain_word_document_built_the_same_way_is_kept():
    checked = check_file("rapport.docx", office_zip(docx_parts()), max_size=10 * MB)
    assert checked.kind == "docx"


def test_an_office_file_without_its_main_part_declared_is_not_a_document():
    parts = docx_parts(main_type="application/xml")
    with pytest.raises(AttachmentRefused, match="mais son contenu n’est pas un document Word"):
        check_file("rapport.docx", office_zip(parts), max_size=10 * MB)


MANIFEST_NS = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"


def odt_parts(entries: str = "", content: str = "<office:document-content/>") -> dict[str, str]:
    return {
        "mimetype": "application/vnd.oasis.opendocument.text",
        "META-INF/manifest.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="{MANIFEST_NS}">'
            '<manifest:file-entry manifest:full-path="/" '
            f'manifest:media-type="application/vnd.oasis.opendocument.text"/>{entries}</manifest:manifest>'
        ),
        "content.xml": f'<?xml version="1.0" encoding="UTF-8"?>{content}',
    }


def entry(path: str, media_type: str) -> str:
    return f'<manifest:file-entry manifest:full-path="{path}" manifest:media-type="{media_type}"/>'


HOSTILE_ODT = {
    "Python script": {**odt_parts(), "Scripts/python/pwn.py": "import os; os.system('id')"},
    "Basic library in lower case": {**odt_parts(), "basic/Standard/Module1.xml": "<script:module/>"},
    "script declared by the manifest only": odt_parts(entry("Outils/lancer.js", "application/javascript")),
    "Basic folder declared by the manifest only": odt_parts(entry("BASIC/Standard/", "text/xml")),
    "event calling a macro": odt_parts(
        content='<office:document-content><office:event-listeners><script:event-listener script:event-name="'
        'dom:load" xlink:href="vnd.sun.star.script:Standard.Module1.Main?language=Basic&amp;location=application"/>'
        "</office:event-listeners></office:document-content>"
    ),
}


@pytest.mark.parametrize("parts", HOSTILE_ODT.values(), ids=HOSTILE_ODT.keys())
def test_opendocument_macros_and_scripts_are_refused_whatever_their_case(parts):
    with pytest.raises(AttachmentRefused, match=r"« notes\.odt » (contient|déclenche) des macros"):
        check_file("notes.odt", office_zip(parts, first="mimetype"), max_size=10 * MB)


def test_a_plain_opendocument_text_built_the_same_way_is_kept():
    assert check_file("notes.odt", office_zip(odt_parts(), first="mimetype"), max_size=10 * MB).kind == "odt"


def test_a_zip_bomb_is_refused_from_its_directory_before_anything_is_inflated(monkeypatch):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in docx_parts().items():
            archive.writestr(name, data)
        with archive.open("word/media/image1.png", "w", force_zip64=True) as bomb:
            for _ in range(16):
                bomb.write(bytes(16 * MB))  # 256 Mo of zeros in a few hundred ko
    content = out.getvalue()
    assert len(content) < MB

    inflated = []
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *a, **k: inflated.append(a) or pytest.fail("inflated"))
    with pytest.raises(AttachmentRefused, match="occuperait 256.*une fois décompressé.*archive piégée"):
        check_file("rapport.docx", content, max_size=10 * MB)
    assert inflated == []


def test_a_part_compressed_beyond_any_document_is_refused():
    parts = {**docx_parts(), "word/media/image1.png": bytes(4 * MB)}  # well under the total, ratio ~1000
    with pytest.raises(AttachmentRefused, match=r"une partie compressée plus de 100 fois \(\d+ pour 1\)"):
        check_file("rapport.docx", office_zip(parts, level=9), max_size=10 * MB)


def test_an_archive_of_too_many_parts_is_refused():
    parts = {**docx_parts(), **{f"word/media/{n}.xml": "<a/>" for n in range(2001)}}
    with pytest.raises(AttachmentRefused, match=r"compte 2005 parties, plus qu’aucun document de bureau"):
        check_file("rapport.docx", office_zip(parts), max_size=10 * MB)


def test_a_declared_entity_is_refused_rather_than_expanded():
    parts = docx_parts()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        "<Types ", '<!DOCTYPE Types [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><Types '
    )
    with pytest.raises(AttachmentRefused, match=r"contient une déclaration XML \(DOCTYPE\)"):
        check_file("rapport.docx", office_zip(parts), max_size=10 * MB)


@pytest.mark.parametrize(
    "name, cleaned",
    [
        ("facture\u202efdp.exe", "facturefdp.exe"),
        ("\u202aa\u202bb\u202cc\u202dd\u2066e\u2067f\u2068g\u2069h\u200ei\u200fj.pdf", "abcdefghij.pdf"),
        ("zéro\u200blargeur\ufeff.pdf", "zérolargeur.pdf"),
        ("ligne\u2028suivante\u0085.pdf", "lignesuivante_.pdf"),
        ("\u202e\u202e.pdf", "pdf"),
    ],
)
def test_invisible_and_bidirectional_characters_leave_stored_names(name, cleaned):
    assert clean_filename(name) == cleaned


def test_an_upload_named_with_a_right_to_left_override_is_stored_without_it(app):
    world = build_world()
    client = signed_in(app, "facilitator")
    response = upload(client, world.draft, samples.pdf(), "Relevé\u202egnp.pdf")
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Attachment.filename)) == "Relevégnp.pdf"


def test_uploads_at_the_same_moment_never_pass_the_meeting_total_together(app, monkeypatch):
    """Three uploads of 40 ko for 100 ko of room: each would fit alone, only two together."""
    world = build_world()
    meeting_id = world.draft.id
    # Every upload waits here, after its check and before its commit, until all three are there or
    # a second has passed: without a lock all three pass the check on the same total.
    arrived = threading.Barrier(3, timeout=1)
    write = storage.write

    def write_when_all_are_in(content, stored_name=None):
        try:
            arrived.wait()
        except threading.BrokenBarrierError:
            pass
        return write(content, stored_name)

    monkeypatch.setattr(storage, "write", write_when_all_are_in)
    monkeypatch.setitem(app.config, "ATTACHMENTS_MAX_PER_MEETING", 100_000)
    files_before = stored_files()
    outcomes = []

    def upload_one(n: int) -> None:
        with app.app_context():
            meeting = db.session.get(Meeting, meeting_id)
            try:
                add_attachment(
                    meeting,
                    filename=f"piece-{n}.pdf",
                    content=samples.pdf() + b"\x00" * 40_000,
                    agenda_item_id=None,
                    user=None,
                )
            except AttachmentRefused as refusal:
                outcomes.append(str(refusal))
            else:
                db.session.commit()  # as its caller would
                outcomes.append("stored")

    threads = [threading.Thread(target=upload_one, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes)[-2:] == ["stored", "stored"]
    assert "dépasseraient 97,7\u00a0ko au total" in sorted(outcomes)[0]
    db.session.expire_all()
    sizes = db.session.scalars(sa.select(Attachment.size).where(Attachment.meeting_id == meeting_id)).all()
    assert len(sizes) == 2 and sum(sizes) <= 100_000
    assert len(stored_files() - files_before) == 2  # the refused upload left no file
