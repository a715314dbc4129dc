"""search: example questions per service item

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing items get an empty list: the search treats them exactly as before.
    with op.batch_alter_table('service_items') as batch:
        batch.add_column(sa.Column('examples', sa.JSON(), nullable=False, server_default='[]'))


def downgrade() -> None:
    with op.batch_alter_table('service_items') as batch:
        batch.drop_column('examples')
