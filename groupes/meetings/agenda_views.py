"""The agenda editor of a meeting."""

import re

from flask import Blueprint, flash, redirect, render_template, request, url_for

from groupes.extensions import db
from groupes.meetings.agenda import (
    MOVES,
    AgendaError,
    add_item,
    copy_previous_agenda,
    delete_item,
    move_item,
    place_item,
    update_item,
    where_it_stands,
)
from groupes.meetings.forms import AgendaItemForm
from groupes.meetings.loading import load_editable_meeting, pick
from groupes.meetings.models import AgendaItem, Meeting
from groupes.meetings.planning import previous_meeting
from groupes.meetings.schedule import agenda_schedule, planned_minutes
from groupes.site.forms import ConfirmForm, choices, show_domain_error
from groupes.site.http import is_htmx

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


def reading_order(meeting: Meeting) -> list[AgendaItem]:
    return sorted(meeting.agenda_items, key=lambda i: i.position)


def render_editor(
    meeting: Meeting,
    form: AgendaItemForm,
    status: int = 200,
    *,
    announce: str = "",
    tone: str = "success",
    focus: str = "",
    editing: tuple[AgendaItem, AgendaItemForm] | None = None,
    confirming: AgendaItem | None = None,
):
    """The editor: the whole page, or for htmx the fragment it swaps (focus names where the focus goes next)."""
    schedule = agenda_schedule(meeting)
    length = None
    if meeting.ends_at:
        length = int((meeting.ends_at - meeting.starts_at).total_seconds() // 60)
    if form.errors or (editing and editing[1].errors):
        status = 422 if is_htmx() else status
        erring = editing[1] if editing and editing[1].errors else form
        focus = next(f.id for f in erring if f.errors)
        announce, tone = "Le point n’a pas été enregistré : corrigez les champs signalés.", "error"
    return (
        render_template(
            "meetings/_agenda_editor.html" if is_htmx() else "meetings/agenda_edit.html",
            meeting=meeting,
            group=meeting.group,
            schedule=schedule,
            planned=planned_minutes(schedule),
            length=length,
            form=form,
            moves=MOVES,
            previous=previous_meeting(meeting),
            announce=announce,
            tone=tone,
            focus=focus,
            editing=editing,
            confirming=confirming,
            fragment=is_htmx(),
        ),
        status,
    )


FOCUSABLE = re.compile(r"point-\d+-(modifier|supprimer)")


def blank_form(meeting: Meeting) -> AgendaItemForm:
    return prepare(AgendaItemForm(formdata=None), meeting)


@blueprint.route("/reunions/<int:meeting_id>/ordre-du-jour", methods=["GET", "POST"])
def edit(meeting_id: int):
    meeting = load_editable_meeting(meeting_id)
    form = prepare(AgendaItemForm(), meeting)
    if form.validate_on_submit():
        try:
            item = add_item(meeting, **item_fields(form))
        except AgendaError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            if is_htmx():
                message = f"Point ajouté : « {item.title} »."
                return render_editor(meeting, blank_form(meeting), announce=message, focus="title")
            flash("Point ajouté.", "success")
            return redirect(url_for("agenda.edit", meeting_id=meeting.id) + "#ordre-du-jour")
    back = request.args.get("retour", "")
    return render_editor(meeting, form, focus=back if FOCUSABLE.fullmatch(back) else "")


INLINE_PREFIX = "point"


@blueprint.route("/reunions/<int:meeting_id>/ordre-du-jour/<int:item_id>", methods=["GET", "POST"])
def item(meeting_id: int, item_id: int):
    """A point's own form; for htmx, the same form in place in the editor (its fields prefixed)."""
    meeting = load_editable_meeting(meeting_id)
    agenda_item = pick(meeting.agenda_items, item_id)
    inline = is_htmx() or request.form.get("inline") == "1"
    form = prepare(AgendaItemForm(obj=agenda_item, prefix=INLINE_PREFIX if inline else ""), meeting, agenda_item)
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
            if is_htmx():
                message = f"Point enregistré : « {agenda_item.title} »."
                return render_editor(meeting, blank_form(meeting), announce=message, focus=f"point-{item_id}-modifier")
            flash("Point enregistré.", "success")
            return redirect(url_for("agenda.edit", meeting_id=meeting.id))
    if is_htmx():
        focus = "" if form.errors else form.title.id
        return render_editor(meeting, blank_form(meeting), focus=focus, editing=(agenda_item, form))
    cancel = url_for("agenda.edit", meeting_id=meeting.id)
    return render_template("form.html", form=form, title=f"Modifier le point « {agenda_item.title} »", cancel=cancel)


def agenda_action(meeting_id: int, item_id: int | None, change, success: str, focus=lambda item: ""):
    """Run a change from a button of the editor and come back to it (for htmx, the editor's fragment)."""
    meeting = load_editable_meeting(meeting_id)
    item = pick(meeting.agenda_items, item_id) if item_id else None
    announce, tone, where = "", "success", ""
    if ConfirmForm().validate_on_submit():
        where = focus(item)
        try:
            result = change(meeting, item)
        except AgendaError as error:
            db.session.rollback()
            announce, tone = str(error), "error"
        else:
            db.session.commit()
            announce = success.format(result=result, title=item.title if item else "")
        if not is_htmx():
            flash(announce, tone)
    if is_htmx():
        return render_editor(meeting, blank_form(meeting), announce=announce, tone=tone, focus=where)
    return redirect(url_for("agenda.edit", meeting_id=meeting_id) + (f"#point-{item_id}" if item_id else ""))


OPPOSITE = {"up": "down", "down": "up", "indent": "outdent", "outdent": "indent"}


@blueprint.route("/reunions/<int:meeting_id>/ordre-du-jour/<int:item_id>/deplacer", methods=["POST"])
def move(meeting_id: int, item_id: int):
    direction = request.form.get("direction", "")

    def focus(item: AgendaItem) -> str:
        return f"point-{item.id}-{direction} point-{item.id}-{OPPOSITE.get(direction, '')} point-{item.id}-modifier"

    return agenda_action(
        meeting_id,
        item_id,
        lambda m, i: move_item(i, direction) or where_it_stands(i),
        "Point déplacé : « {title} » est maintenant {result}.",
        focus,
    )


@blueprint.route("/reunions/<int:meeting_id>/ordre-du-jour/<int:item_id>/placer", methods=["POST"])
def place(meeting_id: int, item_id: int):
    """Where a dragged point was dropped: under ``parent`` (empty: the first level), at ``index``."""
    parent = request.form.get("parent", type=int)
    index = request.form.get("index", 0, type=int)
    return agenda_action(
        meeting_id,
        item_id,
        lambda m, i: place_item(i, parent, index) or where_it_stands(i),
        "Point déplacé : « {title} » est maintenant {result}.",
        lambda item: f"point-{item.id}-modifier",
    )


@blueprint.route("/reunions/<int:meeting_id>/ordre-du-jour/<int:item_id>/supprimer", methods=["POST"])
def delete(meeting_id: int, item_id: int):
    """Deleting asks first: the editor shows the point with « Oui, supprimer » until that is sent."""
    if request.form.get("confirmed") != "1":
        meeting = load_editable_meeting(meeting_id)
        agenda_item = pick(meeting.agenda_items, item_id)
        if not ConfirmForm().validate_on_submit():
            return redirect(url_for("agenda.edit", meeting_id=meeting_id))
        return render_editor(meeting, blank_form(meeting), focus=f"point-{item_id}-confirmer", confirming=agenda_item)

    def next_in_line(item: AgendaItem) -> str:
        rest = [i for i in reading_order(item.meeting) if i is not item and i.parent_id != item.id]
        later = [i for i in rest if i.position > item.position]
        neighbour = later[0] if later else (rest[-1] if rest else None)
        return f"point-{neighbour.id}-modifier" if neighbour else "ordre-du-jour"

    return agenda_action(
        meeting_id, item_id, lambda m, i: delete_item(i), "Point supprimé : « {title} ».", next_in_line
    )


@blueprint.route("/reunions/<int:meeting_id>/ordre-du-jour/reprendre", methods=["POST"])
def copy_previous(meeting_id: int):
    return agenda_action(
        meeting_id, None, lambda m, i: copy_previous_agenda(m), "{result} point(s) repris de la réunion précédente."
    )
