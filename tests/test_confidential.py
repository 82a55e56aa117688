"""Huis clos: what a group marks never reaches those who may not see it, in any page, document or export."""

import json
import subprocess

import pytest
import sqlalchemy as sa
from conftest import empty_database
from world import post_form, read_page, signed_in

from groupes.exports.ics import calendar
from groupes.extensions import db
from groupes.interchange.reader import import_document
from groupes.interchange.writer import export_document
from groupes.mail import notifications
from groupes.mail.models import OutgoingMail
from groupes.meetings.models import AgendaItem, Attendance
from groupes.minutes.models import Comment, MinutesSection
from groupes.outcomes.models import Decision, Finding, FindingKind
from groupes.privacy.models import AccessKind, AccessLogEntry
from groupes.search.index import rebuild

SECRET_TITLE = "Situation de la famille Durand"
SECRET_NOTE = "Le fils aîné est suivi par l’ASE depuis mars."
SECRET_SECTION = "Échanges nominatifs sur trois ménages."
SECRET_DECISION = "Orienter la famille Durand vers la médiation"
SECRET_FINDING = "Constat tiré de la situation Durand"
SECRETS = (SECRET_TITLE, SECRET_NOTE, SECRET_SECTION, SECRET_DECISION, SECRET_FINDING)


@pytest.fixture
def huis_clos_parts(world):
    """The validated meetings of both groups get a huis clos point (with notes, a decision and a
    finding under it) and a huis clos free section.

    Added to the conftest's ``world`` (which the tests ask for) rather than a world of another name:
    every test of this file is about these parts."""
    for meeting in (world.validated, world.public_validated):
        item = AgendaItem(title=SECRET_TITLE, position=5, presenter="Mme Référente", confidential=True)
        meeting.agenda_items.append(item)
        meeting.minutes.sections.append(MinutesSection(agenda_item=item, body=SECRET_NOTE, position=5))
        meeting.minutes.sections.append(
            MinutesSection(heading="Cas individuels", body=SECRET_SECTION, position=6, confidential=True)
        )
        meeting.decisions.append(Decision(number=2, text=SECRET_DECISION, agenda_item=item))
        meeting.findings.append(Finding(kind=FindingKind.CONSTAT, text=SECRET_FINDING, agenda_item=item))
    db.session.commit()


pytestmark = pytest.mark.usefixtures("huis_clos_parts")


def leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


def pdf_text(response) -> str:
    assert response.status_code == 200
    out = subprocess.run(["pdftotext", "-", "-"], input=response.data, capture_output=True, check=True).stdout
    return " ".join(out.decode().split())


@pytest.mark.parametrize(
    "role, which",
    [
        ("observer", "validated"),
        ("observer", "public_validated"),
        ("member", "public_validated"),
        ("anonymous", "public_validated"),
    ],
)
def test_pages_withhold_huis_clos_passages_from_observers_and_the_public(app, world, role, which):
    """Observers of the group, members of another group and anonymous visitors get the mention only."""
    client = signed_in(app, role)
    meeting = getattr(world, which)
    for url in (f"/reunions/{meeting.id}", f"/reunions/{meeting.id}/compte-rendu"):
        page = read_page(client, url)
        assert leaks(page) == [], (role, url)
        assert "Point à huis clos" in page and "Passage à huis clos" in page
        assert "1 décision à huis clos, non reproduite ici." in page
        assert "Texte du compte-rendu" in page  # the rest is there
    assert "Mme Référente" not in read_page(client, f"/reunions/{meeting.id}")


@pytest.mark.parametrize("role", ["member", "secretary", "facilitator", "organiser"])
def test_the_group_reads_huis_clos_passages_on_its_pages_marked_as_such(app, world, role):
    client = signed_in(app, role)
    for url in (f"/reunions/{world.validated.id}", f"/reunions/{world.validated.id}/compte-rendu"):
        page = read_page(client, url)
        assert all(secret in page for secret in SECRETS), (role, url)
        assert "huis clos</span>" in page


