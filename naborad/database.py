"""Engine set-up (SQLite pragmas and transaction mode), and making a row once per form token."""
import sqlite3

from flask import has_request_context, request
from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

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
    immediate = not has_request_context() or request.method not in READ_METHODS
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def by_token(model, token: str | None):
    """The row a form with this one-time token already made, if any."""
    return db.session.scalar(select(model).where(model.form_token == token)) if token else None


def create_once(row, token: str | None):
    """Add a row made by a form that carries a one-time token, once: a second submit with the same token
    (even one that races the first, caught by the unique column) gives back the first row.
    Returns (row, created); flushes, the caller commits."""
    existing = by_token(type(row), token)
    if existing is not None:
        return existing, False
    row.form_token = token
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:  # the same form posted twice at once: the first one wins
        db.session.rollback()
        if not token:
            raise
        return by_token(type(row), token), False
    return row, True
