"""Retention: what has been kept long enough goes, after a dry run that lists it.

- the access log, after ACCESS_LOG_RETENTION_DAYS;
- abandoned drafts: minutes never validated of meetings held more than
  DRAFT_RETENTION_DAYS ago and untouched since; their text, revisions and
  review comments go, the meeting (agenda, attendance, decisions, actions)
  stays;
- mail: messages sent (or given up) more than MAIL_RETENTION_DAYS ago, and the
  development outbox's files as old;
- the PDF cache, files older than PDF_CACHE_DAYS (they are made again on demand);
- on request only, closed programmes whose retention (their own, or
  PROGRAMME_RETENTION_MONTHS) has run out, everything in them; one holding
  validated minutes needs an explicit confirmation.
"""

import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from flask import current_app

from groupes.attachments.attaching import remove_orphan_files
from groupes.dbtypes import utcnow
from groupes.errors import DomainError
from groupes.extensions import db
from groupes.groups.models import WorkingGroup
from groupes.mail.models import OutgoingMail
from groupes.meetings.models import Meeting
from groupes.minutes.models import Comment, Minutes, MinutesReader, MinutesRevision, MinutesSection, MinutesStatus
from groupes.privacy.models import AccessLogEntry, AnonymousReading
from groupes.programmes.models import Programme
from groupes.search.index import forget_deleted_meetings, reindex
from groupes.site.formatting import long_date, number
from groupes.site.page_cache import cache


class PurgeRefused(DomainError):
    """The purge would remove validated minutes, and that was not confirmed."""


@dataclass
class ExpiredProgramme:
    programme: Programme
    expired_on: date
    validated: int  # meetings with validated minutes it would take with it


@dataclass
class PurgePlan:
    today: date
    log_before: date
    log_entries: int
    drafts: list[Meeting]
    mail_before: date
    mails: int
    outbox_files: list[Path]
    pdf_files: list[Path]
    programmes: list[ExpiredProgramme] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            self.log_entries or self.drafts or self.mails or self.outbox_files or self.pdf_files or self.programmes
        )


def _days_ago(days: int) -> tuple[date, object]:
    moment = utcnow() - timedelta(days=days)
    return moment.date(), moment


def _old_files(folder: Path, pattern: str, days: int) -> list[Path]:
    if not folder.is_dir():
        return []
    limit = time.time() - days * 86400
    return sorted(p for p in folder.glob(pattern) if p.is_file() and p.stat().st_mtime < limit)


def pdf_cache() -> Path:
    return Path(current_app.config.get("PDF_CACHE_DIR") or Path(current_app.instance_path) / "pdf-cache")


def abandoned_drafts(days: int) -> list[Meeting]:
    """Meetings held before the limit whose minutes are a draft with text nobody touched since."""
    _, limit = _days_ago(days)
    touched = sa.select(MinutesSection.minutes_id).where(MinutesSection.updated_at >= limit)
    recent = sa.select(MinutesRevision.minutes_id).where(MinutesRevision.created_at >= limit)
    has_text = sa.select(MinutesSection.minutes_id).where(MinutesSection.body != "")
    return list(
        db.session.scalars(
            sa.select(Meeting)
            .join(Meeting.minutes)
            .where(
                Meeting.starts_at < limit,
                Minutes.status == MinutesStatus.DRAFT,
                Minutes.id.in_(has_text),
                Minutes.id.not_in(recent),
                Minutes.id.not_in(touched),
            )
            .order_by(Meeting.starts_at)
        )
    )


def expired_programmes(today: date) -> list[ExpiredProgramme]:
    default = current_app.config["PROGRAMME_RETENTION_MONTHS"]
    expired = []
    for programme in db.session.scalars(sa.select(Programme).where(Programme.closed_on.is_not(None))):
        ends = programme.closed_on + relativedelta(months=programme.retention_months or default)
        if ends <= today:
            validated = db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Meeting)
                .join(Meeting.minutes)
                .join(Meeting.group)
                .where(WorkingGroup.programme_id == programme.id, Minutes.status == MinutesStatus.VALIDATED)
            )
            expired.append(ExpiredProgramme(programme, ends, validated))
    return expired