@pytest.mark.parametrize("role", ["member", "organiser", "admin"])
def test_no_pdf_carries_them_whoever_asks(app, world, role):
    client = signed_in(app, role)
    urls = [
        f"/reunions/{world.validated.id}/compte-rendu.pdf",
        f"/groupes/{world.private.id}/dossier.pdf",
        f"/programmes/{world.programme.id}/annexe.pdf",
        f"/programmes/{world.programme.id}/synthese.pdf",
        f"/reunions/{world.validated.id}/convocation.pdf",
    ]
    for url in urls:
        text = pdf_text(client.get(url))
        assert leaks(text) == [], url
    minutes = pdf_text(client.get(f"/reunions/{world.validated.id}/compte-rendu.pdf"))
    assert "Point à huis clos" in minutes and "Passage à huis clos : il n’est pas reproduit ici." in minutes
    assert "non reproduite ici" in minutes
    synthesis = pdf_text(client.get(f"/programmes/{world.programme.id}/synthese.pdf"))
    assert "tenus à huis clos par les groupes ne sont pas reproduits" in synthesis


def test_search_never_finds_them_not_even_for_the_group(app, world):
    rebuild()
    for role in ("member", "organiser", "observer"):
        client = signed_in(app, role)
        for words in ("Durand", "ASE", "ménages", "médiation"):
            page = read_page(client, f"/recherche?q={words}")
            assert leaks(page) == [] and "Aucun résultat" in page, (role, words)
        assert "Aucun résultat" not in read_page(client, "/recherche?q=validé")


def test_registers_show_them_to_the_group_and_leave_them_out_of_downloads(app, world):
    member, observer = signed_in(app, "member"), signed_in(app, "observer")
    assert SECRET_DECISION in read_page(member, "/decisions")
    assert SECRET_DECISION not in read_page(observer, "/decisions")
    assert SECRET_DECISION not in read_page(signed_in(app, "anonymous"), "/decisions")
    csv = member.get("/decisions.csv").get_data().decode("utf-8-sig")
    assert "Décision validé" in csv and SECRET_DECISION not in csv
    assert SECRET_DECISION not in read_page(observer, f"/groupes/{world.private.id}")
    assert SECRET_DECISION in read_page(member, f"/groupes/{world.private.id}")


def test_revisions_withhold_huis_clos_parts_from_observers(app, world):
    minutes = world.validated.minutes
    first = minutes.add_revision().number
    db.session.flush()
    for section in minutes.sections:
        section.body += " Ajout."
    db.session.flush()
    second = minutes.add_revision().number
    db.session.commit()
    url = f"/reunions/{world.validated.id}/compte-rendu/modifications?de={first}&a={second}"
    observer = read_page(signed_in(app, "observer"), url)
    assert leaks(observer) == [] and "Texte du compte-rendu validé." in observer
    member = read_page(signed_in(app, "member"), url)
    assert SECRET_NOTE in member and SECRET_SECTION in member


def test_mail_and_calendars_carry_neither_the_point_nor_the_action(app, world):
    meeting = world.validated
    item = next(i for i in meeting.agenda_items if i.confidential)
    meeting.attendances.append(Attendance(person=world.users["facilitator"].person))
    action = meeting.actions[0]
    action.agenda_item = item
    db.session.commit()
    notifications.convocation(meeting)
    notifications.action_assigned(action, world.users["facilitator"])
    db.session.commit()
    mails = db.session.scalars(sa.select(OutgoingMail)).all()
    assert {m.kind for m in mails} >= {"convocation", "action"}
    for mail in mails:
        for text in (mail.subject, mail.text_body, mail.html_body, json.dumps(mail.attachments)):
            assert leaks(text) == [] and "Action validé" not in text, mail.kind
    assert any("Point à huis clos" in m.text_body for m in mails)
    assert any("Action décidée à huis clos" in m.subject for m in mails)
    assert SECRET_TITLE not in calendar([meeting], name="x").decode()


