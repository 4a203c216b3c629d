"""the staff queue's closed reports by when they were closed: an index, so its page reads 25 rows, not every
closed report (issue 16)

Revision ID: 0098
Revises: 0097
Create Date: 2026-12-01

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0098'
down_revision = '0097'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('situation_report', schema=None) as batch_op:
        batch_op.create_index('ix_situation_report_status_closed', ['status', 'closed_at'], unique=False)


def downgrade():
    with op.batch_alter_table('situation_report', schema=None) as batch_op:
        batch_op.drop_index('ix_situation_report_status_closed')
