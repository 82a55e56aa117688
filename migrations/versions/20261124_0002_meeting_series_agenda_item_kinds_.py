"""Meeting series, agenda item kinds, arrival and departure times.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 12:44:48.206904

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('meeting_series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['working_groups.id'], name=op.f('fk_meeting_series_group_id_working_groups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_series'))
    )
    with op.batch_alter_table('meeting_series', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_series_group_id'), ['group_id'], unique=False)

    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        # A plain column then its check: SQLite's table copy cannot check a column it is adding.
        batch_op.add_column(sa.Column('kind', sa.String(length=16), nullable=False, server_default='topic'))
        batch_op.create_check_constraint(op.f('ck_agenda_items_kind'), "kind IN ('topic', 'previous_minutes', 'actions_review')")

    with op.batch_alter_table('attendances', schema=None) as batch_op:
        batch_op.add_column(sa.Column('arrived_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('left_at', sa.DateTime(), nullable=True))

    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('series_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_meetings_series_id'), ['series_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_meetings_series_id_meeting_series'), 'meeting_series', ['series_id'], ['id'], ondelete='SET NULL')




def downgrade():

    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_meetings_series_id_meeting_series'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_meetings_series_id'))
        batch_op.drop_column('series_id')

    with op.batch_alter_table('attendances', schema=None) as batch_op:
        batch_op.drop_column('left_at')
        batch_op.drop_column('arrived_at')

    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_agenda_items_kind'), type_='check')
        batch_op.drop_column('kind')

    with op.batch_alter_table('meeting_series', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_series_group_id'))

    op.drop_table('meeting_series')