def test_the_json_export_withholds_them_unless_an_administrator_asks(app, world, runner):
    plain = json.dumps(export_document(world.programme.id), ensure_ascii=False)
    assert leaks(plain) == [] and "Point à huis clos" in plain and '"confidential"' not in plain
    result = runner.invoke(args=["export-json", "--programme", str(world.programme.id), "--confidential"])
    assert result.exit_code == 0
    full = json.loads(result.output)
    assert all(secret in result.output for secret in SECRETS)
    meeting = full["programmes"][0]["groups"][0]["meetings"][0]
    assert [a["title"] for a in meeting["agenda"] if a.get("confidential")] == [SECRET_TITLE]
    assert [s["heading"] for s in meeting["minutes"]["sections"] if s.get("confidential")] == ["Cas individuels"]
    # Outcomes lose their point in the format: they carry the mark themselves, and an import keeps it.
    assert [d["text"] for d in meeting["decisions"] if d.get("confidential")] == [SECRET_DECISION]

    empty_database()
    import_document(full)
    db.session.commit()
    decision = db.session.scalar(sa.select(Decision).where(Decision.text == SECRET_DECISION))
    assert decision.is_confidential
    again = export_document(confidential=True)
    assert again == full


def test_only_facilitators_and_organisers_mark_and_each_mark_is_logged(app, world):
    meeting = world.draft
    item = meeting.agenda_items[0]
    url = f"/reunions/{meeting.id}/huis-clos"
    data = {"part": f"p{item.id}", "confidential": "1", "next": f"/reunions/{meeting.id}/ordre-du-jour"}
    assert post_form(signed_in(app, "secretary"), url, data).status_code == 404
    assert post_form(signed_in(app, "member"), url, data).status_code == 404
    db.session.expire_all()
    assert not db.session.get(AgendaItem, item.id).confidential
    response = post_form(signed_in(app, "facilitator"), url, data)
    assert response.status_code == 302 and response.location.endswith("/ordre-du-jour")
    db.session.expire_all()
    assert db.session.get(AgendaItem, item.id).confidential
    entry = db.session.scalar(sa.select(AccessLogEntry).where(AccessLogEntry.meeting_id == meeting.id))
    assert entry.kind == AccessKind.RIGHTS and entry.actor == "Facilitator Test"
    assert entry.detail.startswith("posé sur le point « Ordre du jour de brouillon")
    post_form(signed_in(app, "organiser"), url, {**data, "confidential": "0"})
    db.session.expire_all()
    assert not db.session.get(AgendaItem, item.id).confidential
    marks = sa.select(sa.func.count()).where(AccessLogEntry.target.like("Huis clos%"))
    assert db.session.scalar(marks) == 2


def test_a_part_of_another_meeting_or_nonsense_is_refused(app, world):
    facilitator = signed_in(app, "facilitator")
    other = world.validated.agenda_items[0]
    for part in (f"p{other.id}", "x1", "p", "s999999", ""):
        response = post_form(facilitator, f"/reunions/{world.draft.id}/huis-clos", {"part": part, "confidential": "1"})
        assert response.status_code == 404, part
    assert db.session.scalar(sa.select(sa.func.count()).where(AccessLogEntry.target.like("Huis clos%"))) == 0


def test_sub_points_of_a_huis_clos_point_are_huis_clos_too(app, world):
    meeting = world.public_validated
    parent = next(i for i in meeting.agenda_items if i.confidential)
    meeting.agenda_items.append(AgendaItem(title="Sous-point nominatif", parent=parent, position=6))
    db.session.commit()
    page = read_page(signed_in(app, "anonymous"), f"/reunions/{meeting.id}")
    assert "Sous-point nominatif" not in page and page.count("Point à huis clos") >= 2


def test_the_editors_see_the_marking_buttons(app, world):
    room = read_page(signed_in(app, "facilitator"), f"/reunions/{world.draft.id}/compte-rendu/rediger")
    assert "Passer à huis clos<span" in room
    agenda = read_page(signed_in(app, "facilitator"), f"/reunions/{world.draft.id}/ordre-du-jour")
    assert "Passer à huis clos<span" in agenda
    secretary = read_page(signed_in(app, "secretary"), f"/reunions/{world.draft.id}/compte-rendu/rediger")
    assert "Passer à huis clos<span" not in secretary


