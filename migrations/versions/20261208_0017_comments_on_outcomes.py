"""Comments on a decision, an action or a finding, as on a passage.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-08 00:00:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

OUTCOMES = (('decision_id', 'decisions'), ('action_id', 'actions'), ('finding_id', 'findings'))
ANCHORS = ('section_id', 'decision_id', 'action_id', 'finding_id')


def upgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        for column, table in OUTCOMES:
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_comments_{column}'), [column], unique=False)
            batch_op.create_foreign_key(
                batch_op.f(f'fk_comments_{column}_{table}'), table, [column], ['id'], ondelete='SET NULL'
            )
        batch_op.create_check_constraint(
            'one_anchor_at_most', ' + '.join(f'CAST({c} IS NOT NULL AS INTEGER)' for c in ANCHORS) + ' <= 1'
        )


def downgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_comments_one_anchor_at_most'), type_='check')
        for column, table in reversed(OUTCOMES):
            batch_op.drop_constraint(batch_op.f(f'fk_comments_{column}_{table}'), type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_comments_{column}'))
            batch_op.drop_column(column)
