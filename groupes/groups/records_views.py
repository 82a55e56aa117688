"""The forms of organisations and people, kept by administrators and organisers,
and the merging of duplicates. An organiser sees and changes only the people and
organisations of their programmes (``managed`` in groupes/auth/permissions.py):
the others answer 404, as anything one may not see."""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import joinedload

from groupes.auth.permissions import Permission, edits_email_in_directory, managed, may_merge, refuse, require
from groupes.extensions import db
from groupes.groups.forms import OrganisationForm, PersonForm, organisation_choices
from groupes.groups.merging import MergeRefused, merge, plan_merge
from groupes.groups.models import Organisation, Person
from groupes.site.forms import ConfirmForm

blueprint = Blueprint("records", __name__)


@blueprint.route("/structures")
def organisations():
    require(Permission.MANAGE_DIRECTORY)
    items = managed(db.session.scalars(sa.select(Organisation).order_by(Organisation.name)).all())
    return render_template("records/organisations.html", organisations=items)


@blueprint.route("/structures/nouvelle", methods=["GET", "POST"])
@blueprint.route("/structures/<int:organisation_id>", methods=["GET", "POST"])
def organisation(organisation_id: int | None = None):
    require(Permission.MANAGE_DIRECTORY)
    item = load_managed(Organisation, organisation_id) if organisation_id else None
    form = OrganisationForm(obj=item)
    if form.validate_on_submit():
        duplicate = db.session.scalar(
            sa.select(Organisation.id).where(
                Organisation.name == form.name.data, Organisation.id != (organisation_id or 0)
            )
        )
        if duplicate:
            form.name.errors.append("Une structure porte déjà ce nom.")
        else:
            if item is None:
                item = Organisation()
                db.session.add(item)
            form.populate_obj(item)
            for key in ("acronym", "kind", "territory", "missions", "email", "phone", "website", "address"):
                setattr(item, key, getattr(item, key) or "")
            db.session.commit()
            flash("Structure enregistrée.", "success")
            return redirect(url_for("records.organisations"))
    title = "Nouvelle structure" if item is None else f"Modifier « {item.name} »"
    return render_template("form.html", form=form, title=title, cancel=url_for("records.organisations"))


@blueprint.route("/personnes")
def people():
    require(Permission.MANAGE_DIRECTORY)
    query = sa.select(Person).options(joinedload(Person.organisation), joinedload(Person.user)).order_by(Person.name)
    items = managed(db.session.scalars(query).unique().all())
    mergeable = {person.id for person in managed(items, merging=True)}
    return render_template("records/people.html", people=items, mergeable=mergeable)


@blueprint.route("/personnes/nouvelle", methods=["GET", "POST"])
@blueprint.route("/personnes/<int:person_id>", methods=["GET", "POST"])
def person(person_id: int | None = None):
    require(Permission.MANAGE_DIRECTORY)
    item = load_managed(Person, person_id) if person_id else None
    form = PersonForm(obj=item)
    email_locked = item is not None and not edits_email_in_directory(item)
    if email_locked:
        form.email.render_kw = {"readonly": True}
        form.email.description = (
            "Adresse de connexion d’un compte : seule la personne la change, depuis sa page « Mon compte », "
            "ou un administrateur."
            if item.user is not None
            else "Cette personne participe aussi à une autre démarche : seul un administrateur change son adresse."
        )
        form.email.data = item.email
    form.organisation.choices = organisation_choices(
        db.session.scalars(sa.select(Organisation).order_by(Organisation.name))
    )
    if not form.is_submitted() and item is not None:
        form.organisation.data = item.organisation_id or 0
    if form.validate_on_submit():
        email = item.email if email_locked else (form.email.data or "").lower() or None
        duplicate = email and db.session.scalar(
            sa.select(Person.id).where(Person.email == email, Person.id != (person_id or 0))
        )
        if duplicate:
            form.email.errors.append("Une autre personne a déjà cette adresse.")
        else:
            if item is None:
                item = Person()
                db.session.add(item)
            item.name, item.email, item.function = form.name.data, email, form.function.data or ""
            item.organisation_id = form.organisation.data or None
            db.session.commit()
            flash("Personne enregistrée.", "success")
            return redirect(url_for("records.people"))
    title = "Nouvelle personne" if item is None else f"Modifier « {item.name} »"
    return render_template("form.html", form=form, title=title, cancel=url_for("records.people"))


@blueprint.route("/structures/<int:organisation_id>/fusionner", methods=["GET", "POST"])
def merge_organisation(organisation_id: int):
    """Merge this organisation (the duplicate) into the one chosen (``dans``)."""
    require(Permission.MANAGE_DIRECTORY)
    return merge_page(Organisation, organisation_id)


@blueprint.route("/personnes/<int:person_id>/fusionner", methods=["GET", "POST"])
def merge_person(person_id: int):
    """Merge this person (the duplicate) into the one chosen (``dans``)."""
    require(Permission.MANAGE_DIRECTORY)
    return merge_page(Person, person_id)


def load_managed(model, ident: int, *, merging: bool = False):
    """The person or organisation, if the current user manages it (or may merge it); 404 otherwise."""
    item = db.session.get(model, ident)
    if item is None or not managed([item], merging=merging):
        refuse()
    return item


def merge_page(model, duplicate_id: int):
    """Choose the survivor, see what will move, then confirm (POST)."""
    duplicate = load_managed(model, duplicate_id, merging=True)
    form = ConfirmForm()
    chosen = (request.form if request.method == "POST" else request.args).get("dans")
    plan = refusal = None
    if chosen is not None:
        try:
            plan = plan_merge(model, duplicate_id, chosen)
        except MergeRefused as error:
            refusal = str(error)
        else:
            refusal = may_merge(plan.duplicate, plan.survivor)
            plan = None if refusal else plan
    if plan is not None and form.validate_on_submit():
        names = plan.duplicate.name, plan.survivor.name
        merge(plan)
        db.session.commit()
        flash(f"« {names[0]} » a été fusionnée dans « {names[1]} » : tous ses liens la suivent.", "success")
        if model is Organisation:
            return redirect(url_for("directory.organisation", organisation_id=int(chosen)))
        return redirect(url_for("records.person", person_id=int(chosen)))
    candidates = managed(
        db.session.scalars(sa.select(model).where(model.id != duplicate_id).order_by(model.name)).all(), merging=True
    )
    return render_template(
        "records/merge.html",
        duplicate=duplicate,
        candidates=candidates,
        plan=plan,
        refusal=refusal,
        form=form,
        what="structure" if model is Organisation else "personne",
        endpoint=request.endpoint,
        cancel=url_for("directory.organisation", organisation_id=duplicate_id)
        if model is Organisation
        else url_for("records.people"),
    )
