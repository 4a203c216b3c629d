"""One scheduler for every periodic job: `flask --app naborad run-jobs` runs each job that is due, once.

Each job has a period (every minute, every hour, every day from a time of day in Oslo). It is due when it
has not been started in the current period, so cron or a timer may call run-jobs every minute, or twice,
or a few minutes late, and each job still runs once per period. A process runs a job only after claiming
the job's row in `job_run` with one conditional UPDATE (nobody holds it, not started in this period):
PostgreSQL lets one of two such UPDATEs through and re-checks the condition for the other, and SQLite
takes its write lock at BEGIN outside requests (naborad/database.py), so two servers never run the same
job at once. A process that dies while running a job holds it until `locked_until` (LEASE) at most.

A later feature adds its job to JOBS below; the README's table lists them all.
"""
from __future__ import annotations

import logging
import time as clock
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from .council_health.service import remind_reviews
from .dialogue.service import purge_dialogues
from .direct.service import purge_conversations
from .events.service import purge_dietary_notes
from .extensions import db
from .guests.service import purge_guests
from .i18n import OSLO
from .meetings.series import make_ahead
from .members.service import end_due_access, remind_access_ending
from .models import JobRun, utcnow
from .notifications.jobs import send_digests, send_reminders
from .premeeting.service import premeetings_from_series
from .pulse.service import purge as purge_pulse
from .pulse.service import quarterly as quarterly_pulse
from .reports.escalation import escalate_due
from .reports.service import purge_closed_reports
from .start.service import purge_household_codes

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta  # a minute, an hour or a day
    run: Callable[[datetime], object]  # called with now; what it returns is logged
    does: str  # one line for the README and the log
    at: time | None = None  # daily jobs: from this Oslo time of day

    def period_start(self, now: datetime) -> datetime:
        """The start of the period `now` falls in (aware UTC): the minute, the hour, or the day from `at`."""
        if self.every >= timedelta(days=1):
            local = now.astimezone(OSLO)
            start = datetime.combine(local.date(), self.at or time(0), tzinfo=OSLO)
            if start > local:
                start = datetime.combine(local.date() - timedelta(days=1), self.at or time(0), tzinfo=OSLO)
            return start.astimezone(now.tzinfo)
        seconds = self.every.total_seconds()
        return datetime.fromtimestamp(now.timestamp() // seconds * seconds, tz=now.tzinfo)


def _escalate(now):
    return f"{escalate_due(now)} escalation alert(s)"


def _reminders(now):
    return f"{send_reminders(now)} reminder(s) sent"


def _digests(now):
    return f"{send_digests(now)} digest(s) queued"


def _purge_dietary(now):
    return f"{purge_dietary_notes(now)} dietary note(s) deleted"


def _purge_reports(now):
    return f"personal details removed from {purge_closed_reports(now)} closed report(s)"


def _series_meetings(now):
    return f"{make_ahead(now)} planned meeting(s) made by the meeting series"


def _series_premeetings(now):
    return f"{premeetings_from_series(now)} residents' pre-meeting(s) made for series meetings"


def _purge_conversations(now):
    return f"{purge_conversations(now)} direct-line conversation(s) deleted"


def _pulse_round(now):
    return "a pulse round opened" if quarterly_pulse(now) else "no pulse round needed"


def _purge_pulse(now):
    marks, lines = purge_pulse(now)
    return f"{marks} pulse answered mark(s) and {lines} free-text line(s) deleted"


def _agreement_reviews(now):
    return f"{remind_reviews(now)} agreement review reminder(s)"


def _purge_dialogues(now):
    return f"{purge_dialogues(now)} dialogue meeting(s) deleted"


def _access_end(now):
    today = now.astimezone(OSLO).date()
    return f"{remind_access_ending(today)} reminder(s), {end_due_access(today)} access end(s)"


def _purge_start(now):
    return f"{purge_guests(now)} guest link(s), {purge_household_codes(now)} household code(s) deleted"


MINUTE, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)

