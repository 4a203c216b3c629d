"""One scheduler for every periodic job (issue 19, item 3): each due job runs once per period, however often
`run-jobs` is called and from how many processes at once."""
import os
import subprocess
import sys
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import select

from naborad import ROOT
from naborad.extensions import db
from naborad.jobs import DAY, HOUR, JOBS, MINUTE, Job, run_due
from naborad.models import JobRun, ReportCategory, ReportStatus, SituationReport, utcnow

UTC = timezone.utc
NAMES = {"escalate", "send-reminders", "send-digests", "purge-dietary", "purge-reports", "purge-conversations",
         "pulse-round", "purge-pulse",  # issue 20: the neighbourhood pulse
         "remind-agreement-reviews",
         "purge-dialogues",
         "access-end", "purge-start",
         "series-meetings", "series-premeetings"}  # the series: issue 21


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_the_registry_holds_the_periodic_commands():
    assert {job.name for job in JOBS} >= NAMES


def test_periods_in_oslo_time_across_a_dst_switch():
    hourly = Job("h", HOUR, lambda now: None, "")
    assert hourly.period_start(utc(2026, 12, 1, 21, 59, 30)) == utc(2026, 12, 1, 21, 0)
    daily = Job("d", DAY, lambda now: None, "", at=time(7))
    assert daily.period_start(utc(2026, 12, 1, 6, 30)) == utc(2026, 12, 1, 6, 0)  # 07:30 in winter
    assert daily.period_start(utc(2026, 12, 1, 5, 30)) == utc(2026, 11, 30, 6, 0)  # 06:30: yesterday's
    assert daily.period_start(utc(2026, 3, 29, 5, 30)) == utc(2026, 3, 29, 5, 0)  # 07:30 CEST, the switch day
    assert daily.period_start(utc(2026, 3, 29, 4, 30)) == utc(2026, 3, 28, 6, 0)  # 06:30 CEST: Saturday's 07:00 CET
    minutely = Job("m", MINUTE, lambda now: None, "")
    assert minutely.period_start(utc(2026, 12, 1, 21, 10, 59)) == utc(2026, 12, 1, 21, 10)


def test_each_due_job_runs_once_per_period(app):
    runs = []
    jobs = [Job("every-minute", MINUTE, lambda now: runs.append(("m", now)) or "m", ""),
            Job("hourly", HOUR, lambda now: runs.append(("h", now)) or "h", ""),
            Job("daily", DAY, lambda now: runs.append(("d", now)) or "d", "", at=time(7))]
    start = utc(2026, 12, 1, 7, 0, 5)  # 08:00 in Oslo
    assert set(run_due(start, jobs)) == {"every-minute", "hourly", "daily"}
    assert run_due(start + timedelta(seconds=30), jobs) == {}  # cron called twice in the minute
    assert set(run_due(start + timedelta(minutes=1), jobs)) == {"every-minute"}
    assert set(run_due(start + timedelta(hours=1), jobs)) == {"every-minute", "hourly"}
    assert set(run_due(utc(2026, 12, 2, 5, 59), jobs)) == {"every-minute", "hourly"}  # 06:59: not the day's yet
    assert set(run_due(utc(2026, 12, 2, 6, 0), jobs)) == {"every-minute", "hourly", "daily"}
    assert [kind for kind, _ in runs].count("d") == 2
    row = db.session.get(JobRun, "daily")
    assert row.last_started_at == utc(2026, 12, 2, 6, 0) and row.locked_until is None and row.last_result == "d"


def test_a_job_another_process_holds_is_left_alone(app):
    runs = []
    job = Job("held", MINUTE, lambda now: runs.append(now), "")
    now = utc(2026, 12, 1, 12, 0)
    db.session.add(JobRun(name="held", locked_until=now + timedelta(minutes=5)))  # running elsewhere
    db.session.commit()
    assert run_due(now, [job]) == {} and runs == []
    # The holder died: after its lease the job is taken again.
    assert run_due(now + timedelta(minutes=6), [job]) == {"held": "None"} and len(runs) == 1


def test_a_failing_job_is_tried_again_and_the_others_still_run(app):
    calls = []

    def flaky(now):
        calls.append(now)
        if len(calls) == 1:
            raise RuntimeError("SMTP down")
        return "ok"
    jobs = [Job("flaky", DAY, flaky, "", at=time(3)), Job("steady", DAY, lambda now: "fine", "", at=time(3))]
    now = utc(2026, 12, 1, 3, 0)
    assert run_due(now, jobs) == {"flaky": "failed", "steady": "fine"}
    assert db.session.get(JobRun, "flaky").locked_until is None
    assert run_due(now + timedelta(minutes=1), jobs) == {"flaky": "ok"}
    assert run_due(now + timedelta(minutes=2), jobs) == {}


def test_the_real_jobs_run_through_the_registry(app):
    old = SituationReport(category=ReportCategory.NOISE, text="Loud", place="Car park", status=ReportStatus.CLOSED,
                          closed_at=utcnow() - timedelta(days=800))
    db.session.add(old)
    db.session.commit()
    done = run_due()
    assert set(done) == NAMES and done["purge-reports"] == "personal details removed from 1 closed report(s)"
    db.session.expire_all()
    assert db.session.get(SituationReport, old.id).text is None


def test_run_jobs_started_twice_at_once_runs_each_job_once(app, database_url):
    """Two real `flask run-jobs` processes on the same database at the same moment: each job runs in one of
    them, and the report is purged once."""
    old = SituationReport(category=ReportCategory.NOISE, text="Loud", place="Car park", status=ReportStatus.CLOSED,
                          closed_at=utcnow() - timedelta(days=800))
    db.session.add(old)
    db.session.commit()
    db.session.remove()  # the test holds no connection (nor SQLite's lock) while the two run
    env = {**os.environ, "NABORAD_DATABASE_URL": database_url, "NABORAD_SECRET_KEY": "test-secret-key-for-jobs"}
    command = [sys.executable, "-m", "flask", "--app", "naborad", "run-jobs"]
    started = utcnow()
    processes = [subprocess.Popen(command, cwd=str(ROOT), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], [err for _, err in outputs]
    lines = [line for out, _ in outputs for line in out.splitlines()]
    ran = [line.split(":")[0] for line in lines]
    assert sorted(ran) == sorted(NAMES), lines  # each job once, in one process or the other
    assert lines.count("purge-reports: personal details removed from 1 closed report(s)") == 1
    rows = db.session.scalars(select(JobRun)).all()
    assert {r.name for r in rows} == NAMES and all(r.locked_until is None and r.last_finished_at for r in rows)
    db.session.remove()
    # And a third call within the hour finds nothing due.
    again = subprocess.run(command, cwd=str(ROOT), env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    crossed = {job.name for job in JOBS if job.period_start(started) != job.period_start(utcnow())}
    assert {line.split(":")[0] for line in again.stdout.splitlines()} <= crossed  # a new hour may have begun


def test_the_readme_lists_every_job():
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("## Scheduled jobs"):readme.index("## Running in production")]
    assert all(f"| `{job.name}` |" in table for job in JOBS)
