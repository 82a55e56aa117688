"""Documents to download: compte-rendu, group dossier and programme annex as PDF."""

from datetime import date, timedelta

import sqlalchemy as sa
from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import to_user_timezone
from sqlalchemy.orm import joinedload, selectinload

from groupes.attachments.links import download_path
from groupes.auth.models import User
from groupes.auth.permissions import Permission, act_as, load_or_refuse, may, refuse, require
from groupes.dbtypes import utcnow
from groupes.exports.documents import meeting_document, programme_for_documents
from groupes.exports.ics import calendar
from groupes.exports.pdf import document_key, french_spacing, render_pdf
from groupes.exports.printing import (
    document_author,
    dossier_pdf,
    logo_uri,
    meeting_pdf,
    meeting_title,
    milestone_date,
    minutes_title,
    synthesis_pdf,
    unbroken,
)
from groupes.exports.responses import file_response
from groupes.extensions import costly_for_anonymous, db
from groupes.groups.models import Membership, WorkingGroup
from groupes.meetings.loading import load_meeting
from groupes.meetings.models import Meeting
from groupes.minutes.reader import reading_links
from groupes.privacy.access_log import record_meeting, record_now
from groupes.privacy.models import AccessKind
from groupes.site.stamps import GROUPS, current_stamps, meeting_stamps

blueprint = Blueprint("documents", __name__)
blueprint.add_app_template_filter(unbroken)
blueprint.add_app_template_filter(logo_uri)
blueprint.add_app_template_filter(milestone_date)


@blueprint.route("/reunions/<int:meeting_id>/compte-rendu")
@costly_for_anonymous
def minutes_page(meeting_id: int):
    """The compte-rendu in the very HTML its PDF is made of, to read or print from the browser."""
    meeting = load_meeting(meeting_id)
    require(Permission.READ_MINUTES, meeting)
    links, notice = reading_links(meeting)
    record_meeting(AccessKind.READ, meeting, "Compte-rendu")
    return french_spacing(
        render_template(
            "documents/compte_rendu.html",
            document=meeting_document(
                meeting,
                with_milestones=request.args.get("calendrier") == "1",
                page=True,
                attachment_link=download_path,
            ),
            title=minutes_title(meeting),
            screen=True,
            back=url_for("meetings.show", meeting_id=meeting.id),
            pdf=url_for("documents.minutes_pdf", meeting_id=meeting.id),
            pdf_with_calendar=url_for("documents.minutes_pdf", meeting_id=meeting.id, calendrier=1)
            if meeting.group.programme.milestones
            else None,
            links=links,
            notice=notice,
        )
    )


@blueprint.route("/reunions/<int:meeting_id>/compte-rendu.pdf")
@costly_for_anonymous
def minutes_pdf(meeting_id: int):
    """The same check as the page: one who may not read these minutes gets 404."""
    stamps = meeting_stamps(meeting_id)
    meeting = load_meeting(meeting_id)
    require(Permission.READ_MINUTES, meeting)
    content = meeting_pdf(
        meeting,
        stamps,
        archive=request.args.get("archive") == "1",
        with_milestones=request.args.get("calendrier") == "1",
    )
    local = meeting.starts_at.date().isoformat()
    record_meeting(AccessKind.DOWNLOAD, meeting, "Compte-rendu (PDF)")
    return file_response(content, f"compte-rendu-groupe-{meeting.group.number}-{local}.pdf")


@blueprint.route("/groupes/<int:group_id>/dossier.pdf")
@costly_for_anonymous
def group_pdf(group_id: int):
    stamps = current_stamps(f"group:{group_id}")
    programme_id = load_or_refuse(sa.select(WorkingGroup.programme_id).where(WorkingGroup.id == group_id))
    programme = programme_for_documents(programme_id)
    group = next(g for g in programme.groups if g.id == group_id)
    require(Permission.VIEW, group)
    content = dossier_pdf(
        [group],
        stamps,
        title=f"Groupe de travail {group.number} – comptes-rendus",
        archive=request.args.get("archive") == "1",
        with_milestones=request.args.get("calendrier") == "1",
    )
    record_now(AccessKind.EXPORT, f"Dossier du groupe {group.number} (PDF)", programme_id=programme.id)
    return file_response(content, f"dossier-groupe-{group.number}.pdf")


@blueprint.route("/programmes/<int:programme_id>/annexe.pdf")
@costly_for_anonymous
def annex_pdf(programme_id: int):
    """Every group the viewer may see, in number order, with its validated minutes."""
    stamps = current_stamps(GROUPS)
    programme = programme_for_documents(programme_id)
    if programme is None:
        refuse()
    require(Permission.VIEW, programme)
    groups = [g for g in programme.groups if may(Permission.VIEW, g)]
    content = dossier_pdf(
        groups,
        stamps,
        title=" – ".join(
            filter(None, [programme.document_label, programme.title, "comptes-rendus des groupes de travail"])
        ),
        programme=programme,
        archive=request.args.get("archive") == "1",
        with_milestones=request.args.get("calendrier") == "1",
    )
    record_now(AccessKind.EXPORT, "Annexe : comptes-rendus des groupes (PDF)", programme_id=programme.id)
    return file_response(content, f"annexe-demarche-{programme.id}.pdf")


