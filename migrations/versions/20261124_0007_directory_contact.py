"""Directory: how to reach an organisation (e-mail, phone, website, postal address).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 18:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

CONTACT = (('email', 254), ('phone', 30), ('website', 500), ('address', 500))


def upgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        for name, length in CONTACT:
            batch_op.add_column(sa.Column(name, sa.String(length=length), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        for name, _ in reversed(CONTACT):
            batch_op.drop_column(name)
