"""The scheduler's bookkeeping: one row per periodic job, claimed by the process that runs it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime


class JobRun(db.Model):
    """A job of naborad/jobs.py. A process runs a job only after claiming its row with one conditional
    UPDATE (not claimed by another process now, not yet started in this period), so two servers running
    `run-jobs` at once never run the same job twice."""
    __tablename__ = "job_run"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    last_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Claimed until then; a process that died while running the job lets it go at this time.
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_result: Mapped[str | None] = mapped_column(String(200))
