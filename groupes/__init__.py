"""groupes: the working groups of French social work, their meetings and minutes."""

import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from groupes.auth.permissions import load_account, may
from groupes.config import load_config
from groupes.extensions import (
    babel,
    configure_sqlite,
    csrf,
    db,
    limiter,
    listen_on_sessions,
    login_manager,
    migrate,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"


def create_app(config=None) -> Flask:
    """The application factory; ``config`` overrides every other setting.

    The instance folder (local config, secret key, SQLite file) is ``instance/``
    in the checkout unless ``INSTANCE_PATH`` (in ``config``) or
    ``GROUPES_INSTANCE_PATH`` names another.
    """
    instance_path = (config or {}).get("INSTANCE_PATH") or os.environ.get("GROUPES_INSTANCE_PATH")
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(Path(instance_path or PROJECT_ROOT / "instance").resolve()),
        instance_relative_config=True,
    )
    load_config(app, config)
    if hops := app.config["PROXIES"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    register_extensions(app)
    register_web(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from groupes import models  # noqa: F401  (every mapper, before the first query)
    from groupes.attachments import storage
    from groupes.privacy import rights_log
    from groupes.search import index
    from groupes.site import stamps
    from groupes.site.page_cache import cache

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    csrf.init_app(app)
    babel.init_app(app)
    limiter.init_app(app)
    cache.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Connectez-vous pour accéder à cette page."
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(session_id: str):
        user_id, _, token = session_id.partition(":")
        return load_account(int(user_id), token) if user_id.isdecimal() else None

    # The search index, the content stamps, the log of rights and the removal of deleted
    # documents' files follow every change, wherever it is made.
    listen_on_sessions(*index.LISTENERS, *stamps.LISTENERS, *rights_log.LISTENERS, *storage.LISTENERS)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            configure_sqlite(db.engine)


def register_web(app: Flask) -> None:
    from groupes.attachments.views import blueprint as attachments
    from groupes.auth.views import blueprint as auth
    from groupes.exports.views import blueprint as documents
    from groupes.groups.directory_views import blueprint as directory
    from groupes.groups.records_views import blueprint as records
    from groupes.groups.views import blueprint as groups
    from groupes.mail.outbox import send_after_response
    from groupes.mail.views import blueprint as mail
    from groupes.meetings.agenda_views import blueprint as agenda
    from groupes.meetings.attendance_views import blueprint as attendance
    from groupes.meetings.state import shown_state
    from groupes.meetings.views import blueprint as meetings
    from groupes.minutes.cowriting_views import blueprint as cowriting
    from groupes.minutes.live_views import blueprint as live
    from groupes.minutes.review_views import blueprint as review
    from groupes.minutes.views import blueprint as minutes
    from groupes.privacy.confidential import WITHHELD_PASSAGE, mailed_title
    from groupes.privacy.views import blueprint as privacy
    from groupes.programmes.synthesis_views import blueprint as synthesis
    from groupes.programmes.views import blueprint as programmes
    from groupes.registers.views import blueprint as registers
    from groupes.search.views import blueprint as search
    from groupes.site.errors import register_errors
    from groupes.site.formatting import FILTERS
    from groupes.site.forms import typographic_form_messages
    from groupes.site.security import register_security
    from groupes.site.text import render_markdown
    from groupes.site.views import blueprint as site

    for blueprint in (
        site,
        auth,
        programmes,
        synthesis,
        groups,
        meetings,
        agenda,
        attendance,
        minutes,
        live,
        cowriting,
        review,
        attachments,
        documents,
        records,
        directory,
        mail,
        registers,
        search,
        privacy,
    ):
        app.register_blueprint(blueprint)
    send_after_response(app)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters.update(
        FILTERS,
        markdown=render_markdown,
        mailed_title=mailed_title,
    )
    app.jinja_env.globals.update(may=may, WITHHELD_PASSAGE=WITHHELD_PASSAGE, meeting_state=shown_state)
    register_security(app)
    register_errors(app)
    app.before_request(typographic_form_messages)


def register_commands(app: Flask) -> None:
    from groupes.cli import commands

    for command in commands:
        app.cli.add_command(command)
