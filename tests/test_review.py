"""Members review draft minutes: notifications, comments anchored to a passage,
replies, resolution, « lu et approuvé », revisions and what changed since one last read."""

import random
import re
import time
from html import unescape

import sqlalchemy as sa
from world import build_world, csrf_token, signed_in, validate_minutes
from world import post_form as post
from world import read_page as page

from groupes.extensions import db
from groupes.mail.models import OutgoingMail
from groupes.minutes import diff
from groupes.minutes.diff import COMPARISON_BUDGET, Fragment, word_diff
from groupes.minutes.models import Comment, MinutesReader, MinutesStatus


def save(client, meeting, section, body):
    """Save a part as the meeting room's autosave does."""
    db.session.refresh(section)
    response = client.post(
        f"/reunions/{meeting.id}/compte-rendu/parties",
        data={
            "key": f"s{section.id}",
            "base_version": section.version,
            "body": body,
            "heading": section.heading,
            "csrf_token": csrf_token(client),
        },
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)


def test_submitting_for_review_tells_the_members_who_review(app):
    world = build_world()
    facilitator = signed_in(app, "facilitator")
    post(facilitator, f"/reunions/{world.draft.id}/compte-rendu/soumettre")
    mails = db.session.scalars(sa.select(OutgoingMail).order_by(OutgoingMail.recipient)).all()
    # Members and the secretary; not the observer (who reads validated minutes only), not the one who submitted.
    assert [m.recipient for m in mails] == ["member@test.example", "secretary@test.example"]
    assert mails[0].subject.startswith("Compte-rendu à relire – 3ème réunion du groupe 1")
    assert f"/reunions/{world.draft.id}/compte-rendu/relecture" in mails[0].text_body


def test_members_who_turned_reviews_off_are_not_told(app):
    world = build_world()
    world.users["member"].notify_reviews = False
    db.session.commit()
    post(signed_in(app, "facilitator"), f"/reunions/{world.draft.id}/compte-rendu/soumettre")
    assert db.session.scalars(sa.select(OutgoingMail.recipient)).all() == ["secretary@test.example"]


def test_validating_tells_every_member_with_the_pdf_link(app):
    world = build_world()
    validate_minutes(signed_in(app, "facilitator"), world.in_review.id)
    mails = db.session.scalars(sa.select(OutgoingMail).order_by(OutgoingMail.recipient)).all()
    assert [m.recipient for m in mails] == ["member@test.example", "observer@test.example", "secretary@test.example"]
    assert f"/reunions/{world.in_review.id}/compte-rendu.pdf" in mails[0].text_body
    assert f"/reunions/{world.in_review.id}/compte-rendu.pdf" in mails[0].html_body


def test_a_member_comments_on_a_passage_and_the_facilitator_answers_and_resolves(app):
    world = build_world()
    meeting = world.in_review
    section = meeting.minutes.sections[0]
    member = signed_in(app, "member")
    review = f"/reunions/{meeting.id}/compte-rendu/relecture"
    html = page(member, review)
    assert "Texte du compte-rendu en relecture." in html and "Commenter ce passage" in html
    response = post(
        member,
        f"/reunions/{meeting.id}/compte-rendu/commentaires",
        {"section": section.id, "quote": "compte-rendu   en\nrelecture", "body": "Plutôt « *compte rendu* » ?"},
    )
    assert response.status_code == 302
    comment = db.session.scalar(sa.select(Comment).where(Comment.body.like("Plutôt%")))
    assert (comment.section_id, comment.quote, comment.revision) == (section.id, "compte-rendu en relecture", 0)

    facilitator = signed_in(app, "facilitator")
    html = page(facilitator, review)
    assert "« compte-rendu en relecture »" in html and "<em>compte rendu</em>" in html
    post(facilitator, f"/reunions/{meeting.id}/compte-rendu/commentaires", {"parent": comment.id, "body": "D’accord."})
    post(facilitator, f"/reunions/{meeting.id}/compte-rendu/commentaires/{comment.id}/etat", {"action": "resolve"})
    db.session.expire_all()
    comment = db.session.get(Comment, comment.id)
    assert [r.body for r in comment.replies] == ["D’accord."]
    assert comment.resolved_at is not None and comment.resolved_by_id == world.users["facilitator"].id
    assert "Traité" in page(member, review)

    # A new reply reopens the thread.
    post(member, f"/reunions/{meeting.id}/compte-rendu/commentaires", {"parent": comment.id, "body": "Merci, mais…"})
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).resolved_at is None


