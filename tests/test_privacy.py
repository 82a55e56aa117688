"""Personal data: the access log, retention and purge, a person's data and its erasure, the privacy page."""

import json
import os
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from world import post_form, read_page, signed_in

from groupes.auth.models import User
from groupes.dbtypes import utcnow
from groupes.extensions import db
from groupes.groups.models import Membership, Person, Role, Visibility
from groupes.mail.models import OutgoingMail
from groupes.meetings.models import Attendance
from groupes.minutes.models import Comment, MinutesSection
from groupes.outcomes.models import Action
from groupes.privacy.models import AccessKind, AccessLogEntry, AnonymousReading
from groupes.privacy.retention import pdf_cache
from groupes.programmes.models import Programme
from groupes.site.stamps import ContentStamp
from groupes.site.timezone import PARIS


def log(**where) -> list[AccessLogEntry]:
    db.session.expire_all()
    query = sa.select(AccessLogEntry).order_by(AccessLogEntry.id)
    for key, value in where.items():
        query = query.where(getattr(AccessLogEntry, key) == value)
    return list(db.session.scalars(query))


# -- the access log records each kind of access -------------------------------------------------


def test_reading_minutes_is_logged_with_who_and_what(app, world):
    member = signed_in(app, "member")
    read_page(member, f"/reunions/{world.validated.id}/compte-rendu")
    read_page(member, f"/reunions/{world.validated.id}")
    entries = log(kind=AccessKind.READ)
    assert [(e.actor, e.target) for e in entries] == [
        ("Member Test", "Compte-rendu – groupe 1, réunion du 03/03/2014"),
        ("Member Test", "Compte-rendu (page de la réunion) – groupe 1, réunion du 03/03/2014"),
    ]
    assert {e.programme_id for e in entries} == {world.programme.id}
    assert entries[0].meeting_id == world.validated.id


def test_a_reading_is_logged_once_per_session_and_window_downloads_every_time(app, world, monkeypatch):
    url = f"/reunions/{world.validated.id}"
    member = signed_in(app, "member")
    for _ in range(3):
        read_page(member, url)
    read_page(signed_in(app, "secretary"), url)
    assert [e.actor for e in log(kind=AccessKind.READ)] == ["Member Test", "Secretary Test"]
    later = time.time() + app.config["READ_LOG_WINDOW_MINUTES"] * 60
    monkeypatch.setattr("groupes.privacy.access_log.time_module.time", lambda: later)
    read_page(member, url)
    assert [e.actor for e in log(kind=AccessKind.READ)] == ["Member Test", "Secretary Test", "Member Test"]
    for _ in range(2):
        assert member.get(f"{url}/compte-rendu.pdf").status_code == 200
    assert len(log(kind=AccessKind.DOWNLOAD)) == 2


def test_without_a_window_every_reading_is_logged(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "READ_LOG_WINDOW_MINUTES", 0)
    member = signed_in(app, "member")
    for _ in range(2):
        read_page(member, f"/reunions/{world.validated.id}")
    assert len(log(kind=AccessKind.READ)) == 2


def test_a_refused_read_is_not_logged_as_a_read(app, world):
    assert signed_in(app, "outsider").get(f"/reunions/{world.validated.id}/compte-rendu").status_code == 404
    assert log(kind=AccessKind.READ) == []


def anonymous_counts() -> list[tuple]:
    db.session.expire_all()
    rows = db.session.scalars(sa.select(AnonymousReading).order_by(AnonymousReading.target))
    return [(r.day, r.kind, r.programme_id, r.meeting_id, r.target, r.count) for r in rows]


