"""Documents to download: compte-rendu, group dossier and programme annex as PDF."""

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, Response, render_template, request

from groupes.auth.permissions import load_or_refuse, may, require
from groupes.exports.documents import group_document, load_programme, meeting_document
from groupes.exports.pdf import render_pdf
from groupes.groups.models import WorkingGroup
from groupes.meetings.models import Meeting
from groupes.meetings.views import load_meeting
from groupes.programmes.models import Programme

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


def dossier_pdf(groups: list[WorkingGroup], *, title: str, programme: Programme | None = None, archive: bool) -> bytes:
    """Validated minutes of these groups; with a programme, a cover and a table of contents."""
    documents = [group_document(group) for group in sorted(groups, key=lambda g: g.number)]
    html = render_template(
        "documents/dossier.html",
        groups=documents,
        title=title,
        programme=programme,
        cover="Liste des comptes-rendus des groupes de travail" if programme else None,
        today=date.today(),
    )
    return render_pdf(html, archive=archive)


@blueprint.route("/groupes/<int:group_id>/dossier.pdf")
def group_pdf(group_id: int):
    programme_id = load_or_refuse(sa.select(WorkingGroup.programme_id).where(WorkingGroup.id == group_id))
    programme = load_programme(programme_id)
    group = next(g for g in programme.groups if g.id == group_id)
    require("view", group)
    content = dossier_pdf(
        [group], title=f"Groupe de travail {group.number} – comptes-rendus", archive=request.args.get("archive") == "1"
    )
    return pdf_response(content, f"dossier-groupe-{group.number}.pdf")


@blueprint.route("/programmes/<int:programme_id>/annexe.pdf")
def annex_pdf(programme_id: int):
    """Every group the viewer may see, in number order, with its validated minutes."""
    programme = load_programme(programme_id)
    if programme is None:
        load_or_refuse(sa.select(Programme).where(sa.false()))
    require("view", programme)
    groups = [g for g in programme.groups if may("view", g)]
    content = dossier_pdf(
        groups,
        title=f"{programme.title} – comptes-rendus des groupes de travail",
        programme=programme,
        archive=request.args.get("archive") == "1",
    )
    return pdf_response(content, f"annexe-demarche-{programme.id}.pdf")