def test_a_comment_whose_passage_was_rewritten_says_so(app):
    world = build_world()
    meeting = world.in_review
    section = meeting.minutes.sections[0]
    member = signed_in(app, "member")
    post(
        member,
        f"/reunions/{meeting.id}/compte-rendu/commentaires",
        {"section": section.id, "quote": "en relecture", "body": "À revoir."},
    )
    save(signed_in(app, "secretary"), meeting, section, "Texte entièrement réécrit.")
    assert "(passage réécrit depuis)" in page(member, f"/reunions/{meeting.id}/compte-rendu/relecture")


def test_bad_comments_are_refused_in_french_with_the_text_kept(app, count):
    world = build_world()
    meeting = world.in_review
    member = signed_in(app, "member")
    comments = count(Comment)
    url = f"/reunions/{meeting.id}/compte-rendu/commentaires"
    section = meeting.minutes.sections[0].id
    response = post(member, url, {"section": section, "body": "   "})
    assert response.status_code == 422 and "Ce champ est obligatoire." in unescape(response.get_data(as_text=True))
    long_quote = "passage " * 200
    response = post(member, url, {"section": section, "body": "Mon texte à garder", "quote": long_quote})
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 422 and "Mon texte à garder" in html
    response = post(member, url, {"section": 999999, "body": "Sur une partie disparue"})
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 422 and "n’existe plus" in html and "Sur une partie disparue" in html
    assert count(Comment) == comments


def test_validated_minutes_take_no_comment_and_observers_none(app, count):
    world = build_world()
    comments = count(Comment)
    member = signed_in(app, "member")
    assert post(member, f"/reunions/{world.validated.id}/compte-rendu/commentaires", {"body": "Non"}).status_code == 404
    observer = signed_in(app, "observer")
    assert (
        post(observer, f"/reunions/{world.in_review.id}/compte-rendu/commentaires", {"body": "Non"}).status_code == 404
    )
    assert count(Comment) == comments
    # The page of validated minutes keeps the review's comments, without a form.
    html = page(member, f"/reunions/{world.validated.id}/compte-rendu/relecture")
    assert "Commenter ce passage" not in html and "il n’en reçoit plus" in html


def test_lu_et_approuve_is_seen_by_the_facilitator_and_marked_stale_after_a_change(app):
    world = build_world()
    meeting = world.in_review
    member = signed_in(app, "member")
    assert post(member, f"/reunions/{meeting.id}/compte-rendu/approuver").status_code == 302
    facilitator = signed_in(app, "facilitator")
    review = f"/reunions/{meeting.id}/compte-rendu/relecture"
    html = page(facilitator, review)
    approvals = html[html.index('id="approbations"') : html.index("</section>", html.index('id="approbations"'))]
    assert "Member Test" in approvals and "le texte a changé depuis" not in approvals
    html = page(member, review)
    assert "Vous avez approuvé le texte tel qu’il est." in html and "Lu et approuvé</button>" not in html
    save(signed_in(app, "secretary"), meeting, meeting.minutes.sections[0], "Texte corrigé.")
    html = page(facilitator, review)
    assert "Member Test — " in html and "(le texte a changé depuis)" in html
    html = page(member, review)
    assert "Vous aviez approuvé une version antérieure" in html and "Approuver le texte actuel" in html
    # Only minutes under review can be approved.
    assert post(member, f"/reunions/{world.validated.id}/compte-rendu/approuver").status_code == 404


