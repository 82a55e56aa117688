"""Reading and reviewing minutes: comments in place, « lu et approuvé », revisions and their differences."""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from groupes.auth.permissions import Permission, load_or_refuse, may, refuse, require
from groupes.exports.documents import meeting_document
from groupes.extensions import costly_for_anonymous, db
from groupes.meetings.loading import load_meeting
from groupes.meetings.models import AttendanceStatus
from groupes.minutes.diff import changed_titles, compare
from groupes.minutes.forms import CommentForm
from groupes.minutes.models import Comment, MinutesRevision
from groupes.minutes.parts import PartKey
from groupes.minutes.reader import changes_url, read_now
from groupes.minutes.review import (
    add_comment,
    approvals,
    approve,
    approved_by,
    last_read,
    quote_still_there,
    review_outline,
    set_resolved,
    threads,
)
from groupes.minutes.writing import MinutesError
from groupes.privacy.access_log import record_meeting
from groupes.privacy.confidential import withhold_snapshot
from groupes.privacy.models import AccessKind
from groupes.site.forms import ConfirmForm, show_domain_error

blueprint = Blueprint("review", __name__)


def user():
    return current_user._get_current_object()


def load_readable(meeting_id: int):
    meeting = load_meeting(meeting_id)
    require(Permission.READ_MINUTES, meeting)
    return meeting


def review_url(meeting, anchor: str = "") -> str:
    return url_for("review.show", meeting_id=meeting.id) + (f"#{anchor}" if anchor else "")


def attendance_by_status(meeting) -> dict:
    """Who was there and who was not, by status, the statuses with nobody left out."""
    by_status = {status: [a for a in meeting.attendances if a.status == status] for status in AttendanceStatus}
    return {status: rows for status, rows in by_status.items() if rows}


def render_review(meeting, forms: dict | None = None, status: int = 200):
    minutes = meeting.minutes
    before = read_now(minutes)
    sections = {s.id: s for s in minutes.sections}
    document = meeting_document(meeting, page=True)
    # Comments on a huis clos part are withheld with it.
    comment_threads = document.view.threads(threads(minutes))
    can_comment = may(Permission.COMMENT_MINUTES, meeting)
    forms = forms or {}

    def form_for(anchor):
        return forms.get(anchor) or CommentForm(formdata=None)

    can_resolve_all = may(Permission.EDIT, meeting) and can_comment
    return render_template(
        "minutes/review.html",
        meeting=meeting,
        group=meeting.group,
        minutes=minutes,
        document=document,
        outline=review_outline(document.view),
        attendance=attendance_by_status(meeting) if may(Permission.SEE_ATTENDANCE, meeting) else None,
        threads=comment_threads,
        outcome_threads={str(key): value for key, value in comment_threads.items() if isinstance(key, PartKey)},
        waiting=[c for thread in comment_threads.values() for c in thread if c.resolved_at is None]
        if can_resolve_all
        else [],
        can_validate=may(Permission.VALIDATE_MINUTES, meeting) and not minutes.is_validated,
        sections=sections,
        quote_still_there=quote_still_there,
        can_comment=can_comment,
        can_approve=may(Permission.APPROVE_MINUTES, meeting),
        approvals=approvals(minutes),
        my_approval=approved_by(minutes, user()) if current_user.is_authenticated else None,
        form_for=form_for,
        reply_errors=forms.get("reply"),
        confirm=ConfirmForm(),
        changed_since=changes_url(meeting, before) if 0 < before < minutes.revision else None,
    ), status


@blueprint.route("/reunions/<int:meeting_id>/compte-rendu/relecture")
def show(meeting_id: int):
    meeting = load_readable(meeting_id)
    record_meeting(AccessKind.READ, meeting, "Compte-rendu (relecture)")
    return render_review(meeting)


@blueprint.route("/reunions/<int:meeting_id>/compte-rendu/commentaires", methods=["POST"])
def comment(meeting_id: int):
    meeting = load_readable(meeting_id)
    require(Permission.COMMENT_MINUTES, meeting)
    form = CommentForm()
    outcome = form.outcome.data or ""
    view = meeting_document(meeting, page=True).view
    if outcome and outcome not in {str(key) for key in view.readable_outcome_keys}:
        refuse()  # an outcome this reader may not read (huis clos) is not there for them
    if form.validate_on_submit():
        try:
            added = add_comment(
                meeting.minutes,
                user=user(),
                body=form.body.data,
                quote=form.quote.data or "",
                section_id=None if outcome else form.section.data,
                parent_id=form.parent.data,
                outcome=outcome,
            )
        except MinutesError as error:
            db.session.rollback()
            show_domain_error(form, error, "body")
        else:
            db.session.commit()
            flash("Réponse publiée." if added.parent_id else "Commentaire publié.", "success")
            return redirect(review_url(meeting, f"commentaire-{added.parent_id or added.id}"))
    shown = {s.id for s in meeting.minutes.sections}
    if form.parent.data:
        key = "reply"
    elif outcome:
        key = outcome
    else:
        key = form.section.data if form.section.data in shown else None
    return render_review(meeting, {key: form}, 422)


