"""The rules of two-factor sign-in (TOTP, RFC 6238, computed by pyotp): who must have it, enrolment, the
code at login, recovery codes, turning it off and staff's reset. No HTTP here.

- A code is the 6-digit number the member's authenticator app shows. It is accepted one time step
  (30 seconds) either side of now, and only once: a step at or before the last one accepted is refused,
  so a code seen over someone's shoulder cannot be used again.
- Ten recovery codes are made when enrolment is confirmed and returned that once; only their hashes are
  kept (tokens.code_hash). Each works once, in place of a code.
- Every wrong code counts in auth.throttle under a key of its own per account and address
  ("2fa:user:ID@address"), so a correct password never clears it, and is audited. No audit line
  holds what was typed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyotp
from flask import current_app
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..errors import Gone, NotAllowed
from ..extensions import db
from ..models import RecoveryCode, Role, SecondFactor, User, UserSession, audit, utcnow
from ..notifications.service import notify
from ..tokens import code_hash, new_code
from . import throttle
from .service import Attempt, check_current_password
from .sessions import end_all_sessions, start_session

# The chair and staff see identities, phone numbers and situation reports.
REQUIRED_ROLES = frozenset({Role.CHAIR, Role.STAFF})
RECOVERY_CODES = 10
WINDOW = 1  # time steps accepted either side of now: a slow clock, a code typed as it changes
ISSUER = "Naboråd"
SIX_DIGITS = re.compile(r"^[0-9]{6}$")


@dataclass
class Check:
    """The outcome of a code: accepted or not, else the seconds to wait (0: none). `recovery` says a recovery
    code was used; `codes` holds new recovery codes, shown this once."""
    ok: bool = False
    wait: int = 0
    recovery: bool = False
    codes: list[str] = field(default_factory=list)


# -- who must have one, and who has one ------------------------------------------------

def required(user) -> bool:
    """The chair and staff must sign in with a second factor, unless the setting TWO_FACTOR_REQUIRED
    is off (the demo council)."""
    return bool(current_app.config["TWO_FACTOR_REQUIRED"]) and user.role in REQUIRED_ROLES


def enrolled(user) -> bool:
    return SecondFactor.confirmed_for(user) is not None


def must_enrol(user) -> bool:
    """Required but not there yet: the member may use only the enrolment page, logout and public pages
    (access.enforce_policy)."""
    return required(user) and not enrolled(user)


def unconfirmed(user) -> SecondFactor | None:
    """The secret being set up, not yet confirmed with a code."""
    return db.session.scalar(select(SecondFactor).where(SecondFactor.user_id == user.id,
                                                        SecondFactor.confirmed_at.is_(None)))


def recovery_codes_left(user) -> int:
    return db.session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))


def provisioning_uri(user, factor: SecondFactor) -> str:
    """What the QR code holds: the secret, the app's label for the account, and the issuer."""
    return pyotp.TOTP(factor.secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it into the app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


# -- enrolment ----------------------------------------------------------------------------

def start_enrolment(user: User) -> SecondFactor:
    """A new secret for the member's authenticator app, not yet confirmed; it replaces one that was
    never confirmed. Refused (NotAllowed) while a confirmed one exists: turn that off first. Commits."""
    factor = db.session.scalar(select(SecondFactor).where(SecondFactor.user_id == user.id))
    if factor is not None and factor.confirmed_at is not None:
        raise NotAllowed
    if factor is None:
        factor = SecondFactor(user_id=user.id, secret=pyotp.random_base32())
        db.session.add(factor)
    else:
        factor.secret, factor.created_at, factor.last_used_step = pyotp.random_base32(), utcnow(), None
    try:
        db.session.commit()
    except IntegrityError:  # two tabs at once: the other one's secret stands
        db.session.rollback()
        factor = unconfirmed(user)
        if factor is None:
            raise NotAllowed from None
    return factor


def confirm_enrolment(user: User, code: str, address: str | None) -> Check:
    """The first code from the app confirms the secret. Then ten recovery codes are made, and returned in
    the Check this once (only their hashes are kept, nowhere else). A wrong code is throttled and audited.
    Raises Gone when there is nothing to confirm (confirmed or reset meanwhile). Commits."""
    factor = unconfirmed(user)
    if factor is None:
        raise Gone
    check = _check(user, factor, code, address, recovery_allowed=False)
    if not check.ok:
        return check
    confirmed = db.session.execute(update(SecondFactor).where(SecondFactor.id == factor.id,
                                                              SecondFactor.confirmed_at.is_(None))
                                   .values(confirmed_at=utcnow())).rowcount
    if not confirmed:
        db.session.rollback()
        raise Gone
    check.codes = _new_recovery_codes(user)
    audit("second_factor_enrolled", actor=user, target=user)
    db.session.commit()
    return check


def renew_recovery_codes(user: User, code: str, address: str | None) -> Check:
    """Ten new recovery codes for a code from the app (the old ones stop working), returned this once.
    A wrong code is throttled and audited. Raises Gone without a confirmed second factor. Commits."""
    factor = SecondFactor.confirmed_for(user)
    if factor is None:
        raise Gone
    check = _check(user, factor, code, address, recovery_allowed=False)
    if check.ok:
        check.codes = _new_recovery_codes(user)
        audit("recovery_codes_renewed", actor=user, target=user)
        db.session.commit()
    return check


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [new_code() for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=code_hash(code)) for code in codes)
    return codes


