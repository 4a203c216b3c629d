"""Failed logins per login name, counted in the database so every worker sees the same count.

Five failures in a minute bring a wait that grows with further failures (one
minute, then two, four, ... at most an hour); a success clears the count. The
account is never locked for good.
"""
from datetime import timedelta, timezone

from sqlalchemy import delete, func, select

from ..extensions import db
from ..models import LoginFailure, utcnow

FREE_FAILURES = 5
WINDOW = timedelta(hours=1)
MAX_WAIT = timedelta(hours=1)


def _key(login: str) -> str:
    return login.strip().lower()[:254]


def wait_seconds(login: str) -> int:
    """Seconds this login name must wait before it may try again (0: go ahead)."""
    now = utcnow()
    count, last = db.session.execute(
        select(func.count(), func.max(LoginFailure.at))
        .where(LoginFailure.login_key == _key(login), LoginFailure.at > now - WINDOW)).one()
    if count < FREE_FAILURES:
        return 0
    if count == FREE_FAILURES:
        # The first five only block when they came within a minute.
        first_of_five = db.session.scalar(
            select(func.min(LoginFailure.at)).where(LoginFailure.login_key == _key(login),
                                                    LoginFailure.at > now - WINDOW))
        if last - first_of_five > timedelta(minutes=1):
            return 0
    if last.tzinfo is None:  # func.max bypasses the column type on SQLite
        last = last.replace(tzinfo=timezone.utc)
    wait = min(timedelta(minutes=2 ** (count - FREE_FAILURES)), MAX_WAIT)
    remaining = (last + wait - now).total_seconds()
    return max(0, int(remaining) + 1) if remaining > 0 else 0


def record_failure(login: str) -> None:
    db.session.add(LoginFailure(login_key=_key(login)))
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < utcnow() - WINDOW))


def clear(login: str) -> None:
    db.session.execute(delete(LoginFailure).where(LoginFailure.login_key == _key(login)))
