"""The meeting page, and planning: new meeting, series, edit, cancel."""

from datetime import date, datetime
from functools import cache

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from markupsafe import escape
from sqlalchemy.orm import joinedload

from groupes.attachments.forms import attachment_form
from groupes.auth.permissions import Permission, load_or_refuse, may, refuse, require, viewer
from groupes.dbtypes import utcnow
from groupes.extensions import db
from groupes.groups.models import WorkingGroup
from groupes.mail import notifications
from groupes.meetings.attendance import counts
from groupes.meetings.forms import MeetingForm, SeriesForm
from groupes.meetings.loading import load_editable_meeting, meeting_query, open_actions_before
from groupes.meetings.models import AttendanceStatus, Meeting, MeetingStatus
from groupes.meetings.next_step import next_step
from groupes.meetings.numbering import meeting_numbers
from groupes.meetings.planning import (
    PlanningError,
    RenumberingNotConfirmed,
    Rhythm,
    Slot,
    cancel_meeting,
    paris_time,
    plan_meeting,
    plan_series,
    previous_meeting,
    restore_meeting,
    update_meeting,
)
from groupes.meetings.schedule import planned_minutes
from groupes.minutes.forms import FollowUpForm
from groupes.minutes.models import Minutes, MinutesSection
from groupes.outcomes.models import Action
from groupes.privacy.access_log import record_meeting
from groupes.privacy.models import AccessKind
from groupes.privacy.reading import readable_actions, reader_view
from groupes.site.dates import far_ahead
from groupes.site.formatting import long_date, ordinal
from groupes.site.forms import ConfirmForm, show_domain_error
from groupes.site.page_cache import cached_fragment, without_transaction
from groupes.site.stamps import SITE, stamp_columns, stamps_key
from groupes.site.timezone import PARIS

blueprint = Blueprint("meetings", __name__)


@cache
def _meeting_page_query() -> sa.Select:
    """The meeting, and what finding its body and logging the reading need, in one query
    (made once: every reading runs it)."""
    return (
        sa.select(
            Meeting,
            *stamp_columns(
                SITE, "group:" + sa.cast(Meeting.group_id, sa.String), "meeting:" + sa.cast(Meeting.id, sa.String)
            ),
            sa.exists().where(MinutesSection.minutes_id == Minutes.id, Minutes.meeting_id == Meeting.id),
            sa.exists().where(Action.meeting_id == Meeting.id, Action.owner_person_id == sa.bindparam("person_id")),
        )
        .where(Meeting.id == sa.bindparam("meeting_id"))
        .options(joinedload(Meeting.group).joinedload(WorkingGroup.programme), joinedload(Meeting.minutes))
    )


@blueprint.route("/reunions/<int:meeting_id>")
@without_transaction
def show(meeting_id: int):
    """The meeting page. Its body comes from the page cache, kept for each audience (what
    the viewer's rights in the group make of it) under the content stamps of the site, the
    group and the meeting; only the meeting, its group and its minutes' state are loaded to
    check the rights, find the body and log the reading."""
    v = viewer()
    row = db.session.execute(_meeting_page_query(), {"meeting_id": meeting_id, "person_id": v.person_id}).one_or_none()
    if row is None:
        refuse()
    meeting, *tokens, has_text, owns_action = row
    require(Permission.VIEW, meeting)
    group, read_minutes = meeting.group, may(Permission.READ_MINUTES, meeting)
    stamps = stamps_key(tokens)
    audience = v.audience(group, owns_action=owns_action)
    started = int(meeting.starts_at <= utcnow())  # the state shown turns from « Prévue » to « Tenue »
    key = f"meeting-page:{meeting.id}:{stamps}:{audience}:{started}" if stamps else None
    page = cached_fragment(key, lambda: meeting_body(meeting_id))
    if read_minutes and has_text:
        record_meeting(AccessKind.READ, meeting, "Compte-rendu (page de la réunion)")
    # The page's header is the viewer's own (the next step depends on the hour too): it is
    # made anew at each visit, from the meeting already loaded, around the cached body.
    edits = may(Permission.EDIT, meeting)
    step = next_step(
        meeting,
        utcnow(),
        edits=edits,
        approves=may(Permission.APPROVE_MINUTES, meeting),
        reads_minutes=read_minutes,
    )
    return render_template(
        "meetings/show.html", group=group, meeting=meeting, step=step, can_edit=edits, read_minutes=read_minutes, **page
    )