JOBS: list[Job] = [
    Job("escalate", MINUTE, _escalate,
        "a situation report nobody has acknowledged goes to the next in the on-duty chain, then the facility manager"),
    Job("send-reminders", HOUR, _reminders,
        "reminders for tomorrow's meetings, events and pre-meetings, and for action items due or overdue"),
    Job("send-digests", DAY, _digests, "one digest mail per member who chose it, none if empty", at=time(7)),
    Job("purge-dietary", DAY, _purge_dietary, "deletes dietary notes 30 days after an event", at=time(3)),
    Job("purge-reports", DAY, _purge_reports,
        "removes personal details of reports closed longer ago than NABORAD_REPORT_RETENTION_MONTHS", at=time(3)),
    Job("purge-conversations", DAY, _purge_conversations,
        "deletes direct-line conversations NABORAD_DIRECT_RETENTION_MONTHS after their last message", at=time(3)),
    Job("pulse-round", DAY, _pulse_round,
        "opens a round of the neighbourhood pulse when none opened in the last three months", at=time(10)),
    Job("purge-pulse", DAY, _purge_pulse,
        "deletes the pulse's answered marks of closed rounds and its free-text lines after 12 months", at=time(3)),
    Job("remind-agreement-reviews", DAY, _agreement_reviews,
        "tells the chair and deputy a month before each review date of the good-neighbour agreement, once per date",
        at=time(7)),
    Job("purge-dialogues", DAY, _purge_dialogues,
        "deletes dialogue meetings NABORAD_DIALOGUE_RETENTION_MONTHS after they were held", at=time(3)),
    Job("access-end", HOUR, _access_end,
        "reminds staff a week before a member's access end date, and ends the access on that day"),
    Job("purge-start", DAY, _purge_start,
        "deletes guest links that no longer work and household codes 30 days after they expired", at=time(3)),
    Job("series-meetings", DAY, _series_meetings,
        "makes the planned meetings of each meeting series within its look-ahead (never more than 12 ahead; "
        "none while the council is paused)", at=time(4)),
    Job("series-premeetings", DAY, _series_premeetings,
        "makes the residents' pre-meetings staff planned for the meetings of a series", at=time(4, 5)),
]


def _claim(job: Job, now: datetime) -> bool:
    """Claim `job` if it is due and nobody holds it: True, or False. Commits."""
    if db.session.get(JobRun, job.name) is None:
        try:
            with db.session.begin_nested():
                db.session.add(JobRun(name=job.name))
        except IntegrityError:
            pass  # another process added it first
    claimed = db.session.execute(
        update(JobRun).where(JobRun.name == job.name,
                             or_(JobRun.locked_until.is_(None), JobRun.locked_until < now),
                             or_(JobRun.last_started_at.is_(None), JobRun.last_started_at < job.period_start(now)))
        .values(locked_until=now + LEASE, last_started_at=now)
        .execution_options(synchronize_session=False)).rowcount == 1
    db.session.commit()
    return claimed


def _release(job: Job, result: str, finished: datetime, *, retry: bool = False,
             started_before: datetime | None = None) -> None:
    values = {"locked_until": None, "last_finished_at": finished, "last_result": result[:200]}
    if retry:
        values["last_started_at"] = started_before  # a failed run is tried again at the next call
    db.session.execute(update(JobRun).where(JobRun.name == job.name).values(**values)
                       .execution_options(synchronize_session=False))
    db.session.commit()


def run_due(now: datetime | None = None, jobs: list[Job] | None = None) -> dict[str, str]:
    """Run each due job once; -> {job name: what it did} for the jobs this process ran. A job that fails is
    logged and tried again at the next call; the others still run."""
    now = now or utcnow()
    done = {}
    for job in JOBS if jobs is None else jobs:
        before = db.session.scalar(select(JobRun.last_started_at).where(JobRun.name == job.name))
        db.session.rollback()
        if not _claim(job, now):
            continue
        try:
            result = str(job.run(now))
        except Exception:
            db.session.rollback()
            log.exception("Job %s failed", job.name)
            _release(job, "failed", utcnow(), retry=True, started_before=before)
            done[job.name] = "failed"
            continue
        _release(job, result, utcnow())
        log.info("Job %s: %s", job.name, result)
        done[job.name] = result
    return done


def run_loop(interval: float = 60.0) -> None:
    """run_due() at the start of every `interval` seconds, for ever."""
    while True:
        run_due()
        db.session.remove()
        clock.sleep(interval - clock.time() % interval)
