"""The PDF documents: a compte-rendu, a dossier of groups (the programme's annex) and the
synthesis, each made by one function that the pages and the command line both call."""

import base64
import re
from collections.abc import Callable
from datetime import date

from flask import render_template
from flask_babel import format_date, to_user_timezone
from markupsafe import Markup, escape

from groupes.attachments.links import download_url
from groupes.exports.documents import group_document, meeting_document
from groupes.exports.pdf import document_key, render_pdf
from groupes.groups.models import WorkingGroup
from groupes.meetings.models import Meeting
from groupes.outcomes.models import ActionStatus, FindingKind
from groupes.programmes.models import Milestone, Programme
from groupes.programmes.synthesis import has_published, published_synthesis
from groupes.site.formatting import long_date, short_date

COMPOUND = re.compile(r"\w+(?:-\w+)+")


def unbroken(text: str) -> Markup:
    """A title set whole: a compound name (« Île-de-France ») never cut at its hyphens, and
    its last word never alone on a line (it keeps the word before it)."""
    head, space, last = text.strip().rpartition(" ")
    html = str(escape(f"{head}\u00a0{last}" if space else last))
    return Markup(COMPOUND.sub(lambda m: f'<span class="nowrap">{m.group(0)}</span>', html))


def logo_uri(programme: Programme) -> str:
    """The programme's logo as a ``data:`` address for its documents (WeasyPrint reads no other
    file than the static ones); empty without a logo."""
    if not programme.logo_type or not programme.logo:
        return ""
    return f"data:{programme.logo_type};base64,{base64.b64encode(programme.logo).decode()}"


def milestone_date(milestone: Milestone) -> str:
    """« lundi 2 juin 2014 », or « novembre 2014 » for a milestone known by its month."""
    return format_date(milestone.date, "LLLL y") if milestone.by_month else long_date(milestone.date)


def document_date(programme: Programme | None) -> date:
    """The date of the programme's documents: the one its organisers chose, or else today."""
    return (programme.document_date if programme is not None else None) or date.today()


def minutes_title(meeting: Meeting) -> str:
    """« Compte-rendu du groupe 1 – réunion du 27 mars 2014 »: the PDF's title, in words."""
    return f"Compte-rendu du groupe {meeting.group.number} – réunion du {short_date(meeting.starts_at)}"


def meeting_title(kind: str, meeting: Meeting) -> str:
    """« Convocation – groupe 1 – réunion du 27 mars 2014 »."""
    return f"{kind} – groupe {meeting.group.number} – réunion du {short_date(meeting.starts_at)}"


def document_author(programme: Programme, group: WorkingGroup | None = None) -> str:
    """Who a document is by, for its metadata: the group's facilitation as the group wrote it,
    or else the programme's organisers (their organisations, or their names); never the
    programme's title."""
    if group is not None and group.facilitation.strip():
        return group.facilitation.strip()
    names: list[str] = []
    for organiser in programme.organisers:
        person = organiser.person
        name = person.organisation.name if person.organisation else person.name
        if name not in names:
            names.append(name)
    return ", ".join(names)


def minutes_date(meeting: Meeting) -> date:
    """The date of a compte-rendu: the day its minutes were validated, or else the meeting's."""
    minutes = meeting.minutes
    return to_user_timezone(minutes.validated_at if minutes and minutes.validated_at else meeting.starts_at).date()


def meeting_pdf(meeting: Meeting, stamps: str | None, *, archive: bool, with_milestones: bool) -> bytes:
    """The same for every reader (huis clos withheld); ``stamps``: ``meeting_stamps``, read
    before the meeting was loaded."""

    def html() -> str:
        document = meeting_document(meeting, with_milestones=with_milestones, attachment_link=download_url)
        return render_template(
            "documents/compte_rendu.html",
            document=document,
            title=minutes_title(meeting),
            author=document_author(meeting.group.programme, meeting.group),
            created=minutes_date(meeting),
        )

    return render_pdf(document_key("compte-rendu", stamps, meeting.id, with_milestones), html, archive=archive)


def dossier_pdf(
    groups: list[WorkingGroup],
    stamps: str | None,
    *,
    title: str,
    programme: Programme | None = None,
    archive: bool,
    with_milestones: bool = False,
) -> bytes:
    """Validated minutes of these groups; with a programme, a cover and a table of contents;
    ``with_milestones``: the programme's calendar in each group's first meeting. ``stamps``:
    those of the groups shown (or of all groups), read before they were loaded."""
    owner = programme or (groups[0].programme if groups else None)
    today = document_date(owner)
    single = groups[0] if programme is None and len(groups) == 1 else None  # a group's dossier
    author = document_author(owner, single) if owner is not None else ""

    def html() -> str:
        return render_template(
            "documents/dossier.html",
            groups=[
                group_document(group, with_milestones=with_milestones)
                for group in sorted(groups, key=lambda g: g.number)
            ],
            title=title,
            programme=programme,
            cover="Liste des comptes-rendus des groupes de travail" if programme else None,
            today=today,
            author=author,
            created=today,
        )

    shown = sorted(g.id for g in groups)
    key = document_key("dossier", stamps, shown, title, programme.id if programme else None, today, with_milestones)
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
    today = document_date(programme)
    key = document_key("synthese", stamps, programme.id, audience, today)
    return render_pdf(key, lambda: _synthesis_html(programme, groups, readable, today), archive=archive)


def _synthesis_html(
    programme: Programme, groups: list[WorkingGroup], readable: Callable[[Meeting], bool], today: date
) -> str:
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
        author=document_author(programme),
        created=today,
    )
