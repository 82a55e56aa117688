"""Documents to download: the compte-rendu of a meeting as PDF."""

from flask import Blueprint, Response, render_template, request

from groupes.auth.permissions import require
from groupes.exports.documents import meeting_document
from groupes.exports.pdf import render_pdf
from groupes.meetings.models import Meeting
from groupes.meetings.views import load_meeting

blueprint = Blueprint("documents", __name__)


def meeting_pdf(meeting: Meeting, *, archive: bool, with_milestones: bool) -> bytes:
    document = meeting_document(meeting, with_milestones=with_milestones)
    title = f"Compte-rendu du groupe {meeting.group.number} – {meeting.starts_at.date().isoformat()}"
    return render_pdf(render_template("documents/compte_rendu.html", document=document, title=title), archive=archive)


def pdf_response(content: bytes, filename: str) -> Response:
    response = Response(content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@blueprint.route("/reunions/<int:meeting_id>/compte-rendu.pdf")
def minutes_pdf(meeting_id: int):
    """The same check as the page: one who may not read these minutes gets 404."""
    meeting = load_meeting(meeting_id)
    require("read_minutes", meeting)
    content = meeting_pdf(
        meeting, archive=request.args.get("archive") == "1", with_milestones=request.args.get("calendrier") == "1"
    )
    local = meeting.starts_at.date().isoformat()
    return pdf_response(content, f"compte-rendu-groupe-{meeting.group.number}-{local}.pdf")
