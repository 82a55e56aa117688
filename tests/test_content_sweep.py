"""Every GET route of the permission table × every role: what comes back carries no marker the
role may not read.

Huis clos passages (a point, its sub-point, its notes, a section, a decision, an action, a
finding, a document, a comment) carry ``HUISCLOS-<n>-<part>``; minutes not yet validated carry
``BROUILLON-<n>-<part>``. Pages, PDF (text read back), calendars, CSV, spreadsheets (their XML),
JSON, search results and the mail queued are decoded and searched. No document ever carries a
huis clos marker, whoever asks. Positive controls make sure the markers are where pages show them.
"""

import io
import re
import zipfile
from html import unescape

import pypdf
import pytest
import sqlalchemy as sa
from permission_table import OK, ROWS
from world import ROLES, marked_world, post_form, sign_in

from groupes.auth.models import User
from groupes.extensions import db, limiter
from groupes.groups.models import Membership, Role
from groupes.mail.models import OutgoingMail

MARKER = re.compile(r"(?:HUISCLOS|BROUILLON)-\d+-[a-z]+")
EDITORS = {"secretary", "facilitator", "organiser", "admin"}
# Who may read each marked meeting's huis clos passages (on pages) and its minutes in their state.
HUIS_CLOS_READERS = {
    1: {"member"} | EDITORS,  # the private group's validated meeting
    2: {"outsider", "organiser", "admin"},  # the public group's validated meeting (the outsider is a member)
    3: {"admin"},  # a public group of the other programme
}
DRAFT_READERS = {
    4: EDITORS,  # the private group's draft
    5: {"member"} | EDITORS,  # the private group's minutes in review
    6: {"organiser", "admin"},  # the public group's draft: its editors only
    7: {"admin"},  # a draft of the other programme's public group
}
DOCUMENT_TYPES = ("application/pdf", "text/calendar", "text/csv", "spreadsheetml", "application/json")


AGENDA_PARTS = {"point", "subpoint", "presenter"}


def readable(role: str, marker: str, document: bool) -> bool:
    kind, n, part = marker.split("-")
    if kind == "BROUILLON":
        return role in DRAFT_READERS[int(n)]
    if document:
        return False
    if n == "8":  # huis clos in a draft: the agenda for the group, the rest for its editors
        return role in ({"member"} | EDITORS if part in AGENDA_PARTS else EDITORS)
    return role in HUIS_CLOS_READERS[int(n)]


def decoded(response) -> tuple[str, bool]:
    """The text of an answer, and whether it is a document (a download or an export)."""
    kind = response.content_type or ""
    data = response.get_data()
    if kind.startswith("application/pdf"):
        text = " ".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    elif "spreadsheetml" in kind:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            text = " ".join(archive.read(name).decode() for name in archive.namelist() if name.endswith(".xml"))
    elif kind.startswith("text/calendar"):
        text = data.decode().replace("\r\n ", "").replace("\\", "")
    else:
        text = unescape(data.decode("utf-8-sig", errors="replace"))
    return "".join(text.split()), any(t in kind for t in DOCUMENT_TYPES)


def extra_urls(world, elsewhere_validated, elsewhere_draft) -> list[str]:
    """The marked meetings through every reading route, and search for the markers themselves."""
    urls = ["/recherche?q=HUISCLOS", "/recherche?q=BROUILLON", "/decisions", "/decisions.csv", "/actions"]
    urls += ["/actions.xlsx", f"/groupes/{world.public.id}", f"/groupes/{world.private.id}", "/"]
    urls += [f"/groupes/{world.public.id}/dossier.pdf", f"/programmes/{world.other_programme.id}/annexe.pdf"]
    for meeting in (
        world.validated,
        world.public_validated,
        world.draft,
        world.in_review,
        world.public_draft,
        elsewhere_validated,
        elsewhere_draft,
    ):
        base = f"/reunions/{meeting.id}"
        urls += [base, f"{base}.ics", f"{base}/compte-rendu", f"{base}/compte-rendu.pdf", f"{base}/convocation.pdf"]
        urls += [f"{base}/compte-rendu/relecture", f"{base}/compte-rendu/modifications"]
    return urls


@pytest.mark.parametrize("role", ROLES)
def test_no_page_or_file_carries_a_marker_its_reader_may_not_read(app, role):
    limiter.reset()
    world, elsewhere_validated, elsewhere_draft = marked_world()
    client = app.test_client()
    sign_in(client, role)
    urls = [url(world) for _, method, url, _, expected in ROWS if method == "GET" and expected[role] == OK]
    urls += extra_urls(world, elsewhere_validated, elsewhere_draft)
    leaks, seen = [], set()
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            continue
        text, document = decoded(response)
        for match in MARKER.finditer(text):
            seen.add((match.group(0), document))
            if not readable(role, match.group(0), document or url.startswith("/recherche")):
                leaks.append(f"{url}: {match.group(0)}")
    assert leaks == [], f"{role} reads what it may not"
    # Positive controls: the markers are where the pages show them, to those who may read them.
    if role == "facilitator":
        assert {("HUISCLOS-1-notes", False), ("HUISCLOS-1-subpoint", False), ("HUISCLOS-1-comment", False)} <= seen
        assert {("BROUILLON-4-section", False), ("BROUILLON-4-section", True)} <= seen
    if role == "admin":
        assert {("HUISCLOS-3-section", False), ("BROUILLON-7-action", False), ("HUISCLOS-2-document", False)} <= seen
    if role == "anonymous":
        page, _ = decoded(client.get(f"/reunions/{world.public_validated.id}"))
        assert "Pointàhuisclos" in page and "Passageàhuisclos" in page


def test_mail_never_carries_a_huis_clos_marker(app):
    """The convocation of a meeting with a huis clos point, and the mail of a huis clos action's owner."""
    world, *_ = marked_world()
    member = db.session.scalar(sa.select(User).where(User.id == world.users["member"].id))
    world.draft.actions[-1].owner_person = member.person
    db.session.commit()
    client = app.test_client()
    sign_in(client, "facilitator")
    assert post_form(client, f"/reunions/{world.draft.id}/convocation/envoyer").status_code == 302
    mails = db.session.scalars(sa.select(OutgoingMail)).all()
    assert mails, "the convocation was queued"
    for mail in mails:
        text = mail.subject + mail.text_body + mail.html_body + str(mail.attachments)
        assert "HUISCLOS" not in text, mail.subject
    assert any("Ordre du jour" in m.text_body and "Point à huis clos" in m.text_body for m in mails)


def test_the_outsider_is_a_member_of_the_public_group_only(app):
    """The expectations above rest on the world's memberships: check them."""
    world, *_ = marked_world()
    roles = {
        (m.person.email, m.group_id): m.role
        for m in db.session.scalars(sa.select(Membership)).all()
        if m.person.email == "outsider@test.example"
    }
    assert roles == {("outsider@test.example", world.public.id): Role.MEMBER}