def test_documents_of_a_huis_clos_point_stay_with_the_group(app, world):
    from world import attach

    item = next(i for i in world.validated.agenda_items if i.confidential)
    document = attach(world.validated, "situation-durand.pdf", agenda_item=item)
    url = f"/reunions/{world.validated.id}/documents/{document.id}/situation-durand.pdf"
    assert signed_in(app, "observer").get(url).status_code == 404
    assert signed_in(app, "member").get(url).status_code == 200
    observer_page = read_page(signed_in(app, "observer"), f"/reunions/{world.validated.id}")
    assert "situation-durand.pdf" not in observer_page and "1 document à huis clos, non reproduit ici." in observer_page
    assert "situation-durand.pdf" in read_page(signed_in(app, "member"), f"/reunions/{world.validated.id}")
    pdf = pdf_text(signed_in(app, "member").get(f"/reunions/{world.validated.id}/compte-rendu.pdf"))
    assert "situation-durand.pdf" not in pdf


def test_the_dashboard_shows_huis_clos_decisions_to_the_group_only(app, world):
    observer = read_page(signed_in(app, "observer"), "/")
    member = read_page(signed_in(app, "member"), "/")
    assert SECRET_DECISION in member and SECRET_DECISION not in observer


def test_the_agenda_model_refuses_a_third_level(world):
    point = world.draft.agenda_items[0]
    sub_point = AgendaItem(meeting=world.draft, title="Sous-point", parent=point, position=2)
    with pytest.raises(ValueError, match="deux niveaux au plus"):
        AgendaItem(meeting=world.draft, title="Troisième niveau", parent=sub_point, position=3)
    db.session.rollback()


def test_huis_clos_reaches_every_level_even_one_the_editor_would_not_make(app, world):
    """A grandchild of a huis clos point (written by an older import, or in the database by hand)
    is withheld on the pages and left out of search, as its grandparent is."""
    meeting = world.public_validated
    closed = next(i for i in meeting.agenda_items if i.confidential)
    child = AgendaItem(meeting=meeting, title="Sous-point du huis clos", parent=closed, position=6)
    db.session.add(child)
    db.session.flush()
    grandchild = AgendaItem(meeting=meeting, title="Petit-fils nominatif", parent_id=child.id, position=7)
    db.session.add(grandchild)
    db.session.flush()
    grandchild_note = MinutesSection(
        minutes=meeting.minutes, agenda_item_id=grandchild.id, body="Note du petit-fils nominatif.", position=7
    )
    db.session.add(grandchild_note)
    db.session.add(Decision(meeting=meeting, number=3, text="Décision du petit-fils", agenda_item_id=grandchild.id))
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(AgendaItem, grandchild.id).is_confidential
    rebuild()
    anonymous = signed_in(app, "anonymous")
    for url in (f"/reunions/{meeting.id}", f"/reunions/{meeting.id}/compte-rendu"):
        page = read_page(anonymous, url)
        assert "petit-fils" not in page.lower(), url
    for words in ("nominatif", "petit-fils"):
        assert "Aucun résultat" in read_page(signed_in(app, "member"), f"/recherche?q={words}"), words


@pytest.mark.parametrize(
    "role, which",
    [("anonymous", "public_validated"), ("observer", "public_validated"), ("member", "public_validated")]
    + [("observer", "validated")],
)
def test_the_review_page_withholds_them_too(app, world, role, which):
    """The review page lists every part with its comments: the huis clos ones are left out,
    with their comments, for whoever may not read them."""
    meeting = getattr(world, which)
    secret_part = next(s for s in meeting.minutes.sections if s.confidential)
    db.session.add(
        Comment(
            minutes=meeting.minutes,
            section=secret_part,
            revision=0,
            quote="trois ménages",
            body="Commentaire sur la famille Durand",
            author=world.users["member"],
        )
    )
    db.session.commit()
    page = read_page(signed_in(app, role), f"/reunions/{meeting.id}/compte-rendu/relecture")
    assert leaks(page) == [] and "famille Durand" not in page, role
    assert "Passage à huis clos" in page and "Texte du compte-rendu" in page
    member_page = read_page(signed_in(app, "member"), f"/reunions/{world.validated.id}/compte-rendu/relecture")
    assert SECRET_NOTE in member_page and SECRET_SECTION in member_page
