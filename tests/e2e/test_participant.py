"""A participant's journey in a real browser: invited by e-mail, they review draft minutes,
comment a passage and approve it; once the text has changed and been validated,
they see what changed since their last reading."""

import re
import time

import sqlalchemy as sa
from playwright.sync_api import expect
from world import build_world

from groupes.extensions import db
from groupes.mail.models import OutgoingMail
from groupes.minutes.models import Comment, Minutes, MinutesStatus
from tests.e2e.conftest import screenshot
from tests.e2e.test_facilitator import sign_in

INVITEE = "nadia.nouvelle@test.example"
NEW_PASSWORD = "un mot de passe bien solide"
LINK = re.compile(r"https?://[^\s\"<>]+")


def link_in(message, live_server: str, path_start: str) -> str:
    """The link of the plain-text part that leads to ``path_start``, pointed at the live server."""
    text = message.get_body(("plain",)).get_content()
    for found in LINK.findall(text):
        path = re.sub(r"^https?://[^/]+", "", found)
        if path.startswith(path_start):
            return live_server + path
    raise AssertionError(f"no link to {path_start} in:\n{text}")


def wait_for_mail(inbox, address: str, count: int, timeout: float = 10.0) -> list:
    """The messages to this address, once there are ``count`` of them.

    They are sent by the live server once the response is closed (``call_on_close``).
    Werkzeug's server skips that close when the browser resets the connection after
    a redirect (it then reads from the socket and gets ConnectionResetError before
    calling ``close()``): the message then stays queued, with no attempt, which the
    failure below shows.
    """
    deadline = time.monotonic() + timeout
    while len(inbox.to(address)) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    received = inbox.to(address)
    if len(received) < count:
        db.session.expire_all()
        queued = [
            (m.recipient, m.subject, m.attempts, m.sent_at, m.last_error)
            for m in db.session.scalars(sa.select(OutgoingMail))
        ]
        raise AssertionError(f"{len(received)} message(s) to {address}, {count} expected; queue: {queued}")
    return received


