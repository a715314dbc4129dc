"""feedback: ratings and hand-off requests

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.String(length=100), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('channel', sa.String(length=30), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('level BETWEEN 1 AND 5', name=op.f('ck_ratings_level_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ratings')),
    sa.UniqueConstraint('conversation_id', name=op.f('uq_ratings_conversation_id'))
    )
    op.create_table('handoff_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('conversation_id', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.Enum('转人工', '留言', name='handoff_kind'), nullable=False),
    sa.Column('status', sa.Enum('待处理', '处理中', '已办结', name='handoff_status'), nullable=False),
    sa.Column('transcript', sa.JSON(), nullable=False),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('contact_phone', sa.String(length=20), nullable=True),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['service_items.id'], name=op.f('fk_handoff_requests_item_id_service_items'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handoff_requests')),
    sa.UniqueConstraint('reference', name=op.f('uq_handoff_requests_reference'))
    )
    with op.batch_alter_table('handoff_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handoff_requests_conversation_id'), ['conversation_id'], unique=False)

    op.create_table('rating_items',
    sa.Column('rating_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['service_items.id'], name=op.f('fk_rating_items_item_id_service_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rating_id'], ['ratings.id'], name=op.f('fk_rating_items_rating_id_ratings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('rating_id', 'item_id', name=op.f('pk_rating_items'))
    )


def downgrade() -> None:
    op.drop_table('rating_items')
    with op.batch_alter_table('handoff_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handoff_requests_conversation_id'))

    op.drop_table('handoff_requests')
    op.drop_table('ratings')
    # PostgreSQL keeps enum types after their table is gone.
    sa.Enum(name='handoff_status').drop(op.get_bind(), checkfirst=True)
    sa.Enum(name='handoff_kind').drop(op.get_bind(), checkfirst=True)
