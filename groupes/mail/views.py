"""The mail queue as admins see it: what waits, what failed and why, and a retry."""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for

from groupes.auth.permissions import Permission, require
from groupes.extensions import db
from groupes.mail.models import OutgoingMail
from groupes.mail.outbox import MAX_ATTEMPTS, deliver
from groupes.site.forms import ConfirmForm

blueprint = Blueprint("mail", __name__)


@blueprint.route("/admin/courriels")
def queue():
    require(Permission.MANAGE_MAIL)
    waiting = db.session.scalars(
        sa.select(OutgoingMail).where(OutgoingMail.sent_at.is_(None)).order_by(OutgoingMail.created_at)
    ).all()
    sent = db.session.scalars(
        sa.select(OutgoingMail).where(OutgoingMail.sent_at.is_not(None)).order_by(OutgoingMail.sent_at.desc()).limit(50)
    ).all()
    return render_template("admin/courriels.html", waiting=waiting, sent=sent, max_attempts=MAX_ATTEMPTS)


@blueprint.route("/admin/courriels/envoyer", methods=["POST"])
def retry():
    """Try every waiting message now, failed ones included."""
    require(Permission.MANAGE_MAIL)
    if ConfirmForm().validate_on_submit():
        ids = list(db.session.scalars(sa.select(OutgoingMail.id).where(OutgoingMail.sent_at.is_(None))))
        sent, failed = deliver(ids, force=True)
        if failed:
            flash(f"{sent} message(s) envoyé(s), {failed} en échec : voir l’erreur de chacun.", "error")
        else:
            flash(f"{sent} message(s) envoyé(s).", "success")
    return redirect(url_for("mail.queue"))
