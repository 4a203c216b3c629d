"""user text stored rendered: <field>_html beside each Markdown field, html_version per row

Rendering Markdown and sanitising it on every view was a quarter of the thread page's CPU (issue 16,
item 1). The columns are filled here with today's renderer and stamped with its version; rows the
renderer later changes for are rendered on read until `flask rerender-text` stores them anew.

Revision ID: 0080
Revises: 0075
Create Date: 2026-12-03

"""
from alembic import op
import sqlalchemy as sa

from naborad.markdown import RENDERER_VERSION, render_markdown


# revision identifiers, used by Alembic.
revision = '0080'
down_revision = '0075'
branch_labels = None
depends_on = None

# table: the Markdown fields it keeps rendered
RENDERED = {
    "issue": ("body",),
    "reply": ("body",),
    "agenda_item": ("why", "notes", "residents_summary"),
    "premeeting_item": ("text", "summary"),
    "premeeting_comment": ("body",),
    "event": ("description",),
    "contact_guidance": ("advice",),
}


def _fill(table, fields):
    conn = op.get_bind()
    rows = conn.execute(sa.text(f"SELECT id, {', '.join(fields)} FROM {table}")).all()
    sets = ", ".join(f"{field}_html = :{field}" for field in fields)
    update = sa.text(f"UPDATE {table} SET {sets}, html_version = :version WHERE id = :id")
    for row in rows:
        html = {field: str(render_markdown(text)) for field, text in zip(fields, row[1:])}
        conn.execute(update, {"id": row[0], "version": RENDERER_VERSION, **html})


# Plain ALTER TABLE ADD/DROP COLUMN (SQLite has both since 3.35), never batch mode: a batch copies the
# table and drops the old one, and with foreign keys on, dropping `issue` deletes every reply (CASCADE).

def upgrade():
    for table, fields in RENDERED.items():
        for field in fields:
            op.add_column(table, sa.Column(f"{field}_html", sa.Text(), nullable=True))
        op.add_column(table, sa.Column("html_version", sa.Integer(), nullable=True))
        _fill(table, fields)


def downgrade():
    for table, fields in RENDERED.items():
        op.drop_column(table, "html_version")
        for field in fields:
            op.drop_column(table, f"{field}_html")
