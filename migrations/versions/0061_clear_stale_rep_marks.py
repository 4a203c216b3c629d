"""clear the residents'-representative mark from members who are no longer residents

A role change away from resident left the mark in place (issue 14, item 1); on anyone but a resident
it tells others that the person lived at the facility. Data only: no schema change.

Revision ID: 0061
Revises: 0060
Create Date: 2026-11-30

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0061'
down_revision = '0060'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE \"user\" SET is_residents_rep = false WHERE role <> 'resident' AND is_residents_rep")


def downgrade():
    pass  # the marks were wrong; nothing to restore
