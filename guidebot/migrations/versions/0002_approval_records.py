"""approval records

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('holiday_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('is_workday', sa.Boolean(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_holiday_days')),
    sa.UniqueConstraint('day', name=op.f('uq_holiday_days_day'))
    )
    op.create_table('holiday_years',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_holiday_years'))
    )
    op.create_table('verification_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=80), nullable=False),
    sa.Column('attempted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('success', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verification_attempts'))
    )
    with op.batch_alter_table('verification_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_verification_attempts_scope_time', ['scope', 'attempted_at'], unique=False)

    op.create_table('applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=17), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('window', sa.String(length=100), nullable=True),
    sa.Column('applicant_name_masked', sa.String(length=50), nullable=False),
    sa.Column('applicant_type', sa.String(length=20), nullable=False),
    sa.Column('salt', sa.String(length=32), nullable=False),
    sa.Column('id_hash', sa.String(length=64), nullable=False),
    sa.Column('phone_hash', sa.String(length=64), nullable=False),
    sa.Column('phone_tail_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Enum('已提交', '已受理', '审查中', '待补正', '特别程序', '已办结', '不予受理', '已撤回', name='application_status', native_enum=False, length=10), nullable=False),
    sa.Column('current_step', sa.String(length=100), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('promised_days', sa.Integer(), nullable=True),
    sa.Column('statutory_days', sa.Integer(), nullable=True),
    sa.Column('correction_materials', sa.JSON(), nullable=False),
    sa.Column('result_name', sa.String(length=200), nullable=True),
    sa.Column('delivery_mode', sa.String(length=20), nullable=True),
    sa.Column('tracking_number', sa.String(length=40), nullable=True),
    sa.Column('is_sample', sa.Boolean(), nullable=False),
    sa.CheckConstraint('accepted_at IS NULL OR accepted_at >= submitted_at', name=op.f('ck_applications_accepted_after_submitted')),
    sa.CheckConstraint('promised_days IS NULL OR promised_days >= 0', name=op.f('ck_applications_promised_days_non_negative')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_applications_department_id_departments'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['item_id'], ['service_items.id'], name=op.f('fk_applications_item_id_service_items'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications')),
    sa.UniqueConstraint('number', name=op.f('uq_applications_number'))
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applications_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_item_id'), ['item_id'], unique=False)

    op.create_table('application_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_steps_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_application_steps_department_id_departments'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_steps')),
    sa.UniqueConstraint('application_id', 'position', name='uq_application_steps_app_position')
    )
    with op.batch_alter_table('application_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_steps_application_id'), ['application_id'], unique=False)

    op.create_table('special_procedures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.CheckConstraint("kind IN ('听证', '检验检测', '专家评审', '公示', '现场勘验', '招标拍卖', '鉴定')", name=op.f('ck_special_procedures_known_kind')),
    sa.CheckConstraint('ended_on IS NULL OR ended_on >= started_on', name=op.f('ck_special_procedures_ends_after_start')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_special_procedures_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_special_procedures'))
    )
    with op.batch_alter_table('special_procedures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_special_procedures_application_id'), ['application_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('special_procedures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_special_procedures_application_id'))

    op.drop_table('special_procedures')
    with op.batch_alter_table('application_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_steps_application_id'))

    op.drop_table('application_steps')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applications_item_id'))
        batch_op.drop_index(batch_op.f('ix_applications_department_id'))

    op.drop_table('applications')
    with op.batch_alter_table('verification_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_verification_attempts_scope_time')

    op.drop_table('verification_attempts')
    op.drop_table('holiday_years')
    op.drop_table('holiday_days')
