"""The programme's documents: a label for the annex's cover, a document date and a logo;
milestones known by their month only.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-08 00:00:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('programmes') as batch:
        batch.add_column(sa.Column('document_label', sa.String(length=200), server_default='', nullable=False))
        batch.add_column(sa.Column('document_date', sa.Date(), nullable=True))
        batch.add_column(sa.Column('logo', sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column('logo_type', sa.String(length=20), server_default='', nullable=False))
    with op.batch_alter_table('milestones') as batch:
        batch.add_column(sa.Column('by_month', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('milestones') as batch:
        batch.drop_column('by_month')
    with op.batch_alter_table('programmes') as batch:
        batch.drop_column('logo_type')
        batch.drop_column('logo')
        batch.drop_column('document_date')
        batch.drop_column('document_label')
