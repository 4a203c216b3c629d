"""The neighbourhood pulse (issue 20, item 1): rounds of a three-question check, anonymous by construction.

An answer (`pulse_answer`) holds only the round, the answerer's group and the three values, under a random
key: no member, no time, no sequence number. That a member answered a round is a separate row
(`pulse_answered`, unique per round and member, so nobody answers twice), written in the same transaction.
Neither the storage order nor the database's own row markers can join the two: every answer writes the
round's answers anew in the order of their random keys (pulse/service.py `answer`), so on SQLite the rowid
order and on PostgreSQL the physical order (ctid) and the writing transaction (xmin) of every answer of a
round are the same for all of them, whoever answered when. The optional free-text line (`pulse_comment`)
is kept apart from the answer (no group, no values), read by staff only and deleted after 12 months.
"""
from __future__ import annotations

import enum
import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


def random_key() -> str:
    return secrets.token_hex(16)


class PulseGroup(enum.StrEnum):
    NEIGHBOURS = "neighbours"  # neighbours and the chair
    RESIDENTS = "residents"
    STAFF = "staff"


class PulseRound(db.Model):
    """One round of the pulse: open from `opened_at` until `closes_at`; after a held council meeting
    (`meeting_id`) or the quarterly one (none)."""
    __tablename__ = "pulse_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="SET NULL"), unique=True)


class PulseAnswer(db.Model):
    """One member's answer, anonymous: the round, the group and the values (1-5; None: "don't know")."""
    __tablename__ = "pulse_answer"

    key: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_key)
    round_id: Mapped[int] = mapped_column(ForeignKey("pulse_round.id", ondelete="CASCADE"), index=True)
    group: Mapped[str] = mapped_column(String(12))
    safe: Mapped[int | None] = mapped_column(SmallInteger)
    heard: Mapped[int | None] = mapped_column(SmallInteger)
    relations: Mapped[int | None] = mapped_column(SmallInteger)


class PulseAnswered(db.Model):
    """That a member answered a round (never what): one per round and member. Deleted when the round closes."""
    __tablename__ = "pulse_answered"
    __table_args__ = (UniqueConstraint("round_id", "user_id", name="uq_pulse_answered_round_user"),)

    key: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_key)
    round_id: Mapped[int] = mapped_column(ForeignKey("pulse_round.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)


class PulseComment(db.Model):
    """The optional free-text line of an answer, apart from it: staff read it; deleted after 12 months."""
    __tablename__ = "pulse_comment"

    key: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_key)
    round_id: Mapped[int] = mapped_column(ForeignKey("pulse_round.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
