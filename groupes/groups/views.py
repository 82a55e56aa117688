"""Group pages, and the forms of organisers: groups and their members."""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from groupes.auth import invitations
from groupes.auth.accounts import AccountError
from groupes.auth.models import Invitation, User
from groupes.auth.permissions import Permission, grantable_roles, load_or_refuse, may, require, viewer
from groupes.dbtypes import utcnow
from groupes.extensions import db
from groupes.groups.forms import GroupForm, InvitationForm, MembershipForm, RoleForm, person_choices
from groupes.groups.models import Membership, Person, Role, Visibility, WorkingGroup
from groupes.meetings.models import Meeting, MeetingStatus
from groupes.meetings.numbering import meeting_numbers
from groupes.outcomes.models import Action, ActionStatus
from groupes.privacy.confidential import disclosed
from groupes.programmes.models import Programme
from groupes.site.forms import ConfirmForm, choices, show_domain_error

blueprint = Blueprint("groups", __name__)


def load_group(group_id: int) -> WorkingGroup:
    return load_or_refuse(
        sa.select(WorkingGroup)
        .where(WorkingGroup.id == group_id)
        .options(
            joinedload(WorkingGroup.programme),
            selectinload(WorkingGroup.memberships).joinedload(Membership.person).joinedload(Person.organisation),
            selectinload(WorkingGroup.meetings).options(
                joinedload(Meeting.minutes),
                selectinload(Meeting.agenda_items),
                selectinload(Meeting.decisions),
                selectinload(Meeting.actions).options(
                    joinedload(Action.owner_person), joinedload(Action.owner_organisation)
                ),
            ),
        )
    )


@blueprint.route("/groupes/<int:group_id>")
def show(group_id: int):
    group = load_group(group_id)
    require(Permission.VIEW, group)
    readable = [m for m in group.meetings if may(Permission.READ_MINUTES, m)]
    discloses = viewer().discloses(group)
    members_by_role = {role: [m for m in group.memberships if m.role == role] for role in Role}
    now = utcnow()
    coming = [m for m in group.meetings if m.starts_at >= now and m.status != MeetingStatus.CANCELLED]
    return render_template(
        "groups/show.html",
        group=group,
        next_meeting=min(coming, key=lambda m: m.starts_at, default=None),
        numbers=meeting_numbers(group.meetings),
        members_by_role=members_by_role,
        decisions=[(m, d) for m in readable for d in disclosed(m.decisions, discloses)],
        open_actions=[
            (m, a)
            for m in readable
            for a in disclosed(m.actions, discloses)
            if a.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
        ],
    )


def save_group(form: GroupForm, group: WorkingGroup) -> bool:
    """Fill the group from the form; False (with the error on the field) when its number is taken."""
    taken = db.session.scalar(
        sa.select(WorkingGroup.id).where(
            WorkingGroup.programme_id == group.programme_id,
            WorkingGroup.number == form.number.data,
            WorkingGroup.id != (group.id or 0),
        )
    )
    if taken:
        form.number.errors.append(f"Le numéro {form.number.data} est déjà pris dans cette démarche.")
        return False
    form.populate_obj(group)
    group.visibility = Visibility(form.visibility.data)
    db.session.add(group)
    try:
        db.session.commit()
    except IntegrityError:  # taken meanwhile by someone else
        db.session.rollback()
        form.number.errors.append(f"Le numéro {form.number.data} est déjà pris dans cette démarche.")
        return False
    return True


@blueprint.route("/programmes/<int:programme_id>/groupes/nouveau", methods=["GET", "POST"])
def create(programme_id: int):
    programme = load_or_refuse(sa.select(Programme).where(Programme.id == programme_id))
    require(Permission.MANAGE, programme)
    form = GroupForm()
    if not form.is_submitted():
        form.number.data = 1 + (max((g.number for g in programme.groups), default=0))
    if form.validate_on_submit():
        group = WorkingGroup(programme_id=programme.id)
        if save_group(form, group):
            flash("Groupe créé.", "success")
            return redirect(url_for("groups.show", group_id=group.id))
    cancel = url_for("programmes.show", programme_id=programme.id)
    return render_template("form.html", form=form, title="Nouveau groupe de travail", cancel=cancel)


