"""Sign-in, sign-out, one's own account, and the administration of accounts."""

import hashlib
import secrets

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.orm import joinedload

from groupes.auth import accounts, invitations
from groupes.auth.forms import (
    AccountCreateForm,
    AccountEditForm,
    EmailChangeForm,
    ForgottenPasswordForm,
    LoginForm,
    NewPasswordForm,
    NotificationsForm,
    PasswordChangeForm,
    ProfileForm,
)
from groupes.auth.models import User
from groupes.auth.permissions import Permission, require
from groupes.auth.tokens import TokenError, make_token, read_token
from groupes.dbtypes import utcnow
from groupes.extensions import db, limiter
from groupes.groups.models import Organisation, Person
from groupes.mail import notifications as mail
from groupes.mail.addresses import InvalidAddress, normalised_email
from groupes.site.forms import ConfirmForm, choices
from groupes.site.links import external_url, safe_next

blueprint = Blueprint("auth", __name__)

BAD_CREDENTIALS = "Adresse e-mail ou mot de passe incorrect."


def failed_login(response) -> bool:
    """Only failed attempts count towards the limit."""
    return request.method == "POST" and response.status_code == 200


def address_from_client() -> str:
    """The address typed and the client typing it, together: failures from one place do not lock
    the address out for its owner elsewhere (a digest keeps the counter's key short)."""
    typed = request.form.get("email") or ""
    try:
        # The address as the sign-in matches it: « ADMIN@ｔｅｓｔ.example » counts with « admin@test.example ».
        email = normalised_email(typed)
    except InvalidAddress:
        email = typed.strip().lower()
    return f"{hashlib.blake2s(email.encode(), digest_size=12).hexdigest()}|{get_remote_address()}"


@blueprint.route("/connexion", methods=["GET", "POST"])
@limiter.limit("10 per minute;50 per hour", methods=["POST"], deduct_when=failed_login)
@limiter.limit("5 per 5 minutes", methods=["POST"], key_func=address_from_client, deduct_when=failed_login)
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            start_session(user)
            db.session.commit()
            return redirect(safe_next(request.args.get("next")))
        form.password.errors.append(BAD_CREDENTIALS)
    return render_template("auth/login.html", form=form)


def start_session(user: User) -> None:
    """Sign in with a new session. Flask's session is a signed cookie with no identifier of its
    own: emptying it and writing the account anew is its renewal (nothing planted in it before
    sign-in, a CSRF token included, survives)."""
    session.clear()
    login_user(user)
    user.last_login_at = utcnow()


@blueprint.route("/deconnexion", methods=["GET", "POST"])
def logout():
    if request.method == "POST":
        if current_user.is_authenticated:
            # Every session of the account ends, a copy of this cookie included.
            current_user._get_current_object().end_sessions()
            db.session.commit()
        logout_user()
        session.clear()
        flash("Vous êtes déconnecté·e.", "info")
        return redirect(url_for("site.dashboard"))
    return render_template("auth/logout.html")


def render_account(status: int = 200, **forms):
    user = current_user._get_current_object()
    person = user.person
    # formdata=None: the forms not submitted show what is stored, not the posted fields of another.
    forms.setdefault("form", PasswordChangeForm(formdata=None))
    forms.setdefault(
        "profile_form",
        ProfileForm(
            formdata=None,
            data={
                "name": person.name,
                "organisation": person.organisation.name if person.organisation else "",
                "function": person.function,
            },
        ),
    )
    forms.setdefault("notifications_form", NotificationsForm(formdata=None, obj=user))
    forms.setdefault("email_form", EmailChangeForm(formdata=None))
    organisations = db.session.scalars(sa.select(Organisation.name).order_by(Organisation.name)).all()
    feed = (
        url_for("documents.personal_feed", token=user.calendar_token, _external=True) if user.calendar_token else None
    )
    return render_template(
        "auth/account.html", organisations=organisations, feed=feed, calendar_form=ConfirmForm(), **forms
    ), status


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
    return render_account(form=form)


@blueprint.route("/compte/profil", methods=["POST"])
@login_required
def profile():
    form = ProfileForm()
    if not form.validate_on_submit():
        return render_account(422, profile_form=form)
    accounts.update_profile(
        current_user._get_current_object(),
        name=form.name.data,
        organisation=form.organisation.data or "",
        function=form.function.data or "",
    )
    db.session.commit()
    flash("Profil enregistré.", "success")
    return redirect(url_for("auth.account"))


@blueprint.route("/compte/adresse", methods=["POST"])
@login_required
@limiter.limit("5 per hour", methods=["POST"])
def email_change():
    """Ask to sign in with another address: a link goes to it; the address changes when it is opened."""
    form = EmailChangeForm()
    if not form.validate_on_submit():
        return render_account(422, email_form=form)
    user = current_user._get_current_object()
    if not user.check_password(form.email_password.data):
        form.email_password.errors.append("Mot de passe actuel incorrect.")
        return render_account(422, email_form=form)
    new_email = accounts.normalise_email(form.new_email.data)
    token = make_token("email", user, e=new_email, o=user.person.email)
    mail.email_change(user, new_email, external_url("auth.confirm_email", token=token))
    db.session.commit()
    hours = current_app.config["EMAIL_CHANGE_MAX_AGE"] // 3600
    flash(
        f"Un lien de confirmation est envoyé à {new_email} (valable {hours} heures) : "
        "votre adresse changera quand vous l’ouvrirez.",
        "success",
    )
    return redirect(url_for("auth.account", _anchor="adresse"))


