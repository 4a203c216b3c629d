"""Server-side login sessions: the signed cookie holds a random token, the table holds the truth."""
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from functools import lru_cache

from flask import current_app, g, request, session
from flask_login import login_user, logout_user
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.exc import OperationalError

from ..compression import send_uncompressed
from ..database import write_lock_first
from ..extensions import db, login_manager
from ..models import SessionSecret, User, UserSession, utcnow
from ..notifications.service import unread_count_of
from ..preloaded import remember
from ..reports.service import unseen_alert_count_of
from ..tokens import sha256 as token_hash
from ..untraced import UNTRACED_ENDPOINTS

# last_seen_at is written at most this often, so reading pages does not write on every request.
TOUCH_EVERY = timedelta(minutes=1)
# A session waiting for the second factor: the code must come this soon after the password.
PENDING_VALID = timedelta(minutes=10)
# A just-made secret (invitation code, reset link, calendar link) is shown again to its maker for this long.
SECRET_SHOWN_FOR = timedelta(minutes=30)


@lru_cache(maxsize=1)
def _login_statement():
    """The login's one query (built once: every request runs it, with the token's hash bound)."""
    return (select(UserSession.id, UserSession.second_factor_pending, UserSession.created_at,
                   UserSession.last_seen_at, User, unread_count_of(User.id), unseen_alert_count_of(User.id))
            .join(User, User.id == UserSession.user_id).where(UserSession.token_hash == bindparam("token_hash")))


@login_manager.user_loader
def load_user(token: str):
    # The layout's counts come with the login (naborad/preloaded.py): one query for all three.
    row = db.session.execute(_login_statement(), {"token_hash": token_hash(token)}).first()
    if row is None:
        return None
    session_id, second_factor_pending, created_at, last_seen_at, user, unread, alerts = row
    now = utcnow()
    if second_factor_pending:
        # Password given, second factor not yet: not logged in; access.enforce_policy sends it to the code page.
        g.second_factor_pending = user.is_active_member and now - created_at <= PENDING_VALID
        return None
    cfg = current_app.config
    if (not user.is_active_member
            or now - last_seen_at > cfg["SESSION_IDLE_TIMEOUT"]
            or now - created_at > cfg["SESSION_ABSOLUTE_TIMEOUT"]):
        return None
    if now - last_seen_at > TOUCH_EVERY and request.endpoint not in UNTRACED_ENDPOINTS:
        _touch(session_id, now)
    remember(user.id, unread=unread, alerts=alerts if user.is_staff else 0)
    user.session_token = token
    return user


def _touch(session_id: int, now: datetime) -> None:
    """Write the session's last-seen time without ever failing the page.

    The read that found the session ends first: on SQLite a transaction that read and then writes fails at
    once ("database is locked", SQLITE_BUSY_SNAPSHOT) when another request wrote in between, and waiting
    does not help. The write runs in its own short transaction that takes the write lock first, so it
    waits its turn (busy_timeout). Should it still fail, the page is served and a later view writes it."""
    db.session.commit()
    try:
        with write_lock_first():
            db.session.execute(update(UserSession).where(UserSession.id == session_id)
                               .values(last_seen_at=now))
            db.session.commit()
    except OperationalError as error:
        db.session.rollback()
        current_app.logger.warning("last-seen time not written (a later view will): %s", type(error).__name__)


def start_session(user: User, *, second_factor_pending: bool = False) -> None:
    """Log in with a fresh session id (the old cookie's contents are dropped). A session still waiting for
    the second factor is no login yet (see load_user and pending_session)."""
    session.clear()
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(token_hash=token_hash(token), user_id=user.id,
                               second_factor_pending=second_factor_pending,
                               user_agent=(request.user_agent.string or "")[:200]))
    user.session_token = token
    login_user(user)
    session.permanent = True


def pending_session() -> UserSession | None:
    """The session in this cookie that waits for the second factor, if it is fresh and its member active."""
    token = session.get("_user_id")
    if not token:
        return None
    pending = db.session.scalar(select(UserSession).join(User).where(
        UserSession.token_hash == token_hash(token), UserSession.second_factor_pending.is_(True),
        User.is_active_member.is_(True)))
    if pending is None or utcnow() - pending.created_at > PENDING_VALID:
        return None
    return pending


