"""session secrets: just-made invitation codes, reset links and calendar links kept server-side

They were kept in Flask's signed (not encrypted) session cookie (issue 14, item 3); now a row per
login session holds them, sealed with the session's token, and goes with the session.

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


def downgrade():
    with op.batch_alter_table('session_secret', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_secret_created_at'))
    op.drop_table('session_secret')
