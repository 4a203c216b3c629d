"""the good-neighbour agreement: its items and their history, each step linked to a council decision (issue 20)

Revision ID: 0090
Revises: 0088
Create Date: 2026-11-30

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0090'
down_revision = '0088'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('agreement_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('responsible', sa.Enum('everyone', 'neighbours', 'residents', 'staff', 'council', 'chair', name='agreement_responsible', native_enum=False, length=20), nullable=False),
    sa.Column('status', sa.Enum('kept', 'needs_work', 'dropped', name='agreement_status', native_enum=False, length=20), nullable=False),
    sa.Column('review_date', sa.Date(), nullable=False),
    sa.Column('public', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('reminded_for', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('form_token', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_item')),
    sa.UniqueConstraint('form_token', name=op.f('uq_agreement_item_form_token'))
    )
    with op.batch_alter_table('agreement_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_item_review_date'), ['review_date'], unique=False)

    op.create_table('agreement_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('proposed', sa.Boolean(), nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('responsible', sa.Enum('everyone', 'neighbours', 'residents', 'staff', 'council', 'chair', name='agreement_responsible', native_enum=False, length=20), nullable=False),
    sa.Column('status', sa.Enum('kept', 'needs_work', 'dropped', name='agreement_status', native_enum=False, length=20), nullable=False),
    sa.Column('review_date', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['decision_id'], ['agenda_item.id'], name=op.f('fk_agreement_change_decision_id_agenda_item')),
    sa.ForeignKeyConstraint(['item_id'], ['agreement_item.id'], name=op.f('fk_agreement_change_item_id_agreement_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_change'))
    )
    with op.batch_alter_table('agreement_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_change_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreement_change_item_id'), ['item_id'], unique=False)




def downgrade():

    with op.batch_alter_table('agreement_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_change_item_id'))
        batch_op.drop_index(batch_op.f('ix_agreement_change_decision_id'))

    op.drop_table('agreement_change')
    with op.batch_alter_table('agreement_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_item_review_date'))

    op.drop_table('agreement_item')

