"""Review and validation with care: comments on decisions, actions and findings, the summary
shown before validating, the reason asked when the members did not review, and the
meeting's state that follows its minutes."""

import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from world import build_world, csrf_token, future_meeting, signed_in, validate_minutes
from world import post_form as post
from world import read_page as page

from groupes.auth.permissions import DRAFT_AND_AFTER, VALIDATED_ONLY
from groupes.extensions import db
from groupes.meetings.models import MeetingStatus
from groupes.meetings.state import MeetingState, meeting_state
from groupes.minutes.models import Comment, MinutesRevision, MinutesStatus
from groupes.outcomes.models import Action


def section_of(html: str, heading_id: str) -> str:
    """The text of the page's section titled by ``heading_id``, to its end."""
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def summary_stamp_on(client, meeting) -> str:
    html = page(client, f"/reunions/{meeting.id}/compte-rendu/valider")
    return re.search(r'name="stamp" type="hidden" value="([^"]*)"', html).group(1)


def test_a_member_comments_on_a_decision_and_an_action_shown_next_to_them_and_listed_to_the_facilitator(app):
    world = build_world()
    meeting = world.in_review
    decision, action = meeting.decisions[0], meeting.actions[0]
    member = signed_in(app, "member")
    for key, body in ((f"d{decision.id}", "Décision trop vague."), (f"a{action.id}", "Qui s’en charge ?")):
        assert (
            post(
                member, f"/reunions/{meeting.id}/compte-rendu/commentaires", {"outcome": key, "body": body}
            ).status_code
            == 302
        )
    on_decision = db.session.scalar(sa.select(Comment).where(Comment.body == "Décision trop vague."))
    assert on_decision.decision_id == decision.id and on_decision.section_id is None
    html = page(member, f"/reunions/{meeting.id}/compte-rendu/relecture")
    # Each beside what it is about: in the decision's item, in the action's.
    decision_item = html[html.index(f'id="d{decision.id}"') : html.index("</li>", html.index(f'id="d{decision.id}"'))]
    assert "Décision trop vague." in decision_item and "Qui s’en charge" not in decision_item
    action_item = html[html.index(f'id="a{action.id}"') :]
    assert "Qui s’en charge ?" in action_item[: action_item.index("Commenter l’action")]
    assert "Commentaires à traiter" not in html  # members are not given the facilitator's list
    waiting = section_of(
        page(signed_in(app, "facilitator"), f"/reunions/{meeting.id}/compte-rendu/relecture"), "a-traiter"
    )
    assert "Décision trop vague." in waiting and "Qui s’en charge ?" in waiting and "Une remarque." in waiting
    # A reply stays on the decision's thread.
    post(member, f"/reunions/{meeting.id}/compte-rendu/commentaires", {"parent": on_decision.id, "body": "Précisons."})
    reply = db.session.scalar(sa.select(Comment).where(Comment.body == "Précisons."))
    assert reply.parent_id == on_decision.id and reply.decision_id == decision.id


def test_a_comment_on_an_unknown_outcome_is_refused_with_the_text_kept(app):
    world = build_world()
    member = signed_in(app, "member")
    other = world.draft.decisions[0]  # another meeting's decision
    response = post(
        member,
        f"/reunions/{world.in_review.id}/compte-rendu/commentaires",
        {"outcome": f"d{other.id}", "body": "Perdu ?"},
    )
    assert response.status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).where(Comment.body == "Perdu ?")) == 0


def test_a_comment_on_a_decision_under_a_huis_clos_point_is_withheld_from_who_may_not_read_it(app):
    world = build_world()
    meeting = world.validated  # observers read validated minutes, never huis clos passages
    secret, plain = meeting.decisions[0], meeting.actions[0]
    meeting.agenda_items[0].confidential = True
    secret.agenda_item = meeting.agenda_items[0]
    member = world.users["member"]
    db.session.add_all(
        [
            Comment(minutes=meeting.minutes, decision=secret, revision=1, body="SECRETCOMMENT", author=member),
            Comment(minutes=meeting.minutes, action=plain, revision=1, body="Remarque ouverte", author=member),
        ]
    )
    db.session.commit()
    url = f"/reunions/{meeting.id}/compte-rendu/relecture"
    observer = page(signed_in(app, "observer"), url)
    assert "Remarque ouverte" in observer  # a positive control
    assert "SECRETCOMMENT" not in observer and "Décision validé" not in observer
    assert "SECRETCOMMENT" in page(signed_in(app, "member"), url)  # the group reads it
    # Nor does search show it, to anyone (search snippets never carry huis clos passages).
    assert "Aucun résultat" in page(signed_in(app, "member"), "/recherche?q=SECRETCOMMENT")
    assert "Aucun résultat" not in page(signed_in(app, "member"), "/recherche?q=ouverte")


