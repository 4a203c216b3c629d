"""full-text search: an FTS5 table on SQLite, a tsvector column with a GIN index on PostgreSQL

Issue and archive search compared every row's folded text with LIKE '%word%', which reads the whole
table on every keystroke; at ten years (3,000 issues, 60,000 replies) that is the slowest page (issue 16,
item 5). The folded search_text (and an agenda item's title) is now indexed by the database itself; the
statements are naborad.search.search_index_ddl(), the one place that describes the index, which also
fills it from the rows already there.

Revision ID: 0081
Revises: 0080
Create Date: 2026-12-04

"""
from alembic import op

from naborad.search import search_index_ddl


# revision identifiers, used by Alembic.
revision = '0081'
down_revision = '0080'
branch_labels = None
depends_on = None


def upgrade():
    create, _ = search_index_ddl(op.get_bind().dialect.name)
    for statement in create:
        op.execute(statement)


def downgrade():
    _, drop = search_index_ddl(op.get_bind().dialect.name)
    for statement in drop:
        op.execute(statement)
