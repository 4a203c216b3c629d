"""Search that matches Norwegian letters case-insensitively, with the database's own full-text index.

Searchable text is folded in Python into a `search_text` column (see models.search_key: case, æ/ø/å ->
ae/o/a, accents), and the query is folded the same way, so folding is identical on both databases. A word
typed with the alternatives "aa" (å) or "oe" (ø) also matches its folded spelling.

The folded text is the indexed document, and an agenda item's title as written (members who may not read a
decision search the titles alone, case-folded). The index is the database's own; this module is the one
place that knows which database it is:

- SQLite: an FTS5 table per searched table (`issue_search`, `agenda_item_search`), external content
  (`content=<table>`, rowid = the row's id), kept in step by triggers on insert, update and delete, tokenizer
  `unicode61 remove_diacritics 0` (the text is folded already). A word is asked as `"word"*`, through
  `id IN (SELECT rowid FROM ... WHERE ... MATCH ...)`.
- PostgreSQL: a stored generated `tsvector` column per searched column (`search_vector`, and
  `title_vector` for agenda items) of `to_tsvector('simple', ...)`, with a GIN index. A word is asked as
  `to_tsquery('simple', 'word:*')`.

Both split the text into words at everything that is not a letter or a digit: PostgreSQL's parser would
otherwise keep "ola@x.no", "e-post" or "3.5" whole (SQLite splits them), so its document has
punctuation replaced by spaces first. A query word is split the same way and asked as a phrase whose last
word is a prefix ("e-po" finds "e-post"); it is built from letters and digits only, so nothing a member
types is read as query syntax.

Each query word must be the start of a word in the text: typing part of a word finds it ("sopp" finds
"søppel", "contain" finds "containeren"), but a piece from its middle no longer does ("ppel" does not
find "søppel", as LIKE '%ppel%' did before revision 0081). That is what a word index can answer fast.

The schema objects are described once, by search_index_ddl() below, and built by migration 0081 (the test
suite builds its schema with the migrations too); a later change to them needs a migration of its own that
drops and builds them anew. They are not in the models: include_in_autogenerate() keeps `flask db migrate`
from dropping them. A SQLite migration that copies a
searched table (Alembic's batch mode) drops its triggers: build them again in that migration.
"""
import re
from collections.abc import Callable

from sqlalchemy import String, bindparam, column, func, literal_column, or_, select, table

from .extensions import db
from .models import search_key

# table: the columns searched in it (each indexed on its own, so a search can keep to one of them)
SEARCHED = {"issue": ("search_text",), "agenda_item": ("title", "search_text")}

# PostgreSQL's document: punctuation replaced by a space. Every printable ASCII character that is neither a
# letter nor a digit, and the typographic marks of Norwegian text (« » – — “ ” ‘ ’ … • ·, the General
# Punctuation block and Latin-1's marks): with a UTF-8 ctype the parser splits at those anyway, with the
# "C" ctype it would take them for letters.
_PG_PUNCTUATION = (r"[\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e\u2010-\u2027\u2030-\u205e"
                   r"\u00a1-\u00a9\u00ab\u00ac\u00ae-\u00b1\u00b4\u00b6-\u00b8\u00bb\u00bf\u00d7\u00f7]+")


def _fts_table(name: str) -> str:
    return f"{name}_search"


def _pg_vector(name: str) -> str:
    return "search_vector" if name == "search_text" else f"{name}_vector"


# The DDL is built from the names in SEARCHED alone, never from input (hence the noqa: S608 below).

def _sqlite_ddl(name: str, columns: tuple[str, ...]) -> tuple[list[str], list[str]]:
    fts, cols = _fts_table(name), ", ".join(columns)
    new, old = ", ".join(f"new.{c}" for c in columns), ", ".join(f"old.{c}" for c in columns)
    insert = f"INSERT INTO {fts} (rowid, {cols}) VALUES (new.id, {new});"  # noqa: S608
    delete = f"INSERT INTO {fts} ({fts}, rowid, {cols}) VALUES ('delete', old.id, {old});"  # noqa: S608
    create = [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{name}', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 0')",
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {name} BEGIN {insert} END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {name} BEGIN {delete} END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {cols} ON {name} BEGIN {delete} {insert} END",
        f"INSERT INTO {fts} ({fts}) VALUES ('rebuild')",  # noqa: S608  (index the rows already there)
    ]
    drop = [f"DROP TRIGGER IF EXISTS {fts}_{event}" for event in ("insert", "delete", "update")]
    return create, drop + [f"DROP TABLE IF EXISTS {fts}"]


