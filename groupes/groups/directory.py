"""The forms of organisations and people, kept by administrators and organisers."""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from sqlalchemy.orm import joinedload

from groupes.auth.permissions import require
from groupes.extensions import db
from groupes.groups.forms import OrganisationForm, PersonForm, organisation_choices
from groupes.groups.models import Organisation, Person

blueprint = Blueprint("directory", __name__)


@blueprint.route("/structures")
def organisations():
    require("manage_directory")
    items = db.session.scalars(sa.select(Organisation).order_by(Organisation.name)).all()
    return render_template("directory/organisations.html", organisations=items)


@blueprint.route("/structures/nouvelle", methods=["GET", "POST"])
@blueprint.route("/structures/<int:organisation_id>", methods=["GET", "POST"])
def organisation(organisation_id: int | None = None):
    require("manage_directory")
    item = db.get_or_404(Organisation, organisation_id) if organisation_id else None
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
            return redirect(url_for("directory.organisations"))
    title = "Nouvelle structure" if item is None else f"Modifier « {item.name} »"
    return render_template("form.html", form=form, title=title, cancel=url_for("directory.organisations"))


@blueprint.route("/personnes")
def people():
    require("manage_directory")
    items = db.session.scalars(sa.select(Person).options(joinedload(Person.organisation)).order_by(Person.name)).all()
    return render_template("directory/people.html", people=items)


@blueprint.route("/personnes/nouvelle", methods=["GET", "POST"])
@blueprint.route("/personnes/<int:person_id>", methods=["GET", "POST"])
def person(person_id: int | None = None):
    require("manage_directory")
    item = db.get_or_404(Person, person_id) if person_id else None
    form = PersonForm(obj=item)
    form.organisation.choices = organisation_choices(
        db.session.scalars(sa.select(Organisation).order_by(Organisation.name))
    )
    if not form.is_submitted() and item is not None:
        form.organisation.data = item.organisation_id or 0
    if form.validate_on_submit():
        email = (form.email.data or "").lower() or None
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
            return redirect(url_for("directory.people"))
    title = "Nouvelle personne" if item is None else f"Modifier « {item.name} »"
    return render_template("form.html", form=form, title=title, cancel=url_for("directory.people"))
