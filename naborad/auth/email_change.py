"""Changing the own email address: the new address is applied only when the link mailed to it is opened.

The profile answers the same whatever the address (taken by another account, a deactivated one, or
free), so it cannot be used to find out who is a member (issue 14, item 6). Whether the address can be
used is decided only when its owner confirms, and then said neutrally.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import url_for
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..mail import queue_mail
from ..models import EmailChange, User, audit, utcnow
from ..tokens import new_token, sha256

EMAIL_CHANGE_VALID = timedelta(hours=24)


def request_change(user: User, new_email: str, locale: str) -> None:
    """Ask for `new_email` as the member's address: a confirmation link is mailed to it (the token is made
    when the mail is sent, see mail_context), and the address is not changed yet. A newer request
    replaces an older one. The same work whether or not another account uses the address. Audited
    without the address. Adds to the transaction."""
    db.session.execute(delete(EmailChange).where(EmailChange.user_id == user.id))
    change = EmailChange(user_id=user.id, new_email=new_email, expires_at=utcnow() + EMAIL_CHANGE_VALID)
    db.session.add(change)
    db.session.flush()
    queue_mail(new_email, "email_change", locale=locale, change_id=change.id)
    audit("email_change_requested", actor=user, target=user)


def mail_context(mail, context: dict) -> dict | None:
    """At send time: a fresh link for the waiting change (only its hash is kept), or None, which skips the
    mail when the change was replaced, used or has expired."""
    change = db.session.get(EmailChange, context.get("change_id"))
    if change is None or change.new_email != mail.to_address or change.expires_at <= utcnow():
        return None
    token = new_token()
    change.token_hash = sha256(token)
    return {**context, "path": url_for("auth.confirm_email", token=token)}


def pending(user: User) -> EmailChange | None:
    """The member's change still waiting for its link to be opened, if any."""
    return db.session.scalar(select(EmailChange).where(EmailChange.user_id == user.id,
                                                       EmailChange.expires_at > utcnow()))


def for_link(user: User, token: str) -> EmailChange | None:
    """The waiting change this link belongs to, if it is the member's own and still valid; else None."""
    change = db.session.scalar(select(EmailChange).where(EmailChange.token_hash == sha256(token)))
    if change is None or change.user_id != user.id or change.expires_at <= utcnow():
        return None
    return change


def confirm(change: EmailChange) -> bool:
    """The member opened the link and confirmed: the address becomes theirs, unless another account
    (active or not) uses it by now; either way the change is used up. Audited. Returns whether the
    address was applied. Commits."""
    user, new_email, change_id = change.user, change.new_email, change.id
    db.session.delete(change)
    if db.session.scalar(select(User.id).where(User.email == new_email, User.id != user.id)) is None:
        user.email = new_email
        audit("email_changed", actor=user, target=user)
        try:
            db.session.commit()
            return True
        except IntegrityError:  # taken at the same moment by another account
            db.session.rollback()
            db.session.execute(delete(EmailChange).where(EmailChange.id == change_id))
    audit("email_change_refused", actor=user, target=user)
    db.session.commit()
    return False


def purge(now: datetime | None = None) -> int:
    """Forget changes past their time (run by the mail worker's housekeeping). Adds to the transaction;
    returns how many went."""
    return db.session.execute(delete(EmailChange).where(EmailChange.expires_at <= (now or utcnow()))).rowcount
