"""the neighbourhood pulse (issue 20): rounds, anonymous answers under a random key, who answered, free text

Revision ID: 0088
Revises: 0086
Create Date: 2026-11-30

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0088'
down_revision = '0086'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pulse_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_pulse_round_meeting_id_meeting'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pulse_round')),
    sa.UniqueConstraint('meeting_id', name=op.f('uq_pulse_round_meeting_id'))
    )
    with op.batch_alter_table('pulse_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pulse_round_opened_at'), ['opened_at'], unique=False)

    op.create_table('pulse_answer',
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('group', sa.String(length=12), nullable=False),
    sa.Column('safe', sa.SmallInteger(), nullable=True),
    sa.Column('heard', sa.SmallInteger(), nullable=True),
    sa.Column('relations', sa.SmallInteger(), nullable=True),
    sa.ForeignKeyConstraint(['round_id'], ['pulse_round.id'], name=op.f('fk_pulse_answer_round_id_pulse_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_pulse_answer'))
    )
    with op.batch_alter_table('pulse_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pulse_answer_round_id'), ['round_id'], unique=False)

    op.create_table('pulse_answered',
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['pulse_round.id'], name=op.f('fk_pulse_answered_round_id_pulse_round'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_pulse_answered_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_pulse_answered')),
    sa.UniqueConstraint('round_id', 'user_id', name='uq_pulse_answered_round_user')
    )
    with op.batch_alter_table('pulse_answered', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pulse_answered_user_id'), ['user_id'], unique=False)

    op.create_table('pulse_comment',
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['pulse_round.id'], name=op.f('fk_pulse_comment_round_id_pulse_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_pulse_comment'))
    )
    with op.batch_alter_table('pulse_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pulse_comment_round_id'), ['round_id'], unique=False)



def downgrade():
    with op.batch_alter_table('pulse_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pulse_comment_round_id'))

    op.drop_table('pulse_comment')
    with op.batch_alter_table('pulse_answered', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pulse_answered_user_id'))

    op.drop_table('pulse_answered')
    with op.batch_alter_table('pulse_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pulse_answer_round_id'))

    op.drop_table('pulse_answer')
    with op.batch_alter_table('pulse_round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pulse_round_opened_at'))

    op.drop_table('pulse_round')
