"""Fixtures: one migrated database per run (SQLite, or PostgreSQL when
TEST_DATABASE_URL is set), emptied after every test."""

import os
import socket
import time
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_migrate import upgrade
from world import build_world, sign_in

from groupes import create_app
from groupes.extensions import db, limiter
from groupes.search.index import TABLE as SEARCH_TABLE


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
            # Each anonymous reading counted at once (test_reading_cost.py tests the gathering).
            "ANONYMOUS_READINGS_WRITE_SECONDS": 0,
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
        connection.execute(sa.text(f"DELETE FROM {SEARCH_TABLE}"))


@pytest.fixture(autouse=True)
def app_context(app):
    """Each test in its application context, on an empty database and with fresh rate limits."""
    with app.app_context():
        limiter.reset()
        yield
        empty_database()


@pytest.fixture
def world():
    """The small world of tests/world.py: one person of each role (see ``ROLES``), their groups and meetings."""
    return build_world()


@pytest.fixture
def client_as(app, world):
    """``client_as("member")``: a new test client, signed in as that role of the world
    (``client_as("anonymous")``: a new client, signed in as no one)."""

    def client_as(role: str) -> FlaskClient:
        client = app.test_client()
        sign_in(client, role)
        return client

    return client_as


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def count():
    """The number of rows of a model."""

    def count(model) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))

    return count


class Inbox:
    """What a real SMTP server on loopback received, parsed."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def wait_for(self, count: int, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.messages) >= count, f"{len(self.messages)} message(s) received, {count} expected"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def mail_server(app, inbox: "Inbox"):
    """An aiosmtpd server on loopback delivering to ``inbox``, which the application sends to meanwhile."""
    from aiosmtpd.controller import Controller

    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    saved = {key: app.config[key] for key in ("MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    try:
        yield inbox
    finally:
        app.config.update(saved)
        controller.stop()


@pytest.fixture
def smtp_server(app):
    """An aiosmtpd server on loopback, which the application sends to during the test."""
    with mail_server(app, Inbox()) as inbox:
        yield inbox


@pytest.fixture
def no_smtp_server(app):
    """A mail server that is down: nothing listens on its port."""
    saved = {key: app.config[key] for key in ("MAIL_SERVER", "MAIL_PORT", "MAIL_TIMEOUT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2)
    yield
    app.config.update(saved)
