"""The direct line (issue 18): a member's consent to be reached, and friendly words between two members."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow

# To whom a member is reachable: the chair and deputy holding the seats when consent was given, or everyone.
SCOPE_CHAIR, SCOPE_COUNCIL = "chair", "council"


class DirectConsent(db.Model):
    """A member's consent to be reached by message and/or by their phone number. No row: not reachable.

    Consent to "the chair" names the seat holders when it is given (`chair_id`, `deputy_id`); a change of
    either seat lapses it (`lapsed_at`) until the member extends it to the new holders.
    """
    __tablename__ = "direct_consent"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    by_message: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    by_phone: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    scope: Mapped[str] = mapped_column(String(10), default=SCOPE_CHAIR)
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    deputy_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lapsed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    chair = relationship("User", foreign_keys=[chair_id])
    deputy = relationship("User", foreign_keys=[deputy_id])


class DirectBlock(db.Model):
    """`blocker_id` blocked `blocked_id`: no button, no new conversation, and the blocked member is not told."""
    __tablename__ = "direct_block"

    blocker_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    blocked_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Conversation(db.Model):
    """A friendly word and its answers, for the two members only (staff read it once one of them reports it)."""
    __tablename__ = "conversation"
    __table_args__ = (Index("ix_conversation_starter_created", "starter_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    starter_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    receiver_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    form_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    starter = relationship("User", foreign_keys=[starter_id])
    receiver = relationship("User", foreign_keys=[receiver_id])
    messages = relationship("DirectMessage", back_populates="conversation", order_by="DirectMessage.id",
                            cascade="all, delete-orphan", passive_deletes=True)

    def other(self, user):
        return self.receiver if user.id == self.starter_id else self.starter

    def has(self, user) -> bool:
        return user.id in (self.starter_id, self.receiver_id)


class DirectMessage(db.Model):
    __tablename__ = "direct_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    form_token: Mapped[str | None] = mapped_column(String(64), unique=True)  # one message per submitted form

    conversation = relationship(Conversation, back_populates="messages")
    author = relationship("User")
