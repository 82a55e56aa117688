"""A consistent copy of the whole database in a portable file, and back.

The file is gzip-compressed JSON lines: a header (format, schema revision),
then for each table a line naming its columns followed by one line per row,
then a line ``{"files": "attachments"}`` followed by one line per document's
file (its stored name and its content in base64). It is read in one
transaction (a snapshot; on SQLite, of a private copy made by SQLite's online
backup API, so that writers never wait for the backup), works the same on
SQLite and PostgreSQL, and can move data from one to the other.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import upgrade

from groupes.attachments import storage
from groupes.attachments.models import Attachment
from groupes.dbtypes import utcnow
from groupes.errors import DomainError
from groupes.extensions import db
from groupes.site.page_cache import cache

FORMAT = "groupes-backup/1"
BATCH = 1000
FILES = {"files": "attachments"}


class BackupError(DomainError):
    """A backup file that cannot be restored here; the message is for the operator."""


def current_revision(connection: sa.Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    config = current_app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_current_head()


def _encode(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _decoder(column: sa.Column):
    stored = getattr(column.type, "impl_instance", column.type)  # what a TypeDecorator stores
    if isinstance(stored, sa.DateTime):
        return lambda v: None if v is None else datetime.fromisoformat(v)
    if isinstance(stored, sa.Date):
        return lambda v: None if v is None else date.fromisoformat(v)
    return lambda v: v


@contextmanager
def snapshot(connection: sa.Connection) -> Iterator[sa.Connection]:
    """One read transaction, so that every table is read at the same moment."""
    if connection.dialect.name == "sqlite":
        # pysqlite opens transactions only before writes: open one ourselves.
        raw = connection.connection.dbapi_connection
        saved = raw.isolation_level
        raw.isolation_level = None
        connection.exec_driver_sql("BEGIN")
        try:
            yield connection
        finally:
            connection.rollback()
            raw.isolation_level = saved
    else:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            yield connection


def write_backup(path: Path) -> tuple[dict[str, int], int]:
    """Write every table and the documents' files to ``path``; returns the number
    of rows per table and the number of files.

    The file holds password hashes and addresses: it is readable by its owner
    only, and replaces an earlier backup only once it is complete.
    """
    path = Path(path)
    partial = path.with_name(f".{path.name}.partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as raw:
            counts = _write_tables(raw, path.parent)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return counts


@contextmanager
def _source(folder: Path) -> Iterator[sa.Engine]:
    """The database to read the backup from. On SQLite, a copy made in ``folder`` by SQLite's
    online backup API: it takes a moment (pages copied, nothing decoded), and the long read
    that follows (every row encoded and compressed, the files added) then holds nothing on
    the live database, where people go on writing. Elsewhere the database itself."""
    if db.engine.dialect.name != "sqlite":
        yield db.engine
        return
    with tempfile.TemporaryDirectory(prefix=".groupes-backup-", dir=folder) as private:  # mode 700
        copy = Path(private) / "copy.sqlite3"
        target = sqlite3.connect(copy)
        live = db.engine.raw_connection()
        try:
            live.driver_connection.backup(target)  # one step: one consistent read of the source
        finally:
            live.close()
            target.close()
        engine = sa.create_engine(f"sqlite:///{copy}", poolclass=sa.pool.NullPool)
        try:
            yield engine
        finally:
            engine.dispose()


def _write_tables(raw, folder: Path) -> tuple[dict[str, int], int]:
    counts: dict[str, int] = {}
    with (
        _source(folder) as source,
        source.connect() as connection,
        snapshot(connection) as conn,
        gzip.open(raw, "wt", encoding="utf-8") as out,
    ):
        header = {"format": FORMAT, "revision": current_revision(conn), "created_at": utcnow().isoformat()}
        out.write(json.dumps(header) + "\n")
        for table in db.metadata.sorted_tables:
            columns = [c.name for c in table.columns]
            out.write(json.dumps({"table": table.name, "columns": columns}) + "\n")
            result = conn.execution_options(yield_per=BATCH).execute(
                sa.select(*table.columns).order_by(*table.primary_key.columns)
            )
            counts[table.name] = 0
            for row in result:
                out.write(json.dumps([_encode(v) for v in row], ensure_ascii=False) + "\n")
                counts[table.name] += 1
        files = _write_files(conn, out)
    return counts, files


def _write_files(conn: sa.Connection, out) -> int:
    """The files the snapshot's rows name (one deleted since is left out: its row is gone too)."""
    out.write(json.dumps(FILES) + "\n")
    written = 0
    for stored_name in conn.scalars(sa.select(Attachment.stored_name).order_by(Attachment.id)):
        path = storage.path_of(stored_name)
        if path.is_file():
            out.write(json.dumps([stored_name, base64.b64encode(path.read_bytes()).decode("ascii")]) + "\n")
            written += 1
    return written


