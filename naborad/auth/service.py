"""The rules of accounts: password resets, accepting an invitation, changing a password, leaving."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import url_for
from sqlalchemy import delete, func, select, update

from ..extensions import db
from ..mail import queue_mail
from ..models import Invitation, PasswordReset, Role, SecondFactor, User, audit, user_by_login, utcnow
from ..notifications.service import active_members, notify
from ..passwords import burn_time, hash_password, verify_password
from ..tokens import code_hash, new_token, sha256
from . import throttle
from .sessions import end_all_sessions, end_session, start_session

RESET_VALID = timedelta(hours=1)


@dataclass
class Attempt:
    """The outcome of a password check: the member when it succeeded, else the seconds to wait (0: none).
    `pending`: the password was right and the second factor is still to be given (see second_factor)."""
    user: User | None = None
    wait: int = 0
    pending: bool = False


def attempt_login(login: str, password: str, address: str | None) -> Attempt:
    """One login attempt. The same work runs whatever the answer: the account is looked up and one
    password hash is verified on every attempt that is not told to wait (against a stand-in hash for a
    name that is no account), so timing tells nobody whether an account exists or is deactivated.
    Failures count per account and address (see throttle) and bring a growing wait. A success starts a
    session; a failure is audited without the typed name (it may be a password typed in the wrong field).
    A member with a second factor gets a session that waits for the code (no login yet: see
    second_factor.complete_login). Commits."""
    user = user_by_login(login)
    key = throttle.key(user, login, address)
    wait = throttle.wait_seconds(key)
    if wait:
        return Attempt(wait=wait)
    correct = verify_password(user, password) if user is not None else burn_time(password)
    if correct and user.is_active_member:
        throttle.clear_account(user)
        pending = SecondFactor.confirmed_for(user) is not None
        start_session(user, second_factor_pending=pending)
        audit("login_password_ok" if pending else "login", actor=user)
        db.session.commit()
        return Attempt(user=user, pending=pending)
    throttle.record_failure(key)
    audit("login_failed", target=user)
    db.session.commit()
    return Attempt()


def check_current_password(user: User, password: str, address: str | None) -> Attempt:
    """The current password, asked before changing the password or deleting the account: throttled like
    a login (per account and address), so a left-open session cannot be used to guess it. Commits a
    failure."""
    key = throttle.key(user, user.username, address)
    wait = throttle.wait_seconds(key)
    if wait:
        return Attempt(wait=wait)
    if verify_password(user, password):
        return Attempt(user=user)
    throttle.record_failure(key)
    db.session.commit()
    return Attempt()


def request_reset(email: str, locale: str) -> None:
    """"Forgot password": the same work for any address, so neither the answer nor its timing tells
    whether it belongs to a member. The request only queues a mail; the mail worker looks the address
    up (see reset_mail_context) and sends a link only to an active member. Commits."""
    queue_mail(email, "password_reset_request", locale=locale)
    db.session.commit()


def reset_mail_context(mail, context: dict) -> dict | None:
    """At send time: a one-hour reset link for the active member with this address (audited), or None,
    which skips the mail."""
    user = db.session.scalar(select(User).where(User.email == mail.to_address))
    if user is None or not user.is_active_member:
        return None
    token = new_token()
    db.session.add(PasswordReset(token_hash=sha256(token), user_id=user.id, expires_at=utcnow() + RESET_VALID))
    audit("password_reset_requested", target=user)
    return {**context, "display_name": user.display_name, "path": url_for("auth.reset_password", token=token)}


def valid_reset(token: str) -> PasswordReset | None:
    """An unused, unexpired reset link of an active member, or None."""
    reset = db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == sha256(token)))
    if reset is None or reset.used_at or reset.expires_at <= utcnow() or not reset.user.is_active_member:
        return None
    return reset


def use_reset(reset: PasswordReset, password: str) -> User | None:
    """Set a new password through a reset link, once (also against two tabs at once): every session and
    every other reset link of the member ends, failed-login counts are cleared, the audit log says so. None if the link was used meanwhile."""
    used = db.session.execute(update(PasswordReset).where(PasswordReset.id == reset.id,
                                                          PasswordReset.used_at.is_(None))
                              .values(used_at=utcnow())).rowcount
    if not used:
        db.session.rollback()
        return None
    user = reset.user
    user.password_hash = hash_password(password)
    _void_resets(user)
    end_all_sessions(user)
    throttle.clear_account(user)
    audit("password_reset", target=user)
    db.session.commit()
    return user


def _void_resets(user: User) -> None:
    db.session.execute(update(PasswordReset).where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
                       .values(used_at=utcnow()))


def open_invitation(code: str) -> Invitation | None:
    """The invitation for this code if it can still be accepted, else None."""
    invitation = db.session.scalar(select(Invitation).where(Invitation.code_hash == code_hash(code)))
    if invitation is None or invitation.state != "open":
        return None
    return invitation


def accept_invitation(invitation: Invitation, *, username: str, display_name: str, password: str,
                      locale: str) -> User | None:
    """Create the member the invitation names (its role, its address unless taken) and log them in;
    staff are notified. Single use: None if the invitation was taken or withdrawn meanwhile."""
    taken = db.session.execute(update(Invitation).where(Invitation.id == invitation.id,
                                                        Invitation.accepted_at.is_(None),
                                                        Invitation.withdrawn_at.is_(None))
                               .values(accepted_at=utcnow())).rowcount
    if not taken:
        db.session.rollback()
        return None
    email = invitation.email
    if email and db.session.scalar(select(User.id).where(User.email == email)):
        email = None  # the address is already in use; the member can add another in the profile
    user = User(username=username, display_name=display_name, email=email, role=invitation.role,
                password_hash=hash_password(password), locale=locale)
    db.session.add(user)
    db.session.flush()
    invitation.accepted_user_id = user.id
    audit("invitation_accepted", actor=user, target=user, detail=f"role={invitation.role.value}")
    notify(active_members(Role.STAFF), "invitation_accepted", "user", user.id, exclude=user)
    start_session(user)
    db.session.commit()
    return user


def change_password(user: User, password: str) -> None:
    """A new password; every other session of the member ends (this one stays), and so does every reset
    link the member still had."""
    user.password_hash = hash_password(password)
    _void_resets(user)
    end_all_sessions(user, keep_current=True)
    audit("password_changed", actor=user, target=user)
    db.session.commit()


def is_last_staff(user: User) -> bool:
    """The council cannot be left without staff: the last active staff member cannot delete the account."""
    return user.role == Role.STAFF and db.session.scalar(
        select(func.count()).select_from(User).where(User.role == Role.STAFF, User.is_active_member.is_(True))) <= 1


def delete_account(user: User) -> None:
    """Delete the account; what the member wrote stays, shown as by a former member. The audit line names nobody."""
    end_session(user)
    audit("account_deleted")
    db.session.execute(delete(User).where(User.id == user.id))
    db.session.commit()
