"""The yearly report (issue 20, item 2): the chair's opening text, one per calendar year.

The report's figures are counted from the other features' rows (naborad/yearly/service.py); attendance at a
council meeting is three counts on the meeting itself (models/meetings.py)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..markdown import RenderedText
from .base import UTCDateTime, utcnow


class YearlyText(RenderedText, db.Model):
    """The short text that opens a year's report, written by the chair (Markdown, rendered on write)."""
    __tablename__ = "yearly_text"
    __rendered__ = ("text",)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    text: Mapped[str] = mapped_column(Text, default="")
    text_html: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
