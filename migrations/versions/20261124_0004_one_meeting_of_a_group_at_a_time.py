"""One meeting of a group at a time: no two that are not cancelled start together.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 13:50:34.292095

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():

    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index('uq_meetings_group_id_starts_at_not_cancelled', ['group_id', 'starts_at'], unique=True, sqlite_where=sa.text("status != 'cancelled'"), postgresql_where=sa.text("status != 'cancelled'"))




def downgrade():

    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index('uq_meetings_group_id_starts_at_not_cancelled', sqlite_where=sa.text("status != 'cancelled'"), postgresql_where=sa.text("status != 'cancelled'"))


