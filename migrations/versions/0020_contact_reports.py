"""contact points, guidance, chair consent, situation reports and staff alerts

Revision ID: 0020
Revises: 0002
Create Date: 2026-11-26 09:02:38.803154

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('chair_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('hours', sa.String(length=120), nullable=True),
    sa.Column('consented_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_chair_contact_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chair_contact')),
    sa.UniqueConstraint('user_id', name=op.f('uq_chair_contact_user_id'))
    )
    op.create_table('contact_guidance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('situation', sa.String(length=120), nullable=False),
    sa.Column('advice', sa.Text(), nullable=False),
    sa.Column('contact_point_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['contact_point_id'], ['contact_point.id'], name=op.f('fk_contact_guidance_contact_point_id_contact_point'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_guidance'))
    )
    op.create_table('situation_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('noise', 'unwell', 'threat', 'litter', 'damage', 'other', name='report_category', native_enum=False, length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('place', sa.String(length=120), nullable=True),
    sa.Column('happened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=True),
    sa.Column('contact_way', sa.Enum('none', 'phone', 'email', 'in_app', name='report_contact_way', native_enum=False, length=20), nullable=False),
    sa.Column('contact_detail', sa.String(length=254), nullable=True),
    sa.Column('status', sa.Enum('new', 'acknowledged', 'closed', name='report_status', native_enum=False, length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
    sa.Column('response', sa.Text(), nullable=True),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('purged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('form_token', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['acknowledged_by_id'], ['user.id'], name=op.f('fk_situation_report_acknowledged_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['closed_by_id'], ['user.id'], name=op.f('fk_situation_report_closed_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reporter_id'], ['user.id'], name=op.f('fk_situation_report_reporter_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_situation_report')),
    sa.UniqueConstraint('form_token', name=op.f('uq_situation_report_form_token'))
    )
    with op.batch_alter_table('situation_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_situation_report_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_situation_report_reporter_id'), ['reporter_id'], unique=False)
        batch_op.create_index('ix_situation_report_status_created', ['status', 'created_at'], unique=False)

    op.create_table('staff_alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('seen', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['situation_report.id'], name=op.f('fk_staff_alert_report_id_situation_report'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_staff_alert_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_alert')),
    sa.UniqueConstraint('user_id', 'report_id', name='uq_staff_alert_user_report')
    )
    with op.batch_alter_table('staff_alert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_alert_report_id'), ['report_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_alert_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('contact_point', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_on_duty', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('is_emergency', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('contact_point', schema=None) as batch_op:
        batch_op.drop_column('is_emergency')
        batch_op.drop_column('is_on_duty')

    with op.batch_alter_table('staff_alert', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_alert_user_id'))
        batch_op.drop_index(batch_op.f('ix_staff_alert_report_id'))

    op.drop_table('staff_alert')
    with op.batch_alter_table('situation_report', schema=None) as batch_op:
        batch_op.drop_index('ix_situation_report_status_created')
        batch_op.drop_index(batch_op.f('ix_situation_report_reporter_id'))
        batch_op.drop_index(batch_op.f('ix_situation_report_created_at'))

    op.drop_table('situation_report')
    op.drop_table('contact_guidance')
    op.drop_table('chair_contact')
