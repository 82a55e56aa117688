"""Full-text search index: FTS5 on SQLite, a French accent-blind tsvector on PostgreSQL.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 16:30:00

"""
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        op.execute(
            "DO $$ BEGIN "
            "IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'fr_unaccent') THEN "
            "CREATE TEXT SEARCH CONFIGURATION fr_unaccent (COPY = french); "
            "ALTER TEXT SEARCH CONFIGURATION fr_unaccent "
            "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem; "
            "END IF; END $$"
        )
        op.execute(
            "CREATE TABLE search_index ("
            "id serial PRIMARY KEY, kind varchar(20) NOT NULL, ref_id integer NOT NULL, "
            "meeting_id integer NOT NULL, title text NOT NULL, body text NOT NULL, "
            "document tsvector GENERATED ALWAYS AS ("
            "setweight(to_tsvector('fr_unaccent', title), 'A') || to_tsvector('fr_unaccent', body)) STORED)"
        )
        op.execute("CREATE INDEX ix_search_index_document ON search_index USING gin (document)")
        op.execute("CREATE INDEX ix_search_index_meeting_id ON search_index (meeting_id)")
    else:
        op.execute(
            "CREATE VIRTUAL TABLE search_index USING fts5("
            "title, body, kind UNINDEXED, ref_id UNINDEXED, meeting_id UNINDEXED, "
            "tokenize = 'unicode61 remove_diacritics 2')"
        )
    # `flask init-db` fills the index after applying this migration.


def downgrade():
    op.execute("DROP TABLE search_index")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS fr_unaccent")
