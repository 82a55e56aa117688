"""The synthesis workspace of a programme, for its organisers."""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy.orm.exc import StaleDataError

from groupes.auth.permissions import Permission, load_or_refuse, require
from groupes.extensions import db
from groupes.outcomes.models import FindingKind
from groupes.programmes.forms import SynthesisEntryForm
from groupes.programmes.models import Programme, SynthesisEntry
from groupes.programmes.synthesis import (
    SynthesisConflict,
    SynthesisError,
    Workspace,
    add_entry,
    add_sources,
    detach_source,
    load_entries,
    merge_entries,
    move_entry,
    take_up,
    take_up_validated,
    update_entry,
    workspace,
)
from groupes.site.forms import ConfirmForm

blueprint = Blueprint("synthesis", __name__)


def managed_programme(programme_id: int) -> Programme:
    programme = load_or_refuse(sa.select(Programme).where(Programme.id == programme_id))
    require(Permission.MANAGE, programme)
    return programme


def managed_entry(programme: Programme, entry_id: int) -> SynthesisEntry:
    return load_or_refuse(
        sa.select(SynthesisEntry).where(SynthesisEntry.id == entry_id, SynthesisEntry.programme_id == programme.id)
    )


def checked_ids(name: str) -> list[int]:
    """The ids of the boxes ticked under ``name``, in the page's order; anything else is ignored."""
    return [int(value) for value in request.form.getlist(name) if value.isdecimal()]


def back_to(programme: Programme, anchor: str = ""):
    return redirect(url_for("synthesis.workspace_page", programme_id=programme.id) + (f"#{anchor}" if anchor else ""))


def render_workspace(space: Workspace, form: SynthesisEntryForm, status: int = 200):
    return render_template("programmes/synthesis.html", space=space, programme=space.programme, form=form), status


@blueprint.route("/programmes/<int:programme_id>/synthese")
def workspace_page(programme_id: int):
    programme = managed_programme(programme_id)
    return render_workspace(workspace(programme), SynthesisEntryForm(formdata=None))


def run(programme: Programme, change, success: str, anchor: str = ""):
    """Run a change from a button of the workspace, and come back to it with what happened."""
    if not ConfirmForm().validate_on_submit():
        return back_to(programme, anchor)
    try:
        result = change()
        db.session.commit()
    except SynthesisError as error:
        db.session.rollback()
        flash(str(error), "error")
    except StaleDataError:
        db.session.rollback()
        flash("Quelqu’un a modifié la synthèse au même moment : rien n’a été changé, recommencez.", "error")
    else:
        flash(success.format(result=result), "success")
    return back_to(programme, anchor)


def findings_from_form(space: Workspace):
    return [space.sources[i].finding for i in checked_ids("finding") if i in space.sources]


@blueprint.route("/programmes/<int:programme_id>/synthese/reprendre", methods=["POST"])
def take_up_findings(programme_id: int):
    """The findings ticked become one entry, one entry each, or sources of an existing entry."""
    programme = managed_programme(programme_id)
    space = workspace(programme)
    findings = findings_from_form(space)
    how = request.form.get("how", "")
    anchor = f"nature-{findings[0].kind.value}" if findings else ""
    if how == "into":
        target_id = request.form.get("entry", "")
        target = next((e for s in space.sections for e in s.entries if str(e.id) == target_id), None)
        return run(programme, lambda: add_sources(target, findings), "{result} source(s) ajoutée(s).", anchor)
    together = how == "together"
    return run(
        programme,
        lambda: len(take_up(programme, findings, together=together)),
        "{result} élément(s) ajouté(s) à la synthèse." if not together else "Élément ajouté à la synthèse.",
        anchor,
    )


@blueprint.route("/programmes/<int:programme_id>/synthese/reprendre-tout", methods=["POST"])
def take_up_all(programme_id: int):
    programme = managed_programme(programme_id)
    space = workspace(programme)
    return run(
        programme,
        lambda: len(take_up_validated(programme, space)),
        "{result} élément(s) des comptes-rendus validés ajouté(s) à la synthèse.",
    )


@blueprint.route("/programmes/<int:programme_id>/synthese/fusionner", methods=["POST"])
def merge(programme_id: int):
    programme = managed_programme(programme_id)
    wanted = set(checked_ids("entry"))
    entries = [e for e in load_entries(programme.id) if e.id in wanted]
    anchor = f"element-{min(entries, key=lambda e: (e.position, e.id)).id}" if entries else ""
    return run(
        programme,
        lambda: len(merge_entries(entries).sources),
        "Éléments fusionnés : l’élément gardé compte {result} source(s).",
        anchor,
    )


