"""the on-duty rota: an ordered chain of contact points and the hours each covers; the scheduler's job rows (issue 19)

rota_member: a contact point in the chain (its order, an escalation address, the facility manager flag,
active or not); rota_slot: the Oslo wall-clock hours one member covers on weekdays, at weekends, on
public holidays or over one date range.

report_escalation: the steps of a report's escalation along the chain, each alerted once;
escalation_wait: the minutes per category staff set before the next step.

job_run: one row per periodic job of naborad/jobs.py, claimed by the `run-jobs` process that runs it.

Revision ID: 0083
Revises: 0082
Create Date: 2026-11-30

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0083'
down_revision = '0082'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rota_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('contact_point_id', sa.Integer(), nullable=False),
    sa.Column('alert_email', sa.String(length=254), nullable=True),
    sa.Column('is_manager', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('is_active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['contact_point_id'], ['contact_point.id'],
                            name=op.f('fk_rota_member_contact_point_id_contact_point'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_rota_member_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rota_member')),
    sa.UniqueConstraint('contact_point_id', name=op.f('uq_rota_member_contact_point_id'))
    )
    op.create_table('rota_slot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('days', sa.Enum('weekdays', 'weekend', 'holidays', 'dates', name='rota_days', native_enum=False,
                              length=20), nullable=False),
    sa.Column('starts', sa.Time(), nullable=False),
    sa.Column('ends', sa.Time(), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=True),
    sa.Column('last_day', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['rota_member.id'], name=op.f('fk_rota_slot_member_id_rota_member'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rota_slot'))
    )
    with op.batch_alter_table('rota_slot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rota_slot_member_id'), ['member_id'], unique=False)

    op.create_table('report_escalation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('alerted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['rota_member.id'], name=op.f('fk_report_escalation_member_id_rota_member'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['report_id'], ['situation_report.id'],
                            name=op.f('fk_report_escalation_report_id_situation_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_escalation')),
    sa.UniqueConstraint('report_id', 'step', name='uq_report_escalation_report_step')
    )
    with op.batch_alter_table('report_escalation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_escalation_report_id'), ['report_id'], unique=False)

    op.create_table('escalation_wait',
    sa.Column('category', sa.Enum('noise', 'unwell', 'threat', 'litter', 'damage', 'other', name='report_category',
                                  native_enum=False, length=20), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('category', name=op.f('pk_escalation_wait'))
    )

    op.create_table('job_run',
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('last_started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_result', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_job_run'))
    )


def downgrade():
    op.drop_table('job_run')
    op.drop_table('escalation_wait')
    with op.batch_alter_table('report_escalation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_escalation_report_id'))
    op.drop_table('report_escalation')
    with op.batch_alter_table('rota_slot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rota_slot_member_id'))
    op.drop_table('rota_slot')
    op.drop_table('rota_member')
