"""Search that matches Norwegian letters case-insensitively on SQLite and PostgreSQL alike.

SQLite's lower() folds ASCII only, so searchable text is case-folded in Python
into a `search_text` column (see models.search_key), and the query is folded the same way.
"""
from .models import search_key


def words_like(column, query: str | None, max_words: int = 8):
    """One LIKE condition per word of the query, all of which must match."""
    conditions = []
    for word in search_key(query).split()[:max_words]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(column.like(f"%{escaped}%", escape="\\"))
    return conditions
