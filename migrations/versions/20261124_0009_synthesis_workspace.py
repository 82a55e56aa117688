"""Synthesis workspace: a theme and a version on each synthesis entry, and no empty wording.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 20:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('synthesis_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('theme', sa.String(length=500), server_default='', nullable=False))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.create_check_constraint(batch_op.f('ck_synthesis_entries_text_not_empty'), "text <> ''")


def downgrade():
    with op.batch_alter_table('synthesis_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_synthesis_entries_text_not_empty'), type_='check')
        batch_op.drop_column('version')
        batch_op.drop_column('theme')
