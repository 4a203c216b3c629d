"""Council-wide settings: one row per named setting (a pause, a flag), read and written through naborad/council.py."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class CouncilSetting(db.Model):
    """A setting of the whole council. Features name their keys in naborad/council.py, never as bare strings."""
    __tablename__ = "council_setting"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[object] = mapped_column(JSON, nullable=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
