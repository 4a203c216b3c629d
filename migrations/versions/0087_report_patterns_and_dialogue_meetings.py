"""report patterns and dialogue meetings: pattern marks, dialogue meetings and their invitees (issue 19, item 5)

Revision ID: 0087
Revises: 0090
Create Date: 2026-11-30 21:51:01.357383

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0087'
down_revision = '0090'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('dialogue_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=160), nullable=False),
    sa.Column('agenda', sa.Text(), nullable=True),
    sa.Column('minutes', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('form_token', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_dialogue_meeting_created_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dialogue_meeting')),
    sa.UniqueConstraint('form_token', name=op.f('uq_dialogue_meeting_form_token'))
    )
    with op.batch_alter_table('dialogue_meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dialogue_meeting_starts_at'), ['starts_at'], unique=False)

    op.create_table('dialogue_invitee',
    sa.Column('dialogue_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['dialogue_id'], ['dialogue_meeting.id'], name=op.f('fk_dialogue_invitee_dialogue_id_dialogue_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_dialogue_invitee_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('dialogue_id', 'user_id', name=op.f('pk_dialogue_invitee'))
    )
    with op.batch_alter_table('dialogue_invitee', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dialogue_invitee_user_id'), ['user_id'], unique=False)

    op.create_table('report_pattern_mark',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('covered_until', sa.DateTime(timezone=True), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('dialogue_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_item.id'], name=op.f('fk_report_pattern_mark_agenda_item_id_agenda_item'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['dialogue_id'], ['dialogue_meeting.id'], name=op.f('fk_report_pattern_mark_dialogue_id_dialogue_meeting'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_pattern_mark'))
    )
    with op.batch_alter_table('report_pattern_mark', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_pattern_mark_key'), ['key'], unique=False)



def downgrade():
    with op.batch_alter_table('report_pattern_mark', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_pattern_mark_key'))

    op.drop_table('report_pattern_mark')
    with op.batch_alter_table('dialogue_invitee', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dialogue_invitee_user_id'))

    op.drop_table('dialogue_invitee')
    with op.batch_alter_table('dialogue_meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dialogue_meeting_starts_at'))

    op.drop_table('dialogue_meeting')
