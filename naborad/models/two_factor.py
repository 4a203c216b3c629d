"""Two-factor sign-in: a member's TOTP secret and their one-time recovery codes (only hashes of those)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class SecondFactor(db.Model):
    """A member's authenticator app (TOTP). Unconfirmed until the member typed a code from it once."""
    __tablename__ = "second_factor"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    secret: Mapped[str] = mapped_column(String(64))  # base32, as the authenticator app holds it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The TOTP time step of the last code accepted: a code is taken once, and none older after it.
    last_used_step: Mapped[int | None]

    @staticmethod
    def confirmed_for(user) -> SecondFactor | None:
        """The member's confirmed second factor, if they have one."""
        return db.session.scalar(select(SecondFactor).where(SecondFactor.user_id == user.id,
                                                            SecondFactor.confirmed_at.is_not(None)))


class RecoveryCode(db.Model):
    """One of the ten one-time codes given at enrolment, for when the phone is lost. Only its hash is kept."""
    __tablename__ = "recovery_code"
    __table_args__ = (UniqueConstraint("user_id", "code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
