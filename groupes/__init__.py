"""groupes: the working groups of French social work, their meetings and minutes."""

import os
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from groupes.config import load_config
from groupes.extensions import babel, csrf, db, login_manager, migrate

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
    register_extensions(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from groupes import models  # noqa: F401  (every mapper, before the first query)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    csrf.init_app(app)
    babel.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Connectez-vous pour accéder à cette page."
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str):
        user = db.session.get(models.User, int(user_id)) if user_id.isdigit() else None
        return user if user is not None and user.is_active else None

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            sa.event.listen(db.engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """SQLite checks foreign keys only when asked, on every connection."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def register_commands(app: Flask) -> None:
    from groupes.cli import commands

    for command in commands:
        app.cli.add_command(command)
