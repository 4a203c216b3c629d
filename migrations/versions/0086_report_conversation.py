"""situation reports: a conversation between the reporter and the staff (issue 19, item 4)

report_message holds the messages; a report remembers when it was last reopened ("still happening"), how
often, and whether a phone call to the reporter is owed. Each staff answer already given becomes the first
staff message of its report (the answer itself stays on the report as well).

Revision ID: 0086
Revises: 0085
Create Date: 2026-11-30

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0086'
down_revision = '0085'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('from_staff', sa.Boolean(), nullable=False),
    sa.Column('kind', sa.Enum('message', 'question', 'still_happening', 'resolved_for_me', name='report_message_kind', native_enum=False, length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('form_token', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_report_message_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['report_id'], ['situation_report.id'], name=op.f('fk_report_message_report_id_situation_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_message')),
    sa.UniqueConstraint('form_token', name=op.f('uq_report_message_form_token'))
    )
    with op.batch_alter_table('report_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_message_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_message_kind'), ['kind'], unique=False)
        batch_op.create_index('ix_report_message_report_created', ['report_id', 'created_at'], unique=False)

    with op.batch_alter_table('situation_report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reopened_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reopen_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('call_due_at', sa.DateTime(timezone=True), nullable=True))

    # The answers given so far: each the first staff message of its report, from whoever acknowledged it.
    op.execute(
        "INSERT INTO report_message (report_id, author_id, from_staff, kind, text, created_at) "
        "SELECT id, acknowledged_by_id, true, 'message', response, COALESCE(responded_at, created_at) "
        "FROM situation_report WHERE response IS NOT NULL")


def downgrade():
    with op.batch_alter_table('situation_report', schema=None) as batch_op:
        batch_op.drop_column('call_due_at')
        batch_op.drop_column('reopen_count')
        batch_op.drop_column('reopened_at')
    with op.batch_alter_table('report_message', schema=None) as batch_op:
        batch_op.drop_index('ix_report_message_report_created')
        batch_op.drop_index(batch_op.f('ix_report_message_kind'))
        batch_op.drop_index(batch_op.f('ix_report_message_author_id'))
    op.drop_table('report_message')
