"""The live meeting: the point the meeting is at (since when), and until when members may follow the minutes.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-08 00:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('meetings', sa.Column('live_item_id', sa.Integer(), nullable=True))
    op.add_column('meetings', sa.Column('live_item_since', sa.DateTime(), nullable=True))
    op.add_column('meetings', sa.Column('followers_until', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('meetings') as batch:
        batch.drop_column('followers_until')
        batch.drop_column('live_item_since')
        batch.drop_column('live_item_id')
