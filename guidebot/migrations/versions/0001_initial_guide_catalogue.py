"""initial guide catalogue

Revision ID: 0001
Revises: 
Create Date: 2026-11-28
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('catalogue_sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('is_sample', sa.Boolean(), nullable=False),
    sa.Column('notice', sa.Text(), nullable=True),
    sa.Column('licence', sa.Text(), nullable=True),
    sa.Column('imported_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_sources')),
    sa.UniqueConstraint('key', name=op.f('uq_catalogue_sources_key'))
    )
    op.create_table('regions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('short_name', sa.String(length=50), nullable=True),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('aliases', sa.JSON(), nullable=False),
    sa.CheckConstraint('level BETWEEN 1 AND 5', name=op.f('ck_regions_level_range')),
    sa.ForeignKeyConstraint(['parent_id'], ['regions.id'], name=op.f('fk_regions_parent_id_regions'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_regions')),
    sa.UniqueConstraint('code', name=op.f('uq_regions_code'))
    )
    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_regions_parent_id'), ['parent_id'], unique=False)

    op.create_table('departments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('short_name', sa.String(length=100), nullable=True),
    sa.Column('aliases', sa.JSON(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.Text(), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('website', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_departments_region_id_regions'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_departments')),
    sa.UniqueConstraint('code', name=op.f('uq_departments_code'))
    )
    with op.batch_alter_table('departments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_departments_region_id'), ['region_id'], unique=False)

    op.create_table('service_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('catalog_code', sa.String(length=64), nullable=True),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('parent_name', sa.String(length=300), nullable=True),
    sa.Column('item_type', sa.String(length=20), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('joint_departments', sa.Text(), nullable=True),
    sa.Column('legal_basis', sa.Text(), nullable=True),
    sa.Column('accept_conditions', sa.Text(), nullable=True),
    sa.Column('statutory_limit', sa.Integer(), nullable=True),
    sa.Column('statutory_limit_unit', sa.String(length=10), nullable=True),
    sa.Column('promised_limit', sa.Integer(), nullable=True),
    sa.Column('promised_limit_unit', sa.String(length=10), nullable=True),
    sa.Column('fee_charged', sa.Boolean(), nullable=True),
    sa.Column('fee_standard', sa.Text(), nullable=True),
    sa.Column('fee_basis', sa.Text(), nullable=True),
    sa.Column('fee_amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('location', sa.Text(), nullable=True),
    sa.Column('office_hours', sa.Text(), nullable=True),
    sa.Column('consult_phone', sa.Text(), nullable=True),
    sa.Column('complaint_phone', sa.Text(), nullable=True),
    sa.Column('online_available', sa.Boolean(), nullable=True),
    sa.Column('online_url', sa.Text(), nullable=True),
    sa.Column('online_platform', sa.Text(), nullable=True),
    sa.Column('visits', sa.Integer(), nullable=True),
    sa.Column('express_delivery', sa.Boolean(), nullable=True),
    sa.Column('service_objects', sa.JSON(), nullable=False),
    sa.Column('topics', sa.JSON(), nullable=False),
    sa.Column('guide_url', sa.Text(), nullable=True),
    sa.Column('status', sa.Enum('draft', 'published', name='publication_state', native_enum=False, length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=True),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.CheckConstraint('promised_limit IS NULL OR promised_limit >= 0', name=op.f('ck_service_items_promised_non_negative')),
    sa.CheckConstraint('statutory_limit IS NULL OR statutory_limit >= 0', name=op.f('ck_service_items_statutory_non_negative')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_service_items_version_positive')),
    sa.CheckConstraint('visits IS NULL OR visits >= 0', name=op.f('ck_service_items_visits_non_negative')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_service_items_department_id_departments'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_service_items_region_id_regions'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['source_id'], ['catalogue_sources.id'], name=op.f('fk_service_items_source_id_catalogue_sources'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_items')),
    sa.UniqueConstraint('code', name=op.f('uq_service_items_code'))
    )
    with op.batch_alter_table('service_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_items_catalog_code'), ['catalog_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_items_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_items_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_items_region_id'), ['region_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_items_source_id'), ['source_id'], unique=False)

    op.create_table('faqs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['service_items.id'], name=op.f('fk_faqs_item_id_service_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faqs')),
    sa.UniqueConstraint('item_id', 'position', name='uq_faqs_item_position')
    )
    with op.batch_alter_table('faqs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_faqs_item_id'), ['item_id'], unique=False)

    op.create_table('item_aliases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('alias', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['service_items.id'], name=op.f('fk_item_aliases_item_id_service_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_aliases')),
    sa.UniqueConstraint('item_id', 'alias', name='uq_item_aliases_item_alias')
    )
    with op.batch_alter_table('item_aliases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_aliases_item_id'), ['item_id'], unique=False)

    op.create_table('materials',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('requirement', sa.String(length=20), nullable=True),
    sa.Column('form', sa.String(length=20), nullable=True),
    sa.Column('copies', sa.Integer(), nullable=True),
    sa.Column('source_channel', sa.Text(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.CheckConstraint('copies IS NULL OR copies >= 0', name=op.f('ck_materials_copies_non_negative')),
    sa.ForeignKeyConstraint(['item_id'], ['service_items.id'], name=op.f('fk_materials_item_id_service_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_materials')),
    sa.UniqueConstraint('item_id', 'position', name='uq_materials_item_position')
    )
    with op.batch_alter_table('materials', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_materials_item_id'), ['item_id'], unique=False)

    op.create_table('process_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('time_limit', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['service_items.id'], name=op.f('fk_process_steps_item_id_service_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_steps')),
    sa.UniqueConstraint('item_id', 'position', name='uq_process_steps_item_position')
    )
    with op.batch_alter_table('process_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_process_steps_item_id'), ['item_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('process_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_process_steps_item_id'))

    op.drop_table('process_steps')
    with op.batch_alter_table('materials', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_materials_item_id'))

    op.drop_table('materials')
    with op.batch_alter_table('item_aliases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_aliases_item_id'))

    op.drop_table('item_aliases')
    with op.batch_alter_table('faqs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_faqs_item_id'))

    op.drop_table('faqs')
    with op.batch_alter_table('service_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_items_source_id'))
        batch_op.drop_index(batch_op.f('ix_service_items_region_id'))
        batch_op.drop_index(batch_op.f('ix_service_items_name'))
        batch_op.drop_index(batch_op.f('ix_service_items_department_id'))
        batch_op.drop_index(batch_op.f('ix_service_items_catalog_code'))

    op.drop_table('service_items')
    with op.batch_alter_table('departments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_departments_region_id'))

    op.drop_table('departments')
    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_regions_parent_id'))

    op.drop_table('regions')
    op.drop_table('catalogue_sources')
