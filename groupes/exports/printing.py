"""The PDF documents: a compte-rendu, a dossier of groups (the programme's annex) and the
synthesis, each made by one function that the pages and the command line both call."""

from collections.abc import Callable
from datetime import date

from flask import render_template

from groupes.attachments.links import download_url
from groupes.exports.documents import group_document, meeting_document
from groupes.exports.pdf import document_key, render_pdf
from groupes.groups.models import WorkingGroup
from groupes.meetings.models import Meeting
from groupes.outcomes.models import ActionStatus, FindingKind
from groupes.programmes.models import Programme
from groupes.programmes.synthesis import has_published, published_synthesis


def minutes_title(meeting: Meeting) -> str:
    return f"Compte-rendu du groupe {meeting.group.number} – {meeting.starts_at.date().isoformat()}"


def meeting_pdf(meeting: Meeting, stamps: str | None, *, archive: bool, with_milestones: bool) -> bytes:
    """The same for every reader (huis clos withheld); ``stamps``: ``meeting_stamps``, read
    before the meeting was loaded."""

    def html() -> str:
        document = meeting_document(meeting, with_milestones=with_milestones, attachment_link=download_url)
        return render_template("documents/compte_rendu.html", document=document, title=minutes_title(meeting))

    return render_pdf(document_key("compte-rendu", stamps, meeting.id, with_milestones), html, archive=archive)


def dossier_pdf(
    groups: list[WorkingGroup], stamps: str | None, *, title: str, programme: Programme | None = None, archive: bool
) -> bytes:
    """Validated minutes of these groups; with a programme, a cover and a table of contents.
    ``stamps``: those of the groups shown (or of all groups), read before they were loaded."""
    today = date.today()

    def html() -> str:
        return render_template(
            "documents/dossier.html",
            groups=[group_document(group) for group in sorted(groups, key=lambda g: g.number)],
            title=title,
            programme=programme,
            cover="Liste des comptes-rendus des groupes de travail" if programme else None,
            today=today,
        )

    shown = sorted(g.id for g in groups)
    key = document_key("dossier", stamps, shown, title, programme.id if programme else None, today)
    return render_pdf(key, html, archive=archive)


def synthesis_pdf(
    programme: Programme,
    groups: list[WorkingGroup],
    stamps: str | None,
    *,
    archive: bool,
    readable: Callable[[Meeting], bool],
) -> bytes:
    """The organisers' published entries by kind (until they publish any: the findings of the
    groups' validated minutes, as recorded), then decisions and open actions. ``stamps``:
    those of all groups, read before they were loaded; the reader's rights are in the key as
    the groups shown and the meetings whose minutes they may read."""
    audience = (
        sorted(g.id for g in groups),
        sorted(m.id for g in programme.groups for m in g.meetings if readable(m)),
    )
    key = document_key("synthese", stamps, programme.id, audience)
    return render_pdf(key, lambda: _synthesis_html(programme, groups, readable), archive=archive)


def _synthesis_html(programme: Programme, groups: list[WorkingGroup], readable: Callable[[Meeting], bool]) -> str:
    documents = [group_document(g) for g in sorted(groups, key=lambda g: g.number)]
    published = [d for g in documents for d in g.meetings]
    entries = published_synthesis(programme, readable) if has_published(programme.id) else None
    findings = []
    if entries is None:
        for kind in FindingKind:
            rows = [(f, d.number) for d in published for k, items in d.view.findings if k == kind for f in items]
            if rows:
                findings.append((kind, rows))
    decisions_by_group = [
        (g.group, [(dec, d.number) for d in g.meetings for dec in d.view.decisions]) for g in documents
    ]
    actions = [
        a for d in published for a in d.view.actions if a.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
    ]
    withheld = sum(d.view.withheld[key] for d in published for key in ("findings", "decisions", "actions"))
    return render_template(
        "documents/synthese.html",
        programme=programme,
        withheld=withheld,
        entries=entries,
        findings=findings,
        decisions_by_group=decisions_by_group,
        actions=actions,
        title=f"{programme.title} – synthèse",
    )
