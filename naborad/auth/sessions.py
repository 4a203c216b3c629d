"""Server-side login sessions: the signed cookie holds a random token, the table holds the truth."""
import secrets
from datetime import timedelta

from flask import current_app, g, request, session
from flask_login import login_user, logout_user
from sqlalchemy import delete, select

from ..extensions import db, login_manager
from ..models import User, UserSession, utcnow
from ..tokens import sha256 as token_hash

# last_seen_at is written at most this often, so reading pages does not write on every request.
TOUCH_EVERY = timedelta(minutes=1)
# A session waiting for the second factor: the code must come this soon after the password.
PENDING_VALID = timedelta(minutes=10)


@login_manager.user_loader
def load_user(token: str):
    row = db.session.execute(
        select(UserSession, User).join(User).where(UserSession.token_hash == token_hash(token))
    ).first()
    if row is None:
        return None
    user_session, user = row
    now = utcnow()
    if user_session.second_factor_pending:
        # Password given, second factor not yet: not logged in; access.enforce_policy sends it to the code page.
        g.second_factor_pending = user.is_active_member and now - user_session.created_at <= PENDING_VALID
        return None
    cfg = current_app.config
    if (not user.is_active_member
            or now - user_session.last_seen_at > cfg["SESSION_IDLE_TIMEOUT"]
            or now - user_session.created_at > cfg["SESSION_ABSOLUTE_TIMEOUT"]):
        return None
    if now - user_session.last_seen_at > TOUCH_EVERY:
        user_session.last_seen_at = now
        db.session.commit()
    user.session_token = token
    return user


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