@blueprint.route("/groupes/<int:group_id>/modifier", methods=["GET", "POST"])
def edit(group_id: int):
    group = load_group(group_id)
    require(Permission.MANAGE, group)
    form = GroupForm(obj=group)
    if form.validate_on_submit() and save_group(form, group):
        flash("Groupe enregistré.", "success")
        return redirect(url_for("groups.show", group_id=group.id))
    cancel = url_for("groups.show", group_id=group.id)
    return render_template("form.html", form=form, title=f"Modifier le groupe {group.number}", cancel=cancel)


@blueprint.route("/groupes/<int:group_id>/membres", methods=["GET", "POST"])
def members(group_id: int):
    group = load_group(group_id)
    require(Permission.MANAGE, group)
    already = {m.person_id for m in group.memberships}
    people = db.session.scalars(sa.select(Person).options(joinedload(Person.organisation)).order_by(Person.name)).all()
    form = MembershipForm()
    form.person.choices = person_choices([p for p in people if p.id not in already])
    if form.validate_on_submit():
        db.session.add(Membership(group=group, person_id=form.person.data, role=Role(form.role.data)))
        db.session.commit()
        flash("Membre ajouté.", "success")
        return redirect(url_for("groups.members", group_id=group.id))
    role_forms = {m.id: RoleForm(prefix=f"m{m.id}", role=m.role.value) for m in group.memberships}
    return render_template("groups/members.html", group=group, form=form, role_forms=role_forms)


@blueprint.route("/groupes/<int:group_id>/inviter", methods=["GET", "POST"])
def invite(group_id: int):
    """Bring someone into the group by e-mail; facilitators may invite all but facilitators."""
    group = load_group(group_id)
    require(Permission.INVITE, group)
    form = InvitationForm()
    form.role.choices = choices((r.value, r.label) for r in grantable_roles(group))
    if form.validate_on_submit():
        try:
            invitations.invite(
                group,
                email=form.email.data,
                name=form.name.data or "",
                role=Role(form.role.data),
                invited_by=current_user._get_current_object(),
            )
        except AccountError as error:
            db.session.rollback()
            show_domain_error(form, error, "email")
        else:
            db.session.commit()
            # The same words whoever is behind the address (or nobody): the form tells no name.
            flash(
                f"{form.email.data.strip().lower()} fait partie du groupe ; un message l’en informe "
                "(avec un lien pour choisir son mot de passe s’il n’a pas encore de compte).",
                "success",
            )
            return redirect(url_for("groups.invite", group_id=group.id))
    pending = db.session.scalars(
        sa.select(Invitation)
        .where(Invitation.group_id == group.id, Invitation.accepted_at.is_(None))
        .options(joinedload(Invitation.user).joinedload(User.person))
        .order_by(Invitation.created_at.desc())
    ).all()
    pending = [i for i in pending if not i.user.password_hash]
    return render_template("groups/invite.html", group=group, form=form, pending=pending)


def load_membership(group: WorkingGroup, membership_id: int) -> Membership:
    """A member of this group: an id of another group's member is refused."""
    return db.first_or_404(sa.select(Membership).filter_by(id=membership_id, group_id=group.id))


@blueprint.route("/groupes/<int:group_id>/membres/<int:membership_id>/role", methods=["POST"])
def member_role(group_id: int, membership_id: int):
    group = load_group(group_id)
    require(Permission.MANAGE, group)
    membership = load_membership(group, membership_id)
    form = RoleForm(prefix=f"m{membership.id}")
    if form.validate_on_submit():
        membership.role = Role(form.role.data)
        db.session.commit()
        flash(f"Rôle de {membership.person.name} : {membership.role.label}.", "success")
    else:
        flash("Rôle inconnu : rien n’a été changé.", "error")
    return redirect(url_for("groups.members", group_id=group.id))


@blueprint.route("/groupes/<int:group_id>/membres/<int:membership_id>/retirer", methods=["POST"])
def member_remove(group_id: int, membership_id: int):
    group = load_group(group_id)
    require(Permission.MANAGE, group)
    membership = load_membership(group, membership_id)
    if ConfirmForm().validate_on_submit():
        db.session.delete(membership)
        db.session.commit()
        flash(f"{membership.person.name} ne fait plus partie du groupe.", "success")
    return redirect(url_for("groups.members", group_id=group.id))