def test_an_invited_participant_reviews_and_sees_what_changed(app, live_server, new_page, smtp_server):
    world = build_world()
    meeting_id = world.draft.id
    notes = next(s for s in world.draft.minutes.sections if s.agenda_item_id is not None)
    section_id, item_id = notes.id, notes.agenda_item_id
    assert notes.body == "Notes du point brouillon."
    base_url = app.config["BASE_URL"]

    # The facilitator invites a newcomer as a member of the group.
    facilitator = new_page()
    sign_in(facilitator, live_server, "facilitator@test.example")
    facilitator.goto(f"{live_server}/groupes/{world.private.id}")
    facilitator.get_by_role("link", name="Inviter par e-mail").click()
    expect(facilitator.get_by_role("heading", level=1)).to_have_text("Inviter au groupe 1")
    facilitator.get_by_label("Adresse e-mail").fill(INVITEE)
    facilitator.get_by_label("Nom et prénom").fill("Nadia Nouvelle")
    facilitator.get_by_label("Rôle dans le groupe").select_option(label="Membre")
    facilitator.get_by_role("button", name="Envoyer l’invitation").click()
    expect(facilitator.get_by_text(f"{INVITEE} fait partie du groupe")).to_be_visible()
    expect(facilitator.get_by_role("region", name="Invitations sans réponse")).to_contain_text("Nadia Nouvelle")

    # The invitation arrives by itself (sent once the response has gone out).
    [invitation] = wait_for_mail(smtp_server, INVITEE, 1)
    assert "Invitation au groupe «\u00a0Groupe réservé\u00a0»" in invitation["Subject"]
    link = link_in(invitation, live_server, "/invitation/")
    assert base_url + link.removeprefix(live_server) in invitation.get_body(("plain",)).get_content()

    # The newcomer, in a browser of their own, chooses a password and is in.
    invitee = new_page()
    invitee.goto(link)
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Choisir mon mot de passe")
    invitee.get_by_label(re.compile("^Mot de passe")).fill(NEW_PASSWORD)
    invitee.get_by_label("Confirmation du mot de passe").fill(NEW_PASSWORD)
    invitee.get_by_role("button", name="Enregistrer et entrer").click()
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Tableau de bord")
    expect(invitee.get_by_text("Bienvenue : votre mot de passe est enregistré")).to_be_visible()
    expect(invitee.get_by_text("Nadia Nouvelle")).to_be_visible()
    to_review = invitee.get_by_role("region", name="Comptes-rendus à relire")
    expect(to_review).to_contain_text("Groupe 1 – réunion du 10 mars 2014 · pas encore lu")
    expect(to_review).not_to_contain_text("17 mars 2014")
    screenshot(invitee, "participant-dashboard-welcome")

    # The facilitator submits the draft minutes for review: the newcomer is told.
    facilitator.goto(f"{live_server}/reunions/{meeting_id}")
    facilitator.get_by_role("link", name="Rédiger le compte-rendu").click()
    expect(facilitator.get_by_role("heading", level=1)).to_have_text("Compte-rendu en séance")
    facilitator.get_by_role("button", name="Soumettre à la relecture des membres").click()
    expect(
        facilitator.get_by_text("Compte-rendu soumis à la relecture des membres, qui en sont prévenus.")
    ).to_be_visible()
    review_mail = wait_for_mail(smtp_server, INVITEE, 2)[1]
    assert review_mail["Subject"].startswith("Compte-rendu à relire")
    review_link = link_in(review_mail, live_server, f"/reunions/{meeting_id}/compte-rendu/relecture")

    # The newcomer finds the minutes on the dashboard and comments a passage in place.
    invitee.reload()
    to_review = invitee.get_by_role("region", name="Comptes-rendus à relire")
    expect(to_review).to_contain_text("Groupe 1 – réunion du 17 mars 2014 · pas encore lu")
    to_review.get_by_role("link", name="Groupe 1 – réunion du 17 mars 2014").click()
    assert invitee.url == review_link
    expect(invitee.get_by_role("heading", level=1)).to_contain_text("Relecture du compte-rendu")
    part = invitee.locator(f"#partie-{section_id}")
    invitee.wait_for_load_state("load")  # review.js listens for the selection: on a loaded machine it comes late
    part.locator(".review-text p").click(click_count=3)  # selects the paragraph
    quote = part.get_by_label("Passage concerné (facultatif)")
    expect(quote).to_be_visible()  # « Commenter ce passage » opened by the selection
    expect(quote).to_have_value("Notes du point brouillon.")
    part.get_by_label("Votre commentaire").fill("Le mot « brouillon » ne convient pas : c'est le point validé.")
    part.get_by_role("button", name="Publier le commentaire").click()
    expect(invitee.get_by_text("Commentaire publié.")).to_be_visible()
    comment = invitee.locator(f"#partie-{section_id} article.comment")
    expect(comment).to_contain_text("Nadia Nouvelle")
    expect(comment).to_contain_text("« Notes du point brouillon. »")
    expect(comment).to_contain_text("Le mot « brouillon » ne convient pas")
    invitee.get_by_role("button", name="Lu et approuvé").click()
    expect(invitee.get_by_text("Merci : vous avez approuvé ce compte-rendu (lu et approuvé).")).to_be_visible()
    expect(invitee.get_by_role("region", name="Lu et approuvé")).to_contain_text("Nadia Nouvelle")
    screenshot(invitee, "participant-review-commented")

    # The same two pages on a phone.
    phone = new_page(390, 844)
    sign_in_as_invitee(phone, live_server)
    expect(phone.get_by_role("region", name="Comptes-rendus à relire")).to_contain_text(
        "Groupe 1 – réunion du 17 mars 2014 · lu et approuvé"
    )
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "participant-dashboard-phone")
    phone.goto(f"{live_server}/reunions/{meeting_id}/compte-rendu/relecture")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Relecture du compte-rendu")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "participant-review-phone")

    # The facilitator answers, marks the comment as dealt with, rewrites the word and validates.
    facilitator.goto(f"{live_server}/reunions/{meeting_id}/compte-rendu/relecture")
    thread = facilitator.locator(f"#partie-{section_id} article.comment")
    expect(thread).to_contain_text("Le mot « brouillon » ne convient pas")
    thread.locator("summary", has_text="Répondre").click()
    thread.get_by_label("Votre réponse").fill("Bien vu, je corrige.")
    thread.get_by_role("button", name="Répondre", exact=True).click()
    expect(facilitator.get_by_text("Réponse publiée.")).to_be_visible()
    thread = facilitator.locator(f"#partie-{section_id} article.comment")
    expect(thread.locator(".comment-reply")).to_contain_text("Bien vu, je corrige.")
    thread.get_by_role("button", name=re.compile("^Marquer comme traité")).click()
    expect(facilitator.get_by_text("Commentaire marqué comme traité.")).to_be_visible()
    expect(facilitator.locator(f"#partie-{section_id} article.comment")).to_contain_text("Traité")

    facilitator.get_by_role("link", name="Rédiger", exact=True).click()
    text = facilitator.locator(f'[data-part="p{item_id}"] .rich-editor-text')
    expect(text).to_have_text("Notes du point brouillon.")
    text.click()
    facilitator.keyboard.press("Control+a")
    facilitator.keyboard.type("Notes du point validé.")
    expect(facilitator.locator(f"#etat-p{item_id}")).to_contain_text("Enregistré à", timeout=10_000)
    facilitator.get_by_role("button", name="Valider le compte-rendu").click()
    # The summary first: the comment was dealt with, so nothing waits.
    expect(facilitator.get_by_role("heading", level=1)).to_contain_text("Valider le compte-rendu")
    expect(facilitator.get_by_text("Tous les commentaires ont été traités.")).to_be_visible()
    facilitator.get_by_role("button", name="Confirmer la validation").click()
    expect(facilitator.get_by_text("Compte-rendu validé : cette version est figée.")).to_be_visible()
    db.session.expire_all()
    minutes = db.session.scalar(sa.select(Minutes).where(Minutes.meeting_id == meeting_id))
    assert minutes.status == MinutesStatus.VALIDATED
    comment = db.session.scalar(sa.select(Comment).where(Comment.minutes_id == minutes.id, Comment.parent_id.is_(None)))
    assert comment.resolved_at is not None and comment.quote == "Notes du point brouillon."

    # The newcomer reads the validated minutes: they changed since the last reading.
    invitee.goto(f"{live_server}/reunions/{meeting_id}/compte-rendu")
    expect(invitee.get_by_role("status")).to_contain_text("Le texte a changé depuis votre dernière lecture")
    expect(invitee.get_by_text("Notes du point validé.")).to_be_visible()
    screenshot(invitee, "participant-minutes-changed")
    invitee.get_by_role("status").get_by_role("link", name="voir ce qui a changé").click()
    expect(invitee.get_by_role("heading", level=1)).to_contain_text("Modifications du compte-rendu")
    changed = invitee.locator(".diff-part")
    expect(changed).to_have_count(1)
    expect(changed.locator("del")).to_have_text("[supprimé : brouillon]", use_inner_text=False)
    expect(changed.locator("ins")).to_have_text("[ajouté : validé]", use_inner_text=False)
    screenshot(invitee, "participant-changes")


