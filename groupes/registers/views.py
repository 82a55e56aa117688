"""/decisions and /actions: every decision and action of the groups one may read, filtered,
a page at a time, and downloadable as CSV or spreadsheet."""

from datetime import datetime

import sqlalchemy as sa
from flask import Blueprint, Response, render_template, request, url_for
from sqlalchemy.orm import joinedload

from groupes.auth.permissions import Permission, load_or_refuse, may, require
from groupes.exports.responses import MAX_DOWNLOAD, tabular_response
from groupes.extensions import costly_for_anonymous, db
from groupes.groups.models import WorkingGroup
from groupes.meetings.models import AttendanceStatus
from groupes.outcomes.models import ActionStatus
from groupes.privacy.access_log import record
from groupes.privacy.models import AccessKind
from groupes.registers.assiduity import assiduity
from groupes.registers.filters import (
    ACTION_SORTS,
    ALL,
    DECISION_SORTS,
    PAGE_SIZE,
    UNFINISHED,
    actions_query,
    decisions_query,
    page_of,
    read_filters,
)
from groupes.site.http import is_htmx
from groupes.site.timezone import PARIS

blueprint = Blueprint("registers", __name__)


def visible_groups() -> list[WorkingGroup]:
    groups = db.session.scalars(
        sa.select(WorkingGroup).options(joinedload(WorkingGroup.programme)).order_by(WorkingGroup.number)
    ).all()
    return [g for g in groups if may(Permission.VIEW, g)]


def today():
    return datetime.now(PARIS).date()


def download(
    kind: str, extension: str, headers: list[str], rows: list[list], *, what: str, programme_ids: set[int]
) -> Response:
    """The file, once the export is in the access log of every programme it draws from."""
    for programme_id in sorted(programme_ids) or [None]:
        record(AccessKind.EXPORT, f"{what} ({extension.upper()}, {len(rows)} lignes)", programme_id=programme_id)
    db.session.commit()
    return tabular_response(kind, extension, kind.split("-")[0].capitalize(), headers, rows)


def render_register(template: str, results: str, endpoint: str, filters, query, groups, **context):
    """The register's page, or for htmx (a filter changed) its results alone."""
    rows, total = page_of(query, filters.page)
    pages = max(1, -(-total // PAGE_SIZE))
    return render_template(
        results if is_htmx() else template,
        fragment=is_htmx(),
        rows=rows,
        total=total,
        filters=filters,
        pages=pages,
        groups=groups,
        programmes=sorted({g.programme for g in groups}, key=lambda p: p.title),
        page_url=lambda n: url_for(endpoint, **filters.args(page=n if n > 1 else None)),
        download_url=lambda ext: url_for(f"{endpoint}_file", extension=ext, **filters.args(page=None)),
        today=today(),
        **context,
    )


@blueprint.route("/decisions")
def decisions():
    groups = visible_groups()
    filters = read_filters(request.args, sorts=DECISION_SORTS, groups=groups)
    return render_register(
        "registers/decisions.html",
        "registers/_decisions_results.html",
        "registers.decisions",
        filters,
        decisions_query(filters),
        groups,
        sorts=DECISION_SORTS,
    )


@blueprint.route("/decisions.<any(csv, xlsx):extension>")
@costly_for_anonymous
def decisions_file(extension: str):
    filters = read_filters(request.args, sorts=DECISION_SORTS, groups=visible_groups())
    decisions = db.session.scalars(decisions_query(filters, document=True).limit(MAX_DOWNLOAD)).unique().all()
    headers = ["Démarche", "Groupe", "Réunion", "N°", "Décision", "Compte-rendu"]
    rows = [
        [
            d.meeting.group.programme.title,
            f"{d.meeting.group.number} – {d.meeting.group.title}",
            d.meeting.starts_at.astimezone(PARIS).date(),
            d.number,
            d.text,
            d.meeting.minutes.status.label,
        ]
        for d in decisions
    ]
    programmes = {d.meeting.group.programme_id for d in decisions}
    return download("decisions", extension, headers, rows, what="Relevé des décisions", programme_ids=programmes)


@blueprint.route("/actions")
def actions():
    groups = visible_groups()
    filters = read_filters(request.args, sorts=ACTION_SORTS, groups=groups)
    return render_register(
        "registers/actions.html",
        "registers/_actions_results.html",
        "registers.actions",
        filters,
        actions_query(filters, today()),
        groups,
        sorts=ACTION_SORTS,
        statuses=[(UNFINISHED, "À faire ou en cours"), (ALL, "Toutes")] + [(s.value, s.label) for s in ActionStatus],
    )


@blueprint.route("/actions.<any(csv, xlsx):extension>")
@costly_for_anonymous
def actions_file(extension: str):
    filters = read_filters(request.args, sorts=ACTION_SORTS, groups=visible_groups())
    actions = db.session.scalars(actions_query(filters, today(), document=True).limit(MAX_DOWNLOAD)).unique().all()
    headers = ["Démarche", "Groupe", "Réunion", "Action", "Responsable", "Échéance", "État", "En retard"]
    now = today()
    rows = [
        [
            a.meeting.group.programme.title,
            f"{a.meeting.group.number} – {a.meeting.group.title}",
            a.meeting.starts_at.astimezone(PARIS).date(),
            a.title,
            a.owner_name or "",
            a.due,
            a.status.label,
            "oui" if a.due and a.due < now and a.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS) else "",
        ]
        for a in actions
    ]
    programmes = {a.meeting.group.programme_id for a in actions}
    return download("actions", extension, headers, rows, what="Registre des actions", programme_ids=programmes)


def load_assiduity(group_id: int):
    group = load_or_refuse(sa.select(WorkingGroup).where(WorkingGroup.id == group_id))
    require(Permission.VIEW, group)
    return group, assiduity(group)


@blueprint.route("/groupes/<int:group_id>/assiduite")
def attendance(group_id: int):
    group, stats = load_assiduity(group_id)
    return render_template("registers/assiduity.html", group=group, stats=stats, statuses=list(AttendanceStatus))


@blueprint.route("/groupes/<int:group_id>/assiduite.<any(csv, xlsx):extension>")
@costly_for_anonymous
def attendance_file(group_id: int, extension: str):
    group, stats = load_assiduity(group_id)
    headers = ["Personne", "Structure", "Réunions comptées", "Présent·e ou représenté·e"] + [
        s.label for s in AttendanceStatus
    ]
    rows = [
        [
            line.person.name,
            line.person.organisation.name if line.person.organisation else "",
            len(stats.meetings),
            line.there,
            *(line.counts[s] for s in AttendanceStatus),
        ]
        for line in stats.people
    ]
    return download(
        f"assiduite-groupe-{group.number}",
        extension,
        headers,
        rows,
        what=f"Assiduité du groupe {group.number}",
        programme_ids={group.programme_id},
    )
