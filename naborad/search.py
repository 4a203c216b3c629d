"""Search that matches Norwegian letters case-insensitively on SQLite and PostgreSQL alike.

SQLite's lower() folds ASCII only, so searchable text is folded in Python into a `search_text` column
(see models.search_key: case, æ/ø/å -> ae/o/a, accents), and the query is folded the same way. A word typed
with the alternatives "aa" (å) or "oe" (ø) also matches its folded spelling.
"""
from collections.abc import Callable

from sqlalchemy import or_

from .models import search_key


def word_variants(word: str) -> list[str]:
    """A folded query word and its readings with "aa" as å and "oe" as ø ("soeppel" -> "soppel")."""
    variants = [word]
    for typed, folded in (("aa", "a"), ("oe", "o")):
        variants += [v.replace(typed, folded) for v in variants if typed in v]
    return list(dict.fromkeys(variants))


def _like(column, text: str, any_case: bool = False):
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    if any_case:  # PostgreSQL's LIKE tells cases apart (SQLite's does not, for ASCII)
        return column.ilike(f"%{escaped}%", escape="\\")
    return column.like(f"%{escaped}%", escape="\\")


def words_like(column, query: str | None, max_words: int = 8, also: Callable | None = None,
               folded: bool = True):
    """One condition per word of the query, all of which must match: the word (or one of its variants)
    in the folded `column`, or `also(word)` when given (e.g. the word names the issue's category).

    `folded=False` is for a plain text column (not built by search_key): the query is only case-folded,
    and the column is compared in any case.
    """
    conditions = []
    words = search_key(query).split() if folded else (query or "").casefold().split()
    for word in words[:max_words]:
        options = [_like(column, v, any_case=not folded) for v in (word_variants(word) if folded else [word])]
        extra = also(word) if also else None
        if extra is not None:
            options.append(extra)
        conditions.append(or_(*options) if len(options) > 1 else options[0])
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