def test_members_see_the_changes_since_they_last_read_once_validated(app):
    world = build_world()
    meeting = world.draft
    section = meeting.minutes.sections[0]
    facilitator = signed_in(app, "facilitator")
    save(facilitator, meeting, section, "Premier jet : le groupe constate un manque de places.")
    post(facilitator, f"/reunions/{meeting.id}/compte-rendu/soumettre")
    member = signed_in(app, "member")
    page(member, f"/reunions/{meeting.id}/compte-rendu/relecture")
    read = db.session.scalar(
        sa.select(MinutesReader.read_revision).where(MinutesReader.user_id == world.users["member"].id)
    )
    assert read == 2
    save(facilitator, meeting, section, "Premier jet : le groupe constate un manque important de places.")
    validate_minutes(facilitator, meeting.id)
    db.session.expire_all()
    assert meeting.minutes.status == MinutesStatus.VALIDATED

    html = page(member, f"/reunions/{meeting.id}/compte-rendu")
    assert "Le texte a changé depuis votre dernière lecture" in html and "voir ce qui a changé</a>" in html
    link = f"/reunions/{meeting.id}/compte-rendu/modifications?de=2&a=4"
    assert f'href="{link}"' in html  # unescaped: the page writes &amp;
    changes = page(member, link)
    assert re.search(r'<ins><span class="visually-hidden">\[ajouté : </span>\s*important\s*<span', changes)
    assert "<del>" not in changes.split("1 partie modifiée")[1]
    assert "1 partie modifiée sur" in changes
    # Once read, the notice is gone.
    assert "depuis votre dernière lecture" not in page(member, f"/reunions/{meeting.id}/compte-rendu")


def test_members_are_not_shown_the_draft_revisions(app):
    world = build_world()
    meeting = world.draft
    facilitator = signed_in(app, "facilitator")
    save(facilitator, meeting, meeting.minutes.sections[0], "Brouillon secret à ne pas montrer.")
    post(facilitator, f"/reunions/{meeting.id}/compte-rendu/soumettre")
    member = signed_in(app, "member")
    versions = page(member, f"/reunions/{meeting.id}/compte-rendu/versions")
    assert "Soumis à la relecture" in versions and "Brouillon secret" not in versions
    assert 'value="1"' not in versions and "version 1" not in versions
    # Asking for a draft revision by number gives the nearest one the member may read.
    changes = page(member, f"/reunions/{meeting.id}/compte-rendu/modifications?de=1&a=2")
    assert "De la version 2" in changes
    editor_versions = page(facilitator, f"/reunions/{meeting.id}/compte-rendu/versions")
    assert 'value="1"' in editor_versions


def test_word_diff_marks_only_the_words_that_changed():
    assert word_diff("le groupe constate", "le groupe observe") == [
        Fragment("same", "le groupe "),
        Fragment("removed", "constate"),
        Fragment("added", "observe"),
    ]
    assert word_diff("", "ajouté") == [Fragment("added", "ajouté")]
    assert word_diff("pareil.", "pareil.") == [Fragment("same", "pareil.")]


def _random_words(seed: int, count: int, line_every: int) -> str:
    rng = random.Random(seed)
    words = ["le", "groupe", "famille", "action", "place", "accueil", ",", "."]
    return "".join(rng.choice(words) + ("\n" if i % line_every == 0 else " ") for i in range(1, count + 1))


