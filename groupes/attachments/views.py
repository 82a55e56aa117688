"""Adding, downloading and removing a meeting's documents."""

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from groupes.attachments import storage
from groupes.attachments.attaching import add_attachment, delete_attachment
from groupes.attachments.checks import INLINE_KINDS, AttachmentRefused
from groupes.attachments.forms import attachment_form
from groupes.attachments.models import Attachment
from groupes.auth.permissions import Permission, load_or_refuse, require
from groupes.extensions import db
from groupes.meetings.loading import load_editable_meeting, pick
from groupes.meetings.models import Meeting
from groupes.privacy.access_log import record_meeting
from groupes.privacy.models import AccessKind
from groupes.site.formatting import file_size
from groupes.site.forms import ConfirmForm

blueprint = Blueprint("attachments", __name__)


def documents_of(meeting: Meeting) -> str:
    return url_for("meetings.show", meeting_id=meeting.id) + "#documents"


@blueprint.route("/reunions/<int:meeting_id>/documents", methods=["GET", "POST"])
def upload(meeting_id: int):
    """The meeting page holds this form; this page shows it again with what went wrong."""
    meeting = load_editable_meeting(meeting_id)
    form = attachment_form(meeting)
    if form.validate_on_submit():
        try:
            attachment = add_attachment(
                meeting,
                filename=form.file.data.filename or "",
                content=form.file.data.read(),
                agenda_item_id=form.agenda_item.data,
                user=current_user._get_current_object(),
            )
        except AttachmentRefused as refusal:
            form.file.errors.append(str(refusal))
        else:
            db.session.commit()
            flash(f"Document « {attachment.filename} » ajouté.", "success")
            return redirect(documents_of(meeting))
    return render_template("attachments/upload.html", form=form, meeting=meeting, group=meeting.group)


@blueprint.errorhandler(413)
def too_large(error):
    """A body beyond MAX_CONTENT_LENGTH is cut before it is read: say so on the form."""
    limit = file_size(current_app.config["ATTACHMENT_MAX_SIZE"])
    flash(f"Le fichier envoyé est trop volumineux : la limite est de {limit} par fichier.", "error")
    return redirect(url_for("attachments.upload", meeting_id=request.view_args["meeting_id"]), 303)


@blueprint.route("/reunions/<int:meeting_id>/documents/<int:attachment_id>/<path:filename>")
def download(meeting_id: int, attachment_id: int, filename: str):
    """The name at the end of the address is for people; the ids find the document."""
    attachment = load_or_refuse(
        sa.select(Attachment)
        .where(Attachment.id == attachment_id, Attachment.meeting_id == meeting_id)
        .options(joinedload(Attachment.meeting).options(joinedload(Meeting.minutes), joinedload(Meeting.group)))
    )
    require(Permission.DOWNLOAD, attachment)
    path = storage.path_of(attachment.stored_name)
    if not path.is_file():
        current_app.logger.error("attachment %s: file %s missing", attachment.id, path)
        abort(404)
    response = send_file(
        path,
        mimetype=attachment.mimetype,
        as_attachment=attachment.kind not in INLINE_KINDS,
        download_name=attachment.filename,
        etag=attachment.sha256,
        max_age=None,
    )
    # Private documents stay out of shared caches (signed-in answers are no-store anyway).
    response.headers["Cache-Control"] = "private, no-cache"
    record_meeting(AccessKind.DOWNLOAD, attachment.meeting, f"Document « {attachment.filename} »")
    return response


@blueprint.route("/reunions/<int:meeting_id>/documents/<int:attachment_id>/supprimer", methods=["POST"])
def delete(meeting_id: int, attachment_id: int):
    meeting = load_editable_meeting(meeting_id)
    attachment = pick(meeting.attachments, attachment_id)
    if ConfirmForm().validate_on_submit():
        try:
            delete_attachment(attachment)
        except AttachmentRefused as refusal:
            flash(str(refusal), "error")
        else:
            db.session.commit()
            flash(f"Document « {attachment.filename} » retiré.", "success")
    return redirect(documents_of(meeting))
