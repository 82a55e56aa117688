"""Backups taken while people write: one snapshot, restored whole into an empty database."""

import gzip
import json
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from world import another_app, attach, build_world, signed_in

from groupes import backup
from groupes.backup import restore_backup, write_backup
from groupes.extensions import db
from groupes.groups.models import Organisation, Person
from groupes.minutes.models import Minutes, MinutesRevision, MinutesStatus
from groupes.search.index import rebuild


class Writer(threading.Thread):
    """Writes in a loop, as the web workers would: each transaction adds an organisation and a person
    of it, and saves the minutes (a new revision and the counter that numbers it) together."""

    def __init__(self, app, minutes_id: int):
        super().__init__(daemon=True)
        self.app, self.minutes_id = app, minutes_id
        self.stop, self.commits, self.errors = threading.Event(), [], []

    def run(self):
        n = 0
        with self.app.app_context():
            while not self.stop.is_set():
                n += 1
                try:
                    organisation = Organisation(name=f"Écrite pendant la sauvegarde {n}")
                    db.session.add(Person(name=f"Personne écrite {n}", organisation=organisation))
                    minutes = db.session.get(Minutes, self.minutes_id)
                    minutes.revision += 1
                    db.session.add(
                        MinutesRevision(
                            minutes=minutes, number=minutes.revision, status=MinutesStatus.DRAFT, content={"n": n}
                        )
                    )
                    db.session.commit()
                    self.commits.append(time.monotonic())
                except Exception as exc:  # noqa: BLE001 (reported by the test)
                    db.session.rollback()
                    self.errors.append(repr(exc))
                db.session.remove()
                time.sleep(0.01)


def read_backup(path: Path) -> dict[str, list[dict]]:
    tables, columns, name = {}, None, None
    with gzip.open(path, "rt", encoding="utf-8") as source:
        next(source)
        for line in source:
            row = json.loads(line)
            if row == backup.FILES:
                break
            if isinstance(row, dict):
                name, columns = row["table"], row["columns"]
                tables[name] = []
            else:
                tables[name].append(dict(zip(columns, row, strict=True)))
    return tables


def assert_one_snapshot(tables: dict[str, list[dict]]) -> None:
    """Every foreign key of the copy names a row of the copy; the minutes' counter and revisions agree."""
    ids = {name: {row["id"] for row in rows if "id" in row} for name, rows in tables.items()}
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            for key in column.foreign_keys:
                target = key.column.table.name
                if key.column.name != "id":
                    continue
                dangling = [r[column.name] for r in tables[table.name] if r[column.name] not in (None, *ids[target])]
                assert dangling == [], f"{table.name}.{column.name} → {target}: {dangling[:5]}"
    written_people = [r for r in tables["persons"] if r["name"].startswith("Personne écrite")]
    written_organisations = [r for r in tables["organisations"] if r["name"].startswith("Écrite pendant")]
    assert len(written_people) == len(written_organisations)
    for minutes in tables["minutes"]:
        numbers = [r["number"] for r in tables["minutes_revisions"] if r["minutes_id"] == minutes["id"]]
        assert max(numbers, default=0) == minutes["revision"], "revisions saved after the counter was read"


def slow_between_tables(monkeypatch, seconds: float = 0.4):
    """Make the backup pause before the people and the revisions, so writes happen mid-copy."""
    dumps = json.dumps

    def pausing(value, *args, **kwargs):
        if isinstance(value, dict) and value.get("table") in ("persons", "minutes_revisions"):
            time.sleep(seconds)
        return dumps(value, *args, **kwargs)

    monkeypatch.setattr(backup.json, "dumps", pausing)


def test_a_backup_taken_while_people_write_is_one_snapshot_and_restores_whole(app, tmp_path, monkeypatch):
    world = build_world()
    attach(world.validated, "note.pdf")
    minutes_id = world.draft.minutes.id
    writer = Writer(app, minutes_id)
    writer.start()
    try:
        time.sleep(0.2)
        slow_between_tables(monkeypatch)
        started = time.monotonic()
        counts, files = write_backup(tmp_path / "pendant.gz")
        finished = time.monotonic()
        monkeypatch.undo()
        time.sleep(0.2)
    finally:
        writer.stop.set()
        writer.join(10)
    assert writer.errors == [], writer.errors[:3]
    assert len(writer.commits) > 5 and writer.commits[-1] > finished  # writes went on, before and after
    assert [t for t in writer.commits if started < t < finished], "no write committed during the copy"
    tables = read_backup(tmp_path / "pendant.gz")
    assert {name: len(rows) for name, rows in tables.items()} == counts
    assert files == 1
    assert_one_snapshot(tables)

    # Restored into an empty database (another instance), it is whole and searchable.
    target = tmp_path / "restauree"
    target.mkdir()
    restored_app = another_app(
        app, SQLALCHEMY_DATABASE_URI=f"sqlite:///{target / 'groupes.sqlite3'}", INSTANCE_PATH=str(target)
    )
    with restored_app.app_context():
        restored, restored_files = restore_backup(tmp_path / "pendant.gz")
        assert restored == counts and restored_files == 1
        rebuild()
        db.session.commit()
        check_integrity(counts)
        db.session.remove()
        db.engine.dispose()


