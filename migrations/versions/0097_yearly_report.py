"""the yearly report: attendance per group on a held meeting, and the chair's opening text per year (issue 20)

Revision ID: 0097
Revises: 0093
Create Date: 2026-12-01

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0097'
down_revision = '0093'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('yearly_text',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_yearly_text')),
    sa.UniqueConstraint('year', name=op.f('uq_yearly_text_year'))
    )
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attended_neighbours', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('attended_residents', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('attended_staff', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_column('attended_staff')
        batch_op.drop_column('attended_residents')
        batch_op.drop_column('attended_neighbours')
    op.drop_table('yearly_text')
