"""indexes for pages that must not slow down with the years (issue 16): the staff queue's closed reports by when
they were closed (its page reads 25 rows, not every closed report), and agenda items by the item they were
carried from (the carry-over candidates ask it of every earlier unfinished item), and open action items per
person (the key-person warnings count them on the overview)

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
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_item_carried_from_id'), ['carried_from_id'], unique=False)
    with op.batch_alter_table('action_item', schema=None) as batch_op:
        batch_op.create_index('ix_action_item_open', ['done_at', 'assignee_id'], unique=False)


def downgrade():
    with op.batch_alter_table('action_item', schema=None) as batch_op:
        batch_op.drop_index('ix_action_item_open')
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_item_carried_from_id'))
    with op.batch_alter_table('situation_report', schema=None) as batch_op:
        batch_op.drop_index('ix_situation_report_status_closed')
