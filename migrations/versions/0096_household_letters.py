"""household letters: runs (counts only) and household codes (stored hashed)

Revision ID: 0096
Revises: 0095
Create Date: 2026-11-30

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0096'
down_revision = '0095'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('letter_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('letters', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('form_token', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_letter_run_created_by_id_user'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_run')),
    sa.UniqueConstraint('form_token', name=op.f('uq_letter_run_form_token'))
    )
    op.create_table('household_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accounts_used', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['letter_run.id'], name=op.f('fk_household_code_run_id_letter_run'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household_code')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_household_code_code_hash')),
    sa.UniqueConstraint('run_id', 'number', name=op.f('uq_household_code_run_id'))
    )
    with op.batch_alter_table('household_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_code_expires_at'), ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('household_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_code_expires_at'))
    op.drop_table('household_code')
    op.drop_table('letter_run')
