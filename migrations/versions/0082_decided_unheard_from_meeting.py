"""why a decision was made without the residents heard; pre-meeting entries made "from the meeting"

agenda_item.unheard_reason: the reason the chair gives when recording a decision on an item that concerns
the residents before they were heard (issue 17, item 5). premeeting_item.from_meeting and
premeeting_comment.from_meeting: staff entered it for the residents' meeting, with no person as proposer or
author (issue 17, item 6).

Revision ID: 0082
Revises: 0081
Create Date: 2026-11-30

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0082'
down_revision = '0081'
branch_labels = None
depends_on = None


# Plain ALTER TABLE ADD/DROP COLUMN, never batch mode (see 0080: a batch drops and copies the table).

def upgrade():
    op.add_column("agenda_item", sa.Column("unheard_reason", sa.String(length=300), nullable=True))
    op.add_column("premeeting_item", sa.Column("from_meeting", sa.Boolean(), nullable=False,
                                               server_default=sa.false()))
    op.add_column("premeeting_comment", sa.Column("from_meeting", sa.Boolean(), nullable=False,
                                                  server_default=sa.false()))


def downgrade():
    op.drop_column("premeeting_comment", "from_meeting")
    op.drop_column("premeeting_item", "from_meeting")
    op.drop_column("agenda_item", "unheard_reason")
