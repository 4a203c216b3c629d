"""The public contact page: contact points, a chair's consent to show their own number, and guidance."""
from __future__ import annotations

import enum
from datetime import date, datetime, time

from sqlalchemy import Date, ForeignKey, String, Text, Time, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..markdown import RenderedText
from .base import UTCDateTime, enum_column, utcnow


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


class RotaDays(enum.StrEnum):
    """Which days a rota slot covers. A slot starts on such a day at `starts` and runs to `ends` (the next
    day when `ends` is not after `starts`). Once any holiday slot exists, a public holiday
    (naborad/holidays.py) follows the holiday slots instead of its weekday's."""
    WEEKDAYS = "weekdays"  # Monday to Friday
    WEEKEND = "weekend"    # Saturday and Sunday
    HOLIDAYS = "holidays"  # public holidays
    DATES = "dates"        # one date range, an exception (one contact covering 24-28 December)


class RotaMember(db.Model):
    """A contact point in the ordered on-duty chain (issue 19): escalation goes from the one on duty to the
    next in the chain, then to the facility manager."""
    __tablename__ = "rota_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(default=0)
    contact_point_id: Mapped[int] = mapped_column(ForeignKey("contact_point.id", ondelete="CASCADE"), unique=True)
    # Where escalation mail goes (may be an email-to-SMS gateway); it carries the report's number,
    # category and a link only.
    alert_email: Mapped[str | None] = mapped_column(String(254))
    is_manager: Mapped[bool] = mapped_column(default=False, server_default=false())
    # A deactivated member keeps its slots, but nobody is on duty in them: staff see a warning.
    is_active: Mapped[bool] = mapped_column(default=True, server_default=true())
    # The staff member who gets the in-app alert at this step (none: every active staff member does).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    contact_point: Mapped[ContactPoint] = relationship()


class RotaSlot(db.Model):
    """The hours one chain member covers; times are Europe/Oslo wall-clock times (a slot 23:00-08:00 is
    23:00 to 08:00 on the clock on the night of either daylight-saving switch)."""
    __tablename__ = "rota_slot"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("rota_member.id", ondelete="CASCADE"), index=True)
    days: Mapped[RotaDays] = mapped_column(enum_column(RotaDays, "rota_days"))
    starts: Mapped[time] = mapped_column(Time)
    ends: Mapped[time] = mapped_column(Time)
    first_day: Mapped[date | None] = mapped_column(Date)  # DATES only: from first_day at `starts`
    last_day: Mapped[date | None] = mapped_column(Date)   # ... to last_day at `ends`

    member: Mapped[RotaMember] = relationship()