def partial_request() -> bool:
    """A script (htmx, or review.js's fetch) asks for the changed fragment, not a new page."""
    return request.headers.get("HX-Request") == "true" or request.headers.get("X-Requested-With") == "fetch"


@blueprint.route("/reunions/<int:meeting_id>/compte-rendu/commentaires/<int:comment_id>/etat", methods=["POST"])
def resolve(meeting_id: int, comment_id: int):
    """Mark a thread dealt with, or reopen it. A script gets the thread back, to put in place
    of the old one; a plain form goes back to the page at the thread."""
    meeting = load_readable(meeting_id)
    comment = load_or_refuse(
        sa.select(Comment).where(Comment.id == comment_id, Comment.minutes_id == meeting.minutes.id)
    )
    require(Permission.RESOLVE_COMMENT, comment)
    resolved = request.form.get("action") != "reopen"
    done = ConfirmForm().validate_on_submit()
    if done:
        set_resolved(comment, user(), resolved)
        db.session.commit()
    if partial_request():
        if not done:
            return "La page a expiré : rechargez-la puis recommencez.", 400
        return render_template(
            "minutes/_thread.html",
            meeting=meeting,
            comment=comment,
            section=comment.section,
            quote_still_there=quote_still_there,
            can_comment=may(Permission.COMMENT_MINUTES, meeting),
            reply_errors=None,
        )
    if done:
        flash("Commentaire marqué comme traité." if resolved else "Commentaire rouvert.", "success")
    return redirect(review_url(meeting, f"commentaire-{comment.id}"))


@blueprint.route("/reunions/<int:meeting_id>/compte-rendu/approuver", methods=["POST"])
def approve_minutes(meeting_id: int):
    meeting = load_readable(meeting_id)
    require(Permission.APPROVE_MINUTES, meeting)
    if ConfirmForm().validate_on_submit():
        try:
            approve(
                meeting.minutes,
                user(),
                revision=request.form.get("revision", type=int),
                outcomes_version=request.form.get("outcomes_version", type=int),
            )
        except MinutesError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash("Merci : vous avez approuvé ce compte-rendu (lu et approuvé).", "success")
    return redirect(review_url(meeting, "approbations"))


def readable_revisions(meeting) -> list[MinutesRevision]:
    revisions = db.session.scalars(
        meeting.minutes.revisions.select().order_by(None).order_by(MinutesRevision.number.desc())
    ).all()
    return [r for r in revisions if may(Permission.READ_REVISION, r)]


@blueprint.route("/reunions/<int:meeting_id>/compte-rendu/versions")
def revisions(meeting_id: int):
    meeting = load_readable(meeting_id)
    readable = readable_revisions(meeting)
    before = last_read(meeting.minutes, user()) if current_user.is_authenticated else 0
    # Which parts each revision changed, from the one before it (huis clos withheld as elsewhere).
    contents = readable_contents(meeting, *reversed(readable))
    changed = {
        revision.number: changed_titles(meeting, contents[i - 1] if i else None, contents[i])
        for i, revision in enumerate(reversed(readable))
    }
    return render_template(
        "minutes/revisions.html",
        meeting=meeting,
        group=meeting.group,
        revisions=readable,
        before=before,
        changed=changed,
    )


def readable_contents(meeting, *revisions: MinutesRevision) -> list[dict]:
    """The revisions' contents as this reader may see them: huis clos parts (then or now) left out."""
    disclose = may(Permission.READ_CONFIDENTIAL, meeting)
    now_confidential = {PartKey.of(s) for s in meeting.minutes.sections if s.is_confidential}
    return [withhold_snapshot(r.content, now_confidential, disclose) for r in revisions]


@blueprint.route("/reunions/<int:meeting_id>/compte-rendu/modifications")
@costly_for_anonymous
def changes(meeting_id: int):
    """The differences between two revisions one may read (by default: since one's last reading)."""
    meeting = load_readable(meeting_id)
    readable = {r.number: r for r in readable_revisions(meeting)}
    if not readable:
        return render_template("minutes/changes.html", meeting=meeting, group=meeting.group, old=None, new=None)
    newest = max(readable)
    since = read_now(meeting.minutes)
    old_number = request.args.get("de", type=int) or since or min(readable)
    new_number = request.args.get("a", type=int) or newest
    old, new = readable.get(old_number), readable.get(new_number)
    if old is None or new is None:
        # A revision one may not read (a draft) or that does not exist: the nearest one readable before it.
        old = old or readable[max((n for n in readable if n <= old_number), default=min(readable))]
        new = new or readable[newest]
    return render_template(
        "minutes/changes.html",
        meeting=meeting,
        group=meeting.group,
        old=old,
        new=new,
        parts=compare(meeting, *readable_contents(meeting, old, new)),
        numbers=sorted(readable),
    )
