"""The good-neighbour agreement: the council's commitments, each changed only through a council decision."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .base import enum_column as _enum
from .meetings import AgendaItem


class AgreementStatus(enum.StrEnum):
    KEPT = "kept"
    NEEDS_WORK = "needs_work"
    DROPPED = "dropped"


class Responsible(enum.StrEnum):
    """Who keeps a commitment: a group or a role, never a resident by name."""
    EVERYONE = "everyone"
    NEIGHBOURS = "neighbours"
    RESIDENTS = "residents"
    STAFF = "staff"
    COUNCIL = "council"
    CHAIR = "chair"


class AgreementItem(db.Model):
    """One commitment as it stands now; its history is its AgreementChange rows."""
    __tablename__ = "agreement_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(300))
    responsible: Mapped[Responsible] = mapped_column(_enum(Responsible, "agreement_responsible"))
    status: Mapped[AgreementStatus] = mapped_column(_enum(AgreementStatus, "agreement_status"),
                                                    default=AgreementStatus.KEPT)
    review_date: Mapped[date] = mapped_column(Date, index=True)
    # Shown on the public contact page (unless dropped).
    public: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The review date the chair was last reminded of (a month before it), so each date is reminded once.
    reminded_for: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    form_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    changes: Mapped[list[AgreementChange]] = relationship(
        back_populates="item", order_by="AgreementChange.id", cascade="all, delete-orphan", passive_deletes=True)


class AgreementChange(db.Model):
    """One step of an item's history: what it became, and the council decision that made it so. No person is
    stored (the decision is the council's; the audit log says who entered it)."""
    __tablename__ = "agreement_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agreement_item.id", ondelete="CASCADE"), index=True)
    # The decision: an agenda item with a decision in approved minutes (meetings keep decisions there).
    decision_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    proposed: Mapped[bool] = mapped_column(default=False)  # the item's first step
    text: Mapped[str] = mapped_column(String(300))
    responsible: Mapped[Responsible] = mapped_column(_enum(Responsible, "agreement_responsible"))
    status: Mapped[AgreementStatus] = mapped_column(_enum(AgreementStatus, "agreement_status"))
    review_date: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)

    item: Mapped[AgreementItem] = relationship(back_populates="changes")
    decision: Mapped[AgendaItem] = relationship()
