"""Huis clos marks, the access log, a person's data, and the privacy page."""

from flask import Blueprint, abort, flash, redirect, request, url_for

from groupes.auth.permissions import require
from groupes.extensions import db
from groupes.meetings.views import load_meeting
from groupes.privacy.marking import UnknownPart, mark
from groupes.site.forms import ConfirmForm
from groupes.site.links import safe_next

blueprint = Blueprint("privacy", __name__)


@blueprint.route("/reunions/<int:meeting_id>/huis-clos", methods=["POST"])
def mark_confidential(meeting_id: int):
    """Mark a part of the meeting huis clos, or lift the mark: facilitators and organisers only."""
    meeting = load_meeting(meeting_id)
    require("mark_confidential", meeting)
    back = safe_next(request.form.get("next"), url_for("meetings.show", meeting_id=meeting.id))
    if not ConfirmForm().validate_on_submit():
        return redirect(back)
    confidential = request.form.get("confidential") == "1"
    try:
        what = mark(meeting, request.form.get("part", ""), confidential)
    except UnknownPart:
        abort(404)
    db.session.commit()
    if confidential:
        flash(
            f"Huis clos posé sur {what} : seuls les membres du groupe le liront, "
            "et aucun document, export ni courriel ne le reprendra.",
            "success",
        )
    else:
        flash(f"Huis clos levé sur {what}.", "success")
    return redirect(back)