def test_anonymous_readings_are_counted_per_page_and_day_not_logged_one_by_one(app, world):
    meeting = world.public_validated
    site_stamp = db.session.scalar(sa.select(ContentStamp.token).where(ContentStamp.scope == "site"))
    for _ in range(3):  # three visitors (no cookie kept)
        read_page(app.test_client(), f"/reunions/{meeting.id}/compte-rendu")
    read_page(app.test_client(), f"/reunions/{meeting.id}")
    assert app.test_client().get(f"/reunions/{meeting.id}/compte-rendu.pdf").status_code == 200
    assert [e.target for e in log() if e.kind != AccessKind.RIGHTS] == []
    today = utcnow().astimezone(PARIS).date()
    where = (world.programme.id, meeting.id)
    assert anonymous_counts() == [
        (today, AccessKind.DOWNLOAD, *where, "Compte-rendu (PDF) – groupe 2, réunion du 04/03/2014", 1),
        (today, AccessKind.READ, *where, "Compte-rendu (page de la réunion) – groupe 2, réunion du 04/03/2014", 1),
        (today, AccessKind.READ, *where, "Compte-rendu – groupe 2, réunion du 04/03/2014", 3),
    ]
    # Counting changes nothing a kept page shows.
    assert db.session.scalar(sa.select(ContentStamp.token).where(ContentStamp.scope == "site")) == site_stamp
    # The organisers see the counts where they see the log; another programme's do not.
    page = read_page(signed_in(app, "organiser"), f"/programmes/{world.programme.id}/journal")
    counts = page[page.index('id="anonymes"') :]
    assert "Compte-rendu – groupe 2, réunion du 04/03/2014</a></td>\n    <td>3</td>" in counts
    assert "Lecture" in counts and "Téléchargement" in counts
    assert "Aucune lecture anonyme" in read_page(
        signed_in(app, "admin"), f"/programmes/{world.other_programme.id}/journal"
    )
    named = read_page(signed_in(app, "organiser"), f"/programmes/{world.programme.id}/journal?qui=Member")
    assert "Aucune lecture anonyme" in named


def test_downloads_and_exports_are_logged(app, world):
    organiser = signed_in(app, "organiser")
    for url in (
        f"/reunions/{world.validated.id}/compte-rendu.pdf",
        f"/programmes/{world.programme.id}/annexe.pdf",
        f"/programmes/{world.programme.id}/synthese.pdf",
        f"/groupes/{world.private.id}/dossier.pdf",
        "/decisions.csv",
        f"/groupes/{world.private.id}/assiduite.xlsx",
    ):
        assert organiser.get(url).status_code == 200, url
    assert [e.target for e in log(kind=AccessKind.DOWNLOAD)] == ["Compte-rendu (PDF) – groupe 1, réunion du 03/03/2014"]
    exports = [e.target for e in log(kind=AccessKind.EXPORT)]
    assert exports[:3] == ["Annexe : comptes-rendus des groupes (PDF)", "Synthèse (PDF)", "Dossier du groupe 1 (PDF)"]
    assert exports[3].startswith("Relevé des décisions (CSV, ") and exports[4].startswith("Assiduité du groupe 1 (XLSX")


def test_a_document_download_is_logged(app, world):
    from world import attach

    attachment = attach(world.validated, "programme.pdf")
    client = signed_in(app, "member")
    response = client.get(f"/reunions/{world.validated.id}/documents/{attachment.id}/programme.pdf")
    assert response.status_code == 200
    assert [e.target for e in log(kind=AccessKind.DOWNLOAD)] == [
        "Document « programme.pdf » – groupe 1, réunion du 03/03/2014"
    ]


def test_command_line_exports_are_logged_as_the_operator(runner, world, tmp_path):
    runner.invoke(args=["export-json", "-o", str(tmp_path / "x.json")])
    runner.invoke(args=["export-pdf", "--meeting", str(world.validated.id), "-o", str(tmp_path / "x.pdf")])
    entries = log(kind=AccessKind.EXPORT)
    assert [(e.actor, e.target) for e in entries] == [
        ("Exploitation (ligne de commande)", "Export JSON"),
        ("Exploitation (ligne de commande)", "Export PDF (x.pdf)"),
    ]
    assert entries[1].programme_id == world.programme.id


