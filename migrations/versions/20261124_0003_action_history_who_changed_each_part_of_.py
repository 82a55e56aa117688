"""Action history; who changed each part of the minutes, and when.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 13:04:04.067677

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('action_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.Enum('open', 'in_progress', 'done', 'dropped', name='status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_action_updates_action_id_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_action_updates_author_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_updates'))
    )
    with op.batch_alter_table('action_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_updates_action_id'), ['action_id'], unique=False)

    with op.batch_alter_table('minutes_sections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('updated_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_minutes_sections_updated_by_id_users'), 'users', ['updated_by_id'], ['id'], ondelete='SET NULL')




def downgrade():

    with op.batch_alter_table('minutes_sections', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_minutes_sections_updated_by_id_users'), type_='foreignkey')
        batch_op.drop_column('updated_by_id')
        batch_op.drop_column('updated_at')

    with op.batch_alter_table('action_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_updates_action_id'))

    op.drop_table('action_updates')

