"""Huis clos marks, the access log, a person's data, and the privacy page."""

import json
from dataclasses import dataclass, field
from datetime import date
from email.utils import parseaddr

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from groupes.auth.permissions import Permission, load_or_refuse, may, require
from groupes.config import Defaults
from groupes.exports.responses import MAX_DOWNLOAD, tabular_response
from groupes.extensions import db
from groupes.groups.models import Person
from groupes.meetings.loading import load_meeting
from groupes.privacy.access_log import ANONYMOUS, anonymous_readings_query, entries_query, record_now
from groupes.privacy.forms import ErasureForm
from groupes.privacy.marking import MarkRefused, UnknownPart, mark
from groupes.privacy.models import AccessKind, AnonymousReading
from groupes.privacy.personal_data import ErasureRefused, erase_person, name_mentions, sole_facilitations
from groupes.privacy.personal_data import person_data as person_data_of
from groupes.programmes.models import Programme
from groupes.registers.filters import PAGE_SIZE, date_arg, page_of
from groupes.site.forms import ConfirmForm
from groupes.site.links import safe_next
from groupes.site.timezone import PARIS

blueprint = Blueprint("privacy", __name__)


@blueprint.route("/reunions/<int:meeting_id>/huis-clos", methods=["POST"])
def mark_confidential(meeting_id: int):
    """Mark a part of the meeting huis clos, or lift the mark: facilitators and organisers only."""
    meeting = load_meeting(meeting_id)
    require(Permission.MARK_CONFIDENTIAL, meeting)
    back = safe_next(request.form.get("next"), url_for("meetings.show", meeting_id=meeting.id))
    if not ConfirmForm().validate_on_submit():
        return redirect(back)
    confidential = request.form.get("confidential") == "1"
    try:
        what = mark(meeting, request.form.get("part", ""), confidential)
    except UnknownPart:
        abort(404)
    except MarkRefused as error:
        flash(str(error), "error")
        return redirect(back)
    db.session.commit()
    if confidential:
        flash(
            f"Huis clos posé sur {what} : seuls les membres du groupe le liront, "
            "et aucun document, export ni courriel ne le reprendra.",
            "success",
        )
    else:
        flash(f"Huis clos levé sur {what}.", "success")
    return redirect(back)


@dataclass
class LogFilters:
    kind: AccessKind | None = None
    actor: str = ""
    start: date | None = None
    end: date | None = None
    page: int = 1
    ignored: list[str] = field(default_factory=list)

    def args(self, **changes) -> dict:
        values = {
            "type": self.kind.value if self.kind else None,
            "qui": self.actor,
            "du": self.start.isoformat() if self.start else None,
            "au": self.end.isoformat() if self.end else None,
            "page": self.page if self.page > 1 else None,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "")}


def read_log_filters(args) -> LogFilters:
    """The log's filters from the address; nonsense falls back to « all » and says so."""
    f = LogFilters()
    kind = args.get("type", "")
    if kind in {k.value for k in AccessKind}:
        f.kind = AccessKind(kind)
    elif kind:
        f.ignored.append(f"Type « {kind[:40]} » inconnu : tous les types sont montrés.")
    f.actor = args.get("qui", "").strip()[:200]
    f.start, f.end = date_arg(args, "du", "de début", f.ignored), date_arg(args, "au", "de fin", f.ignored)
    if f.start and f.end and f.start > f.end:
        f.ignored.append("La date de début vient après la date de fin : dates ignorées.")
        f.start = f.end = None
    page = args.get("page", "1")
    f.page = int(page) if page.isdecimal() and 0 < int(page) < 100_000 else 1
    return f


def log_scope(programme_id: int | None) -> Programme | None:
    """The programme whose log is asked for (its organisers and admins), or the whole log (admins)."""
    if programme_id is None:
        require(Permission.READ_ACCESS_LOG)
        return None
    programme = load_or_refuse(sa.select(Programme).where(Programme.id == programme_id))
    require(Permission.READ_ACCESS_LOG, programme)
    return programme


def log_query(programme: Programme | None, f: LogFilters) -> sa.Select:
    return entries_query(
        programme_id=programme.id if programme else None, kind=f.kind, actor=f.actor, start=f.start, end=f.end
    )


ANONYMOUS_DAYS_SHOWN = 200


def anonymous_counts(programme: Programme | None, f: LogFilters) -> list[AnonymousReading]:
    """The daily counts of what visitors not signed in read, under the same filters (the
    latest ones), unless the log is filtered on a person those visitors are not."""
    if f.actor and f.actor.lower() not in ANONYMOUS.lower():
        return []
    query = anonymous_readings_query(
        programme_id=programme.id if programme else None, kind=f.kind, start=f.start, end=f.end
    )
    return db.session.scalars(query.limit(ANONYMOUS_DAYS_SHOWN)).all()


