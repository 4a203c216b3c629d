"""Engine set-up: SQLite pragmas and transaction mode."""
import sqlite3
from contextlib import contextmanager

from flask import g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db

READ_METHODS = {"GET", "HEAD", "OPTIONS"}


@event.listens_for(Engine, "connect")
def _sqlite_connect(dbapi_connection, connection_record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy emit BEGIN itself (pysqlite's own transaction handling is off).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    if conn.dialect.name != "sqlite":
        return
    # A request that may write takes the write lock at BEGIN, so a read-then-write
    # transaction waits (busy_timeout) instead of failing with "database is locked".
    # Reading pages stay concurrent; the CLI and workers always write.
    # A reading request that must write (the session's last-seen time) asks for it with write_lock_first().
    immediate = not has_request_context() or request.method not in READ_METHODS or g.get("write_lock_first", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def write_lock_first():
    """Transactions begun inside the block take SQLite's write lock at BEGIN (BEGIN IMMEDIATE), also in a
    GET: a transaction that reads first and then writes fails at once ("database is locked") when another
    connection wrote in between, even within one UPDATE statement; one that locks first waits its turn."""
    g.write_lock_first = True
    try:
        yield
    finally:
        g.write_lock_first = False



def commit_and_keep() -> None:
    """Commit without expiring what the session holds: for a change whose response shows the same rows
    at once (a posted reply, a moved agenda item, a sign-up). A plain commit expires every loaded object,
    so rendering the answer would read the member, the issue and the rows just written again, a query each.
    What is kept is what this transaction read and wrote; nothing outlives the request's session."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True
