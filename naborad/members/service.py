"""The rules of membership: roles and the two chair seats, deactivation, the residents'-representative
mark, invitations and staff-issued reset links.

Every change of a member's role goes through this module. Each function does the whole change, with
its audit log lines, and commits.
"""
from __future__ import annotations

from datetime import date, timedelta

from flask import url_for
from sqlalchemy import delete, select

from ..auth.service import RESET_VALID
from ..auth.sessions import end_all_sessions
from ..direct import service as direct
from ..errors import NotAllowed  # noqa: F401  (re-exported for the views and the CLI)
from ..extensions import db
from ..forms import create_once
from ..mail import queue_mail
from ..models import ChairSeat, Invitation, PasswordReset, Role, User, audit, role_from_choice, utcnow
from ..notifications.service import active_members, notify
from ..tokens import code_hash, new_code, new_token, sha256

INVITATION_VALID = timedelta(days=14)



def may_administer(by: User, member: User) -> bool:
    """Staff change other members' role and activity, never their own: another staff member must."""
    return by.id != member.id


def seat_holder(seat: ChairSeat, *, other_than: User | None = None) -> User | None:
    """Who holds the chair or the deputy seat (leaving out `other_than`), if anyone."""
    holder = db.session.scalar(select(User).where(User.chair_seat == seat))
    return None if other_than is not None and holder is other_than else holder


def create_member(*, username: str, display_name: str, email: str | None, choice: str,
                  password_hash: str) -> User:
    """A member made on the command line (the first staff account, say), in the role chosen as in
    change_role. A chair seat only if it is free (a seat changes hands in the app); raises NotAllowed
    with the reason for a taken seat or username. An audit line. Commits."""
    username = username.strip().lower()
    if db.session.scalar(select(User).where(User.username == username)):
        raise NotAllowed(f"The username {username} is taken.")
    new_role, seat = role_from_choice(choice)
    if seat and seat_holder(seat):
        raise NotAllowed(f"There is already a {seat.value}; hand it over in the app.")
    user = User(username=username, display_name=display_name, email=(email or "").strip().lower() or None,
                role=new_role, chair_seat=seat, password_hash=password_hash)
    db.session.add(user)
    db.session.flush()
    audit("user_created_cli", target=user, detail=f"role={choice}")
    db.session.commit()
    return user


def _leave_seat(member: User) -> None:
    """Off the chair role: the member returns to the role held before the seat (a neighbour when none is
    recorded), and the seat is free at once."""
    member.role, member.chair_seat = member.role_before_chair or Role.NEIGHBOUR, None
    member.role_before_chair = None


def change_role(member: User, choice: str, by: User) -> None:
    """Give a member the role chosen in the form ("chair" and "deputy" are the chair role in one of its
    two seats; see models.role_from_choice). Taking a seat hands it over: its holder becomes a neighbour, and consent to "the chair" on the direct line lapses.
    Any other role leaves the chair seat the member held. Writes an audit line for each member changed.
    The member's sessions go on (the new role counts from their next request). Leaving the resident
    role takes the residents'-representative mark away: on anyone else it would tell that they lived at
    the facility. Raises NotAllowed for one's own role. Commits."""
    if not may_administer(by, member):
        raise NotAllowed
    new_role, seat = role_from_choice(choice)
    previous = seat_holder(seat, other_than=member) if seat else None
    if previous is not None:
        _leave_seat(previous)
        audit("role_changed", actor=by, target=previous, detail=f"{seat.value} -> {previous.role.value} (handover)")
        db.session.flush()  # the seat is unique: free it before it is taken
    old = member.role_choice
    _remember_role_before_chair(member, new_role)
    member.role, member.chair_seat = new_role, seat
    if new_role != Role.RESIDENT:
        member.is_residents_rep = False
    audit("role_changed", actor=by, target=member, detail=f"{old} -> {choice}")
    direct.lapse_chair_consents()  # consent to "the chair" names the seat holders: a new one is asked again
    db.session.commit()


def deactivate(member: User, by: User) -> None:
    """Deactivate a member: treated as logged out everywhere at once (every session ends), and a chair
    seat they held is free (they are a neighbour again). An audit line. Raises NotAllowed for oneself.
    Commits."""
    if not may_administer(by, member):
        raise NotAllowed
    if not member.is_active_member:
        return
    _close_account(member)
    audit("deactivated", actor=by, target=member)
    db.session.commit()


def reactivate(member: User, by: User) -> None:
    """Let a deactivated member log in again (with the role they had after deactivation). An audit line.
    Commits."""
    if member.is_active_member:
        return
    member.is_active_member = True
    audit("reactivated", actor=by, target=member)
    db.session.commit()


def toggle_residents_rep(member: User, by: User) -> bool:
    """Mark a resident as a residents' representative, or take the mark away (from anyone); other members
    see a badge by a resident's name. An audit line. Raises NotAllowed for marking a member who is not a
    resident. Returns the new mark. Commits."""
    if member.role != Role.RESIDENT and not member.is_residents_rep:
        raise NotAllowed
    member.is_residents_rep = not member.is_residents_rep
    audit("residents_rep_changed", actor=by, target=member, detail=str(member.is_residents_rep).lower())
    db.session.commit()
    return member.is_residents_rep


def issue_reset_link(member: User, by: User) -> str:
    """A password reset for a member without email, valid as long as one asked for by mail. An audit
    line. Returns the token (only its hash is stored). Commits."""
    token = new_token()
    db.session.add(PasswordReset(token_hash=sha256(token), user_id=member.id, expires_at=utcnow() + RESET_VALID))
    audit("password_reset_issued", actor=by, target=member)
    db.session.commit()
    return token


# -- invitations -----------------------------------------------------------------------