def test_changes_of_rights_are_logged_wherever_they_are_made(app, world):
    membership = world.membership
    membership.role = Role.SECRETARY
    world.private.visibility = Visibility.PUBLIC
    db.session.add(Membership(group=world.public, person=world.users["observer"].person, role=Role.MEMBER))
    world.users["member"].is_admin = True
    db.session.delete(world.second_organiser)
    db.session.commit()
    details = [e.detail for e in log(kind=AccessKind.RIGHTS)]
    member_id, observer_id = world.users["member"].person_id, world.users["observer"].person_id
    assert f"rôle de Member Test (personne n° {member_id}) : membre → secrétariat de séance" in details
    assert "visibilité : réservé aux membres → public" in details
    assert f"membre ajouté·e : Observer Test (personne n° {observer_id}), membre" in details
    assert "administration accordée" in details
    assert any(d.startswith("organisateur·rice retiré·e : Seconde Organisatrice") for d in details)


def test_creating_a_group_with_its_members_is_not_a_change_of_rights(app, world):
    """The world made its groups with their members: only the administrator's account is a change."""
    assert [e.detail for e in log(kind=AccessKind.RIGHTS)] == ["compte créé avec l’administration"]


def test_organisers_read_their_programme_s_log_and_admins_all_of_it(app, world):
    signed_in(app, "member").get(f"/reunions/{world.validated.id}/compte-rendu")
    other = Programme(title="Ailleurs")
    db.session.add(other)
    db.session.flush()
    db.session.add(
        AccessLogEntry(kind=AccessKind.READ, actor="Quelqu’un", programme_id=other.id, target="Secret d’ailleurs")
    )
    db.session.commit()
    page = read_page(signed_in(app, "organiser"), f"/programmes/{world.programme.id}/journal")
    assert "Member Test" in page and "Compte-rendu – groupe 1" in page and "Secret d’ailleurs" not in page
    assert signed_in(app, "organiser").get(f"/programmes/{other.id}/journal").status_code == 404
    assert "Secret d’ailleurs" in read_page(signed_in(app, "admin"), "/admin/journal")
    csv = (
        signed_in(app, "organiser").get(f"/programmes/{world.programme.id}/journal.csv").get_data().decode("utf-8-sig")
    )
    assert csv.splitlines()[0] == "Date et heure (Paris);Qui;Type;Quoi;Détail"
    assert "Member Test;Lecture;Compte-rendu – groupe 1, réunion du 03/03/2014" in csv


def test_the_log_filters_and_falls_back_on_nonsense(app, world):
    signed_in(app, "member").get(f"/reunions/{world.validated.id}/compte-rendu")
    signed_in(app, "organiser").get(f"/programmes/{world.programme.id}/synthese.pdf")
    organiser = signed_in(app, "organiser")
    url = f"/programmes/{world.programme.id}/journal"
    only_exports = read_page(organiser, f"{url}?type=export")
    assert "Synthèse (PDF)" in only_exports and "Compte-rendu – groupe 1" not in only_exports
    by_name = read_page(organiser, f"{url}?qui=member")
    assert "Compte-rendu – groupe 1" in by_name and "Synthèse (PDF)" not in by_name
    nonsense = read_page(organiser, f"{url}?type=n%27importe&du=hier&au=2014-01-01")
    assert "Type « n'importe » inconnu" in nonsense and "illisible" in nonsense
    assert "Synthèse (PDF)" not in nonsense  # the valid end date still applies


# -- retention and purge -------------------------------------------------------------------------


def aged(path, days):
    moment = time.time() - days * 86400
    os.utime(path, (moment, moment))


