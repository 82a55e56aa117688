"""The database cannot take the site down: WAL on SQLite, every failed request leaves its
connection clean, and /sante says when the database cannot be read."""

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import free_port
from flask import abort
from flask_migrate import upgrade
from world import another_app

from groupes.extensions import db
from groupes.groups.models import Person
from groupes.site.page_cache import without_transaction


def sqlite_only(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite only")


def test_sqlite_connections_use_the_write_ahead_log_and_wait_for_writers(app):
    sqlite_only(app)
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def failing_app(app):
    """The test application with pages that fail once they have written or begun to read,
    as a bug would; errors are handled as in production (a 500 page, not an exception)."""
    other = another_app(app, PROPAGATE_EXCEPTIONS=False)

    def rename(person_id: int) -> None:
        db.session.get(Person, person_id).name = "Renommée par une page qui échoue"
        db.session.flush()

    @other.route("/essai/ecrit-puis-echoue/<int:person_id>")
    def write_then_fail(person_id):
        rename(person_id)
        raise RuntimeError("une erreur après l'écriture")

    @other.route("/essai/ecrit-puis-refuse/<int:person_id>")
    def write_then_abort(person_id):
        rename(person_id)
        abort(404)

    @other.route("/essai/lit-hors-transaction-puis-echoue/<int:person_id>")
    @without_transaction
    def read_then_fail(person_id):
        rows = db.session.execute(sa.select(Person.id).union_all(sa.select(Person.id)))
        next(iter(rows))  # a read begun and never finished
        raise RuntimeError("une erreur pendant la lecture")

    return other


def write_at_once(app, person_id: int) -> None:
    """Another connection writes the same row without waiting: it fails if anyone holds a lock."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite"):
        other = sqlite3.connect(sa.make_url(url).database, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("UPDATE persons SET name = 'Écrite aussitôt' WHERE id = ?", (person_id,))
            other.execute("COMMIT")
        finally:
            other.close()
        return
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("SET LOCAL lock_timeout = '200ms'")
            connection.execute(sa.update(Person).where(Person.id == person_id).values(name="Écrite aussitôt"))
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "path", ["ecrit-puis-echoue", "ecrit-puis-refuse", "lit-hors-transaction-puis-echoue"], ids=str
)
def test_a_request_that_fails_leaves_no_lock_and_nothing_written(app, path):
    person = Person(name="Personne à renommer")
    db.session.add(person)
    db.session.commit()
    person_id = person.id
    db.session.remove()
    other = failing_app(app)
    try:
        response = other.test_client().get(f"/essai/{path}/{person_id}")
        assert response.status_code in (404, 500)
        write_at_once(app, person_id)
        assert other.test_client().get("/sante").status_code == 200
        with other.app_context():
            assert db.session.get(Person, person_id).name == "Écrite aussitôt"
            db.session.remove()
    finally:
        with other.app_context():
            db.engine.dispose()


def test_the_health_check_reads_the_database(app):
    response = app.test_client().get("/sante")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok"
    assert response.headers["Cache-Control"] == "no-store"


def test_the_health_check_fails_when_the_database_cannot_be_reached(app):
    unreachable = another_app(app, SQLALCHEMY_DATABASE_URI=f"postgresql+psycopg://groupes@127.0.0.1:{free_port()}/g")
    response = unreachable.test_client().get("/sante")
    assert response.status_code == 503
    assert response.get_data(as_text=True) == "base de données illisible"
    assert response.headers["Cache-Control"] == "no-store"


def test_the_health_check_fails_when_the_sqlite_file_is_removed_and_makes_no_empty_one(app, tmp_path):
    path = tmp_path / "groupes.sqlite3"
    other = another_app(app, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with other.app_context():
        upgrade()
    client = other.test_client()
    assert client.get("/sante").status_code == 200  # and the pool keeps the connection
    for file in tmp_path.glob("groupes.sqlite3*"):
        Path(file).unlink()
    assert client.get("/sante").status_code == 503
    assert not path.exists()
    with other.app_context():
        db.engine.dispose()


def test_the_health_check_fails_when_the_schema_is_not_there(app, tmp_path):
    """An empty file (a wrong path, a database never initialised) is not a working database."""
    other = another_app(app, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'vide.sqlite3'}")
    (tmp_path / "vide.sqlite3").touch()
    assert other.test_client().get("/sante").status_code == 503
    with other.app_context():
        db.engine.dispose()