def meeting_body(meeting_id: int) -> dict[str, str]:
    """The heading and the body of the meeting page, as HTML."""
    meeting = db.session.scalar(meeting_query(meeting_id))
    view = reader_view(meeting)
    _, by_organisation = counts(meeting)
    can_edit = may(Permission.EDIT, meeting)
    number = meeting_numbers(meeting.group.meetings).get(meeting.id)
    day = long_date(meeting.starts_at)
    heading = f"{ordinal(number)} réunion : {day}" if number else f"Réunion annulée : {day}"
    body = render_template(
        "meetings/_body.html",
        meeting=meeting,
        group=meeting.group,
        heading=heading,
        view=view,
        planned=planned_minutes(view.agenda),
        previous=previous_meeting(meeting),
        followed_actions=readable_actions(open_actions_before(meeting)),
        read_minutes=view.read_minutes,
        see_attendance=may(Permission.SEE_ATTENDANCE, meeting),
        attendance={status: [a for a in meeting.attendances if a.status == status] for status in AttendanceStatus},
        organisations=by_organisation,
        can_edit=can_edit,
        follow_form=FollowUpForm(),
        attachment_form=attachment_form(meeting) if can_edit else None,
    )
    return {"heading": escape(heading), "body": body}


def ask_renumbering_only_when_needed(form: MeetingForm, error: PlanningError | None) -> None:
    """The confirmation box appears with the list of validated meetings it renumbers, and stays
    while the user has it ticked."""
    if not isinstance(error, RenumberingNotConfirmed) and not form.confirm_renumbering.data:
        del form.confirm_renumbering


def slot_from(form: MeetingForm) -> Slot:
    return Slot(form.day.data, form.start.data, form.end.data, form.title.data or "", form.place.data or "")


def warn_if_far_ahead(day: date) -> None:
    """A meeting years away is kept, but its year is questioned (a typing slip, often)."""
    if warning := far_ahead(day, datetime.now(PARIS).date()):
        flash(warning, "warning")


@blueprint.route("/groupes/<int:group_id>/reunions/nouvelle", methods=["GET", "POST"])
def create(group_id: int):
    group = load_or_refuse(sa.select(WorkingGroup).where(WorkingGroup.id == group_id))
    require(Permission.EDIT, group)
    form = MeetingForm()
    del form.scope
    error = None
    if form.validate_on_submit():
        try:
            meeting = plan_meeting(group, slot_from(form), confirmed=form.confirm_renumbering.data)
        except PlanningError as refused:
            error = refused
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash("Réunion créée, les membres du groupe y sont invités.", "success")
            warn_if_far_ahead(form.day.data)
            return redirect(url_for("meetings.show", meeting_id=meeting.id))
    ask_renumbering_only_when_needed(form, error)
    return render_template(
        "meetings/form.html",
        form=form,
        group=group,
        title="Nouvelle réunion",
        cancel=url_for("groups.show", group_id=group.id),
    )


@blueprint.route("/groupes/<int:group_id>/reunions/serie", methods=["GET", "POST"])
def create_series(group_id: int):
    group = load_or_refuse(sa.select(WorkingGroup).where(WorkingGroup.id == group_id))
    require(Permission.EDIT, group)
    form = SeriesForm()
    del form.scope
    error = None
    if form.validate_on_submit():
        rhythm = Rhythm(
            kind=form.rhythm.data,
            interval=form.interval.data or 1,
            nth=form.nth.data,
            weekday=form.weekday.data,
            until=form.until.data,
            count=form.count.data,
        )
        try:
            meetings = plan_series(group, slot_from(form), rhythm, confirmed=form.confirm_renumbering.data)
        except PlanningError as refused:
            error = refused
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(f"{len(meetings)} réunions planifiées ({meetings[0].series.description}).", "success")
            warn_if_far_ahead(max(m.starts_at for m in meetings).astimezone(PARIS).date())
            return redirect(url_for("groups.show", group_id=group.id))
    ask_renumbering_only_when_needed(form, error)
    return render_template(
        "meetings/series_form.html", form=form, group=group, cancel=url_for("groups.show", group_id=group.id)
    )