def test_the_purge_lists_then_removes_what_has_expired_and_nothing_else(app, runner, world):
    old, recent = utcnow() - timedelta(days=400), utcnow() - timedelta(days=10)
    db.session.add_all(
        [
            AccessLogEntry(at=old, kind=AccessKind.READ, actor="Ancien", programme_id=world.programme.id, target="x"),
            AccessLogEntry(
                at=recent, kind=AccessKind.READ, actor="Récent", programme_id=world.programme.id, target="y"
            ),
            OutgoingMail(
                kind="t", recipient="a@test.example", subject="Vieux", text_body="", created_at=old, sent_at=old
            ),
            OutgoingMail(kind="t", recipient="a@test.example", subject="Neuf", text_body="", sent_at=recent),
            *(
                AnonymousReading(day=day, kind=AccessKind.READ, programme_id=world.programme.id, target="z", count=3)
                for day in (old.date(), recent.date())
            ),
        ]
    )
    touch(world.public_draft)  # the world's meetings are of 2014: only the draft of group 1 is abandoned
    cache = pdf_cache()
    cache.mkdir(parents=True, exist_ok=True)
    stale, fresh = cache / "ancien.pdf", cache / "recent.pdf"
    stale.write_bytes(b"%PDF"), fresh.write_bytes(b"%PDF")
    aged(stale, 60)

    dry = runner.invoke(args=["purge"])
    assert dry.exit_code == 0, dry.output
    assert "journal des accès : 2 entrée(s)" in dry.output  # a row and a day's count of anonymous readings
    assert "brouillons abandonnés : 1 compte(s)-rendu(s)" in dry.output and "groupe 1" in dry.output
    assert "courriels : 1 message(s)" in dry.output and "PDF en cache : 1 fichier(s)" in dry.output
    assert "Simulation : rien n'a été effacé." in dry.output
    assert len(log(kind=AccessKind.READ)) == 2 and stale.exists()

    done = runner.invoke(args=["purge", "--apply"])
    assert done.exit_code == 0 and "Purge faite." in done.output
    assert [e.actor for e in log(kind=AccessKind.READ)] == ["Récent"]
    assert db.session.scalars(sa.select(AnonymousReading.day)).all() == [recent.date()]
    assert db.session.scalars(sa.select(OutgoingMail.subject)).all() == ["Neuf"]
    assert not stale.exists() and fresh.exists()
    draft = world.draft.minutes
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).where(MinutesSection.minutes_id == draft.id)) == 0
    assert db.session.get(type(world.draft), world.draft.id).decisions  # the meeting and its outcomes stay
    # Validated and in-review minutes of old meetings are not drafts: untouched.
    assert db.session.scalar(sa.select(sa.func.count()).where(MinutesSection.minutes_id == world.validated.minutes.id))
    again = runner.invoke(args=["purge"])
    assert "Rien à effacer" in again.output


def touch(meeting, days: int = 3):
    meeting.minutes.sections[0].updated_at = utcnow() - timedelta(days=days)
    db.session.commit()


def test_a_draft_touched_recently_is_not_abandoned(app, runner, world):
    assert "brouillons abandonnés : 2 compte(s)-rendu(s)" in runner.invoke(args=["purge"]).output
    touch(world.draft)
    touch(world.public_draft)
    assert "brouillons" not in runner.invoke(args=["purge"]).output


def close(programme, months_ago: int, retention: int | None = None):
    programme.closed_on = date.today() - timedelta(days=31 * months_ago)
    programme.retention_months = retention
    db.session.commit()


def test_closed_programmes_go_only_on_request_and_validated_minutes_need_confirmation(app, runner, world):
    close(world.programme, months_ago=13, retention=12)
    close(world.other_programme, months_ago=2, retention=12)
    plain = runner.invoke(args=["purge", "--apply"])
    assert "démarche close" not in plain.output
    assert db.session.get(Programme, world.programme.id) is not None

    refused = runner.invoke(args=["purge", "--programmes", "--apply"])
    assert refused.exit_code == 1
    assert "« Assises de test » (2 compte(s)-rendu(s) validé(s))" in refused.output
    assert "Relancez avec --include-validated" in refused.output
    db.session.expire_all()
    assert db.session.get(Programme, world.programme.id) is not None

    confirmed = runner.invoke(args=["purge", "--programmes", "--apply", "--include-validated"])
    assert confirmed.exit_code == 0, confirmed.output
    db.session.expire_all()
    assert db.session.get(Programme, world.programme.id) is None
    assert db.session.get(Programme, world.other_programme.id) is not None  # not expired yet
    assert (
        db.session.scalar(
            sa.text("SELECT count(*) FROM search_index WHERE meeting_id NOT IN (SELECT id FROM meetings)")
        )
        == 0
    )


