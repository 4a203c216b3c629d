"""meeting series: planned meetings made ahead, single dates moved or cancelled, and staff's pre-meeting plan (issue 21)

Revision ID: 0093
Revises: 0092
Create Date: 2026-11-30

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0093'
down_revision = '0092'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('meeting_series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.Enum('weeks', 'monthly', name='series_rule', native_enum=False, length=20), nullable=False),
    sa.Column('interval', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('nth', sa.Integer(), nullable=False),
    sa.Column('at', sa.String(length=5), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=160), nullable=False),
    sa.Column('ahead_days', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('form_token', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_series')),
    sa.UniqueConstraint('form_token', name=op.f('uq_meeting_series_form_token'))
    )
    op.create_table('premeeting_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('days_before', sa.Integer(), nullable=False),
    sa.Column('at', sa.String(length=5), nullable=False),
    sa.Column('place', sa.String(length=160), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['series_id'], ['meeting_series.id'], name=op.f('fk_premeeting_plan_series_id_meeting_series'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_premeeting_plan')),
    sa.UniqueConstraint('series_id', name=op.f('uq_premeeting_plan_series_id'))
    )
    op.create_table('series_exception',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('occurs_on', sa.Date(), nullable=False),
    sa.Column('moved_to', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['series_id'], ['meeting_series.id'], name=op.f('fk_series_exception_series_id_meeting_series'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_series_exception')),
    sa.UniqueConstraint('series_id', 'occurs_on', name=op.f('uq_series_exception_series_id'))
    )
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('series_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('occurs_on', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_meeting_series_id'), ['series_id'], unique=False)
        batch_op.create_unique_constraint('uq_meeting_series_occurs_on', ['series_id', 'occurs_on'])
        batch_op.create_foreign_key(batch_op.f('fk_meeting_series_id_meeting_series'), 'meeting_series', ['series_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_meeting_series_id_meeting_series'), type_='foreignkey')
        batch_op.drop_constraint('uq_meeting_series_occurs_on', type_='unique')
        batch_op.drop_index(batch_op.f('ix_meeting_series_id'))
        batch_op.drop_column('occurs_on')
        batch_op.drop_column('series_id')

    op.drop_table('series_exception')
    op.drop_table('premeeting_plan')
    op.drop_table('meeting_series')