@blueprint.route("/reunions/<int:meeting_id>/convocation.pdf")
@costly_for_anonymous
def convocation_pdf(meeting_id: int):
    """Whoever may see the meeting gets it; the invited are listed for those who may see them."""
    stamps = meeting_stamps(meeting_id)
    meeting = load_meeting(meeting_id)
    require(Permission.VIEW, meeting)
    with_invited = may(Permission.SEE_ATTENDANCE, meeting)
    created = to_user_timezone(meeting.convened_at).date() if meeting.convened_at else date.today()

    def html() -> str:
        return render_template(
            "documents/convocation.html",
            document=meeting_document(meeting),
            invited=sorted(meeting.attendances, key=lambda a: a.person.sort_name) if with_invited else None,
            title=meeting_title("Convocation", meeting),
            author=document_author(meeting.group.programme, meeting.group),
            created=created,
        )

    key = document_key("convocation", stamps, meeting.id, with_invited, created)
    content = render_pdf(key, html, archive=request.args.get("archive") == "1")
    return file_response(content, f"convocation-groupe-{meeting.group.number}-{meeting.starts_at.date()}.pdf")


@blueprint.route("/reunions/<int:meeting_id>/emargement.pdf")
@costly_for_anonymous
def sign_in_sheet_pdf(meeting_id: int):
    """For those who hold the meeting: one row per invited person, and blank rows for guests."""
    stamps = meeting_stamps(meeting_id)
    meeting = load_meeting(meeting_id)
    require(Permission.EDIT, meeting)

    def html() -> str:
        return render_template(
            "documents/emargement.html",
            document=meeting_document(meeting),
            invited=sorted(meeting.attendances, key=lambda a: a.person.sort_name),
            blank_rows=8,
            title=meeting_title("Feuille d’émargement", meeting),
            author=document_author(meeting.group.programme, meeting.group),
            created=to_user_timezone(meeting.starts_at).date(),  # signed on the day
        )

    content = render_pdf(
        document_key("emargement", stamps, meeting.id), html, archive=request.args.get("archive") == "1"
    )
    return file_response(content, f"emargement-groupe-{meeting.group.number}-{meeting.starts_at.date()}.pdf")


@blueprint.route("/programmes/<int:programme_id>/synthese.pdf")
@costly_for_anonymous
def synthesis(programme_id: int):
    stamps = current_stamps(GROUPS)
    programme = programme_for_documents(programme_id)
    if programme is None:
        refuse()
    require(Permission.VIEW, programme)
    groups = [g for g in programme.groups if may(Permission.VIEW, g)]
    content = synthesis_pdf(
        programme,
        groups,
        stamps,
        archive=request.args.get("archive") == "1",
        readable=lambda meeting: may(Permission.READ_MINUTES, meeting),
    )
    record_now(AccessKind.EXPORT, "Synthèse (PDF)", programme_id=programme.id)
    return file_response(content, f"synthese-demarche-{programme.id}.pdf")


def ics_response(content: bytes, filename: str, inline: bool = False) -> Response:
    return file_response(content, filename, "text/calendar", inline)


@blueprint.route("/reunions/<int:meeting_id>.ics")
@costly_for_anonymous
def meeting_ics(meeting_id: int):
    meeting = load_meeting(meeting_id)
    require(Permission.VIEW, meeting)
    return ics_response(
        calendar([meeting], name=f"Groupe {meeting.group.number}"),
        f"reunion-groupe-{meeting.group.number}-{meeting.starts_at.date().isoformat()}.ics",
    )


@blueprint.route("/calendrier/<token>.ics")
def personal_feed(token: str):
    """The meetings of one person's groups, for calendar applications: the secret address
    stands for its owner (no session), and answers 404 once replaced or revoked."""
    user = db.session.scalar(sa.select(User).where(User.calendar_token == token)) if len(token) >= 32 else None
    if user is None or not user.is_active:
        abort(404)
    act_as(user)
    meetings = db.session.scalars(feed_query(user)).all()
    response = ics_response(
        calendar([m for m in meetings if may(Permission.VIEW, m)], name="Mes réunions de groupes de travail"),
        "mes-reunions.ics",
        inline=True,
    )
    response.headers["Cache-Control"] = "private, max-age=900"
    return response


def feed_query(user: User) -> sa.Select:
    """The meetings of the groups one belongs to, from a year back."""
    groups = sa.select(Membership.group_id).where(Membership.person_id == user.person_id)
    return (
        sa.select(Meeting)
        .where(Meeting.group_id.in_(groups), Meeting.starts_at >= utcnow() - timedelta(days=365))
        .options(
            joinedload(Meeting.group).joinedload(WorkingGroup.programme),
            selectinload(Meeting.agenda_items),
        )
        .order_by(Meeting.starts_at)
    )
