"""Forms of accounts: sign-in, own password, administration of accounts."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from groupes.auth.accounts import MIN_PASSWORD_LENGTH
from groupes.site.forms import line, valid_email

REQUIRED = "Ce champ est obligatoire."


def strong_password(optional: bool = False):
    return [
        Optional() if optional else DataRequired(REQUIRED),
        Length(min=MIN_PASSWORD_LENGTH, max=200, message=f"Au moins {MIN_PASSWORD_LENGTH} caractères."),
    ]


class LoginForm(FlaskForm):
    email = EmailField("Adresse e-mail", validators=[DataRequired(REQUIRED), Length(max=254)])
    password = PasswordField("Mot de passe", validators=[DataRequired(REQUIRED), Length(max=200)])


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField("Mot de passe actuel", validators=[DataRequired(REQUIRED)])
    new_password = PasswordField("Nouveau mot de passe", validators=strong_password())
    confirmation = PasswordField(
        "Confirmation du nouveau mot de passe",
        validators=[DataRequired(REQUIRED), EqualTo("new_password", "Les deux saisies diffèrent.")],
    )


class AccountCreateForm(FlaskForm):
    person = SelectField("Personne existante", coerce=int, validators=[Optional()])
    name = StringField("Ou nouvelle personne : nom", validators=[Optional(), Length(max=200)])
    email = EmailField("Adresse e-mail de la nouvelle personne", validators=[Optional(), Length(max=254), valid_email])
    password = PasswordField("Mot de passe initial", validators=strong_password())
    is_admin = BooleanField("Administration (tous les droits, y compris sur les comptes)")

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not self.person.data and not (self.name.data and self.email.data):
            self.name.errors.append("Choisissez une personne, ou donnez le nom et l’adresse d’une nouvelle.")
            return False
        return True


class AccountEditForm(FlaskForm):
    active = BooleanField("Compte actif (décocher pour désactiver)")
    is_admin = BooleanField("Administration (tous les droits, y compris sur les comptes)")
    new_password = PasswordField(
        "Nouveau mot de passe (laisser vide pour ne pas changer)", validators=strong_password(True)
    )


class NewPasswordForm(FlaskForm):
    """Choosing a password from an invitation or a reset link."""

    password = PasswordField("Mot de passe", validators=strong_password())
    confirmation = PasswordField(
        "Confirmation du mot de passe",
        validators=[DataRequired(REQUIRED), EqualTo("password", "Les deux saisies diffèrent.")],
    )


class ForgottenPasswordForm(FlaskForm):
    email = EmailField("Adresse e-mail", validators=[DataRequired(REQUIRED), Length(max=254), valid_email])


class EmailChangeForm(FlaskForm):
    new_email = EmailField(
        "Nouvelle adresse e-mail",
        validators=[DataRequired(REQUIRED), Length(max=254), valid_email],
        render_kw={"autocomplete": "email"},
    )
    email_password = PasswordField("Mot de passe actuel", validators=[DataRequired(REQUIRED), Length(max=200)])


class ProfileForm(FlaskForm):
    name = line("Nom", 200, required=True, render_kw={"autocomplete": "name"})
    organisation = line(
        "Structure",
        200,
        description="Par exemple : CAF du Cher, URIOPSS Centre.",
        render_kw={"list": "structures", "autocomplete": "organization"},
    )
    function = line("Fonction", 200, render_kw={"autocomplete": "organization-title"})


class NotificationsForm(FlaskForm):
    notify_convocations = BooleanField("Les convocations aux réunions, leurs changements et annulations")
    notify_reviews = BooleanField("Les comptes-rendus soumis à ma relecture")
    notify_validated = BooleanField("Les comptes-rendus validés")
    notify_actions = BooleanField("Les actions qui me sont confiées et leurs échéances proches")
    notify_reminders = BooleanField("Un rappel la veille de chaque réunion")
