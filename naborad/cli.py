"""The app-wide commands: demo-data (every feature's demo data, in order), bench-data (a generated council of
N years, naborad.bench_data), send-mail, run-jobs (every periodic job, naborad/jobs.py) and rerender-text
(user text stored anew after a renderer change). A feature's own commands are in its cli.py: create-user
(members), send-reminders and send-digests (notifications), purge-dietary (events), purge-reports (reports)."""
import os
import time
from datetime import timedelta

import click
from sqlalchemy import func, select

from . import bench_data
from .contact import demo as contact_demo
from .council_health import demo as council_health_demo
from .events import demo as events_demo
from .extensions import db
from .issues import demo as issues_demo
from .jobs import run_due, run_loop
from .mail import run_worker
from .markdown import RENDERER_VERSION, rerender_stale
from .meetings import demo as meetings_demo
from .members import demo as members_demo
from .models import User, audit, utcnow
from .ops import backup
from .premeeting import demo as premeeting_demo
from .reports import demo as reports_demo

DEMO_PASSWORD = "naborad-demo-2026"
HISTORY_BEFORE = timedelta(days=340)  # the demo's own meetings start 330 days ago (meetings/demo.py)


def register_cli(app):
    @app.cli.command("demo-data")
    @click.option("--password", default=None, help=f"Password for every demo login (default {DEMO_PASSWORD}).")
    @click.option("--if-empty", is_flag=True, help="Do nothing when the database already has members.")
    def demo_data(password, if_empty):
        """Load the demo council "Naborådet i Eksempelveien"."""
        if db.session.scalar(select(func.count()).select_from(User)):
            if if_empty:
                click.echo("The database has members already; no demo data loaded.")
                return
            raise click.ClickException("The database has members already.")
        password = password or os.environ.get("NABORAD_DEMO_PASSWORD") or DEMO_PASSWORD
        load_demo_data(password)
        click.echo(f"Demo council loaded. Logins: beboer, nabo, leder, ansatt (password: {password}).")

    @app.cli.command("bench-data")
    @click.option("--years", default=10, show_default=True, type=click.IntRange(1, 100),
                  help="How many years of council work (ten: 3,000 issues, 60,000 replies, 120 meetings, ...).")
    @click.option("--password", default=None, help=f"Password for every login (default {DEMO_PASSWORD}).")
    @click.option("--force", is_flag=True, help="Add the generated council to a database that has data already.")
    def bench_data_command(years, password, force):
        """Generate a council of N years at scale, for `make bench` and for trying the app with much data."""
        if bench_data.has_data() and not force:
            raise click.ClickException(
                "The database has data already: bench-data adds a whole generated council (members, issues, "
                "meetings, ...) to it. Use an empty database, or --force to add it anyway.")
        password = password or os.environ.get("NABORAD_DEMO_PASSWORD") or DEMO_PASSWORD
        started = time.perf_counter()
        counts = bench_data.generate(years, password)
        click.echo(", ".join(f"{n:,} {what.replace('_', ' ')}" for what, n in counts.items()))
        click.echo(f"A council of {years} year(s) in {time.perf_counter() - started:.0f} s. "
                   f"Logins: beboer, nabo, leder, ansatt (password: {password}).")

    @app.cli.command("send-mail")
    @click.option("--loop", is_flag=True, help="Keep running and send as mail arrives.")
    @click.option("--interval", default=5.0, help="Seconds between rounds with --loop.")
    def send_mail(loop, interval):
        """Send the mail waiting in the outbox."""
        run_worker(loop, interval)

    @app.cli.command("run-jobs")
    @click.option("--loop", is_flag=True, help="Keep running: look for due jobs at the start of every minute.")
    def run_jobs(loop):
        """Run each periodic job that is due, once (safe to run every minute, from several servers at once)."""
        if loop:
            run_loop()
        for name, result in run_due().items():
            click.echo(f"{name}: {result}")

    @app.cli.command("rerender-text")
    def rerender_text():
        """Store user text rendered anew after a renderer change (only rows another renderer wrote)."""
        counts = rerender_stale(db.session)
        for table, (done, rows) in counts.items():
            click.echo(f"{table}: {done} of {rows} rendered anew")
        total = sum(done for done, _ in counts.values())
        click.echo(f"{total} rows rendered anew, renderer version {RENDERER_VERSION}.")

    @app.cli.command("backup")
    @click.argument("path", type=click.Path(dir_okay=False))
    def backup_command(path):
        """Write a backup of the database to PATH (a new file, mode 600): SQLite's online backup or pg_dump,
        with a manifest (app version, migration head, rows per table, time)."""
        try:
            manifest = backup.backup(path)
        except backup.BackupError as error:
            raise click.ClickException(str(error)) from error
        rows = sum(manifest["row_counts"].values())
        click.echo(f"Backup written to {path}: {rows:,} rows in {len(manifest['row_counts'])} tables, schema "
                   f"{', '.join(manifest['migration_heads'])}, app {manifest['app_version']}.")

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    def restore_command(path):
        """Restore a backup into the (empty) database; ends every session and outstanding token, and runs the
        retention purges."""
        try:
            result = backup.restore(path)
        except backup.BackupError as error:
            raise click.ClickException(str(error)) from error
        manifest = result["manifest"]
        click.echo(f"Restored the backup of {manifest['created_at']} (app {manifest['app_version']}, schema "
                   f"{', '.join(manifest['migration_heads'])}).")
        for what, rows in result["ended"].items():
            click.echo(f"  {what}: {rows}")
        for job, did in result["purged"].items():
            click.echo(f"  {job}: {did}")
        click.echo("Members log in again; invitation codes, reset links and calendar links must be made anew.")


def load_demo_data(password: str) -> None:
    """Every feature's demo data, each building on the ones before it. Commits."""
    users = members_demo.load_demo(password)  # one login per role, all with this password
    contact_demo.load_demo(users)  # the contact page and its guidance (issue 8)
    issues_demo.load_demo(users)
    meetings_demo.load_demo(users)  # a year of meetings, the next one planned (issue 5)
    premeeting_demo.load_demo(users)  # the residents' pre-meeting before it (issue 6)
    reports_demo.load_demo(users)  # months of situation reports (issue 8)
    events_demo.load_demo(users)  # summer party, Christmas party, dugnad (issue 7)
    council_health_demo.load_demo(users)  # the good-neighbour agreement, linked to a decision (issue 20)
    # Two years before the demo's own year, by the bench's generator at a small scale: the yearly report and
    # the pulse's trend have figures (issue 20).
    bench_data.generate(2, password, history=True, until=utcnow() - HISTORY_BEFORE)
    audit("demo_data_loaded")
    db.session.commit()
