"""Content stamps for the page cache.

The site stamp is given at once, so that the pages of a database upgraded with
its content already in it can be cached from the first request.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-25 00:00:00

"""
import secrets

import sqlalchemy as sa
from alembic import op


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    stamps = op.create_table(
        'content_stamps',
        sa.Column('scope', sa.String(length=40), nullable=False),
        sa.Column('token', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('scope', name=op.f('pk_content_stamps')),
    )
    op.bulk_insert(stamps, [{'scope': 'site', 'token': secrets.randbits(62)}])


def downgrade():
    op.drop_table('content_stamps')
