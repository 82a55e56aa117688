"""Passages quoted by comments follow the minutes' typography: the rendered text now shows
typographic apostrophes (’), so a passage quoted before with a straight one is rewritten to
match it again, instead of reading as « passage changed ».

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-08 02:00:00

"""
import re

import sqlalchemy as sa
from alembic import op


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
comments = sa.table('comments', sa.column('id', sa.Integer), sa.column('quote', sa.Text))


def upgrade():
    connection = op.get_bind()
    rows = connection.execute(sa.select(comments.c.id, comments.c.quote).where(comments.c.quote.like("%'%"))).all()
    for comment_id, quote in rows:
        typeset = APOSTROPHE.sub("\u2019", quote)
        if typeset != quote:
            connection.execute(comments.update().where(comments.c.id == comment_id).values(quote=typeset))


def downgrade():
    """Nothing to undo: a typographic apostrophe is what the text shows either way."""