def test_marking_a_comment_dealt_with_from_a_script_answers_the_thread_alone(app):
    world = build_world()
    facilitator = signed_in(app, "facilitator")
    url = f"/reunions/{world.in_review.id}/compte-rendu/commentaires/{world.comment.id}/etat"
    token = csrf_token(facilitator)
    response = facilitator.post(
        url, data={"action": "resolve", "csrf_token": token}, headers={"X-Requested-With": "fetch"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith(
        f'<article class="comment comment-resolved" id="commentaire-{world.comment.id}"'
    )
    assert "Traité" in html and 'value="reopen"' in html and "<html" not in html
    db.session.expire_all()
    assert db.session.get(Comment, world.comment.id).resolved_at is not None
    # An expired page (no valid token) changes nothing and says so in French.
    refused = facilitator.post(url, data={"action": "reopen"}, headers={"X-Requested-With": "fetch"})
    assert refused.status_code == 400
    db.session.expire_all()
    assert db.session.get(Comment, world.comment.id).resolved_at is not None
    # Without a script, the plain form goes back to the page.
    assert post(facilitator, url, {"action": "reopen"}).status_code == 302


def test_the_summary_lists_open_comments_earlier_approvals_and_incomplete_actions(app):
    world = build_world()
    meeting = world.in_review
    member = signed_in(app, "member")
    post(
        member,
        f"/reunions/{meeting.id}/compte-rendu/approuver",
        {"revision": meeting.minutes.revision, "outcomes_version": meeting.minutes.outcomes_version},
    )
    resolved = Comment(minutes=meeting.minutes, revision=0, body="Déjà réglé", author=world.users["member"])
    resolved.resolved_at = datetime.now(UTC)
    meeting.actions.append(Action(title="Relancer les employeurs"))  # no owner, no due date
    meeting.minutes.outcomes_version += 1  # the outcomes changed since the approval
    db.session.add(resolved)
    db.session.commit()
    html = page(signed_in(app, "facilitator"), f"/reunions/{meeting.id}/compte-rendu/valider")
    comments = section_of(html, "resume-commentaires")
    assert "Une remarque." in comments and "Déjà réglé" not in comments and "(1)" in comments
    assert "Member Test" in section_of(html, "resume-approbations")
    actions = section_of(html, "resume-actions")
    assert (
        "Relancer les employeurs\u00a0: sans responsable, sans échéance" in actions
        and "Action en relecture" not in actions
    )
    assert db.session.get(type(meeting.minutes), meeting.minutes.id).status == MinutesStatus.REVIEW


def test_a_clear_summary_says_so(app):
    world = build_world()
    world.comment.resolved_at = datetime.now(UTC)
    db.session.commit()
    html = page(signed_in(app, "facilitator"), f"/reunions/{world.in_review.id}/compte-rendu/valider")
    assert "Tous les commentaires ont été traités." in html
    assert "Aucune approbation ne porte sur une version antérieure." in html
    assert "Chaque action a un responsable et une échéance." in html


def test_a_post_without_the_confirmation_shows_the_summary_and_validates_nothing(app):
    world = build_world()
    response = post(signed_in(app, "facilitator"), f"/reunions/{world.in_review.id}/compte-rendu/valider")
    assert response.status_code == 200 and "Confirmer la validation" in response.get_data(as_text=True)
    db.session.expire_all()
    assert world.in_review.minutes.status == MinutesStatus.REVIEW


def test_a_confirmation_from_a_stale_summary_is_refused(app):
    world = build_world()
    meeting = world.in_review
    facilitator = signed_in(app, "facilitator")
    stamp = summary_stamp_on(facilitator, meeting)
    # Meanwhile a member comments.
    post(signed_in(app, "member"), f"/reunions/{meeting.id}/compte-rendu/commentaires", {"body": "Attendez !"})
    response = post(facilitator, f"/reunions/{meeting.id}/compte-rendu/valider", {"stamp": stamp})
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "ont changé depuis ce résumé" in html
    assert "Attendez !" in section_of(html, "resume-commentaires")  # the summary shown is the new one
    db.session.expire_all()
    assert meeting.minutes.status == MinutesStatus.REVIEW
    # Confirmed from the new summary, it validates.
    assert (
        post(
            facilitator,
            f"/reunions/{meeting.id}/compte-rendu/valider",
            {"stamp": summary_stamp_on(facilitator, meeting)},
        ).status_code
        == 302
    )
    db.session.expire_all()
    assert meeting.minutes.status == MinutesStatus.VALIDATED


def test_validating_a_draft_takes_a_reason_kept_in_the_history(app):
    world = build_world()
    meeting = world.draft
    facilitator = signed_in(app, "facilitator")
    summary = page(facilitator, f"/reunions/{meeting.id}/compte-rendu/valider")
    assert "Motif de la validation sans relecture" in summary
    response = validate_minutes(facilitator, meeting.id, reason="   ")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "indiquez pourquoi vous le validez sans relecture" in html
    db.session.expire_all()
    assert meeting.minutes.status == MinutesStatus.DRAFT
    assert validate_minutes(facilitator, meeting.id, reason="Relu et adopté en séance").status_code == 302
    db.session.expire_all()
    assert meeting.minutes.status == MinutesStatus.VALIDATED
    reasons = db.session.scalars(
        sa.select(MinutesRevision.reason).where(MinutesRevision.minutes_id == meeting.minutes.id)
    )
    assert "Validé sans relecture\u00a0: Relu et adopté en séance" in list(reasons)
    assert "Validé sans relecture\u00a0: Relu et adopté en séance" in page(
        facilitator, f"/reunions/{meeting.id}/compte-rendu/versions"
    )


def test_validating_after_review_takes_no_reason(app):
    world = build_world()
    assert validate_minutes(signed_in(app, "facilitator"), world.in_review.id).status_code == 302
    reason = db.session.scalar(
        sa.select(MinutesRevision.reason)
        .where(MinutesRevision.minutes_id == world.in_review.minutes.id)
        .order_by(MinutesRevision.number.desc())
    )
    assert reason == "Validé"


def test_the_review_page_offers_valider_once_in_review_only(app):
    world = build_world()
    facilitator = signed_in(app, "facilitator")
    link = "/compte-rendu/valider"
    assert f"/reunions/{world.in_review.id}{link}" in page(
        facilitator, f"/reunions/{world.in_review.id}/compte-rendu/relecture"
    )
    assert link not in page(facilitator, f"/reunions/{world.draft.id}/compte-rendu/relecture")
    assert link not in page(signed_in(app, "member"), f"/reunions/{world.in_review.id}/compte-rendu/relecture")


def test_the_review_page_shows_what_members_approve_nested_as_the_agenda(app):
    world = build_world()
    meeting = world.in_review
    item = meeting.agenda_items[0]
    html = page(signed_in(app, "member"), f"/reunions/{meeting.id}/compte-rendu/relecture")
    point = html[html.index(f'id="point-{item.id}"') :]
    point = point[: point.index('id="sections"')]
    for text in ("Notes du point en relecture.", "Décision en relecture", "Action en relecture", "Piste en relecture"):
        assert text in point, text
    assert "Member Test" in section_of(html, "presences") and "Section en relecture" in html


def test_the_meeting_state_is_derived(app):
    world = build_world()
    now = datetime(2014, 3, 20, tzinfo=UTC)
    assert meeting_state(world.validated, now=now) == MeetingState.MINUTES_VALIDATED
    assert meeting_state(world.in_review, now=now) == MeetingState.MINUTES_REVIEW
    assert meeting_state(world.draft, now=now) == MeetingState.HELD
    # A reader who may not read the minutes in review sees the meeting held, no more.
    assert meeting_state(world.in_review, VALIDATED_ONLY, now=now) == MeetingState.HELD
    upcoming = future_meeting(world.private)
    assert upcoming.status == MeetingStatus.PLANNED
    assert meeting_state(upcoming, DRAFT_AND_AFTER) == MeetingState.PLANNED
    assert meeting_state(upcoming, now=upcoming.starts_at + timedelta(hours=1)) == MeetingState.HELD
    upcoming.status = MeetingStatus.CANCELLED
    assert meeting_state(upcoming) == MeetingState.CANCELLED


def test_a_meeting_whose_minutes_are_validated_is_not_shown_planned(app):
    world = build_world()
    meeting = world.in_review
    meeting.status = MeetingStatus.PLANNED  # as stored for a meeting planned in the application
    db.session.commit()
    member = signed_in(app, "member")
    assert "Compte-rendu en relecture" in page(member, f"/reunions/{meeting.id}")
    validate_minutes(signed_in(app, "facilitator"), meeting.id)
    for url in (f"/reunions/{meeting.id}", f"/groupes/{world.private.id}"):
        html = page(member, url)
        assert "Compte-rendu validé" in html, url
    assert "Prévue" not in page(member, f"/reunions/{meeting.id}")