def check_integrity(counts: dict[str, int]) -> None:
    """The integrity check of a restored database: rows, foreign keys, revisions, files, search."""
    from groupes.attachments import storage
    from groupes.attachments.models import Attachment

    for table in db.metadata.sorted_tables:
        assert db.session.scalar(sa.select(sa.func.count()).select_from(table)) == counts[table.name], table.name
    if db.engine.dialect.name == "sqlite":
        assert db.session.execute(sa.text("PRAGMA foreign_key_check")).all() == []
        assert db.session.execute(sa.text("PRAGMA integrity_check")).scalar() == "ok"
    latest = (
        sa.select(MinutesRevision.minutes_id, sa.func.max(MinutesRevision.number).label("number"))
        .group_by(MinutesRevision.minutes_id)
        .subquery()
    )
    behind = db.session.scalars(
        sa.select(Minutes.id).join(latest, latest.c.minutes_id == Minutes.id).where(latest.c.number != Minutes.revision)
    ).all()
    assert behind == []
    for attachment in db.session.scalars(sa.select(Attachment)):
        assert storage.path_of(attachment.stored_name).is_file()
    from groupes.search.index import TABLE

    assert db.session.scalar(sa.text(f"SELECT count(*) FROM {TABLE}")) > 0


def pg_tool(name: str) -> str | None:
    """A PostgreSQL client program, from the server's own folder when pg_config knows it."""
    try:
        bindir = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True).stdout.strip()
        if (Path(bindir) / name).is_file():
            return str(Path(bindir) / name)
    except (OSError, subprocess.CalledProcessError):
        pass
    return shutil.which(name)


def libpq_url(url: sa.URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.mark.skipif(
    not (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgres") or not pg_tool("pg_dump"),
    reason="the PostgreSQL way needs TEST_DATABASE_URL on PostgreSQL and pg_dump",
)
def test_pg_dump_and_pg_restore_bring_back_a_database_the_application_reads(app, tmp_path):
    """README, Production: pg_dump -Fc, then pg_restore into an empty database (with the files' folder)."""
    from world import sign_in

    world = build_world()
    rebuild()
    db.session.commit()
    meeting_id = world.validated.id
    counts = {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }
    source = db.engine.url
    dump = tmp_path / "groupes.dump"
    subprocess.run(
        [pg_tool("pg_dump"), "-Fc", "--no-owner", "--no-acl", "-f", str(dump), "-d", libpq_url(source)], check=True
    )
    copy = f"{source.database}_restauree"
    admin = sa.create_engine(source.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{copy}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{copy}"'))
    try:
        subprocess.run(
            [
                pg_tool("pg_restore"),
                "--no-owner",
                "--no-acl",
                "--exit-on-error",
                "-d",
                libpq_url(source.set(database=copy)),
                str(dump),
            ],
            check=True,
        )
        # The same instance folder: the attachments' folder, copied alongside in real life.
        restored_app = another_app(
            app, SQLALCHEMY_DATABASE_URI=source.set(database=copy).render_as_string(hide_password=False)
        )
        with restored_app.app_context():
            for table in db.metadata.sorted_tables:
                assert db.session.scalar(sa.select(sa.func.count()).select_from(table)) == counts[table.name]
            # The accent-blind French search survives: its configuration and the generated column.
            assert db.session.scalar(sa.text("SELECT count(*) FROM pg_ts_config WHERE cfgname = 'fr_unaccent'")) == 1
            found = db.session.scalar(
                sa.text("SELECT count(*) FROM search_index WHERE document @@ to_tsquery('fr_unaccent', 'decision')")
            )
            assert found > 0
            db.session.remove()
            client = restored_app.test_client()
            sign_in(client, "admin")
            page = client.get(f"/reunions/{meeting_id}").get_data(as_text=True)
            assert "Décision validé" in page
            results = client.get("/recherche?q=decision").get_data(as_text=True)
            assert "<mark>Décision</mark> validé" in results, results[results.find("<main") :][:2000]
            db.session.remove()
            db.engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)'))
        admin.dispose()


def test_a_restore_forgets_the_pages_kept_before_it(app, tmp_path):
    world = build_world()
    write_backup(tmp_path / "avant.gz")
    pages = Path(app.config["CACHE_DIR"])
    member = signed_in(app, "member")
    assert member.get(f"/reunions/{world.validated.id}").status_code == 200
    kept = [p for p in pages.iterdir() if b"Texte du compte-rendu" in p.read_bytes()]
    assert kept
    restore_backup(tmp_path / "avant.gz")
    assert not any(p.exists() for p in kept)
