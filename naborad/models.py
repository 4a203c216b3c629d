"""The data model: SQLAlchemy 2 typed models."""
from __future__ import annotations

import enum
from datetime import datetime, timezone

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import DateTime, TypeDecorator

from .extensions import db


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Stores aware UTC datetimes; SQLite hands back naive ones, made aware here (the one place)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given to a UTC column")
            value = value.astimezone(timezone.utc)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


class Role(enum.StrEnum):
    RESIDENT = "resident"
    NEIGHBOUR = "neighbour"
    CHAIR = "chair"
    STAFF = "staff"


class ChairSeat(enum.StrEnum):
    CHAIR = "chair"
    DEPUTY = "deputy"


def _enum(cls, name):
    return db.Enum(cls, name=name, native_enum=False, length=20,
                   values_callable=lambda e: [m.value for m in e], validate_strings=True)


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
    locale: Mapped[str | None] = mapped_column(String(5))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    sessions: Mapped[list[UserSession]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True)

    # The token of the server-side session this object was loaded for (see auth.sessions).
    session_token = None

    def get_id(self) -> str | None:
        return self.session_token

    @property
    def is_active(self) -> bool:
        return self.is_active_member

    @property
    def is_moderator(self) -> bool:
        return self.role in (Role.CHAIR, Role.STAFF)

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

    user: Mapped[User] = relationship(back_populates="sessions")


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


class MailStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


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


class ContactPoint(db.Model):
    """A line on the public contact page (staff edit them in a later feature)."""
    __tablename__ = "contact_point"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(254))
    hours: Mapped[str | None] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(String(300))


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


# -- issues ("saker") ------------------------------------------------------------

class IssueStatus(enum.StrEnum):
    NEW = "new"
    DISCUSSING = "discussing"
    AGREED = "agreed"
    RESOLVED = "resolved"
    CLOSED = "closed"


class IssueCategory(enum.StrEnum):
    NOISE = "noise"
    TRAFFIC = "traffic"
    LITTER = "litter"
    SAFETY = "safety"
    COOPERATION = "cooperation"
    OTHER = "other"


def search_key(*parts: str | None) -> str:
    """Case-folded text for searching: SQLite's lower() folds ASCII only, so fold in Python."""
    return " ".join(p for p in parts if p).casefold()


class Issue(db.Model):
    __tablename__ = "issue"
    __table_args__ = (Index("ix_issue_activity", "last_activity_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(160))
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[IssueCategory] = mapped_column(_enum(IssueCategory, "issue_category"))
    place: Mapped[str | None] = mapped_column(String(120))
    happened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[IssueStatus] = mapped_column(_enum(IssueStatus, "issue_status"), default=IssueStatus.NEW,
                                                index=True)
    status_reason: Mapped[str | None] = mapped_column(String(300))
    locked_reason: Mapped[str | None] = mapped_column(String(300))  # set: the thread is locked
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reply_count: Mapped[int] = mapped_column(default=0)  # visible replies, kept in step by the views
    search_text: Mapped[str] = mapped_column(Text, default="")
    form_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    author: Mapped[User | None] = relationship()

    @property
    def locked(self) -> bool:
        return self.locked_reason is not None


class Reply(db.Model):
    __tablename__ = "reply"
    __table_args__ = (Index("ix_reply_issue_created", "issue_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issue.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    hidden_reason: Mapped[str | None] = mapped_column(String(300))
    form_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    hidden_by: Mapped[User | None] = relationship(foreign_keys=[hidden_by_id])


class IssueEvent(db.Model):
    """A line in the thread: a status change, a lock, a hidden reply."""
    __tablename__ = "issue_event"
    __table_args__ = (Index("ix_issue_event_issue_created", "issue_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issue.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(30))  # status, locked, unlocked
    value: Mapped[str | None] = mapped_column(String(30))
    reason: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship()


class IssueFollow(db.Model):
    __tablename__ = "issue_follow"

    issue_id: Mapped[int] = mapped_column(ForeignKey("issue.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
