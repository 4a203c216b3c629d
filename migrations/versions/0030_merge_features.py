"""merge the feature branches: meetings and pre-meeting, events, contact and reports

Revision ID: 0030
Revises: 0004, 0010, 0020
Create Date: 2026-11-26
"""

revision = '0030'
down_revision = ('0004', '0010', '0020')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