def plan_purge(*, programmes: bool = False) -> PurgePlan:
    """What a purge would remove now; nothing is changed."""
    config = current_app.config
    log_day, log_limit = _days_ago(config["ACCESS_LOG_RETENTION_DAYS"])
    mail_day, mail_limit = _days_ago(config["MAIL_RETENTION_DAYS"])
    return PurgePlan(
        today=utcnow().date(),
        log_before=log_day,
        log_entries=db.session.scalar(
            sa.select(sa.func.count()).select_from(AccessLogEntry).where(AccessLogEntry.at < log_limit)
        )
        + db.session.scalar(
            sa.select(sa.func.count()).select_from(AnonymousReading).where(AnonymousReading.day < log_day)
        ),
        drafts=abandoned_drafts(config["DRAFT_RETENTION_DAYS"]),
        mail_before=mail_day,
        mails=db.session.scalar(sa.select(sa.func.count()).select_from(OutgoingMail).where(_old_mail(mail_limit))),
        outbox_files=_old_files(Path(current_app.instance_path) / "outbox", "*.eml", config["MAIL_RETENTION_DAYS"]),
        pdf_files=_old_files(pdf_cache(), "*.pdf", config["PDF_CACHE_DAYS"]),
        programmes=expired_programmes(utcnow().date()) if programmes else [],
    )


def _old_mail(limit) -> sa.ColumnElement[bool]:
    return sa.or_(
        OutgoingMail.sent_at < limit, sa.and_(OutgoingMail.sent_at.is_(None), OutgoingMail.created_at < limit)
    )


def apply_purge(plan: PurgePlan, *, include_validated: bool = False) -> None:
    """Remove what the plan lists. Programmes holding validated minutes need ``include_validated``."""
    holding = [p for p in plan.programmes if p.validated]
    if holding and not include_validated:
        names = " ; ".join(f"« {p.programme.title} » ({p.validated} compte(s)-rendu(s) validé(s))" for p in holding)
        raise PurgeRefused(
            f"Ces démarches contiennent des comptes-rendus validés : {names}. Rien n'a été effacé. "
            "Relancez avec --include-validated pour confirmer qu'ils doivent disparaître."
        )
    config = current_app.config
    log_day, log_limit = _days_ago(config["ACCESS_LOG_RETENTION_DAYS"])
    _, mail_limit = _days_ago(config["MAIL_RETENTION_DAYS"])
    db.session.execute(sa.delete(AccessLogEntry).where(AccessLogEntry.at < log_limit))
    db.session.execute(sa.delete(AnonymousReading).where(AnonymousReading.day < log_day))
    db.session.execute(sa.delete(OutgoingMail).where(_old_mail(mail_limit)))
    for meeting in plan.drafts:
        minutes = meeting.minutes
        for model in (Comment, MinutesReader, MinutesRevision, MinutesSection):
            db.session.execute(sa.delete(model).where(model.minutes_id == minutes.id))
    if plan.drafts:
        db.session.expire_all()
        reindex(db.session, [m.id for m in plan.drafts])
    for expired in plan.programmes:
        db.session.delete(expired.programme)
    if plan.programmes:
        db.session.flush()
        forget_deleted_meetings(db.session)
    db.session.commit()
    for path in (*plan.outbox_files, *plan.pdf_files):
        path.unlink(missing_ok=True)
    if plan.programmes:
        remove_orphan_files()


def clear_cached_documents() -> int:
    """Every cached PDF and page (after an erasure: they may name the person); how many PDFs."""
    files = list(pdf_cache().glob("*.pdf")) if pdf_cache().is_dir() else []
    for path in files:
        path.unlink(missing_ok=True)
    cache.clear()
    return len(files)


def purge_report(plan: PurgePlan, *, applied: bool) -> str:
    """What the purge removes (or would remove), in French, one line per kind of thing."""
    if plan.empty:
        return "Rien à effacer : tout est dans sa durée de conservation."
    verb = "effacé" if applied else "à effacer"
    lines = [f"Purge du {long_date(plan.today)} — {verb} :"]
    if plan.log_entries:
        lines.append(
            f"- journal des accès : {number(plan.log_entries)} entrée(s) antérieure(s) au {long_date(plan.log_before)}"
        )
    if plan.drafts:
        lines.append(
            f"- brouillons abandonnés : {len(plan.drafts)} compte(s)-rendu(s) jamais validé(s), texte et historique :"
        )
        lines += [f"    · {_meeting_line(m)}" for m in plan.drafts]
    if plan.mails:
        lines.append(f"- courriels : {number(plan.mails)} message(s) antérieur(s) au {long_date(plan.mail_before)}")
    if plan.outbox_files:
        lines.append(f"- boîte d'envoi locale : {len(plan.outbox_files)} fichier(s)")
    if plan.pdf_files:
        lines.append(f"- PDF en cache : {len(plan.pdf_files)} fichier(s) (refaits à la demande)")
    for expired in plan.programmes:
        validated = f", dont {expired.validated} compte(s)-rendu(s) validé(s)" if expired.validated else ""
        lines.append(
            f"- démarche close « {expired.programme.title} », conservation échue le {long_date(expired.expired_on)} :"
            f" tout son contenu{validated}"
        )
    return "\n".join(lines)


def _meeting_line(meeting: Meeting) -> str:
    return f"{meeting.group.programme.title} – groupe {meeting.group.number}, réunion du {long_date(meeting.starts_at)}"
