"""Taking attendance at the door: one screen, one tap per person, usable on a phone."""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for

from groupes.auth.permissions import visible_group_ids
from groupes.extensions import db
from groupes.groups.models import Organisation
from groupes.groups.people import member_names
from groupes.meetings.attendance import AttendanceError, add_guest, counts, invite_members, record, remove
from groupes.meetings.forms import AttendanceForm, GuestForm
from groupes.meetings.loading import load_editable_meeting, pick
from groupes.meetings.models import Attendance, AttendanceStatus, Meeting
from groupes.meetings.planning import paris_time
from groupes.site.forms import ConfirmForm, show_domain_error
from groupes.site.http import is_htmx

blueprint = Blueprint("attendance", __name__)


def row_form(attendance: Attendance, formdata=None) -> AttendanceForm:
    form = AttendanceForm(formdata=formdata, prefix=f"a{attendance.id}")
    if formdata is None:
        form.status.data = attendance.status.value
        form.represented_by.data = attendance.represented_by
        form.arrived_at.data = paris_time(attendance.arrived_at)
        form.left_at.data = paris_time(attendance.left_at)
    return form


def suggestions(meeting: Meeting) -> tuple[list[str], list[str]]:
    """Names of the people of the groups one may see, and of all organisations, for the guest form."""
    people = member_names(visible_group_ids(meeting.group.programme_id))
    organisations = db.session.scalars(sa.select(Organisation.name).order_by(Organisation.name)).all()
    return people, organisations


def sorted_rows(meeting: Meeting) -> list[Attendance]:
    return sorted(meeting.attendances, key=lambda a: a.person.name.lower())


def render_sheet(
    meeting: Meeting,
    guest_form: GuestForm,
    forms: dict[int, AttendanceForm] | None = None,
    *,
    announce: str = "",
    tone: str = "success",
    focus: str = "",
):
    """The attendance page, or for htmx its sheet (list, invitation, guest form) and the counts."""
    forms = forms or {}
    by_status, by_organisation = counts(meeting)
    people, organisations = suggestions(meeting)
    if guest_form.errors:
        focus = next(f.id for f in guest_form if f.errors)
    html = render_template(
        "meetings/_attendance_sheet.html" if is_htmx() else "meetings/attendance.html",
        meeting=meeting,
        group=meeting.group,
        rows=sorted_rows(meeting),
        forms={a.id: forms.get(a.id) or row_form(a) for a in meeting.attendances},
        by_status=by_status,
        by_organisation=by_organisation,
        guest_form=guest_form,
        people=people,
        organisations=organisations,
        statuses=STATUSES,
        fragment=is_htmx(),
        announce=announce,
        tone=tone,
        focus=focus,
    )
    if is_htmx():
        return html + render_counts(meeting), (422 if guest_form.errors else 200)
    return html


STATUSES = [s for s in AttendanceStatus if s != AttendanceStatus.INVITED]


def render_counts(meeting: Meeting) -> str:
    """The counts, swapped by htmx into the page's live region (out of band)."""
    by_status, by_organisation = counts(meeting)
    return render_template(
        "meetings/_attendance_counts.html", by_status=by_status, by_organisation=by_organisation, out_of_band=True
    )


def render_row(meeting: Meeting, attendance: Attendance, form: AttendanceForm) -> str:
    """For htmx: the person's row, and the counts."""
    row = render_template(
        "meetings/_attendance_row.html", attendance=attendance, form=form, meeting=meeting, statuses=STATUSES
    )
    return row + render_counts(meeting)


@blueprint.route("/reunions/<int:meeting_id>/presences", methods=["GET", "POST"])
def sheet(meeting_id: int):
    """The list; a POST here adds a guest."""
    meeting = load_editable_meeting(meeting_id)
    guest_form = GuestForm()
    if guest_form.validate_on_submit():
        try:
            attendance = add_guest(
                meeting,
                visible_groups=visible_group_ids(meeting.group.programme_id),
                name=guest_form.name.data,
                organisation=guest_form.organisation.data or "",
                email=guest_form.email.data or None,
            )
        except AttendanceError as error:
            db.session.rollback()
            show_domain_error(guest_form, error)
        else:
            db.session.commit()
            added = f"{attendance.person.name} ajouté·e à la liste."
            if is_htmx():
                return render_sheet(meeting, GuestForm(formdata=None), announce=added, focus=guest_form.name.id)
            flash(added, "success")
            return redirect(url_for("attendance.sheet", meeting_id=meeting.id))
    return render_sheet(meeting, guest_form)


@blueprint.route("/reunions/<int:meeting_id>/presences/<int:attendance_id>", methods=["POST"])
def mark(meeting_id: int, attendance_id: int):
    meeting = load_editable_meeting(meeting_id)
    attendance = pick(meeting.attendances, attendance_id)
    form = row_form(attendance, request.form)
    if form.validate_on_submit():
        try:
            record(
                attendance,
                status=form.status.data,
                represented_by=form.represented_by.data,
                arrived_at=form.arrived_at.data,
                left_at=form.left_at.data,
            )
        except AttendanceError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
    if is_htmx():
        return render_row(meeting, attendance, form), (422 if form.errors else 200)
    if form.errors:
        return render_sheet(meeting, GuestForm(formdata=None), {attendance.id: form})
    return redirect(url_for("attendance.sheet", meeting_id=meeting.id) + f"#presence-{attendance.id}")


@blueprint.route("/reunions/<int:meeting_id>/presences/inviter-les-membres", methods=["POST"])
def invite(meeting_id: int):
    meeting = load_editable_meeting(meeting_id)
    message, tone = "", "success"
    if ConfirmForm().validate_on_submit():
        try:
            added = invite_members(meeting)
        except AttendanceError as error:
            db.session.rollback()
            message, tone = str(error), "error"
        else:
            db.session.commit()
            message = f"{added} membre(s) ajouté(s) à la liste."
    return answer(meeting, message, tone, "inviter-les-membres")


@blueprint.route("/reunions/<int:meeting_id>/presences/<int:attendance_id>/retirer", methods=["POST"])
def drop(meeting_id: int, attendance_id: int):
    meeting = load_editable_meeting(meeting_id)
    attendance = pick(meeting.attendances, attendance_id)
    message, tone, focus = "", "success", ""
    if ConfirmForm().validate_on_submit():
        name = attendance.person.name
        try:
            remove(attendance)
        except AttendanceError as error:
            db.session.rollback()
            message, tone = str(error), "error"
        else:
            db.session.commit()
            message = f"{name} retiré·e de la liste."
            focus = next_person(meeting, name)
    return answer(meeting, message, tone, focus)


def next_person(meeting: Meeting, after: str) -> str:
    """Where the focus goes once someone left the list: the first button of the next person."""
    rows = sorted_rows(meeting)
    later = [a for a in rows if a.person.name.lower() > after.lower()]
    neighbour = later[0] if later else (rows[-1] if rows else None)
    return f"presence-{neighbour.id}-{STATUSES[0].value}" if neighbour else "invite"


def answer(meeting: Meeting, message: str, tone: str, focus: str):
    """After a change of the list: for htmx the sheet, else the page again with the message."""
    if is_htmx():
        return render_sheet(meeting, GuestForm(formdata=None), announce=message, tone=tone, focus=focus)
    if message:
        flash(message, tone)
    return redirect(url_for("attendance.sheet", meeting_id=meeting.id))
