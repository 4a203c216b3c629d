"""Starting a council (issue 22): guest links for one meeting, and the household letters' runs and codes."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .core import Role
from .meetings import Meeting, MeetingStatus

# A guest link works until this long after the meeting's minutes are approved.
GUEST_AFTER_APPROVAL = timedelta(days=14)


class MeetingGuest(db.Model):
    """A personal link for one meeting, for someone without an account (a municipal convener, a police
    contact): only its hash is kept; it can be withdrawn."""
    __tablename__ = "meeting_guest"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(120))  # whom, as the inviter wrote it ("head of the centre")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    form_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    meeting: Mapped[Meeting] = relationship()

    @property
    def valid_until(self) -> datetime | None:
        """14 days after the minutes are approved; None while they are not."""
        approved = self.meeting.approved_at
        return approved + GUEST_AFTER_APPROVAL if approved else None

    @property
    def valid(self) -> bool:
        if self.withdrawn_at is not None or self.meeting.status == MeetingStatus.CANCELLED:
            return False
        until = self.valid_until
        return until is None or utcnow() < until


class LetterRun(db.Model):
    """One printing of household letters: how many, never the addresses (deleted once printed)."""
    __tablename__ = "letter_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    letters: Mapped[int]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    form_token: Mapped[str | None] = mapped_column(String(64), unique=True)


class HouseholdCode(db.Model):
    """The code on one household letter: at most HOUSEHOLD_ACCOUNTS neighbour accounts, until it expires;
    a reprinted letter voids it. Only its hash is kept."""
    __tablename__ = "household_code"
    __table_args__ = (UniqueConstraint("run_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("letter_run.id", ondelete="CASCADE"))
    number: Mapped[int]  # the letter's number in its run, printed on it
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)  # a reprint replaces it: the old code is void
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    accounts_used: Mapped[int] = mapped_column(default=0)

    run: Mapped[LetterRun] = relationship()

    @property
    def role(self) -> Role:
        """A household code makes neighbour accounts, never another role."""
        return Role.NEIGHBOUR
