"""Fixtures: one migrated database per run (SQLite, or PostgreSQL when
TEST_DATABASE_URL is set), emptied after every test."""

import os

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_migrate import upgrade

from groupes import create_app
from groupes.extensions import db


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def instance_path(tmp_path_factory):
    return str(tmp_path_factory.mktemp("instance"))


class RequestInItsOwnContext(FlaskClient):
    """Each request gets a fresh application context, as in production.

    Otherwise a request would reuse the test's context, and with it ``g`` and
    the database session of earlier requests.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(database_url, instance_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "INSTANCE_PATH": instance_path,
        }
    )
    app.test_client_class = RequestInItsOwnContext
    with app.app_context():
        upgrade()
    return app


def empty_database() -> None:
    db.session.remove()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture(autouse=True)
def app_context(app):
    with app.app_context():
        yield
        empty_database()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def count():
    """The number of rows of a model."""

    def count(model) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))

    return count