def _read(path: Path) -> Iterator[Any]:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as source:
            for line in source:
                yield json.loads(line)
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"{path} n'est pas une sauvegarde lisible de groupes ({exc}).") from exc


def restore_backup(path: Path) -> tuple[dict[str, int], int]:
    """Replace every row of the database by those of the backup, in one transaction,
    and the documents' files by those of the backup.

    The backup must come from the same schema revision as this code; an empty
    database is given the schema first.
    """
    lines = _read(path)
    header = next(lines, None)
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError(f"{path} n'est pas une sauvegarde de groupes (format {FORMAT} attendu).")
    head = head_revision()
    if header.get("revision") != head:
        raise BackupError(
            f"La sauvegarde a été faite avec le schéma {header.get('revision')} et cette version de groupes "
            f"est au schéma {head} : restaurez-la avec la version qui l'a faite, puis mettez à jour (init-db)."
        )
    with db.engine.connect() as connection:
        revision = current_revision(connection)
    if revision is None:
        upgrade()
    elif revision != head:
        raise BackupError(f"La base est au schéma {revision} : mettez-la à jour d'abord (flask --app groupes init-db).")
    restored = _load_rows(lines)
    cache.clear()  # pages kept from the database as it was before
    return restored


def _load_rows(lines: Iterator[Any]) -> tuple[dict[str, int], int]:
    tables = {t.name: t for t in db.metadata.sorted_tables}
    counts: dict[str, int] = {}
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())
        table = None
        batch: list[dict[str, Any]] = []
        deferred: list[tuple[sa.Table, dict[str, Any]]] = []

        def flush() -> None:
            if batch:
                conn.execute(table.insert(), batch)
                batch.clear()

        for line in lines:
            if line == FILES:
                break
            if isinstance(line, dict):
                flush()
                table = tables.get(line.get("table"))
                if table is None:
                    raise BackupError(f"Table inconnue dans la sauvegarde : {line.get('table')}.")
                columns = line["columns"]
                decoders = [_decoder(table.columns[c]) for c in columns]
                # Rows pointing to rows of their own table (nested agenda items, replies)
                # may come before their target: insert without the link, then set it.
                self_refs = [
                    c for c in columns if any(fk.column.table is table for fk in table.columns[c].foreign_keys)
                ]
                counts[table.name] = 0
                continue
            row = {c: decode(v) for c, decode, v in zip(columns, decoders, line, strict=True)}
            links = {c: row[c] for c in self_refs if row[c] is not None}
            if links:
                deferred.append((table, {**links, "id": row["id"]}))
                row.update(dict.fromkeys(links))
            batch.append(row)
            counts[table.name] += 1
            if len(batch) >= BATCH:
                flush()
        flush()
        files = _restore_files(lines)
        for target, links in deferred:
            key = links.pop("id")
            conn.execute(target.update().where(target.c.id == key).values(**links))
        if conn.dialect.name == "postgresql":
            for table in db.metadata.sorted_tables:
                if "id" in table.c and table.c.id.autoincrement is not False and table.c.id.primary_key:
                    conn.execute(
                        sa.text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                        )
                    )
    # The files no restored row names belong to the replaced data.
    with db.engine.connect() as conn:
        storage.remove_orphans(set(conn.scalars(sa.select(Attachment.stored_name))), grace=0)
    return counts, files


def _restore_files(lines: Iterator[Any]) -> int:
    restored = 0
    for line in lines:
        try:
            stored_name, content = line
            storage.write(base64.b64decode(content, validate=True), stored_name)
        except (TypeError, ValueError) as exc:
            raise BackupError(f"Un fichier de la sauvegarde est illisible ({exc}).") from exc
        restored += 1
    return restored
