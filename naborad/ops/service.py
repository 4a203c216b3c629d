"""The health check's findings: is the database reachable, is its schema at the migrations' head, how old is
the oldest mail waiting to be sent, when did the scheduler last start a job. Status fields only: no data."""
from __future__ import annotations

import functools
from datetime import timezone
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text

from ..extensions import db
from ..models import JobRun, MailStatus, OutboxMail, utcnow

MIGRATIONS = Path(__file__).resolve().parent.parent.parent / "migrations"


def script_directory() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config)


@functools.cache
def migration_heads() -> frozenset[str]:
    """The heads of the migrations this code ships (read once per process)."""
    return frozenset(script_directory().get_heads())


def database_revisions() -> frozenset[str]:
    return frozenset(db.session.scalars(text("SELECT version_num FROM alembic_version")))


def _seconds_since(moment) -> int | None:
    return None if moment is None else max(0, int((utcnow() - moment).total_seconds()))


def health() -> tuple[bool, dict]:
    """-> (healthy, the report). Healthy: the database answers and its schema is at the head. The mail and
    scheduler figures are for monitoring (a stopped worker or timer shows as a growing number), not a reason
    to take a web server out of a load balancer."""
    report = {"database": "ok", "migrations": "unknown", "oldest_pending_mail_seconds": None,
              "last_job_run_seconds_ago": None}
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        db.session.rollback()
        report["database"] = "unreachable"
        return False, report
    try:
        at_head = database_revisions() == migration_heads()
    except Exception:  # no alembic_version table: an empty database
        db.session.rollback()
        at_head = False
    report["migrations"] = "at head" if at_head else "behind"
    if at_head:
        oldest = db.session.scalar(select(func.min(OutboxMail.created_at))
                                   .where(OutboxMail.status == MailStatus.PENDING))
        last_job = db.session.scalar(select(func.max(JobRun.last_started_at)))
        report["oldest_pending_mail_seconds"] = _seconds_since(_aware(oldest))
        report["last_job_run_seconds_ago"] = _seconds_since(_aware(last_job))
    db.session.rollback()
    return at_head, report


def _aware(moment):
    """func.min/max bypass the column type on SQLite: a naive UTC datetime comes back."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment
