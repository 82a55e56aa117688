"""The meeting-room view: writing the minutes live, capturing decisions, actions and findings."""

from functools import cache

import sqlalchemy as sa
from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy.orm import joinedload, selectinload

from groupes.auth.permissions import Permission, load_or_refuse, may, refuse, require, visible_group_ids
from groupes.extensions import db
from groupes.groups.people import member_names
from groupes.mail import notifications
from groupes.meetings.loading import load_editable_meeting, load_meeting, open_actions_before
from groupes.meetings.models import Meeting
from groupes.meetings.schedule import agenda_schedule
from groupes.minutes import cowriting
from groupes.minutes.forms import (
    ActionEditForm,
    ActionForm,
    DecisionForm,
    FindingForm,
    FollowUpForm,
    PartForm,
    ReopenForm,
    SectionForm,
    ValidateForm,
)
from groupes.minutes.live import live_point
from groupes.minutes.models import Minutes
from groupes.minutes.parts import PartKey
from groupes.minutes.review import open_comment_counts, validation_summary
from groupes.minutes.writing import (
    MAX_PART_LENGTH,
    Conflict,
    MinutesError,
    add_section,
    delete_section,
    rename_section,
    reopen,
    save_part,
    submit_for_review,
    validate,
)
from groupes.outcomes.models import Action, Decision, Finding
from groupes.outcomes.recording import (
    StaleOutcome,
    add_action,
    add_decision,
    add_finding,
    delete_action,
    delete_decision,
    delete_finding,
    edit_action,
    edit_decision,
    follow_up,
)
from groupes.site.forms import ConfirmForm, choices, show_domain_error
from groupes.site.http import is_htmx, wants_fragment, wants_json
from groupes.site.links import safe_next

blueprint = Blueprint("minutes", __name__)


def room_url(meeting, anchor: str = "") -> str:
    return url_for("minutes.room", meeting_id=meeting.id) + (f"#{anchor}" if anchor else "")


def item_choices(meeting):
    items = sorted(meeting.agenda_items, key=lambda i: i.position)
    return choices([("", "— aucun —")] + [(i.id, i.title) for i in items])


CAPTURED = {
    "decision": "Décision ajoutée au relevé.",
    "action": "Action ajoutée.",
    "finding": "Élément de synthèse ajouté.",
}


def capture_forms(meeting):
    """The capture forms, tied by default to the point the meeting is at."""
    forms = {
        "decision": DecisionForm(prefix="decision"),
        "action": ActionForm(prefix="action"),
        "finding": FindingForm(prefix="finding"),
    }
    point = live_point(meeting)
    for form in forms.values():
        form.agenda_item.choices = item_choices(meeting)
        if point is not None and form.agenda_item.name not in request.form:
            form.agenda_item.data = point.item.id
    return forms


def outcomes_fragment(meeting, status: int = 200):
    """The decisions, actions and findings as the room lists them, for its scripts to put in place."""
    return render_template(
        "minutes/_outcomes.html",
        meeting=meeting,
        owners=owner_suggestions(meeting),
        editable=not meeting.minutes.is_frozen,
    ), status


def refused_fragment(message: str, status: int, theirs: dict[str, str] | None = None):
    """A refusal a script shows beside the form it sent, which keeps the text typed."""
    return render_template("minutes/_refusal.html", message=message, theirs=theirs), status


def outcome_of(meeting, model, row_id: int):
    """The decision, action or finding of this meeting with that id; None if it was removed
    (a stale page); an id of another meeting's is refused (404)."""
    row = db.session.get(model, row_id)
    if row is not None and row.meeting_id != meeting.id:
        abort(404)
    return row


def owner_suggestions(meeting) -> list[str]:
    people = member_names(visible_group_ids(meeting.group.programme_id))
    organisations = sorted({a.person.organisation.name for a in meeting.attendances if a.person.organisation})
    return people + organisations


def render_room(meeting, status: int = 200, forms=None):
    minutes = meeting.minutes
    return (
        render_template(
            "minutes/room.html",
            meeting=meeting,
            group=meeting.group,
            minutes=minutes,
            schedule=agenda_schedule(meeting),
            notes=minutes.item_notes,
            free_sections=minutes.free_sections,
            forms=forms or capture_forms(meeting),
            section_form=SectionForm(prefix="section"),
            reopen_form=ReopenForm(),
            follow_form=FollowUpForm(),
            followed_actions=open_actions_before(meeting),
            owners=owner_suggestions(meeting),
            can_validate=may(Permission.VALIDATE_MINUTES, meeting),
            open_comments=open_comment_counts(minutes),
            max_length=MAX_PART_LENGTH,
            editable=not minutes.is_frozen,
            point=live_point(meeting),
            following=meeting.is_followed,
        ),
        status,
    )


@blueprint.route("/reunions/<int:meeting_id>/compte-rendu/rediger")
def room(meeting_id: int):
    return render_room(load_editable_meeting(meeting_id))


@blueprint.route("/reunions/<int:meeting_id>/compte-rendu/jeton")
def token(meeting_id: int):
    """A fresh CSRF token for the autosave, after signing in again in another tab."""
    load_editable_meeting(meeting_id)
    return jsonify(csrf_token=generate_csrf())


@cache
def _saving_query() -> sa.Select:
    """What saving a part reads, in two queries (the meeting with its group, its minutes and
    their parts; the agenda), not all that the pages show: the autosave comes every few
    seconds from every writer. Made once."""
    return (
        sa.select(Meeting)
        .where(Meeting.id == sa.bindparam("meeting_id"))
        .options(
            joinedload(Meeting.group),
            selectinload(Meeting.agenda_items),
            joinedload(Meeting.minutes).joinedload(Minutes.sections),
        )
    )


def load_for_saving(meeting_id: int) -> Meeting:
    meeting = db.session.execute(_saving_query(), {"meeting_id": meeting_id}).unique().scalar_one_or_none()
    if meeting is None:
        refuse()
    require(Permission.EDIT, meeting)
    return meeting


@blueprint.route("/reunions/<int:meeting_id>/compte-rendu/parties", methods=["POST"])
def save(meeting_id: int):
    """Save one part. Scripts get JSON (409 with both texts on a conflict); without
    script, a refused save shows the text back so that nothing typed is lost."""
    meeting = load_for_saving(meeting_id)
    form = PartForm()
    typed = request.form.get("body", "")
    if not form.validate_on_submit():
        message = next(iter(e for errors in form.errors.values() for e in errors), "Enregistrement impossible.")
        return refused(meeting, message, typed, status=422)
    minutes = meeting.minutes
    if request.form.get("heading_only"):
        return renamed(meeting, form)
    try:
        saved = save_part(
            minutes,
            key=form.key.data,
            base_version=form.base_version.data,
            body=form.body.data or "",
            heading=form.heading.data,
            user=current_user._get_current_object(),
        )
    except Conflict as conflict:
        if wants_json():
            return jsonify(
                error="conflict",
                mine=conflict.mine,
                theirs=conflict.theirs,
                version=conflict.version,
                by=conflict.by,
            ), 409
        return render_template("minutes/conflict.html", meeting=meeting, conflict=conflict, group=meeting.group), 409
    except MinutesError as error:
        db.session.rollback()
        return refused(meeting, str(error), typed, status=422)
    # The editors open in the room see the text saved by the form.
    cowriting.follow_markdown(meeting_id, saved.key, form.body.data or "", current_user._get_current_object())
    db.session.commit()
    if wants_json():
        return jsonify(ok=True, key=saved.key, version=saved.version, revision=saved.revision)
    flash("Texte enregistré.", "success")
    return redirect(room_url(meeting, f"partie-{saved.key}"))


def renamed(meeting, form: PartForm):
    """A free section's new title, from the room's editors (its text is written live)."""
    try:
        section = rename_section(
            meeting.minutes, key=form.key.data, heading=form.heading.data or "", user=current_user._get_current_object()
        )
    except MinutesError as error:
        db.session.rollback()
        return refused(meeting, str(error), form.heading.data or "", status=422)
    db.session.commit()
    if wants_json():
        return jsonify(ok=True, key=form.key.data)
    flash("Titre enregistré.", "success")
    return redirect(room_url(meeting, f"partie-s{section.id}"))


def refused(meeting, message: str, typed: str, status: int):
    if wants_json():
        return jsonify(error="refused", message=message), status
    return render_template(
        "minutes/refused.html", meeting=meeting, group=meeting.group, message=message, typed=typed
    ), status


def workflow_step(
    meeting_id: int, step, success: str, form_class=ConfirmForm, permission: Permission = Permission.EDIT
):
    meeting = load_meeting(meeting_id)
    require(permission, meeting)
    form = form_class()
    if form.validate_on_submit():
        try:
            step(meeting, form)
        except MinutesError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(success, "success")
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
    return redirect(room_url(meeting, "etat"))


@blueprint.route("/reunions/<int:meeting_id>/compte-rendu/soumettre", methods=["POST"])
def submit(meeting_id: int):
    def step(meeting, form):
        user = current_user._get_current_object()
        submit_for_review(meeting.minutes, user)
        notifications.review_requested(meeting, user)

    return workflow_step(meeting_id, step, "Compte-rendu soumis à la relecture des membres, qui en sont prévenus.")


@blueprint.route("/reunions/<int:meeting_id>/compte-rendu/valider", methods=["GET", "POST"])
def validate_minutes(meeting_id: int):
    """The summary (comments not dealt with, approvals of an earlier version, actions without
    owner or due date), then the validation it confirms. A request that does not carry the
    summary's stamp (the room's « Valider » button) is shown the summary; one whose summary is
    stale is shown the new one."""
    meeting = load_meeting(meeting_id)
    require(Permission.VALIDATE_MINUTES, meeting)
    minutes = meeting.minutes
    if minutes.is_validated:
        flash("Ce compte-rendu est déjà validé.", "info")
        return redirect(room_url(meeting, "etat"))
    form = ValidateForm()
    summary = validation_summary(meeting)
    if request.method == "GET" or not form.stamp.data:
        form.stamp.data = summary.stamp
        return render_validation(meeting, form, summary)
    if not form.validate_on_submit():
        return render_validation(meeting, form, summary, 422)
    if form.stamp.data != summary.stamp:
        form.stamp.data = summary.stamp
        message = (
            "Le compte-rendu, ses commentaires ou son relevé ont changé depuis ce résumé : "
            "relisez le résumé à jour avant de confirmer."
        )
        return render_validation(meeting, form, summary, 409, message)
    user = current_user._get_current_object()
    try:
        validate(minutes, user, form.reason.data or "")
    except MinutesError as error:
        db.session.rollback()
        show_domain_error(form, error, "reason")
        return render_validation(meeting, form, validation_summary(meeting), 422)
    notifications.minutes_validated(meeting, user)
    db.session.commit()
    flash("Compte-rendu validé : cette version est figée.", "success")
    return redirect(room_url(meeting, "etat"))


def render_validation(meeting, form, summary, status: int = 200, stale: str = ""):
    return render_template(
        "minutes/validate.html",
        meeting=meeting,
        group=meeting.group,
        minutes=meeting.minutes,
        form=form,
        summary=summary,
        stale=stale,
    ), status


@blueprint.route("/reunions/<int:meeting_id>/compte-rendu/rouvrir", methods=["POST"])
def reopen_minutes(meeting_id: int):
    return workflow_step(
        meeting_id,
        lambda m, f: reopen(m.minutes, current_user._get_current_object(), f.reason.data),
        "Compte-rendu rouvert : il redevient un brouillon.",
        ReopenForm,
        permission=Permission.VALIDATE_MINUTES,
    )


def capture(meeting_id: int, kind: str, record, anchor: str):
    """Add a decision, an action or a finding from the meeting room. The room's script gets
    the list of outcomes back (or the form with its errors, the text kept); a plain form
    is redirected to the room."""
    meeting = load_editable_meeting(meeting_id)
    forms = capture_forms(meeting)
    form = forms[kind]
    if form.validate_on_submit():
        try:
            record(meeting, form)
        except MinutesError as error:
            db.session.rollback()
            show_domain_error(form, error, "text", "title")
        else:
            db.session.commit()
            if wants_fragment():
                return outcomes_fragment(meeting)
            flash(CAPTURED[kind], "success")
            return redirect(room_url(meeting, anchor))
    if wants_fragment():
        return render_template("minutes/_capture_form.html", meeting=meeting, kind=kind, form=form), 422
    return render_room(meeting, 422, forms)


@blueprint.route("/reunions/<int:meeting_id>/decisions", methods=["POST"])
def decision(meeting_id: int):
    return capture(
        meeting_id,
        "decision",
        lambda m, f: add_decision(m, text=f.text.data, agenda_item_id=f.agenda_item.data),
        "releve",
    )


def record_action(meeting, form):
    user = current_user._get_current_object()
    added = add_action(
        meeting,
        title=form.title.data,
        owner=form.owner.data,
        visible_groups=visible_group_ids(meeting.group.programme_id),
        due=form.due.data,
        agenda_item_id=form.agenda_item.data,
        user=user,
    )
    notifications.action_assigned(added, user)


@blueprint.route("/reunions/<int:meeting_id>/actions", methods=["POST"])
def action(meeting_id: int):
    return capture(
        meeting_id,
        "action",
        record_action,
        "actions",
    )


@blueprint.route("/reunions/<int:meeting_id>/elements", methods=["POST"])
def finding(meeting_id: int):
    return capture(
        meeting_id,
        "finding",
        lambda m, f: add_finding(m, kind=f.kind.data, text=f.text.data, agenda_item_id=f.agenda_item.data),
        "elements",
    )


def base_version() -> int | None:
    """The version of the decision, action or finding the edit started from (a hidden field)."""
    return request.form.get("base_version", type=int)


def stale(meeting, error: StaleOutcome, action: str | None, fields: list[tuple[str, str, str, str]]):
    """A stale edit: what is recorded now beside what the user typed, which they may send again."""
    if wants_fragment():
        return refused_fragment(str(error), 409, error.theirs)
    return render_template(
        "minutes/outcome_conflict.html",
        meeting=meeting,
        group=meeting.group,
        conflict=error,
        action=action,
        fields=fields,
    ), 409


def outcome_changed(meeting, success: str, anchor: str):
    if wants_fragment():
        return outcomes_fragment(meeting)
    flash(success, "success")
    return redirect(room_url(meeting, anchor))


def outcome_refused(meeting, error: MinutesError, typed: str):
    if wants_fragment():
        return refused_fragment(str(error), 422)
    return refused(meeting, str(error), typed, 422)


def remove(meeting_id: int, row_of, row_id: int, what: str, delete, success: str, anchor: str):
    meeting = load_editable_meeting(meeting_id)
    row = row_of(meeting, row_id)
    if ConfirmForm().validate_on_submit():
        try:
            if row is None:
                raise StaleOutcome(what, {}, 0, removed=True)
            delete(row)
        except StaleOutcome as error:
            db.session.rollback()
            return stale(meeting, error, None, [])
        except MinutesError as error:
            db.session.rollback()
            if wants_fragment():
                return refused_fragment(str(error), 422)
            flash(str(error), "error")
        else:
            db.session.commit()
            return outcome_changed(meeting, success, anchor)
    return redirect(room_url(meeting, anchor))


@blueprint.route("/reunions/<int:meeting_id>/decisions/<int:decision_id>/supprimer", methods=["POST"])
def decision_delete(meeting_id: int, decision_id: int):
    return remove(
        meeting_id,
        lambda m, i: outcome_of(m, Decision, i),
        decision_id,
        "cette décision",
        lambda d: delete_decision(d, base_version=base_version()),
        "Décision retirée.",
        "releve",
    )


@blueprint.route("/reunions/<int:meeting_id>/decisions/<int:decision_id>", methods=["POST"])
def decision_edit(meeting_id: int, decision_id: int):
    meeting = load_editable_meeting(meeting_id)
    decision = outcome_of(meeting, Decision, decision_id)
    form = ConfirmForm()
    typed = request.form.get("text", "")
    if form.validate_on_submit():
        try:
            if decision is None:
                raise StaleOutcome("cette décision", {}, 0, removed=True)
            edit_decision(decision, text=typed, base_version=base_version())
        except StaleOutcome as error:
            db.session.rollback()
            return stale(
                meeting,
                error,
                url_for("minutes.decision_edit", meeting_id=meeting.id, decision_id=decision_id),
                [("text", "Décision", typed, "textarea")],
            )
        except MinutesError as error:
            db.session.rollback()
            return outcome_refused(meeting, error, typed)
        db.session.commit()
        return outcome_changed(meeting, f"Décision {decision.number} modifiée.", "releve")
    return redirect(room_url(meeting, "releve"))


def action_edit_form(meeting) -> ActionEditForm:
    form = ActionEditForm()
    form.agenda_item.choices = item_choices(meeting)
    return form


@blueprint.route("/reunions/<int:meeting_id>/actions/<int:action_id>", methods=["POST"])
def action_edit(meeting_id: int, action_id: int):
    """Correct an action's title, owner, due date or agenda item, until validation."""
    meeting = load_editable_meeting(meeting_id)
    action = outcome_of(meeting, Action, action_id)
    form = action_edit_form(meeting)
    typed = [
        ("title", "Action", request.form.get("title", ""), "text"),
        ("owner", "Qui", request.form.get("owner", ""), "text"),
        ("due", "Pour quand", request.form.get("due", ""), "date"),
        ("agenda_item", "Point de l’ordre du jour", request.form.get("agenda_item", ""), "hidden"),
    ]
    if not form.validate_on_submit():
        message = next(iter(e for errors in form.errors.values() for e in errors), "Action non modifiée.")
        return outcome_refused(meeting, MinutesError("title", message), "\n".join(v for _, _, v, _ in typed[:3]))
    try:
        if action is None:
            raise StaleOutcome("cette action", {}, 0, removed=True)
        changed = edit_action(
            action,
            title=form.title.data,
            owner=form.owner.data or "",
            due=form.due.data,
            agenda_item_id=form.agenda_item.data,
            base_version=form.base_version.data,
            visible_groups=visible_group_ids(meeting.group.programme_id),
        )
    except StaleOutcome as error:
        db.session.rollback()
        return stale(meeting, error, url_for("minutes.action_edit", meeting_id=meeting.id, action_id=action_id), typed)
    except MinutesError as error:
        db.session.rollback()
        return outcome_refused(meeting, error, "\n".join(value for _, _, value, _ in typed[:3]))
    db.session.commit()
    return outcome_changed(meeting, "Action modifiée." if changed else "Rien à modifier dans cette action.", "actions")


@blueprint.route("/reunions/<int:meeting_id>/actions/<int:action_id>/supprimer", methods=["POST"])
def action_delete(meeting_id: int, action_id: int):
    return remove(
        meeting_id,
        lambda m, i: outcome_of(m, Action, i),
        action_id,
        "cette action",
        lambda a: delete_action(a, base_version=base_version()),
        "Action retirée.",
        "actions",
    )


@blueprint.route("/reunions/<int:meeting_id>/elements/<int:finding_id>/supprimer", methods=["POST"])
def finding_delete(meeting_id: int, finding_id: int):
    return remove(
        meeting_id,
        lambda m, i: outcome_of(m, Finding, i),
        finding_id,
        "cet élément",
        lambda f: delete_finding(f, base_version=base_version()),
        "Élément retiré.",
        "elements",
    )


@blueprint.route("/reunions/<int:meeting_id>/compte-rendu/sections", methods=["POST"])
def section_add(meeting_id: int):
    meeting = load_editable_meeting(meeting_id)
    form = SectionForm(prefix="section")
    if form.validate_on_submit():
        try:
            section = add_section(
                meeting.minutes,
                heading=form.heading.data or "",
                body=form.body.data or "",
                user=current_user._get_current_object(),
            )
        except MinutesError as error:
            db.session.rollback()
            return refused(meeting, str(error), form.body.data or "", 422)
        db.session.commit()
        flash("Section ajoutée.", "success")
        return redirect(room_url(meeting, f"partie-{PartKey.of(section)}"))
    message = next(iter(e for errors in form.errors.values() for e in errors), "Section refusée.")
    return refused(meeting, message, form.body.data or "", 422)


@blueprint.route("/reunions/<int:meeting_id>/compte-rendu/sections/<int:section_id>/supprimer", methods=["POST"])
def section_delete(meeting_id: int, section_id: int):
    return remove(
        meeting_id,
        lambda m, i: next((s for s in m.minutes.free_sections if s.id == i), None),
        section_id,
        "cette section",
        lambda s: delete_section(s.minutes, s, current_user._get_current_object()),
        "Section supprimée (son texte reste dans l’historique).",
        "sections",
    )


@blueprint.route("/actions/<int:action_id>/suivi", methods=["POST"])
def follow(action_id: int):
    """An action's status or a note; for htmx, the form again in place, with its errors or what was saved."""
    action = load_or_refuse(sa.select(Action).where(Action.id == action_id))
    require(Permission.FOLLOW_ACTION, action)
    form = FollowUpForm()
    saved = ""
    if form.validate_on_submit():
        try:
            follow_up(
                action, status=form.status.data, note=form.note.data or "", user=current_user._get_current_object()
            )
        except MinutesError as error:
            db.session.rollback()
            show_domain_error(form, error, "note")
        else:
            db.session.commit()
            saved = f"Suivi enregistré : « {action.title} » est {action.status.label.lower()}."
    elif form.status.errors:
        form.status.errors = ["État inconnu : rien n’a été enregistré."]
    back = safe_next(request.form.get("next"), url_for("meetings.show", meeting_id=action.meeting_id))
    if is_htmx():
        if saved:
            form = FollowUpForm(formdata=None)
        html = render_template("minutes/_follow_form.html", action=action, follow_form=form, back=back, saved=saved)
        return html, (200 if saved else 422)
    if saved:
        flash("Suivi de l’action enregistré.", "success")
    else:
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
    return redirect(back)