def test_a_diff_of_long_texts_stays_within_its_budget(monkeypatch):
    compared = []
    real = diff.SequenceMatcher

    def spy(junk, a, b, autojunk):
        compared.append(len(a) * len(b))
        return real(junk, a, b, autojunk=autojunk)

    monkeypatch.setattr(diff, "SequenceMatcher", spy)
    # Two unrelated texts of 100,000 characters, with lines: compared by lines, then shown replaced.
    for line_every in (12, 100_000):
        old, new = _random_words(1, 20_000, line_every), _random_words(2, 20_000, line_every)
        assert len(old) > 95_000 and len(new) > 95_000
        started = time.monotonic()
        fragments = word_diff(old, new)
        assert time.monotonic() - started < 10
        assert fragments.simplified
        assert "".join(f.text for f in fragments if f.op != "added") == old
        assert "".join(f.text for f in fragments if f.op != "removed") == new
        assert all(product <= COMPARISON_BUDGET for product in compared)
    # A small edit in a long text is still marked word by word: the common start and end are set aside.
    compared.clear()
    long = _random_words(3, 20_000, 12)
    fragments = word_diff(long, long[:50_000] + " constate" + long[50_000:])
    assert not fragments.simplified and [f.text.strip() for f in fragments if f.op != "same"] == ["constate"]
    # Long changed passages on lines of their own: the lines that differ are compared word by word.
    lines = [_random_words(seed, 40, 1000) + "\n" for seed in range(600)]
    edited = [line.replace("groupe", "collectif", 1) if i % 50 == 0 else line for i, line in enumerate(lines)]
    fragments = word_diff("".join(lines), "".join(edited))
    assert fragments.simplified
    assert {f.text for f in fragments if f.op == "added"} <= {"collectif"}


def test_the_changes_page_says_when_the_comparison_is_simplified(app):
    world = build_world()
    meeting = world.draft
    section = meeting.minutes.sections[0]
    facilitator = signed_in(app, "facilitator")
    save(facilitator, meeting, section, _random_words(1, 15_000, 12))
    post(facilitator, f"/reunions/{meeting.id}/compte-rendu/soumettre")
    save(facilitator, meeting, section, _random_words(2, 15_000, 12))
    changes = page(facilitator, f"/reunions/{meeting.id}/compte-rendu/modifications?de=2&a=4")
    assert "la comparaison est simplifiée" in changes
    assert "1 partie modifiée sur" in changes


def test_the_meeting_room_points_to_the_comments_waiting_on_each_part(app):
    world = build_world()
    room = f"/reunions/{world.in_review.id}/compte-rendu/rediger"
    facilitator = signed_in(app, "facilitator")
    section_id = world.comment.section_id
    assert "1 commentaire de relecture à traiter sur cette partie" in page(facilitator, room)
    assert f"/compte-rendu/relecture#partie-{section_id}" in page(facilitator, room)
    post(
        facilitator,
        f"/reunions/{world.in_review.id}/compte-rendu/commentaires/{world.comment.id}/etat",
        {"action": "resolve"},
    )
    assert "commentaire de relecture à traiter" not in page(facilitator, room)


def test_a_quote_must_be_a_passage_of_the_part_as_the_reader_sees_it(app, count):
    world = build_world()
    meeting = world.in_review
    section = meeting.minutes.sections[0]
    secretary = signed_in(app, "secretary")
    save(secretary, meeting, section, "Le groupe **insiste** sur\nl'accueil *inconditionnel*.")
    member = signed_in(app, "member")
    url = f"/reunions/{meeting.id}/compte-rendu/commentaires"
    comments = count(Comment)
    response = post(member, url, {"section": section.id, "quote": "une phrase inventée", "body": "Gardé"})
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 422 and "Ce passage ne figure pas dans cette partie" in html and "Gardé" in html
    assert count(Comment) == comments
    # Selected in the page, the passage has no Markdown signs and typographic apostrophes: it is found,
    # and not « rewritten ».
    post(member, url, {"section": section.id, "quote": "insiste sur l’accueil inconditionnel", "body": "Oui"})
    assert count(Comment) == comments + 1
    assert "(passage réécrit depuis)" not in page(member, f"/reunions/{meeting.id}/compte-rendu/relecture")
