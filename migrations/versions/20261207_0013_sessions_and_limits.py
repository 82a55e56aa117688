"""Sessions that end, and limits counted where every worker sees them.

``users.session_generation`` is raised to end every session of an account (signing
out, a new password, the account disabled); ``rate_limits`` holds the counters of
the sign-in limits and the other limited forms.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 00:00:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), server_default='0', nullable=False))
    op.create_table(
        'rate_limits',
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('hits', sa.Integer(), nullable=False),
        sa.Column('expires_at', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_rate_limits')),
    )
    op.create_index(op.f('ix_rate_limits_expires_at'), 'rate_limits', ['expires_at'])


def downgrade():
    op.drop_index(op.f('ix_rate_limits_expires_at'), table_name='rate_limits')
    op.drop_table('rate_limits')
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('session_generation')