@blueprint.route("/compte/adresse/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def confirm_email(token: str):
    """The link sent to the new address: shown, then confirmed by a button (a mail scanner that
    opens the link changes nothing)."""
    try:
        user, new_email = accounts.email_change_from(token, current_app.config["EMAIL_CHANGE_MAX_AGE"])
    except TokenError as error:
        return render_template("auth/link_refused.html", message=str(error)), error.status
    form = ConfirmForm()
    error = None
    if form.validate_on_submit():
        try:
            accounts.change_login_email(user, new_email)
        except accounts.AccountError as refused:
            db.session.rollback()
            error = str(refused)
        else:
            db.session.commit()
            flash(f"Votre compte se connecte désormais avec l’adresse {new_email}.", "success")
            return redirect(url_for("auth.account" if current_user.is_authenticated else "auth.login"))
    return render_template("auth/confirm_email.html", form=form, new_email=new_email, error=error)


@blueprint.route("/compte/notifications", methods=["POST"])
@login_required
def notifications():
    form = NotificationsForm()
    if not form.validate_on_submit():
        return render_account(422, notifications_form=form)
    form.populate_obj(current_user._get_current_object())
    db.session.commit()
    flash("Vos choix de messages sont enregistrés.", "success")
    return redirect(url_for("auth.account", _anchor="messages"))


@blueprint.route("/compte/agenda", methods=["POST"])
@login_required
def calendar_feed():
    """A new secret address for the personal calendar (the old one stops working), or none."""
    if ConfirmForm().validate_on_submit():
        user = current_user._get_current_object()
        if request.form.get("action") == "revoke":
            user.calendar_token = None
            flash("L’adresse de votre agenda est désactivée.", "success")
        else:
            replaced = user.calendar_token is not None
            user.calendar_token = secrets.token_urlsafe(32)
            if replaced:
                flash("Nouvelle adresse d’agenda créée : l’ancienne ne fonctionne plus.", "success")
            else:
                flash("Adresse de votre agenda créée : ajoutez-la à votre application d’agenda.", "success")
        db.session.commit()
    return redirect(url_for("auth.account", _anchor="agenda"))


def choose_password(token: str, read, apply, template: str, max_age: int, done: str):
    """The page of a link from an e-mail: a bad link changes nothing and says why."""
    try:
        read(token, max_age)
    except TokenError as error:
        return render_template("auth/link_refused.html", message=str(error)), error.status
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = apply(token, form.password.data, max_age)
        except (TokenError, accounts.AccountError) as error:
            form.password.errors.append(str(error))
        else:
            start_session(user)
            db.session.commit()
            flash(done, "success")
            return redirect(url_for("site.dashboard"))
    return render_template(template, form=form)


@blueprint.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def accept_invitation(token: str):
    return choose_password(
        token,
        invitations.invitation_from,
        invitations.accept_invitation,
        "auth/invitation.html",
        current_app.config["INVITATION_MAX_AGE"],
        "Bienvenue : votre mot de passe est enregistré et vous êtes connecté·e.",
    )


@blueprint.route("/mot-de-passe/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def reset_password(token: str):
    return choose_password(
        token,
        lambda t, age: read_token("reset", t, age),
        invitations.reset_password,
        "auth/reset.html",
        current_app.config["RESET_MAX_AGE"],
        "Nouveau mot de passe enregistré : vous êtes connecté·e.",
    )


@blueprint.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@limiter.limit("5 per 5 minutes;20 per hour", methods=["POST"])
def forgotten_password():
    """The same answer whether the address has an account or not: the page tells nobody who is here."""
    if request.args.get("envoye") == "1":
        return render_template("auth/reset_sent.html")
    form = ForgottenPasswordForm()
    if form.validate_on_submit():
        invitations.request_reset(form.email.data)
        db.session.commit()
        return redirect(url_for("auth.forgotten_password", envoye=1))
    return render_template("auth/forgotten.html", form=form)


@blueprint.route("/admin/comptes")
def accounts_list():
    require(Permission.MANAGE_ACCOUNTS)
    users = db.session.scalars(
        sa.select(User)
        .join(Person)
        .options(joinedload(User.person).joinedload(Person.organisation))
        .order_by(Person.name)
    ).all()
    return render_template("auth/accounts.html", users=users)


@blueprint.route("/admin/comptes/nouveau", methods=["GET", "POST"])
def account_create():
    require(Permission.MANAGE_ACCOUNTS)
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
            db.session.commit()
            flash(f"Compte créé pour {user.person.name}.", "success")
            return redirect(url_for("auth.accounts_list"))
    return render_template("auth/account_create.html", form=form)


@blueprint.route("/admin/comptes/<int:user_id>", methods=["GET", "POST"])
def account_edit(user_id: int):
    require(Permission.MANAGE_ACCOUNTS)
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
            db.session.commit()
            flash(f"Compte de {user.person.name} mis à jour.", "success")
            return redirect(url_for("auth.accounts_list"))
    return render_template("auth/account_edit.html", form=form, user=user)
