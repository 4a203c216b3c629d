"""rebuild the stored search keys with the new folding (æ -> ae, ø -> o, å -> a, accents dropped)

Search missed what people type (issue 15, item 4): "soppel" did not find "søppel". The keys in
issue.search_text and agenda_item.search_text were only case-folded; now they are folded as
naborad.models.search_key does. Data only: no schema change.

Revision ID: 0075
Revises: 0070
Create Date: 2026-12-02

"""
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0075'
down_revision = '0070'
branch_labels = None
depends_on = None


def _folded(*parts):
    """A copy of naborad.models.search_key as of this revision (a migration must not follow later changes)."""
    text = " ".join(p for p in parts if p).casefold().replace("æ", "ae").replace("ø", "o")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _casefolded(*parts):
    return " ".join(p for p in parts if p).casefold()


def _rebuild(table, columns, fold):
    conn = op.get_bind()
    rows = conn.execute(sa.text(f"SELECT id, {', '.join(columns)} FROM {table}")).all()
    update = sa.text(f"UPDATE {table} SET search_text = :key WHERE id = :id")
    for row in rows:
        conn.execute(update, {"id": row[0], "key": fold(*row[1:])})


def upgrade():
    _rebuild("issue", ["title", "body", "place"], _folded)
    _rebuild("agenda_item", ["title", "decision"], _folded)


def downgrade():
    _rebuild("issue", ["title", "body", "place"], _casefolded)
    _rebuild("agenda_item", ["title", "decision"], _casefolded)
