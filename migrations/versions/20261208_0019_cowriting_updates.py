"""The room's shared documents: each part's Yjs updates, and who is in the room.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-08 00:00:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'minutes_part_updates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('part_key', sa.String(length=20), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['author_id'], ['users.id'], name=op.f('fk_minutes_part_updates_author_id_users'), ondelete='SET NULL'
        ),
        sa.ForeignKeyConstraint(
            ['meeting_id'], ['meetings.id'], name=op.f('fk_minutes_part_updates_meeting_id_meetings'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes_part_updates')),
    )
    op.create_index('ix_minutes_part_updates_meeting_id_id', 'minutes_part_updates', ['meeting_id', 'id'])
    op.create_table(
        'room_presence',
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('part_key', sa.String(length=20), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['meeting_id'], ['meetings.id'], name=op.f('fk_room_presence_meeting_id_meetings'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_room_presence_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('meeting_id', 'user_id', name=op.f('pk_room_presence')),
    )


def downgrade():
    op.drop_table('room_presence')
    op.drop_index('ix_minutes_part_updates_meeting_id_id', table_name='minutes_part_updates')
    op.drop_table('minutes_part_updates')