def test_the_default_retention_applies_to_a_closed_programme_without_its_own(app, runner, world):
    close(world.other_programme, months_ago=70)
    close(world.programme, months_ago=50)
    output = runner.invoke(args=["purge", "--programmes"]).output
    assert "démarche close « Autre démarche »" in output and "démarche close « Assises" not in output


# -- a person's data and its erasure -------------------------------------------------------------


def test_an_admin_exports_everything_about_a_person(app, world):
    admin = signed_in(app, "admin")
    member = world.users["member"].person
    response = admin.get(f"/admin/personnes/{member.id}/donnees.json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["personne"]["nom"] == "Member Test" and data["personne"]["adresse_e_mail"] == "member@test.example"
    assert data["groupes"] == [
        {"demarche": "Assises de test", "groupe": 1, "titre": "Groupe réservé", "role": "Membre"}
    ]
    assert len(data["presences"]) == 5 and len(data["actions_confiees"]) == 3
    assert data["commentaires_de_relecture"][0]["texte"] == "Une remarque."
    assert data["compte"]["courriels_souhaites"]["convocations"] is True
    assert "password" not in response.get_data(as_text=True) and "pbkdf2" not in response.get_data(as_text=True)
    assert [e.target for e in log(kind=AccessKind.EXPORT)] == [
        f"Données personnelles de la personne n° {member.id} (JSON)"
    ]


def test_the_person_page_lists_the_meetings_whose_texts_name_them_before_erasure(app, world):
    member = world.users["member"].person
    admin = signed_in(app, "admin")
    page = read_page(admin, f"/admin/personnes/{member.id}/donnees")
    assert "Le nom «\xa0Member Test\xa0» ne figure dans aucun texte des réunions." in page
    secret = MinutesSection(heading="Situations", body="Le cas suivi par member test.", position=9, confidential=True)
    world.draft.minutes.sections.append(secret)
    world.validated.decisions[0].text = "Member Test présentera le bilan."
    world.in_review.minutes.sections[0].body = "Rédigé par Member_Test."
    world.public_validated.decisions[0].text = "Sans nom."
    db.session.commit()
    page = read_page(admin, f"/admin/personnes/{member.id}/donnees")
    assert "figure dans les textes de 2 réunions, passages à huis clos compris" in page
    assert f'href="/reunions/{world.draft.id}"' in page and f'href="/reunions/{world.validated.id}"' in page
    assert f'href="/reunions/{world.in_review.id}"' not in page  # « Member_Test »: _ is no wildcard
    assert ": décisions</li>" in page and ": compte-rendu</li>" in page
    data = json.loads(admin.get(f"/admin/personnes/{member.id}/donnees.json").data)
    named = sorted([(world.draft, ["compte-rendu"]), (world.validated, ["décisions"])], key=lambda m: m[0].starts_at)
    assert [m["textes"] for m in data["textes_qui_la_nomment"]] == [kinds for _, kinds in named]
    member.name = "Member_Test"
    db.session.commit()
    page = read_page(admin, f"/admin/personnes/{member.id}/donnees")
    assert "figure dans les textes de 1 réunion," in page and f'href="/reunions/{world.in_review.id}"' in page


def test_erasing_a_person_keeps_the_minutes_whole(app, world):
    member = world.users["member"].person
    person_id, user_id = member.id, world.users["member"].id
    db.session.add(OutgoingMail(kind="t", recipient="member@test.example", subject="Pour lui", text_body=""))
    db.session.commit()
    signed_in(app, "member").get(f"/reunions/{world.validated.id}/compte-rendu")  # a log entry as actor
    world.membership.role = Role.SECRETARY  # a rights entry naming them
    db.session.commit()
    response = post_form(signed_in(app, "admin"), f"/admin/personnes/{person_id}/effacer", {"confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    person = db.session.get(Person, person_id)
    assert (person.name, person.email, person.function) == ("Personne anonymisée", None, "")
    assert person.erased_at is not None and person.organisation is not None
    assert db.session.get(User, user_id) is None
    assert db.session.scalar(sa.select(sa.func.count()).where(Membership.person_id == person_id)) == 0
    # Attendance and actions still add up, under the neutral name.
    assert db.session.scalar(sa.select(sa.func.count()).where(Attendance.person_id == person_id)) == 5
    assert {a.owner_name for a in db.session.scalars(sa.select(Action).where(Action.owner_person_id == person_id))} == {
        "Personne anonymisée"
    }
    page = read_page(signed_in(app, "facilitator"), f"/reunions/{world.validated.id}")
    assert "Member Test" not in page and "Personne anonymisée" in page
    # Their review comment stays, unsigned; their mail and their name in the log are gone.
    assert db.session.scalar(sa.select(Comment.author_id).where(Comment.body == "Une remarque.")) is None
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(OutgoingMail).where(OutgoingMail.recipient == "member@test.example")
        )
        == 0
    )
    everything = " ".join(f"{e.actor} {e.target} {e.detail}" for e in log())
    assert "Member Test" not in everything and "Personne anonymisée" in everything
    assert f"Personne n° {person_id}" in everything


def test_the_only_facilitator_of_a_group_is_not_erased_and_the_way_forward_is_given(app, world):
    facilitator = world.users["facilitator"].person
    admin = signed_in(app, "admin")
    page = read_page(admin, f"/admin/personnes/{facilitator.id}/donnees")
    assert "Effacement impossible pour l’instant" in page and "Nommez d’abord une autre personne" in page
    response = post_form(admin, f"/admin/personnes/{facilitator.id}/effacer", {"confirm": "y"})
    assert response.status_code == 422
    assert "seul·e à animer : groupe 1 « Groupe réservé »" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Person, facilitator.id).name == "Facilitator Test"
    # With a second facilitator, the erasure goes through.
    world.membership.role = Role.FACILITATOR
    db.session.commit()
    assert post_form(admin, f"/admin/personnes/{facilitator.id}/effacer", {"confirm": "y"}).status_code == 302


