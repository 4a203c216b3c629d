"""Failed password checks per account and address, counted in the database so every worker sees them.

A key names the account (its username and its email count together) and the address the tries come
from, so tries from elsewhere never lock a member out (nobody can keep the on-duty staff from logging
in); a name that is no account is keyed by a hash of it (the typed text is never stored). Five
failures in a minute bring a wait that grows with further failures (one minute, then two, four, ...
at most an hour); a success clears the account's count. The account is never locked for good.
"""
from datetime import timedelta, timezone

from sqlalchemy import delete, func, select

from ..extensions import db
from ..models import LoginFailure, utcnow
from ..tokens import sha256

FREE_FAILURES = 5
WINDOW = timedelta(hours=1)
MAX_WAIT = timedelta(hours=1)


def key(user, login: str, address: str | None) -> str:
    """The throttle key of a password check: the account (or a hash of an unknown name) and the address."""
    who = f"user:{user.id}" if user is not None else "name:" + sha256(login.strip().lower())[:32]
    return f"{who}@{address or '-'}"[:254]


def _account_prefix(user) -> str:
    return f"user:{user.id}@"


def wait_seconds(key: str) -> int:
    """Seconds this key must wait before it may try again (0: go ahead)."""
    now = utcnow()
    count, last = db.session.execute(
        select(func.count(), func.max(LoginFailure.at))
        .where(LoginFailure.login_key == key, LoginFailure.at > now - WINDOW)).one()
    if count < FREE_FAILURES:
        return 0
    if count == FREE_FAILURES:
        # The first five only block when they came within a minute.
        first_of_five = db.session.scalar(
            select(func.min(LoginFailure.at)).where(LoginFailure.login_key == key,
                                                    LoginFailure.at > now - WINDOW))
        if last - first_of_five > timedelta(minutes=1):
            return 0
    if last.tzinfo is None:  # func.max bypasses the column type on SQLite
        last = last.replace(tzinfo=timezone.utc)
    wait = min(timedelta(minutes=2 ** (count - FREE_FAILURES)), MAX_WAIT)
    remaining = (last + wait - now).total_seconds()
    return max(0, int(remaining) + 1) if remaining > 0 else 0


def record_failure(key: str) -> None:
    db.session.add(LoginFailure(login_key=key))
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < utcnow() - WINDOW))


def clear_account(user) -> None:
    """A correct password (or a new one) clears the account's failures, from every address."""
    db.session.execute(delete(LoginFailure).where(
        LoginFailure.login_key.startswith(_account_prefix(user), autoescape=True)))


def clear_prefix(prefix: str) -> None:
    """Clear every count whose key starts with this (one account's second-factor tries, from every address)."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.login_key.startswith(prefix, autoescape=True)))
