"""Programme pages, and the forms of organisers: programme, milestones, organisers."""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from sqlalchemy.orm import joinedload, selectinload

from groupes.auth.permissions import Permission, load_or_refuse, may, require
from groupes.extensions import db
from groupes.groups.forms import person_choices
from groupes.groups.models import Person
from groupes.programmes.forms import MilestoneForm, OrganiserForm, ProgrammeForm
from groupes.programmes.models import Milestone, Programme, ProgrammeOrganiser
from groupes.site.forms import ConfirmForm

blueprint = Blueprint("programmes", __name__)


def load_programme(programme_id: int) -> Programme:
    return load_or_refuse(
        sa.select(Programme)
        .where(Programme.id == programme_id)
        .options(
            selectinload(Programme.groups),
            selectinload(Programme.milestones),
            selectinload(Programme.organisers).joinedload(ProgrammeOrganiser.person).joinedload(Person.organisation),
        )
    )


@blueprint.route("/programmes/<int:programme_id>")
def show(programme_id: int):
    programme = load_programme(programme_id)
    require(Permission.VIEW, programme)
    groups = [group for group in programme.groups if may(Permission.VIEW, group)]
    return render_template("programmes/show.html", programme=programme, groups=groups)


@blueprint.route("/programmes/nouvelle", methods=["GET", "POST"])
def create():
    require(Permission.CREATE_PROGRAMME)
    form = ProgrammeForm()
    if form.validate_on_submit():
        programme = Programme(title=form.title.data, description=form.description.data or "")
        programme.header_lines = [line.strip() for line in (form.header.data or "").splitlines() if line.strip()]
        set_document_settings(programme, form)
        db.session.add(programme)
        db.session.commit()
        flash("Démarche créée.", "success")
        return redirect(url_for("programmes.show", programme_id=programme.id))
    return render_template(
        "form.html", form=form, title="Nouvelle démarche", cancel=url_for("site.dashboard"), with_files=True
    )


def set_document_settings(programme: Programme, form: ProgrammeForm) -> None:
    """The label, date and logo of the programme's documents, as the form gives them."""
    programme.document_label = form.document_label.data or ""
    programme.document_date = form.document_date.data
    if form.logo_file:
        programme.logo, programme.logo_type = form.logo_file
    elif form.remove_logo.data:
        programme.logo, programme.logo_type = None, ""


@blueprint.route("/programmes/<int:programme_id>/modifier", methods=["GET", "POST"])
def edit(programme_id: int):
    programme = load_programme(programme_id)
    require(Permission.MANAGE, programme)
    form = ProgrammeForm(obj=programme)
    if not form.is_submitted():
        form.header.data = programme.header
    if form.validate_on_submit():
        programme.title = form.title.data
        programme.description = form.description.data or ""
        programme.header_lines = [line.strip() for line in (form.header.data or "").splitlines() if line.strip()]
        programme.closed_on, programme.retention_months = form.closed_on.data, form.retention_months.data
        set_document_settings(programme, form)
        db.session.commit()
        flash("Démarche enregistrée.", "success")
        return redirect(url_for("programmes.show", programme_id=programme.id))
    cancel = url_for("programmes.show", programme_id=programme.id)
    return render_template(
        "form.html", form=form, title=f"Modifier « {programme.title} »", cancel=cancel, with_files=True
    )


@blueprint.route("/programmes/<int:programme_id>/jalons/nouveau", methods=["GET", "POST"])
@blueprint.route("/programmes/<int:programme_id>/jalons/<int:milestone_id>", methods=["GET", "POST"])
def milestone(programme_id: int, milestone_id: int | None = None):
    programme = load_programme(programme_id)
    require(Permission.MANAGE, programme)
    item = (
        db.first_or_404(sa.select(Milestone).filter_by(id=milestone_id, programme_id=programme.id))
        if milestone_id
        else None
    )
    form = MilestoneForm(obj=item)
    if form.validate_on_submit():
        if item is None:
            item = Milestone(programme=programme)
            db.session.add(item)
        form.populate_obj(item)
        item.place = item.place or ""
        if item.by_month:
            item.date = item.date.replace(day=1)
        db.session.commit()
        flash("Jalon enregistré.", "success")
        return redirect(url_for("programmes.show", programme_id=programme.id))
    title = "Nouveau jalon" if item is None else f"Modifier le jalon « {item.title} »"
    return render_template(
        "form.html", form=form, title=title, cancel=url_for("programmes.show", programme_id=programme.id)
    )


@blueprint.route("/programmes/<int:programme_id>/jalons/<int:milestone_id>/supprimer", methods=["POST"])
def milestone_delete(programme_id: int, milestone_id: int):
    programme = load_programme(programme_id)
    require(Permission.MANAGE, programme)
    item = db.first_or_404(sa.select(Milestone).filter_by(id=milestone_id, programme_id=programme.id))
    if ConfirmForm().validate_on_submit():
        db.session.delete(item)
        db.session.commit()
        flash("Jalon supprimé.", "success")
    return redirect(url_for("programmes.show", programme_id=programme.id))


@blueprint.route("/programmes/<int:programme_id>/organisateurs", methods=["GET", "POST"])
def organisers(programme_id: int):
    programme = load_programme(programme_id)
    require(Permission.MANAGE, programme)
    already = {o.person_id for o in programme.organisers}
    people = db.session.scalars(sa.select(Person).options(joinedload(Person.organisation)).order_by(Person.name)).all()
    form = OrganiserForm()
    form.person.choices = person_choices([p for p in people if p.id not in already])
    if form.validate_on_submit():
        db.session.add(ProgrammeOrganiser(programme=programme, person_id=form.person.data))
        db.session.commit()
        flash("Organisateur ajouté.", "success")
        return redirect(url_for("programmes.organisers", programme_id=programme.id))
    return render_template("programmes/organisers.html", programme=programme, form=form)


@blueprint.route("/programmes/<int:programme_id>/organisateurs/<int:organiser_id>/retirer", methods=["POST"])
def organiser_remove(programme_id: int, organiser_id: int):
    programme = load_programme(programme_id)
    require(Permission.MANAGE, programme)
    organiser = db.first_or_404(sa.select(ProgrammeOrganiser).filter_by(id=organiser_id, programme_id=programme.id))
    if ConfirmForm().validate_on_submit():
        if not may(Permission.REMOVE_ORGANISER, organiser):
            flash("Vous ne pouvez pas vous retirer vous-même de l’organisation.", "error")
        else:
            db.session.delete(organiser)
            db.session.commit()
            flash("Organisateur retiré.", "success")
    return redirect(url_for("programmes.organisers", programme_id=programme.id))
