"""Server-side login sessions: the signed cookie holds a random token, the table holds the truth."""
import secrets
from datetime import timedelta

from flask import current_app, request, session
from flask_login import login_user, logout_user
from sqlalchemy import delete, select

from ..extensions import db, login_manager
from ..models import User, UserSession, utcnow
from ..tokens import sha256 as token_hash

# last_seen_at is written at most this often, so reading pages does not write on every request.
TOUCH_EVERY = timedelta(minutes=1)




@login_manager.user_loader
def load_user(token: str):
    row = db.session.execute(
        select(UserSession, User).join(User).where(UserSession.token_hash == token_hash(token))
    ).first()
    if row is None:
        return None
    user_session, user = row
    now = utcnow()
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


def start_session(user: User) -> None:
    """Log in with a fresh session id (the old cookie's contents are dropped)."""
    session.clear()
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(token_hash=token_hash(token), user_id=user.id,
                               user_agent=(request.user_agent.string or "")[:200]))
    user.session_token = token
    login_user(user)
    session.permanent = True


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
