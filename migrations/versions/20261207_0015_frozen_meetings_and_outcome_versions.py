"""Frozen meeting numbers, versions of decisions, actions and findings, approvals of outcomes.

A meeting whose minutes are validated keeps the number it was validated with
(``frozen_number``, filled here for the meetings already validated, by date
among the group's meetings that are not cancelled). Each outcome carries a
``version`` that an edit names; the minutes count the changes of their
outcomes, and an approval records that count.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 00:00:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

OUTCOMES = ('decisions', 'actions', 'findings')


def upgrade():
    op.add_column('meetings', sa.Column('frozen_number', sa.Integer(), nullable=True))
    op.add_column('minutes', sa.Column('outcomes_version', sa.Integer(), server_default='0', nullable=False))
    op.add_column('minutes_readers', sa.Column('approved_outcomes_version', sa.Integer(), nullable=True))
    for table in OUTCOMES:
        op.add_column(table, sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    op.execute(
        "UPDATE minutes_readers SET approved_outcomes_version = 0 WHERE approved_revision IS NOT NULL"
    )
    op.execute(
        """
        UPDATE meetings SET frozen_number = (
            SELECT numbered.number FROM (
                SELECT m.id AS id,
                       ROW_NUMBER() OVER (PARTITION BY m.group_id ORDER BY m.starts_at, m.id) AS number
                FROM meetings m WHERE m.status != 'cancelled'
            ) numbered WHERE numbered.id = meetings.id
        )
        WHERE id IN (SELECT meeting_id FROM minutes WHERE status = 'validated')
        """
    )


def downgrade():
    for table in OUTCOMES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
    with op.batch_alter_table('minutes_readers', schema=None) as batch_op:
        batch_op.drop_column('approved_outcomes_version')
    with op.batch_alter_table('minutes', schema=None) as batch_op:
        batch_op.drop_column('outcomes_version')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_column('frozen_number')
