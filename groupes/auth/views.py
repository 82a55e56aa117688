"""Sign-in, sign-out, one's own account, and the administration of accounts."""

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.orm import joinedload

from groupes.auth import accounts
from groupes.auth.forms import AccountCreateForm, AccountEditForm, LoginForm, PasswordChangeForm
from groupes.auth.models import User
from groupes.auth.permissions import require
from groupes.dbtypes import utcnow
from groupes.extensions import db, limiter
from groupes.groups.models import Person
from groupes.site.forms import choices

blueprint = Blueprint("auth", __name__)

BAD_CREDENTIALS = "Adresse e-mail ou mot de passe incorrect."


def failed_login(response) -> bool:
    """Only failed attempts count towards the limit."""
    return request.method == "POST" and response.status_code == 200


def submitted_email() -> str:
    return (request.form.get("email") or "").strip().lower()


def safe_next(target: str | None) -> str:
    """Go back only to a page of this site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("site.dashboard")


@blueprint.route("/connexion", methods=["GET", "POST"])
@limiter.limit("10 per minute;50 per hour", methods=["POST"], deduct_when=failed_login)
@limiter.limit("5 per 5 minutes", methods=["POST"], key_func=submitted_email, deduct_when=failed_login)
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(sa.select(User).join(Person).where(Person.email == form.email.data.strip().lower()))
        if user is not None and user.is_active and user.check_password(form.password.data):
            login_user(user)
            user.last_login_at = utcnow()
            db.session.commit()
            return redirect(safe_next(request.args.get("next")))
        form.password.errors.append(BAD_CREDENTIALS)
    return render_template("auth/login.html", form=form)


@blueprint.route("/deconnexion", methods=["GET", "POST"])
def logout():
    if request.method == "POST":
        logout_user()
        flash("Vous êtes déconnecté·e.", "info")
        return redirect(url_for("site.dashboard"))
    return render_template("auth/logout.html")


@blueprint.route("/compte", methods=["GET", "POST"])
@login_required
def account():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors.append("Mot de passe actuel incorrect.")
        else:
            user = current_user._get_current_object()
            user.set_password(form.new_password.data)
            db.session.commit()
            login_user(user)  # this session follows the new password; the others end
            flash("Mot de passe changé.", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form)


@blueprint.route("/admin/comptes")
def accounts_list():
    require("manage_accounts")
    users = db.session.scalars(
        sa.select(User)
        .join(Person)
        .options(joinedload(User.person).joinedload(Person.organisation))
        .order_by(Person.name)
    ).all()
    return render_template("auth/accounts.html", users=users)


@blueprint.route("/admin/comptes/nouveau", methods=["GET", "POST"])
def account_create():
    require("manage_accounts")
    form = AccountCreateForm()
    people = db.session.scalars(
        sa.select(Person).where(Person.email.is_not(None), ~Person.user.has()).order_by(Person.name)
    ).all()
    form.person.choices = choices([(0, "— aucune —")] + [(p.id, f"{p.name} <{p.email}>") for p in people])
    if form.validate_on_submit():
        try:
            user = accounts.create_account(
                person_id=form.person.data or None,
                name=form.name.data,
                email=form.email.data,
                password=form.password.data,
                is_admin=form.is_admin.data,
            )
        except accounts.AccountError as exc:
            form.email.errors.append(str(exc))
        else:
            flash(f"Compte créé pour {user.person.name}.", "success")
            return redirect(url_for("auth.accounts_list"))
    return render_template("auth/account_create.html", form=form)


@blueprint.route("/admin/comptes/<int:user_id>", methods=["GET", "POST"])
def account_edit(user_id: int):
    require("manage_accounts")
    user = db.get_or_404(User, user_id)
    form = AccountEditForm(obj=user)
    if form.validate_on_submit():
        try:
            accounts.update_account(
                user,
                active=form.active.data,
                is_admin=form.is_admin.data,
                password=form.new_password.data or None,
                acting=current_user,
            )
        except accounts.AccountError as exc:
            form.active.errors.append(str(exc))
        else:
            flash(f"Compte de {user.person.name} mis à jour.", "success")
            return redirect(url_for("auth.accounts_list"))
    return render_template("auth/account_edit.html", form=form, user=user)