@blueprint.route("/programmes/<int:programme_id>/synthese/elements/nouveau", methods=["POST"])
def create_entry(programme_id: int):
    """An entry the organisers write themselves; an invalid one comes back with its text."""
    programme = managed_programme(programme_id)
    form = SynthesisEntryForm()
    if form.validate_on_submit():
        entry = add_entry(programme, kind=FindingKind(form.kind.data), theme=form.theme.data or "", text=form.text.data)
        db.session.commit()
        flash("Élément ajouté à la synthèse.", "success")
        return back_to(programme, f"element-{entry.id}")
    return render_workspace(workspace(programme), form, 422)


@blueprint.route("/programmes/<int:programme_id>/synthese/elements/<int:entry_id>", methods=["GET", "POST"])
def edit_entry(programme_id: int, entry_id: int):
    """The wording of one entry, beside its sources; a concurrent change is shown, never overwritten."""
    programme = managed_programme(programme_id)
    entry = managed_entry(programme, entry_id)
    space = workspace(programme)
    form = SynthesisEntryForm(obj=entry if request.method == "GET" else None)
    if request.method == "GET":
        form.kind.data, form.base_version.data = entry.kind.value, entry.version
    conflict = None
    if form.validate_on_submit():
        try:
            update_entry(
                entry,
                base_version=form.base_version.data or 0,
                kind=FindingKind(form.kind.data),
                theme=form.theme.data or "",
                text=form.text.data,
            )
            db.session.commit()
        except SynthesisConflict as error:
            db.session.rollback()
            conflict = error
        except SynthesisError as error:
            db.session.rollback()
            form.kind.errors.append(str(error))
        except StaleDataError:
            db.session.rollback()
            entry = managed_entry(programme, entry_id)
            conflict = SynthesisConflict(entry)
        else:
            flash("Élément de la synthèse enregistré.", "success")
            return back_to(programme, f"element-{entry.id}")
        if conflict is not None:
            form.base_version.raw_data, form.base_version.data = None, conflict.entry.version
    status = 409 if conflict else (422 if form.errors else 200)
    return render_template(
        "programmes/synthesis_entry.html", space=space, programme=programme, entry=entry, form=form, conflict=conflict
    ), status


@blueprint.route("/programmes/<int:programme_id>/synthese/elements/<int:entry_id>/publier", methods=["POST"])
def publish(programme_id: int, entry_id: int):
    programme = managed_programme(programme_id)
    entry = managed_entry(programme, entry_id)
    published = request.form.get("published") == "1"

    def change():
        entry.published = published

    message = "Élément publié dans la synthèse." if published else "Élément retiré de la synthèse publiée."
    return run(programme, change, message, f"element-{entry.id}")


@blueprint.route("/programmes/<int:programme_id>/synthese/elements/<int:entry_id>/deplacer", methods=["POST"])
def move(programme_id: int, entry_id: int):
    programme = managed_programme(programme_id)
    entry = managed_entry(programme, entry_id)
    direction = request.form.get("direction", "")
    return run(
        programme,
        lambda: move_entry(entry, load_entries(programme.id), direction),
        "Élément déplacé.",
        f"element-{entry.id}",
    )


@blueprint.route(
    "/programmes/<int:programme_id>/synthese/elements/<int:entry_id>/sources/<int:finding_id>/retirer",
    methods=["POST"],
)
def detach(programme_id: int, entry_id: int, finding_id: int):
    programme = managed_programme(programme_id)
    entry = managed_entry(programme, entry_id)
    return run(
        programme,
        lambda: detach_source(entry, finding_id),
        "Source retirée : l’élément du groupe est de nouveau à reprendre.",
        f"element-{entry.id}",
    )


@blueprint.route("/programmes/<int:programme_id>/synthese/elements/<int:entry_id>/supprimer", methods=["POST"])
def delete(programme_id: int, entry_id: int):
    programme = managed_programme(programme_id)
    entry = managed_entry(programme, entry_id)
    return run(
        programme,
        lambda: db.session.delete(entry),
        "Élément retiré de la synthèse ; les éléments des groupes restent dans leurs comptes-rendus.",
        f"nature-{entry.kind.value}",
    )