def test_an_erasure_needs_its_box_ticked_and_never_erases_oneself(app, world):
    admin = signed_in(app, "admin")
    member = world.users["member"].person
    unticked = post_form(admin, f"/admin/personnes/{member.id}/effacer", {})
    assert unticked.status_code == 422 and "Cochez la case pour confirmer" in unticked.get_data(as_text=True)
    myself = post_form(admin, f"/admin/personnes/{world.users['admin'].person_id}/effacer", {"confirm": "y"})
    assert myself.status_code == 422 and "vos propres données" in myself.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Person, member.id).erased_at is None


def test_an_erasure_clears_the_pdf_and_page_caches(app, world):
    organiser = signed_in(app, "organiser")
    organiser.get(f"/reunions/{world.validated.id}/compte-rendu.pdf")
    organiser.get(f"/reunions/{world.validated.id}")

    def cached_pages_naming_them() -> list[Path]:
        return [p for p in Path(app.config["CACHE_DIR"]).iterdir() if b"Member Test" in p.read_bytes()]

    assert list(pdf_cache().glob("*.pdf")) and cached_pages_naming_them()
    post_form(signed_in(app, "admin"), f"/admin/personnes/{world.users['member'].person_id}/effacer", {"confirm": "y"})
    assert list(pdf_cache().glob("*.pdf")) == []
    assert cached_pages_naming_them() == []


# -- the privacy page ----------------------------------------------------------------------------


