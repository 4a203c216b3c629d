"""the council's two-meeting cycle: "did it work?" on a follow-up item, and carry-over dropped with a reason (issue 21)

Revision ID: 0092
Revises: 0096
Create Date: 2026-11-30

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0092'
down_revision = '0096'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('followup_result', sa.Enum('worked', 'partly', 'did_not', name='cycle_result',
                                                                 native_enum=False, length=20), nullable=True))
        batch_op.add_column(sa.Column('dropped_reason', sa.String(length=300), nullable=True))


def downgrade():
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.drop_column('dropped_reason')
        batch_op.drop_column('followup_result')
