"""Anonymous readings counted per page and day instead of one access log row each; the
start of a revision that gathers an author's successive saves.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 00:00:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('anonymous_readings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('read', 'download', 'export', 'rights', name='kind', native_enum=False, create_constraint=True, length=8), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('target', sa.String(length=500), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_anonymous_readings_meeting_id_meetings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_anonymous_readings_programme_id_programmes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_anonymous_readings')),
    sa.UniqueConstraint('day', 'programme_id', 'kind', 'target', name=op.f('uq_anonymous_readings_day_programme_id_kind_target'))
    )
    with op.batch_alter_table('anonymous_readings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_anonymous_readings_day'), ['day'], unique=False)
        batch_op.create_index(batch_op.f('ix_anonymous_readings_programme_id'), ['programme_id'], unique=False)
    with op.batch_alter_table('minutes_revisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('started_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('minutes_revisions', schema=None) as batch_op:
        batch_op.drop_column('started_at')
    with op.batch_alter_table('anonymous_readings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_anonymous_readings_programme_id'))
        batch_op.drop_index(batch_op.f('ix_anonymous_readings_day'))
    op.drop_table('anonymous_readings')
