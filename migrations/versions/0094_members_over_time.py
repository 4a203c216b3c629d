"""members over time: access end date, its reminder, moving out, the role held before a chair seat; issues typed
in from paper notes

Revision ID: 0094
Revises: 0087
Create Date: 2026-11-30

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0094'
down_revision = '0087'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('access_ends_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('access_end_reminded', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('moved_out_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('role_before_chair', sa.Enum('resident', 'neighbour', 'chair', 'staff',
                                                                   name='role_before_chair', native_enum=False,
                                                                   length=20), nullable=True))
        batch_op.create_index(batch_op.f('ix_user_access_ends_on'), ['access_ends_on'], unique=False)
    # Not in batch mode: a SQLite copy of the issue table would drop its full-text triggers (naborad/search.py).
    op.add_column('issue', sa.Column('from_paper', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    op.drop_column('issue', 'from_paper')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_access_ends_on'))
        batch_op.drop_column('role_before_chair')
        batch_op.drop_column('moved_out_at')
        batch_op.drop_column('access_end_reminded')
        batch_op.drop_column('access_ends_on')
