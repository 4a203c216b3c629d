"""council-wide settings: one row per named setting (naborad/council.py)

Revision ID: 0085
Revises: 0084
Create Date: 2026-11-30

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0085'
down_revision = '0084'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('council_setting',
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('value', sa.JSON(), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_council_setting'))
    )


def downgrade():
    op.drop_table('council_setting')
