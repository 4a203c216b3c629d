"""Issues ("saker"): threads, replies, event lines and follows."""
from __future__ import annotations

import enum
import unicodedata
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..markdown import RenderedText
from .base import UTCDateTime, utcnow
from .base import enum_column as _enum
from .core import User


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
    """Folded text for searching, stored and queried alike: SQLite's lower() folds ASCII only, so fold in Python.

    Case-folded, æ -> ae, ø -> o, å -> a and other accents dropped (é -> e), so "soppel" finds "søppel" on a
    keyboard without Norwegian letters. naborad.search adds the typed alternatives aa/oe to a query.
    Migration 0080 rebuilds stored keys with a copy of this function: change both together.
    """
    text = " ".join(p for p in parts if p).casefold().replace("æ", "ae").replace("ø", "o")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


class Issue(RenderedText, db.Model):
    __tablename__ = "issue"
    __rendered__ = ("body",)
    __table_args__ = (Index("ix_issue_activity", "last_activity_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(160))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)  # rendered on write (naborad.markdown)
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
    reply_count: Mapped[int] = mapped_column(default=0)  # visible replies, kept in step by issues.service
    search_text: Mapped[str] = mapped_column(Text, default="")
    form_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Typed in by staff from paper notes (the mapping meeting of the guided start, issue 22).
    from_paper: Mapped[bool] = mapped_column(default=False, server_default=false())

    author: Mapped[User | None] = relationship()

    @property
    def locked(self) -> bool:
        return self.locked_reason is not None


class Reply(RenderedText, db.Model):
    __tablename__ = "reply"
    __rendered__ = ("body",)
    __table_args__ = (Index("ix_reply_issue_created", "issue_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issue.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)  # rendered on write (naborad.markdown)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    hidden_reason: Mapped[str | None] = mapped_column(String(300))
    form_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    hidden_by: Mapped[User | None] = relationship(foreign_keys=[hidden_by_id])


class IssueEventKind(enum.StrEnum):
    """Every kind of line in an issue's timeline (templates/issues/_event.html shows each)."""
    STATUS = "status"        # value: the new IssueStatus; reason: an optional note
    LOCKED = "locked"        # reason: why
    UNLOCKED = "unlocked"
    AGENDA = "agenda"        # value: the meeting id whose published agenda holds the issue
    DECISION = "decision"    # value: meeting id; reason: the decision (first 300 characters)
    ACTION = "action"        # value: meeting id; reason: the action item (first 300 characters)
    FOLLOW_UP = "follow_up"  # value: the answer to "did it work?" (CycleResult), once the minutes are approved


class IssueEvent(db.Model):
    """A line in the thread: a status change, a lock, an agenda, a decision or an action item."""
    __tablename__ = "issue_event"
    __table_args__ = (Index("ix_issue_event_issue_created", "issue_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issue.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    kind: Mapped[IssueEventKind] = mapped_column(_enum(IssueEventKind, "issue_event_kind", length=30))
    value: Mapped[str | None] = mapped_column(String(30))
    reason: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship()


class IssueFollow(db.Model):
    __tablename__ = "issue_follow"

    issue_id: Mapped[int] = mapped_column(ForeignKey("issue.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