def _postgresql_ddl(name: str, columns: tuple[str, ...]) -> tuple[list[str], list[str]]:
    create, drop = [], []
    for col in columns:
        vector = _pg_vector(col)
        create += [
            f"ALTER TABLE {name} ADD COLUMN {vector} tsvector GENERATED ALWAYS AS "
            f"(to_tsvector('simple'::regconfig, regexp_replace({col}, '{_PG_PUNCTUATION}', ' ', 'g'))) STORED",
            f"CREATE INDEX ix_{name}_{vector} ON {name} USING gin ({vector}) WITH (fastupdate = off)",
        ]
        drop += [f"DROP INDEX IF EXISTS ix_{name}_{vector}", f"ALTER TABLE {name} DROP COLUMN IF EXISTS {vector}"]
    return create, drop


def search_index_ddl(dialect: str) -> tuple[list[str], list[str]]:
    """The statements that build the full-text index of every searched table on this database (filling it
    from the rows already there), and those that remove it again."""
    build = {"sqlite": _sqlite_ddl, "postgresql": _postgresql_ddl}[dialect]
    create, drop = [], []
    for name, columns in SEARCHED.items():
        more, less = build(name, columns)
        create += more
        drop += less
    return create, drop


def include_in_autogenerate(name, type_, parent_names) -> bool:
    """Alembic's include_name: the index above is not in the models, so `flask db migrate` leaves it alone."""
    if type_ == "table":
        return not any(name == _fts_table(t) or name.startswith(_fts_table(t) + "_") for t in SEARCHED)
    if type_ == "column" and parent_names.get("table_name") in SEARCHED:
        return name not in {_pg_vector(c) for c in SEARCHED[parent_names["table_name"]]}
    if type_ == "index":
        return not (name or "").endswith("_vector")
    return True


# -- the query ---------------------------------------------------------------------

TOKEN = re.compile(r"[^\W_]+")  # a run of letters and digits: how both indexes split text into words


def word_variants(word: str) -> list[str]:
    """A folded query word and its readings with "aa" as å and "oe" as ø ("soeppel" -> "soppel")."""
    variants = [word]
    for typed, folded in (("aa", "a"), ("oe", "o")):
        variants += [v.replace(typed, folded) for v in variants if typed in v]
    return list(dict.fromkeys(variants))


# A query is a list of words that must all match; a word, its alternative phrases (its aa/oe readings); a
# phrase, its tokens, the last one a prefix.

def _sqlite_query(words: list[list[list[str]]]) -> str:
    # FTS5: a quoted string is a phrase, `*` after it makes its last token a prefix; tokens hold no quotes.
    return " AND ".join("(" + " OR ".join('"' + " ".join(tokens) + '"*' for tokens in phrases) + ")"
                        for phrases in words)


def _postgresql_query(words: list[list[list[str]]]) -> str:
    return " & ".join("(" + " | ".join("(" + " <-> ".join(tokens[:-1] + [tokens[-1] + ":*"]) + ")"
                                       for tokens in phrases) + ")" for phrases in words)


def _matching(attribute, words: list[list[list[str]]]):
    """The condition "this row's `attribute` has each of these words" on the database in use."""
    searched = attribute.expression
    name, col = searched.table.name, searched.name
    if db.engine.dialect.name == "postgresql":
        query = bindparam(None, _postgresql_query(words), type_=String)
        vector = literal_column(f"{name}.{_pg_vector(col)}")
        return vector.op("@@")(func.to_tsquery(literal_column("'simple'::regconfig"), query))
    fts = table(_fts_table(name), column("rowid"), column(col))
    query = bindparam(None, _sqlite_query(words), type_=String)
    # `+id`, not `id`: SQLite then never looks the matches up one by one by id and sorts them all (a common
    # word matches thousands of long rows) but reads the list in its order, checking each id against the
    # matches (read from the index once), and stops at the end of the page.
    return literal_column(f"+{name}.id").in_(select(fts.c.rowid).where(fts.c[col].op("MATCH")(query)))


def matches(column, query: str | None, max_words: int = 8, also: Callable | None = None,
            folded: bool = True) -> list:
    """Conditions that together ask for every word of the query: a word of the text in `column` that starts
    with the word (or one of its aa/oe readings), or `also(word)` when given (e.g. the word names the issue's
    category). Words without a letter or digit are left out; the first `max_words` others are asked.

    `column` is a searched column (SEARCHED). `folded=False` is for a plain text column (not built by
    search_key): the query is only case-folded, and both indexes fold the column's case.
    """
    conditions, plain = [], []
    words = search_key(query).split() if folded else (query or "").casefold().split()
    for word in [w for w in words if TOKEN.search(w)][:max_words]:
        phrases = [TOKEN.findall(v) for v in (word_variants(word) if folded else [word])]
        extra = also(word) if also else None
        if extra is None:
            plain.append(phrases)  # asked together, in one look-up of the index
        else:
            # the cheap test first: PostgreSQL then reads the text's words only for rows it does not pass
            conditions.append(or_(extra, _matching(column, [phrases])))
    if plain:
        conditions.append(_matching(column, plain))
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
