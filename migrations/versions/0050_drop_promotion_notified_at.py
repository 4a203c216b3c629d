"""drop signup.promotion_notified_at (never written: a promotion is notified when it happens)

Revision ID: 0050
Revises: 0040
Create Date: 2026-12-03

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0050'
down_revision = '0040'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('signup', schema=None) as batch_op:
        batch_op.drop_column('promotion_notified_at')


def downgrade():
    with op.batch_alter_table('signup', schema=None) as batch_op:
        batch_op.add_column(sa.Column('promotion_notified_at', sa.DateTime(timezone=True), nullable=True))
