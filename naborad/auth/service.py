"""The rules of accounts: password resets, accepting an invitation, changing a password, leaving."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select, update

from ..extensions import db
from ..models import Invitation, PasswordReset, Role, User, audit, utcnow
from ..notifications.service import active_members, notify
from ..passwords import hash_password
from ..tokens import code_hash, sha256
from . import throttle
from .sessions import end_all_sessions, end_session, start_session

RESET_VALID = timedelta(hours=1)


def valid_reset(token: str) -> PasswordReset | None:
    """An unused, unexpired reset link of an active member, or None."""
    reset = db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == sha256(token)))
    if reset is None or reset.used_at or reset.expires_at <= utcnow() or not reset.user.is_active_member:
        return None
    return reset


def use_reset(reset: PasswordReset, password: str) -> User | None:
    """Set a new password through a reset link, once (also against two tabs at once): every session of the
    member ends, failed-login counts are cleared, the audit log says so. None if the link was used meanwhile."""
    used = db.session.execute(update(PasswordReset).where(PasswordReset.id == reset.id,
                                                          PasswordReset.used_at.is_(None))
                              .values(used_at=utcnow())).rowcount
    if not used:
        db.session.rollback()
        return None
    user = reset.user
    user.password_hash = hash_password(password)
    end_all_sessions(user)
    throttle.clear(user.username)
    audit("password_reset", target=user)
    db.session.commit()
    return user


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
    """A new password; every other session of the member ends (this one stays)."""
    user.password_hash = hash_password(password)
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
