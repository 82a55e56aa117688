"""The attachments' files on disk: ``ATTACHMENTS_DIR/ab/abcdef…``, random names only.

A file is written before the row that names it is committed, and removed again
if that commit fails; a deleted row's file is removed once the deletion is
committed (the session hooks below), so that a rolled-back deletion keeps it.
Rows removed by the database itself (a group or programme deleted with its
meetings, a restore) leave files that ``remove_orphans`` clears.
"""

import os
import re
import secrets
import time
from collections.abc import Iterator
from pathlib import Path

from flask import current_app
from sqlalchemy.orm import Session

from groupes.attachments.models import Attachment

STORED_NAME = re.compile(r"[0-9a-f]{32}")
# Files younger than this may belong to an upload whose row is not committed yet.
ORPHAN_GRACE_SECONDS = 3600


def root() -> Path:
    return Path(current_app.config.get("ATTACHMENTS_DIR") or Path(current_app.instance_path) / "attachments")


def path_of(stored_name: str) -> Path:
    if not STORED_NAME.fullmatch(stored_name):
        raise ValueError(f"not a stored name: {stored_name!r}")
    return root() / stored_name[:2] / stored_name


def write(content: bytes, stored_name: str | None = None) -> str:
    """Store ``content`` under a new random name (readable by the server only), and return
    the name; a restore gives the name the file had."""
    stored_name = stored_name or secrets.token_hex(16)
    path = path_of(stored_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{stored_name}.partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(content)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return stored_name


def remove(stored_name: str) -> None:
    path_of(stored_name).unlink(missing_ok=True)


def stored_files() -> Iterator[Path]:
    if root().is_dir():
        yield from (p for p in root().glob("??/*") if STORED_NAME.fullmatch(p.name))


def remove_orphans(known: set[str], *, grace: float = ORPHAN_GRACE_SECONDS) -> list[str]:
    """Remove the files no row names any more (those older than ``grace`` seconds)."""
    removed = []
    for path in stored_files():
        if path.name not in known and path.stat().st_mtime < time.time() - grace:
            path.unlink(missing_ok=True)
            removed.append(path.name)
    return removed


# Deleted rows' files, removed after the commit.


def _remember_deleted(session: Session, flush_context) -> None:
    doomed = [path_of(o.stored_name) for o in session.deleted if isinstance(o, Attachment)]
    if doomed:
        session.info.setdefault("attachment_files_to_remove", []).extend(doomed)


def _remove_after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released (a queued message): not the commit
        return
    for path in session.info.pop("attachment_files_to_remove", []):
        path.unlink(missing_ok=True)


def _keep_after_rollback(session: Session) -> None:
    session.info.pop("attachment_files_to_remove", None)


# New files, removed again unless the transaction that adds their rows commits.


def remove_unless_committed(session: Session, stored_name: str) -> None:
    session.info.setdefault("attachment_files_written", []).append(path_of(stored_name))


def _keep_written_after_commit(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop("attachment_files_written", None)


def _remove_written_at_the_end(session: Session, transaction) -> None:
    if transaction.parent is None:
        for path in session.info.pop("attachment_files_written", []):
            path.unlink(missing_ok=True)


LISTENERS = (
    ("after_flush", _remember_deleted),
    ("after_commit", _remove_after_commit),
    ("after_rollback", _keep_after_rollback),
    ("after_commit", _keep_written_after_commit),
    ("after_transaction_end", _remove_written_at_the_end),
)
