"""What every benchmark starts from: the schema the migrations build, with no row in it."""

from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

from groupes.extensions import db
from groupes.search.index import TABLE as SEARCH_TABLE

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def empty_schema() -> None:
    """Bring the application's database to the latest schema and delete every row, search index included."""
    upgrade(directory=str(MIGRATIONS))
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.execute(sa.text(f"DELETE FROM {SEARCH_TABLE}"))
    db.session.commit()
