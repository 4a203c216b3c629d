"""The public contact page: contact points, a chair's consent to show their own number, and guidance."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..markdown import RenderedText
from .base import UTCDateTime, utcnow


class ContactPoint(db.Model):
    """A line on the public contact page; staff edit them (issue 8)."""
    __tablename__ = "contact_point"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(254))
    hours: Mapped[str | None] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(String(300))
    # The facility's 24/7 on-duty phone: shown on the report form and the printed card.
    is_on_duty: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Emergency numbers (110, 112, 113) are always listed last.
    is_emergency: Mapped[bool] = mapped_column(default=False, server_default=false())


class ChairContact(db.Model):
    """A chair's recorded consent to show their own number on the public page.

    Shown only while the person is an active chair: a handover or deactivation hides it at
    once, and withdrawing the consent deletes the row.
    """
    __tablename__ = "chair_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    label: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(254))
    hours: Mapped[str | None] = mapped_column(String(120))
    consented_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User")


class Guidance(RenderedText, db.Model):
    """"What do I do if ...": short advice per situation, pointing to a contact point."""
    __tablename__ = "contact_guidance"
    __rendered__ = ("advice",)

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(default=0)
    situation: Mapped[str] = mapped_column(String(120))
    advice: Mapped[str] = mapped_column(Text)
    advice_html: Mapped[str | None] = mapped_column(Text)  # rendered on write (naborad.markdown)
    contact_point_id: Mapped[int | None] = mapped_column(ForeignKey("contact_point.id", ondelete="SET NULL"))

    contact_point: Mapped[ContactPoint | None] = relationship()