def test_the_privacy_page_says_what_why_how_long_and_whom_to_ask(app, world):
    keys = ("PRIVACY_CONTROLLER", "PRIVACY_CONTACT", "PRIVACY_DPO")
    saved = {key: app.config[key] for key in keys}
    app.config.update(
        PRIVACY_CONTROLLER="le Conseil départemental du Cher",
        PRIVACY_CONTACT="dpo@cher.example",
        PRIVACY_DPO="Mme Délégué",
    )
    try:
        page = read_page(app.test_client(), "/confidentialite")
    finally:
        app.config.update(saved)
    assert "Le responsable du traitement est le Conseil départemental du Cher." in page
    assert 'href="mailto:dpo@cher.example"' in page and "Mme Délégué" in page
    assert "Journal des accès : 365 jours." in page and "60 mois après sa clôture" in page
    assert 'href="/confidentialite"' in read_page(app.test_client(), "/")


def test_organisers_close_a_programme_and_set_its_retention(app, world):
    organiser = signed_in(app, "organiser")
    url = f"/programmes/{world.programme.id}/modifier"
    fields = {"title": "Assises de test", "closed_on": "2026-06-30", "retention_months": "24"}
    assert post_form(organiser, url, fields).status_code == 302
    db.session.expire_all()
    programme = db.session.get(Programme, world.programme.id)
    assert (programme.closed_on, programme.retention_months) == (date(2026, 6, 30), 24)
    bad = post_form(organiser, url, {**fields, "retention_months": "abc"})
    assert bad.status_code == 200 and "Not a valid" not in bad.get_data(as_text=True)
    page = bad.get_data(as_text=True)
    assert 'value="abc"' in page and "mois" in page
    zero = post_form(organiser, url, {**fields, "retention_months": "0"})
    assert "Entre 1 et 1 200 mois." in zero.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Programme, world.programme.id).retention_months == 24


PRIVACY_KEYS = ("PRIVACY_CONTROLLER", "PRIVACY_CONTACT", "PRIVACY_DPO", "PRIVACY_HOST")


def privacy_page_as(app, role: str, **settings) -> str:
    saved = {key: app.config[key] for key in (*PRIVACY_KEYS, "MAIL_DEFAULT_SENDER")}
    app.config.update(dict.fromkeys(PRIVACY_KEYS), **settings)
    try:
        return read_page(signed_in(app, role), "/confidentialite")
    finally:
        app.config.update(saved)


@pytest.mark.parametrize("role", ["anonymous", "member", "organiser"])
def test_visitors_see_nothing_of_what_is_left_to_configure(app, world, role):
    page = privacy_page_as(app, role, MAIL_DEFAULT_SENDER="Groupes de travail <ne-pas-repondre@localhost>")
    for placeholder in ("GROUPES_", "PRIVACY_", "renseigner", "À configurer", "localhost"):
        assert placeholder not in page, placeholder
    responsible = page.split('id="responsable"')[1].split("</section>")[0]
    assert not any(bracket in responsible for bracket in "()[]{}")
    assert "Le responsable du traitement est l’organisme qui anime la démarche" in page
    assert "son nom est à préciser par l’organisme" in page and "adressez-vous à l’animation de votre groupe" in page
    assert "Délégué·e à la protection" not in page and "Hébergement" not in page  # left out when not set


def test_administrators_see_what_to_configure_and_where(app, world):
    page = privacy_page_as(app, "admin", PRIVACY_DPO="Mme Délégué")
    checklist = page.split('id="a-configurer"')[1].split("</section>")[0]
    for key in PRIVACY_KEYS:
        assert f"<code>GROUPES_{key}</code>" in checklist and f"<code>{key}</code>" in checklist
    assert checklist.count("À renseigner") == 3 and checklist.count("Renseigné") == 1
    assert "Mme Délégué" in checklist
    done = privacy_page_as(
        app, "admin", PRIVACY_CONTROLLER="le CD 18", PRIVACY_CONTACT="a@b.example", PRIVACY_DPO="x", PRIVACY_HOST="y"
    )
    assert "À renseigner" not in done and "Tout est renseigné" in done
    assert "Le responsable du traitement est le CD 18." in done