def _send_invitation(invitation: Invitation, code: str) -> None:
    if invitation.email:
        queue_mail(invitation.email, "invitation", role=invitation.role.value,
                   path=url_for("auth.accept_invitation", code=code), code=code,
                   expires=invitation.expires_at.isoformat())


def invite(by: User, *, role: str, email: str | None = None, label: str | None = None,
           form_token: str | None = None) -> tuple[Invitation, str | None]:
    """An invitation valid for 14 days, made once per form token; its code is mailed when it has an
    email. An audit line. Returns the invitation and, if it is new, its code (only the hash is stored;
    a repeated token gives back the first invitation and no code). Commits."""
    code = new_code()
    invitation, created = create_once(Invitation, form_token, lambda: Invitation(
        code_hash=code_hash(code), role=Role(role), email=email, label=label, created_by_id=by.id,
        expires_at=utcnow() + INVITATION_VALID))
    if not created:
        return invitation, None
    _send_invitation(invitation, code)
    audit("invitation_created", actor=by, detail=f"#{invitation.id} role={invitation.role.value}")
    db.session.commit()
    return invitation, code


def withdraw_invitation(invitation: Invitation, by: User) -> bool:
    """Withdraw an open invitation: its code stops working. An audit line. Returns whether it was open.
    Commits."""
    if invitation.state != "open":
        return False
    invitation.withdrawn_at = utcnow()
    audit("invitation_withdrawn", actor=by, detail=f"#{invitation.id}")
    db.session.commit()
    return True


def renew_invitation(invitation: Invitation, by: User) -> str:
    """A new code (the old one stops working) and 14 more days, mailed when it has an email. An audit
    line. Raises NotAllowed for an accepted or withdrawn invitation. Returns the code. Commits."""
    if invitation.accepted_at or invitation.withdrawn_at:
        raise NotAllowed
    code = new_code()
    invitation.code_hash = code_hash(code)
    invitation.expires_at = utcnow() + INVITATION_VALID
    _send_invitation(invitation, code)
    audit("invitation_renewed", actor=by, detail=f"#{invitation.id}")
    db.session.commit()
    return code


# -- members over time (issue 22) ----------------------------------------------------------

ACCESS_REMINDER = timedelta(days=7)  # staff are reminded this long before a member's access ends


def _remember_role_before_chair(member: User, new_role: Role) -> None:
    """Taking a chair seat keeps the role held before it, for the day the seat is handed over; any other
    role forgets it."""
    if new_role != Role.CHAIR:
        member.role_before_chair = None
    elif member.role != Role.CHAIR:
        member.role_before_chair = member.role


def set_access_end(member: User, ends_on: date | None, by: User) -> None:
    """The day a member's access ends (a temporary home, an emergency place), or no end (None). A new day
    means staff are reminded again a week before it. An audit line. Raises NotAllowed for one's own, or
    for a member who has left. Commits."""
    if not may_administer(by, member) or not member.is_active_member:
        raise NotAllowed
    member.access_ends_on = ends_on
    member.access_end_reminded = False
    audit("access_end_set", actor=by, target=member, detail=ends_on.isoformat() if ends_on else "none")
    db.session.commit()


def _close_account(member: User) -> None:
    """The account is closed (deactivated, or access ended): every session ends at once, a chair seat is
    free (consent to "the chair" naming them lapses), nobody can reach the member on the direct line. The
    caller audits and commits."""
    member.is_active_member = False
    if member.chair_seat:
        _leave_seat(member)
        direct.lapse_chair_consents()
    direct.end_for_leaving(member)  # reachable by nobody, at once
    end_all_sessions(member)


def _end_access(member: User) -> None:
    """The account ends for good (moved out, access end date): closed, and the residents'-representative
    mark and the end date go. The caller audits and commits."""
    _close_account(member)
    member.is_residents_rep = False
    member.access_ends_on = None


def move_out(member: User, by: User, *, anonymise: bool = False) -> None:
    """A resident or neighbour moves away (one staff action): the account ends (sessions, the chair seat,
    the residents'-representative mark), and what they wrote stays, shown as by "a former member"; their
    pre-meeting comments stay in the pre-meeting, attributed to nobody. On request (`anonymise`) the account
    itself is deleted, so nothing they wrote can be traced to them any more. An audit line without a name.
    Raises NotAllowed for oneself. Commits."""
    if not may_administer(by, member):
        raise NotAllowed
    _end_access(member)
    member.moved_out_at = utcnow()
    if anonymise:
        audit("moved_out", actor=by, detail="anonymised")
        db.session.execute(delete(User).where(User.id == member.id))
    else:
        audit("moved_out", actor=by, target=member)
    db.session.commit()


def remind_access_ending(today: date) -> int:
    """Tell the staff, once, about each member whose access ends within a week (they may extend it).
    Returns how many members. Commits."""
    due = db.session.scalars(select(User).where(
        User.is_active_member.is_(True), User.access_ends_on.is_not(None),
        User.access_ends_on <= today + ACCESS_REMINDER, User.access_end_reminded.is_(False))).all()
    staff = active_members(Role.STAFF)
    for member in due:
        member.access_end_reminded = True
        notify(staff, "access_ending", "user", member.id, exclude=member)
    db.session.commit()
    return len(due)


def end_due_access(today: date) -> int:
    """End the accounts whose access end date has come (as moving out does, but the account is kept for staff
    to see). An audit line each. Returns how many. Commits."""
    due = db.session.scalars(select(User).where(User.is_active_member.is_(True), User.access_ends_on.is_not(None),
                                                User.access_ends_on <= today)).all()
    for member in due:
        _end_access(member)
        audit("access_ended", target=member)
    db.session.commit()
    return len(due)
