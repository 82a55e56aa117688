"""The agenda editor of a meeting."""

from flask import Blueprint, flash, redirect, render_template, request, url_for

from groupes.extensions import db
from groupes.meetings.agenda import (
    MOVES,
    AgendaError,
    add_item,
    copy_previous_agenda,
    delete_item,
    move_item,
    update_item,
)
from groupes.meetings.forms import AgendaItemForm
from groupes.meetings.loading import load_editable_meeting, pick
from groupes.meetings.models import AgendaItem, Meeting
from groupes.meetings.planning import previous_meeting
from groupes.meetings.schedule import agenda_schedule, planned_minutes
from groupes.site.forms import ConfirmForm, choices, show_domain_error

blueprint = Blueprint("agenda", __name__)


def item_fields(form: AgendaItemForm) -> dict:
    return {
        "title": form.title.data,
        "duration": form.duration.data,
        "presenter": form.presenter.data,
        "parent_id": form.parent.data or None,
    }


def prepare(form: AgendaItemForm, meeting: Meeting, item: AgendaItem | None = None) -> AgendaItemForm:
    roots = [i for i in sorted(meeting.agenda_items, key=lambda i: i.position) if i.parent_id is None and i is not item]
    form.parent.choices = choices([(0, "— premier niveau —")] + [(i.id, i.title) for i in roots])
    return form


def render_editor(meeting: Meeting, form: AgendaItemForm, status: int = 200):
    schedule = agenda_schedule(meeting)
    length = None
    if meeting.ends_at:
        length = int((meeting.ends_at - meeting.starts_at).total_seconds() // 60)
    return (
        render_template(
            "meetings/agenda_edit.html",
            meeting=meeting,
            group=meeting.group,
            schedule=schedule,
            planned=planned_minutes(schedule),
            length=length,
            form=form,
            moves=MOVES,
            previous=previous_meeting(meeting),
        ),
        status,
    )


@blueprint.route("/reunions/<int:meeting_id>/ordre-du-jour", methods=["GET", "POST"])
def edit(meeting_id: int):
    meeting = load_editable_meeting(meeting_id)
    form = prepare(AgendaItemForm(), meeting)
    if form.validate_on_submit():
        try:
            add_item(meeting, **item_fields(form))
        except AgendaError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash("Point ajouté.", "success")
            return redirect(url_for("agenda.edit", meeting_id=meeting.id) + "#ordre-du-jour")
    return render_editor(meeting, form)


@blueprint.route("/reunions/<int:meeting_id>/ordre-du-jour/<int:item_id>", methods=["GET", "POST"])
def item(meeting_id: int, item_id: int):
    meeting = load_editable_meeting(meeting_id)
    agenda_item = pick(meeting.agenda_items, item_id)
    form = prepare(AgendaItemForm(obj=agenda_item), meeting, agenda_item)
    if not form.is_submitted():
        form.duration.data = agenda_item.duration_min
        form.parent.data = agenda_item.parent_id or 0
    if form.validate_on_submit():
        try:
            update_item(agenda_item, **item_fields(form))
        except AgendaError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash("Point enregistré.", "success")
            return redirect(url_for("agenda.edit", meeting_id=meeting.id))
    cancel = url_for("agenda.edit", meeting_id=meeting.id)
    return render_template("form.html", form=form, title=f"Modifier le point « {agenda_item.title} »", cancel=cancel)


def agenda_action(meeting_id: int, item_id: int | None, change, success: str):
    """Run a change from a button of the editor and come back to it."""
    meeting = load_editable_meeting(meeting_id)
    if ConfirmForm().validate_on_submit():
        try:
            result = change(meeting, pick(meeting.agenda_items, item_id) if item_id else None)
        except AgendaError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(success.format(result=result), "success")
    return redirect(url_for("agenda.edit", meeting_id=meeting_id) + (f"#point-{item_id}" if item_id else ""))


@blueprint.route("/reunions/<int:meeting_id>/ordre-du-jour/<int:item_id>/deplacer", methods=["POST"])
def move(meeting_id: int, item_id: int):
    direction = request.form.get("direction", "")
    return agenda_action(meeting_id, item_id, lambda m, i: move_item(i, direction), "Point déplacé.")


@blueprint.route("/reunions/<int:meeting_id>/ordre-du-jour/<int:item_id>/supprimer", methods=["POST"])
def delete(meeting_id: int, item_id: int):
    return agenda_action(meeting_id, item_id, lambda m, i: delete_item(i), "Point supprimé.")


@blueprint.route("/reunions/<int:meeting_id>/ordre-du-jour/reprendre", methods=["POST"])
def copy_previous(meeting_id: int):
    return agenda_action(
        meeting_id, None, lambda m, i: copy_previous_agenda(m), "{result} point(s) repris de la réunion précédente."
    )
