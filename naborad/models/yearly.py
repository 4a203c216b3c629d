"""The yearly report (issue 20, item 2): the chair's opening text, one per calendar year.

The report's figures are counted from the other features' rows (naborad/yearly/service.py); attendance at a
council meeting is three counts on the meeting itself (models/meetings.py)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class YearlyText(db.Model):
    """The short text that opens a year's report, written by the chair: Markdown, rendered (and sanitised) by
    naborad.markdown when the report is shown; one short text per page, so it is not stored rendered."""
    __tablename__ = "yearly_text"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    text: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
