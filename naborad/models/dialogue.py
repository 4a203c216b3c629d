"""Report patterns and dialogue meetings (issue 19, item 5).

A dialogue meeting is a small meeting with the people involved in a repeated situation. It is its own model,
never a row of `Meeting`: no query of the council meetings, their lists, calendar feeds or statistics can
return it. Its invitees and staff read it; to everyone else it does not exist (404).

A pattern mark records that staff took a repeated pattern of reports (same category and place, see
reports/patterns.py) to the council agenda or to a dialogue meeting, so that it is not offered again until
new reports come. It holds no place: only a hash of the category and the folded place.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .core import User


class DialogueInvitee(db.Model):
    """One member invited to one dialogue meeting."""
    __tablename__ = "dialogue_invitee"

    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogue_meeting.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True)


class DialogueMeeting(db.Model):
    """A dialogue meeting: title, time, place, agenda and minutes (plain text, shown with its line breaks);
    staff write it, its invitees read it."""
    __tablename__ = "dialogue_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(160))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    place: Mapped[str] = mapped_column(String(160))
    agenda: Mapped[str | None] = mapped_column(Text)
    minutes: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    form_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    invitees: Mapped[list[User]] = relationship(secondary="dialogue_invitee", order_by=User.display_name)
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])


PATTERN_AGENDA, PATTERN_DIALOGUE = "agenda", "dialogue"


class ReportPatternMark(db.Model):
    """Staff took a pattern of reports to the council agenda or to a dialogue meeting. `covered_until` is the
    time of the pattern's latest report then: a later report offers the pattern again."""
    __tablename__ = "report_pattern_mark"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    covered_until: Mapped[datetime] = mapped_column(UTCDateTime)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id", ondelete="SET NULL"))
    dialogue_id: Mapped[int | None] = mapped_column(ForeignKey("dialogue_meeting.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
