"""the direct line: consent to be reached, conversations, messages and blocks (issue 18)

Revision ID: 0084
Revises: 0083
Create Date: 2026-11-30 19:58:52.656420

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0084'
down_revision = '0083'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('conversation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('starter_id', sa.Integer(), nullable=False),
    sa.Column('receiver_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_message_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('form_token', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['receiver_id'], ['user.id'], name=op.f('fk_conversation_receiver_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['starter_id'], ['user.id'], name=op.f('fk_conversation_starter_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversation')),
    sa.UniqueConstraint('form_token', name=op.f('uq_conversation_form_token'))
    )
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conversation_last_message_at'), ['last_message_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_conversation_receiver_id'), ['receiver_id'], unique=False)
        batch_op.create_index('ix_conversation_starter_created', ['starter_id', 'created_at'], unique=False)

    op.create_table('direct_block',
    sa.Column('blocker_id', sa.Integer(), nullable=False),
    sa.Column('blocked_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['blocked_id'], ['user.id'], name=op.f('fk_direct_block_blocked_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['blocker_id'], ['user.id'], name=op.f('fk_direct_block_blocker_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('blocker_id', 'blocked_id', name=op.f('pk_direct_block'))
    )
    op.create_table('direct_consent',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('by_message', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('by_phone', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('scope', sa.String(length=10), nullable=False),
    sa.Column('chair_id', sa.Integer(), nullable=True),
    sa.Column('deputy_id', sa.Integer(), nullable=True),
    sa.Column('given_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lapsed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['chair_id'], ['user.id'], name=op.f('fk_direct_consent_chair_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['deputy_id'], ['user.id'], name=op.f('fk_direct_consent_deputy_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_direct_consent_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_direct_consent'))
    )
    op.create_table('direct_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('form_token', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_direct_message_author_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversation.id'], name=op.f('fk_direct_message_conversation_id_conversation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_direct_message')),
    sa.UniqueConstraint('form_token', name=op.f('uq_direct_message_form_token'))
    )
    with op.batch_alter_table('direct_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_direct_message_conversation_id'), ['conversation_id'], unique=False)



def downgrade():
    with op.batch_alter_table('direct_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_direct_message_conversation_id'))

    op.drop_table('direct_message')
    op.drop_table('direct_consent')
    op.drop_table('direct_block')
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.drop_index('ix_conversation_starter_created')
        batch_op.drop_index(batch_op.f('ix_conversation_receiver_id'))
        batch_op.drop_index(batch_op.f('ix_conversation_last_message_at'))

    op.drop_table('conversation')
