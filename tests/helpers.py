"""Small helpers shared by the test modules."""
from contextlib import contextmanager

from sqlalchemy import event, func, select

from naborad.extensions import db


def count(model, *where) -> int:
    """Rows of a model (matching the conditions), read fresh."""
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@contextmanager
def count_queries():
    """Collect the SQL statements run inside the block."""
    queries = []

    def before(conn, cursor, statement, *args):
        queries.append(statement)
    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield queries
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