def end_session(user: User) -> None:
    """End this session alone: the row goes, so a copied cookie stops working too."""
    if user.session_token:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == token_hash(user.session_token)))
    logout_user()
    session.clear()


def end_all_sessions(user: User, keep_current: bool = False) -> None:
    stmt = delete(UserSession).where(UserSession.user_id == user.id)
    if keep_current and user.session_token:
        stmt = stmt.where(UserSession.token_hash != token_hash(user.session_token))
    db.session.execute(stmt)


# -- secrets shown to the session that made them ------------------------------------------------
# Flask's session cookie is signed, not encrypted: whoever sees it (a shared PC, a synced profile, a log)
# reads what it holds. So a just-made secret is kept in a row of this login session instead, and sealed
# with the session's token, which only the cookie holds (the table keeps its hash): a database copy alone
# shows no secret, and the cookie alone holds none.

def _key_stream(token: str, nonce: bytes, kind: str, object_id: int) -> bytes:
    return hmac.new(token.encode(), nonce + f"{kind}:{object_id}".encode(), hashlib.sha512).digest()


def _current_session_id(user: User) -> int | None:
    if not user.session_token:
        return None
    return db.session.scalar(select(UserSession.id).where(UserSession.token_hash == token_hash(user.session_token)))


def keep_secret(user: User, kind: str, object_id: int, secret: str) -> None:
    """Keep a just-made secret so that this login session (and nothing else) can show it again, for
    SECRET_SHOWN_FOR at most: it goes with the session (logout, expiry) and with purge_secrets. A newer
    secret of the same kind and object replaces the older. Adds to the transaction."""
    session_id = _current_session_id(user)
    if session_id is None:
        return
    raw = secret.encode()
    nonce = secrets.token_bytes(16)
    stream = _key_stream(user.session_token, nonce, kind, object_id)
    if len(raw) > len(stream):
        raise ValueError("secret too long to seal")
    forget_secret(user, kind, object_id)
    db.session.add(SessionSecret(session_id=session_id, kind=kind, object_id=object_id,
                                 sealed=(nonce + bytes(a ^ b for a, b in zip(raw, stream))).hex()))


def shown_secret(user: User, kind: str, object_id: int) -> str | None:
    """The secret keep_secret kept for this login session, while it is fresh; else None. The page that shows it
    goes out uncompressed (BREACH: a secret the person must read cannot be masked)."""
    if not user.session_token:
        return None
    sealed = db.session.scalar(
        select(SessionSecret.sealed).join(UserSession, UserSession.id == SessionSecret.session_id)
        .where(UserSession.token_hash == token_hash(user.session_token), SessionSecret.kind == kind,
               SessionSecret.object_id == object_id, SessionSecret.created_at > utcnow() - SECRET_SHOWN_FOR))
    if sealed is None:
        return None
    send_uncompressed()
    data = bytes.fromhex(sealed)
    nonce, body = data[:16], data[16:]
    return bytes(a ^ b for a, b in zip(body, _key_stream(user.session_token, nonce, kind, object_id))).decode()


def forget_secret(user: User, kind: str, object_id: int) -> None:
    """This login session no longer shows that secret. Adds to the transaction."""
    session_id = _current_session_id(user)
    if session_id is not None:
        db.session.execute(delete(SessionSecret).where(SessionSecret.session_id == session_id,
                                                       SessionSecret.kind == kind, SessionSecret.object_id == object_id))


def purge_secrets(now: datetime | None = None) -> int:
    """Drop every kept secret past SECRET_SHOWN_FOR (run by the mail worker's housekeeping). Adds to the
    transaction; returns how many went."""
    cutoff = (now or utcnow()) - SECRET_SHOWN_FOR
    return db.session.execute(delete(SessionSecret).where(SessionSecret.created_at <= cutoff)).rowcount
