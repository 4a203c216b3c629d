"""Create once by form token: a double click or a retried request makes one row, and answers like the first."""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .extensions import db


def create_once(model, form_token: str | None, make: Callable[[], object]) -> tuple[object, bool]:
    """The row of `model` this form token created, or a new one from `make()`; returns (row, created).

    The new row is flushed inside a savepoint, so when a concurrent submit of the same form wins the
    race on the unique `form_token` column, this one returns the winner's row and the caller's
    transaction stays usable. The caller commits."""
    def earlier():
        return db.session.scalar(select(model).where(model.form_token == form_token))

    if form_token:
        found = earlier()
        if found is not None:
            return found, False
    row = make()
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        if not form_token:
            raise
        return earlier(), False
    return row, True
