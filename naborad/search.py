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


MAX_ID = 2**31 - 1


def parse_id(value, maximum: int = MAX_ID):
    """A positive whole number that fits a database id, else None."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= maximum else None


def int_arg(args, name: str, default=None, maximum: int = MAX_ID):
    """A whole number from the query string, or the default when it is missing, bad or out of range."""
    value = args.get(name, type=int)
    if value is None or not 0 < value <= maximum:
        return default
    return value
