"""session secrets kept server-side; email changes confirmed by mail

session_secret: just-made invitation codes, reset links and calendar links were kept in Flask's signed
(not encrypted) session cookie (issue 14, item 3); now a row per login session holds them, sealed with
the session's token, and goes with the session.

email_change: a new address is applied only when the link mailed to it is opened (issue 14, item 6).

Revision ID: 0070
Revises: 0061
Create Date: 2026-12-01

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0070'
down_revision = '0061'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('session_secret',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('sealed', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['user_session.id'], name=op.f('fk_session_secret_session_id_user_session'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_secret')),
    sa.UniqueConstraint('session_id', 'kind', 'object_id', name=op.f('uq_session_secret_session_id'))
    )
    with op.batch_alter_table('session_secret', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_secret_created_at'), ['created_at'], unique=False)

    op.create_table('email_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('new_email', sa.String(length=254), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_email_change_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_change')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_email_change_token_hash')),
    sa.UniqueConstraint('user_id', name=op.f('uq_email_change_user_id'))
    )
    with op.batch_alter_table('email_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_email_change_expires_at'), ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('email_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_email_change_expires_at'))
    op.drop_table('email_change')
    with op.batch_alter_table('session_secret', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_secret_created_at'))
    op.drop_table('session_secret')
