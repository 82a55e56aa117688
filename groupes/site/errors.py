"""French error pages; no trace is ever shown."""

from urllib.parse import urlsplit

from flask import Flask, jsonify, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from groupes.site.http import is_htmx, wants_json

MESSAGES = {
    400: ("Requête incorrecte", "La demande n’a pas pu être comprise."),
    403: ("Accès refusé", "Vous n’avez pas le droit de faire cela."),
    404: ("Page introuvable", "Cette page n’existe pas, ou vous n’y avez pas accès."),
    405: ("Méthode non permise", "Cette adresse ne s’utilise pas ainsi."),
    413: ("Envoi trop volumineux", "Le fichier ou le texte envoyé dépasse la taille permise."),
    429: ("Trop de tentatives", "Trop de tentatives en peu de temps. Patientez quelques minutes avant de réessayer."),
    500: (
        "Erreur du serveur",
        "Une erreur est survenue de notre côté. Réessayez plus tard ; si elle persiste, prévenez l’administration.",
    ),
}  # fmt: skip


def render_error(code: int):
    title, message = MESSAGES[code]
    return render_template("errors/error.html", code=code, title=title, message=message), code


def csrf_failed(error: CSRFError):
    """Keep what the person typed (passwords aside): show it again in a form with a fresh token."""
    if is_htmx() and not current_user.is_authenticated:
        # The session ended (signed out elsewhere, expired): that is what the person must be told.
        return jsonify(error="login"), 401
    if wants_json() or is_htmx():
        return jsonify(error="csrf"), 400
    if not from_this_site():
        # A post from elsewhere is not replayed: no fields, no fresh token.
        return render_error(400)
    fields = [
        (name, value)
        for name, value in request.form.items(multi=True)
        if name != "csrf_token" and not any(secret in name for secret in ("password", "confirmation"))
    ]
    return render_template("errors/csrf.html", fields=fields, action=request.full_path.rstrip("?")), 400


def from_this_site() -> bool:
    """Whether the browser says the refused form came from one of our pages."""
    source = request.headers.get("Origin") or request.headers.get("Referer") or ""
    return urlsplit(source).netloc == request.host


def register_errors(app: Flask) -> None:
    for code in MESSAGES:
        app.register_error_handler(code, lambda error, code=code: render_error(code))
    app.register_error_handler(CSRFError, csrf_failed)