# -- the second step of a login -----------------------------------------------------------

def complete_login(pending: UserSession, code: str, address: str | None) -> Check:
    """The code (or a recovery code) after a correct password. On success the waiting session is replaced
    by a full login with a fresh token, and the audit log says "login" and how. A wrong code is throttled
    and audited. Raises Gone when the member has no second factor any more (reset meanwhile). Commits."""
    user = pending.user
    factor = SecondFactor.confirmed_for(user)
    if factor is None:
        raise Gone
    check = _check(user, factor, code, address, recovery_allowed=True)
    if check.ok:
        db.session.execute(delete(UserSession).where(UserSession.id == pending.id))
        start_session(user)
        audit("login", actor=user, detail="recovery code" if check.recovery else "second factor")
        db.session.commit()
    return check


def _key(user: User, address: str | None) -> str:
    return f"2fa:user:{user.id}@{address or '-'}"[:254]


def _check(user: User, factor: SecondFactor, code: str, address: str | None, *, recovery_allowed: bool) -> Check:
    """One try of a code: throttled per account and address; a wrong one is counted and audited (and
    committed); a right one clears the member's count and marks the code used, uncommitted."""
    key = _key(user, address)
    wait = throttle.wait_seconds(key)
    if wait:
        return Check(wait=wait)
    typed = re.sub(r"\s", "", code or "")
    recovery = False
    if SIX_DIGITS.match(typed):
        ok = _take_step(factor, typed)
    else:
        ok = recovery = recovery_allowed and _take_recovery_code(user, typed)
    if not ok:
        throttle.record_failure(key)
        audit("second_factor_failed", target=user)
        db.session.commit()
        return Check()
    throttle.clear_prefix(f"2fa:user:{user.id}@")
    return Check(ok=True, recovery=recovery)


def _take_step(factor: SecondFactor, typed: str) -> bool:
    """The code's time step within the window, taken once: a conditional update, so two requests with
    the same code (or an older one after it) cannot both pass."""
    totp = pyotp.TOTP(factor.secret)
    now = totp.timecode(utcnow())
    for step in range(now - WINDOW, now + WINDOW + 1):
        if pyotp.utils.strings_equal(typed, totp.generate_otp(step)):
            return bool(db.session.execute(
                update(SecondFactor).where(SecondFactor.id == factor.id,
                                           or_(SecondFactor.last_used_step.is_(None),
                                               SecondFactor.last_used_step < step))
                .values(last_used_step=step)).rowcount)
    return False


def _take_recovery_code(user: User, typed: str) -> bool:
    return bool(db.session.execute(
        update(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == code_hash(typed),
                                   RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())).rowcount)


# -- turning it off, and staff's reset ------------------------------------------------------

def disable(user: User, password: str, address: str | None) -> Attempt:
    """The member turns their own second factor off, with their password (checked and throttled as in
    auth.service.check_current_password). Refused (NotAllowed) when their role requires one. The secret
    and the recovery codes go; audited. Commits."""
    if required(user):
        raise NotAllowed
    attempt = check_current_password(user, password, address)
    if attempt.user is None:
        return attempt
    _remove(user)
    audit("second_factor_disabled", actor=user, target=user)
    db.session.commit()
    return attempt


def reset(member: User, by: User) -> bool:
    """Staff remove another member's second factor (a lost phone). The secret and the recovery codes go,
    every session of the member ends (the next login asks them to enrol again where it is required), the
    audit log says who did it, and the member is notified. Refused (NotAllowed) for one's own: another
    staff member does it. False when the member had none (nothing to tell). Commits."""
    if by.id == member.id:
        raise NotAllowed
    had = enrolled(member)
    _remove(member)
    if had:
        end_all_sessions(member)
        audit("second_factor_reset", actor=by, target=member)
        notify([member], "second_factor_reset", "account", member.id)
    db.session.commit()
    return had


def _remove(user: User) -> None:
    db.session.execute(delete(SecondFactor).where(SecondFactor.user_id == user.id))
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    # A login waiting for a code that no longer exists ends too.
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id,
                                                 UserSession.second_factor_pending.is_(True)))