@blueprint.route("/reunions/<int:meeting_id>/modifier", methods=["GET", "POST"])
def edit(meeting_id: int):
    meeting = load_editable_meeting(meeting_id)
    form = MeetingForm()
    if meeting.series is None:
        del form.scope
    if not form.is_submitted():
        local = meeting.starts_at.astimezone(PARIS)
        form.day.data, form.start.data = local.date(), local.time()
        form.end.data = paris_time(meeting.ends_at)
        form.title.data, form.place.data = meeting.title, meeting.place
    error = None
    if form.validate_on_submit():
        scope = form.scope.data if meeting.series is not None else "this"
        try:
            changes = update_meeting(meeting, slot_from(form), scope, confirmed=form.confirm_renumbering.data)
        except PlanningError as refused:
            error = refused
            show_domain_error(form, error)
        else:
            notifications.meeting_changed(m for m in changes.changed if m.status != MeetingStatus.CANCELLED)
            db.session.commit()
            flash("Réunion enregistrée.", "success")
            warn_if_far_ahead(form.day.data)
            if changes.frozen:
                flash(f"Laissées telles quelles, leur compte-rendu étant validé : {changes.frozen_names()}.", "error")
            return redirect(url_for("meetings.show", meeting_id=meeting.id))
    ask_renumbering_only_when_needed(form, error)
    return render_template(
        "meetings/form.html",
        form=form,
        group=meeting.group,
        meeting=meeting,
        title="Modifier la réunion",
        cancel=url_for("meetings.show", meeting_id=meeting.id),
    )


def confirm_renumbering(meeting: Meeting, error: RenumberingNotConfirmed, action: str, label: str):
    """Ask before a cancellation or a restoration that renumbers validated meetings."""
    return render_template(
        "meetings/confirm_renumbering.html",
        meeting=meeting,
        group=meeting.group,
        message=str(error),
        action=action,
        label=label,
        scope=request.form.get("scope", "this"),
    ), 409


@blueprint.route("/reunions/<int:meeting_id>/annuler", methods=["POST"])
def cancel(meeting_id: int):
    """Cancel once confirmed: first the meetings it would cancel are named (nothing is changed)."""
    meeting = load_editable_meeting(meeting_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        scope = "following" if request.form.get("scope") == "following" else "this"
        renumbering = request.form.get("confirm_renumbering") == "1"
        try:
            changes = cancel_meeting(meeting, scope, confirmed=renumbering)
        except RenumberingNotConfirmed as error:
            db.session.rollback()
            return confirm_renumbering(meeting, error, url_for("meetings.cancel", meeting_id=meeting_id), "Annuler")
        except PlanningError as error:
            flash(str(error), "error")
            return redirect(url_for("meetings.show", meeting_id=meeting.id))
        if not (renumbering or request.form.get("confirmed") == "1"):
            days = [m.starts_at for m in changes.changed]
            kept = [m.starts_at for m in changes.frozen]
            db.session.rollback()
            return render_template(
                "meetings/confirm_cancel.html", meeting=meeting, group=meeting.group, days=days, kept=kept, scope=scope
            )
        notifications.meeting_cancelled(changes.changed)
        db.session.commit()
        flash(f"{len(changes.changed)} réunion(s) annulée(s) : leurs pages restent consultables.", "success")
        if changes.frozen:
            flash(f"Non annulées, leur compte-rendu étant validé : {changes.frozen_names()}.", "error")
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


@blueprint.route("/reunions/<int:meeting_id>/retablir", methods=["POST"])
def restore(meeting_id: int):
    meeting = load_editable_meeting(meeting_id)
    if ConfirmForm().validate_on_submit() and meeting.status == MeetingStatus.CANCELLED:
        try:
            restore_meeting(meeting, confirmed=request.form.get("confirm_renumbering") == "1")
        except RenumberingNotConfirmed as error:
            db.session.rollback()
            return confirm_renumbering(meeting, error, url_for("meetings.restore", meeting_id=meeting_id), "Rétablir")
        except PlanningError as error:
            flash(str(error), "error")
        else:
            notifications.meeting_changed([meeting])
            db.session.commit()
            flash("Réunion rétablie.", "success")
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


@blueprint.route("/reunions/<int:meeting_id>/convocation/envoyer", methods=["POST"])
def convene(meeting_id: int):
    """Send the convocation, with its calendar event, to everyone on the list."""
    meeting = load_editable_meeting(meeting_id)
    if ConfirmForm().validate_on_submit():
        if meeting.status == MeetingStatus.CANCELLED:
            flash("Cette réunion est annulée : rétablissez-la avant de convoquer.", "error")
        else:
            sent = notifications.convocation(meeting, update=meeting.convened_at is not None)
            db.session.commit()
            unreachable = sorted(a.person.name for a in meeting.attendances if not notifications.reachable(a.person))
            if sent:
                message = f"Convocation envoyée à {len(sent)} personne(s), avec l’événement pour leur agenda."
                if unreachable:
                    message += f" Sans adresse e-mail valable, à prévenir autrement : {', '.join(unreachable)}."
                flash(message, "success")
            else:
                flash("Personne à convoquer : aucune personne de la liste n’a d’adresse e-mail valable.", "error")
    return redirect(url_for("meetings.show", meeting_id=meeting.id))
