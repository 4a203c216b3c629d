"""Members, sessions, invitations, password resets, the mail outbox and the audit log."""
from __future__ import annotations

import enum
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint, false, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .base import enum_column as _enum


class Role(enum.StrEnum):
    RESIDENT = "resident"
    NEIGHBOUR = "neighbour"
    CHAIR = "chair"
    STAFF = "staff"


class ChairSeat(enum.StrEnum):
    CHAIR = "chair"
    DEPUTY = "deputy"


def role_from_choice(choice: str) -> tuple[Role, ChairSeat | None]:
    """A role as chosen in a form or on the command line; "chair" and "deputy" are the chair role
    in one of its two seats."""
    seat = {"chair": ChairSeat.CHAIR, "deputy": ChairSeat.DEPUTY}.get(choice)
    return (Role.CHAIR if seat else Role(choice)), seat


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)  # stored lower-case
    display_name: Mapped[str] = mapped_column(String(60))
    full_name: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)  # stored lower-case
    phone: Mapped[str | None] = mapped_column(String(30))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    # Which chair seat a CHAIR holds; unique, so at most one chair and one deputy.
    chair_seat: Mapped[ChairSeat | None] = mapped_column(_enum(ChairSeat, "chair_seat"), unique=True)
    is_active_member: Mapped[bool] = mapped_column(default=True)
    # A resident chosen by staff to speak for the residents; others see a badge by the name.
    is_residents_rep: Mapped[bool] = mapped_column(default=False, server_default=false())
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locale: Mapped[str | None] = mapped_column(String(5))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Members over time (issue 22): the day access ends (a temporary home, an emergency place), whether
    # staff were reminded of it, when the member moved out, and the role held before a chair seat.
    access_ends_on: Mapped[date | None] = mapped_column(Date, index=True)
    access_end_reminded: Mapped[bool] = mapped_column(default=False, server_default=false())
    moved_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    role_before_chair: Mapped[Role | None] = mapped_column(_enum(Role, "role_before_chair"))

    sessions: Mapped[list[UserSession]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True)

    # The token of the server-side session this object was loaded for (see auth.sessions).
    session_token = None

    def get_id(self) -> str | None:
        return self.session_token

    @property
    def residents_rep_shown(self) -> bool:
        """The badge others see: only ever on a resident (on anyone else it would tell that they lived here)."""
        return self.is_residents_rep and self.role == Role.RESIDENT

    @property
    def is_active(self) -> bool:
        return self.is_active_member

    @property
    def role_choice(self) -> str:
        """The role as the forms name it ("deputy" for the deputy chair)."""
        return "deputy" if self.chair_seat == ChairSeat.DEPUTY else self.role.value

    @property
    def is_staff(self) -> bool:
        return self.role == Role.STAFF


class UserSession(db.Model):
    """A login: the cookie carries only its random token; the row can be ended server-side."""
    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_agent: Mapped[str | None] = mapped_column(String(200))
    # The password was right, the second factor is still to be given: not a login yet (auth.sessions).
    second_factor_pending: Mapped[bool] = mapped_column(default=False, server_default=false())

    user: Mapped[User] = relationship(back_populates="sessions")


class SessionSecret(db.Model):
    """A just-made secret (an invitation code, a reset link, the calendar link) that the login session which
    made it may see again for a while: kept here, never in the signed cookie, sealed with the session's
    token (which only the cookie holds), and gone with the session (see auth.sessions.keep_secret)."""
    __tablename__ = "session_secret"
    __table_args__ = (UniqueConstraint("session_id", "kind", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The unique constraint's index serves lookups by session.
    session_id: Mapped[int] = mapped_column(ForeignKey("user_session.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[int]
    sealed: Mapped[str] = mapped_column(String(200))  # hex: a random nonce, then the secret XOR its key stream
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class LoginFailure(db.Model):
    """One failed login for a login name; counted across workers, cleared on success."""
    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    login_key: Mapped[str] = mapped_column(String(254), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Invitation(db.Model):
    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    email: Mapped[str | None] = mapped_column(String(254))
    label: Mapped[str | None] = mapped_column(String(120))  # staff's own note: for whom
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # One-time token of the form that created it: a double submit creates one invitation.
    form_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    accepted_user: Mapped[User | None] = relationship(foreign_keys=[accepted_user_id])

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.withdrawn_at:
            return "withdrawn"
        if self.expires_at <= utcnow():
            return "expired"
        return "open"


class PasswordReset(db.Model):
    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class EmailChange(db.Model):
    """A new email address a member asked for, applied only when they open the link mailed to it
    (auth.email_change); at most one per member, gone when used or past its time."""
    __tablename__ = "email_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    new_email: Mapped[str] = mapped_column(String(254))
    # Set when the mail is sent (the token is made then, and only its hash kept).
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    user: Mapped[User] = relationship()


class MailStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"  # at send time the recipient could no longer read the thing


class OutboxMail(db.Model):
    """A mail to send. Rendered at send time from its template and context."""
    __tablename__ = "outbox_mail"
    __table_args__ = (Index("ix_outbox_mail_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    template: Mapped[str] = mapped_column(String(80))
    context: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    locale: Mapped[str] = mapped_column(String(5), default="nb")
    status: Mapped[MailStatus] = mapped_column(_enum(MailStatus, "mail_status"), default=MailStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))


class AuditEvent(db.Model):
    """Who did what to whom and when. Append-only: no route edits or deletes it."""
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(60))
    target_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    detail: Mapped[str | None] = mapped_column(String(300))

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    target_user: Mapped[User | None] = relationship(foreign_keys=[target_user_id])


def audit(action: str, *, actor: User | None = None, target: User | None = None,
          detail: str | None = None) -> None:
    """Add an audit event to the current transaction."""
    db.session.add(AuditEvent(action=action, actor_id=actor.id if actor else None,
                              target_user_id=target.id if target else None, detail=detail))


def user_by_login(login: str) -> User | None:
    key = login.strip().lower()
    if not key:
        return None
    column = User.email if "@" in key else User.username
    return db.session.scalar(select(User).where(column == key))