def sign_in_as_invitee(page, base):
    page.goto(f"{base}/connexion")
    page.get_by_label("Adresse e-mail").fill(INVITEE)
    page.get_by_label("Mot de passe").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")


def test_a_member_comments_on_an_action_and_the_facilitator_deals_with_it_then_validates(app, live_server, new_page):
    world = build_world()
    meeting = world.in_review
    action = meeting.actions[0]
    world.comment.resolved_at = world.comment.created_at  # the world's remark on the text is dealt with
    db.session.commit()
    review = f"{live_server}/reunions/{meeting.id}/compte-rendu/relecture"

    member = new_page()
    sign_in(member, live_server, "member@test.example")
    member.goto(review)
    item = member.locator(f"#a{action.id}")
    item.locator("summary", has_text="Commenter l’action").click()
    item.get_by_label("Votre commentaire").fill("Il manque la structure qui s’en charge.")
    item.get_by_role("button", name="Publier le commentaire").click()
    expect(member.get_by_text("Commentaire publié.")).to_be_visible()
    expect(member.locator(f"#a{action.id} article.comment")).to_contain_text("Il manque la structure")
    screenshot(member, "review-outcomes")
    phone = new_page(390, 844)
    sign_in(phone, live_server, "member@test.example")
    phone.goto(review)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "review-outcomes-phone")

    facilitator = new_page()
    sign_in(facilitator, live_server, "facilitator@test.example")
    facilitator.goto(review)
    facilitator.wait_for_load_state("load")
    waiting = facilitator.get_by_role("region", name=re.compile("^Commentaires à traiter"))
    expect(waiting).to_contain_text("Il manque la structure")
    facilitator.evaluate("window.sameDocument = true")  # survives only if no page is loaded
    thread = facilitator.locator(f"#a{action.id} article.comment")
    thread.get_by_role("button", name=re.compile("^Marquer comme traité")).click()
    expect(thread.get_by_text("Traité", exact=True)).to_be_visible()
    expect(thread.get_by_role("button", name=re.compile("^Rouvrir"))).to_be_focused()
    assert facilitator.evaluate("window.sameDocument") is True
    expect(waiting.get_by_role("heading")).to_have_text("Commentaires à traiter (0)")
    screenshot(facilitator, "review-comment-dealt-with")

    facilitator.get_by_role("link", name="Valider le compte-rendu…").click()
    expect(facilitator.get_by_role("heading", level=1)).to_contain_text("Valider le compte-rendu")
    expect(facilitator.get_by_text("Tous les commentaires ont été traités.")).to_be_visible()
    screenshot(facilitator, "review-validation-summary")
    phone = new_page(390, 844)
    sign_in(phone, live_server, "facilitator@test.example")
    phone.goto(facilitator.url)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "review-validation-summary-phone")
    facilitator.get_by_role("button", name="Confirmer la validation").click()
    expect(facilitator.get_by_text("Compte-rendu validé : cette version est figée.")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(Minutes, meeting.minutes.id).status == MinutesStatus.VALIDATED
