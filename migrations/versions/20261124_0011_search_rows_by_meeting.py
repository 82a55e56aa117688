"""Search index on SQLite: each meeting's rows in a rowid range of their own.

The rows are numbered anew (meeting_id × 2²⁴ + n) so that rewriting one meeting's
rows no longer reads the whole FTS5 table. The index is emptied here; `flask
init-db`, which applies this migration, fills it again.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24 22:00:00

"""
from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DELETE FROM search_index")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DELETE FROM search_index")