@blueprint.route("/programmes/<int:programme_id>/journal")
@blueprint.route("/admin/journal")
def access_log(programme_id: int | None = None):
    programme = log_scope(programme_id)
    filters = read_log_filters(request.args)
    rows, total = page_of(log_query(programme, filters), filters.page)
    endpoint_args = {"programme_id": programme_id} if programme_id else {}
    return render_template(
        "privacy/access_log.html",
        programme=programme,
        rows=rows,
        total=total,
        anonymous=anonymous_counts(programme, filters),
        anonymous_shown=ANONYMOUS_DAYS_SHOWN,
        filters=filters,
        pages=max(1, -(-total // PAGE_SIZE)),
        kinds=list(AccessKind),
        retention=current_app.config["ACCESS_LOG_RETENTION_DAYS"],
        page_url=lambda n: url_for("privacy.access_log", **endpoint_args, **filters.args(page=n if n > 1 else None)),
        download_url=lambda ext: url_for("privacy.access_log_file", extension=ext, **endpoint_args, **filters.args()),
    )


@blueprint.route("/programmes/<int:programme_id>/journal.<any(csv, xlsx):extension>")
@blueprint.route("/admin/journal.<any(csv, xlsx):extension>")
def access_log_file(extension: str, programme_id: int | None = None):
    programme = log_scope(programme_id)
    filters = read_log_filters(request.args)
    entries = db.session.scalars(log_query(programme, filters).limit(MAX_DOWNLOAD)).all()
    headers = ["Date et heure (Paris)", "Qui", "Type", "Quoi", "Détail"]
    rows = [[e.at.astimezone(PARIS).replace(tzinfo=None), e.actor, e.kind.label, e.target, e.detail] for e in entries]
    record_now(
        AccessKind.EXPORT,
        f"Journal des accès ({extension.upper()}, {len(rows)} lignes)",
        programme_id=programme.id if programme else None,
    )
    name = f"journal-demarche-{programme.id}" if programme else "journal"
    return tabular_response(name, extension, "Journal", headers, rows)


def load_person(person_id: int) -> Person:
    require(Permission.MANAGE_PERSONAL_DATA)
    return load_or_refuse(sa.select(Person).where(Person.id == person_id))


def person_page(person: Person, form: ErasureForm, refusal: str | None = None) -> str:
    mentions = name_mentions(person)
    return render_template(
        "privacy/person.html",
        person=person,
        data=person_data_of(person, mentions),
        mentions=mentions,
        blockers=sole_facilitations(person),
        form=form,
        refusal=refusal,
    )


@blueprint.route("/admin/personnes/<int:person_id>/donnees")
def person_data(person_id: int):
    return person_page(load_person(person_id), ErasureForm())


@blueprint.route("/admin/personnes/<int:person_id>/donnees.json")
def person_data_file(person_id: int):
    """Everything about the person, for the right of access (RGPD art. 15)."""
    person = load_person(person_id)
    content = json.dumps(person_data_of(person), ensure_ascii=False, indent=2) + "\n"
    record_now(AccessKind.EXPORT, f"Données personnelles de la personne n° {person.id} (JSON)", programme_id=None)
    response = Response(content, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="donnees-personne-{person.id}.json"'
    return response


@blueprint.route("/admin/personnes/<int:person_id>/effacer", methods=["POST"])
def erase(person_id: int):
    person = load_person(person_id)
    form = ErasureForm()
    refusal = None
    if form.validate_on_submit():
        try:
            erase_person(person, current_user._get_current_object())
        except ErasureRefused as error:
            db.session.rollback()
            refusal = str(error)
        else:
            flash("Données effacées : la personne n’apparaît plus que sous une mention neutre.", "success")
            return redirect(url_for("records.people"))
    return person_page(person, form, refusal), 422


# The settings of the privacy page: key, what it is, what to put there.
PRIVACY_SETTINGS = [
    (
        "PRIVACY_CONTROLLER",
        "Responsable du traitement",
        "l’organisme, article compris\u00a0: «\u00a0le Conseil départemental du Cher\u00a0»",
    ),
    ("PRIVACY_CONTACT", "Adresse des demandes sur les données", "une adresse électronique lue par l’organisme"),
    ("PRIVACY_DPO", "Délégué·e à la protection des données", "son nom ou son adresse, si l’organisme en a un·e"),
    ("PRIVACY_HOST", "Hébergement", "qui héberge le service, et où"),
]


@blueprint.route("/confidentialite")
def privacy_page():
    """What is stored, why, for how long, and whom to ask: filled from the configuration. Visitors
    read what is set (a missing item is left out or said in words); administrators also see
    which settings are still to fill and where."""
    config = current_app.config
    sender = config["MAIL_DEFAULT_SENDER"]
    site_sender = parseaddr(sender)[1] if sender != Defaults.MAIL_DEFAULT_SENDER else None
    settings = [(key, label, hint, config.get(key)) for key, label, hint in PRIVACY_SETTINGS]
    return render_template(
        "privacy/policy.html",
        controller=config["PRIVACY_CONTROLLER"],
        contact=config["PRIVACY_CONTACT"] or site_sender,
        dpo=config["PRIVACY_DPO"],
        host=config["PRIVACY_HOST"],
        settings=settings if may(Permission.MANAGE_PERSONAL_DATA) else None,
        log_days=config["ACCESS_LOG_RETENTION_DAYS"],
        draft_days=config["DRAFT_RETENTION_DAYS"],
        mail_days=config["MAIL_RETENTION_DAYS"],
        programme_months=config["PROGRAMME_RETENTION_MONTHS"],
    )
