"""Backup and restore (`flask --app naborad backup PATH`, `restore PATH`).

A backup is one file, written with mode 600: a gzipped tar of `manifest.json` (app version, migration
head(s), row counts per table, time, database kind) and the database itself: on SQLite a copy made with
SQLite's online backup API (consistent while the app runs), on PostgreSQL `pg_dump` in its custom format,
taken in the same snapshot the row counts were read from.

Restore goes into an empty database of the same kind and refuses anything else, and a backup of a schema this
code does not know (made by a newer version). A backup of an older schema is brought to the head. Then it ends
what a copy must not bring back to life: every login session, every outstanding token (password-reset and
email-change links, open invitation codes, calendar-feed links: members and staff make new ones), the mail
still waiting in the outbox (it may have gone out after the backup was taken; no mail is sent twice), and
runs the retention purges at once, so nothing past its retention comes back.
"""
from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from datetime import datetime
from importlib import metadata
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import create_engine, delete, func, inspect, select, text, update
from sqlalchemy.engine import make_url

from ..extensions import db
from ..jobs import JOBS
from ..models import (
    CalendarFeed,
    EmailChange,
    HouseholdCode,
    Invitation,
    JobRun,
    MailStatus,
    MeetingGuest,
    OutboxMail,
    PasswordReset,
    SessionSecret,
    UserSession,
    audit,
    utcnow,
)
from .service import migration_heads, script_directory

FORMAT = 1
MANIFEST = "manifest.json"


class BackupError(Exception):
    """Backup or restore refused, with a message for the person at the console."""


def app_version() -> str:
    try:
        return metadata.version("naborad")
    except metadata.PackageNotFoundError:
        return "unknown"


def _kind() -> str:
    return db.engine.dialect.name  # "sqlite" or "postgresql"


def row_counts(connection) -> dict[str, int]:
    """Rows per table of the models, in one connection (one snapshot when the caller's transaction is one)."""
    return {table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in db.metadata.sorted_tables}


def _libpq(url) -> tuple[str, dict]:
    """A SQLAlchemy URL as pg_dump/pg_restore take it, and the environment with the password (never on the
    command line, where `ps` shows it)."""
    url = make_url(url) if isinstance(url, str) else url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client, of the "
                          "server's major version or newer).")
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def _open_private(path: Path):
    """A new file only its owner may read (mode 600 whatever the umask); refuses to overwrite."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, "wb")


def backup(path: str | Path) -> dict:
    """Write a backup of the app's database to `path` (a new file, mode 600); -> its manifest."""
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} exists already: give a new file name.")
    kind = _kind()
    with tempfile.TemporaryDirectory(prefix="naborad-backup-") as work:
        work = Path(work)
        if kind == "sqlite":
            dump = work / "database.sqlite3"
            source = sqlite3.connect(db.engine.url.database)
            target = sqlite3.connect(dump)
            try:
                source.backup(target)  # SQLite's online backup API: a consistent copy while the app writes
            finally:
                source.close()
                target.close()
            copy = create_engine(f"sqlite:///{dump}")
            with copy.connect() as conn:
                counts, heads = row_counts(conn), _revisions(conn)
            copy.dispose()
        elif kind == "postgresql":
            dump = work / "database.pgdump"
            url, env = _libpq(db.engine.url)
            with db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn, conn.begin():
                # pg_dump reads the very snapshot the counts are read from.
                snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                counts, heads = row_counts(conn), _revisions(conn)
                _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                      f"--file={dump}", f"--dbname={url}"], env)
        else:
            raise BackupError(f"backups of {kind} databases are not supported")
        manifest = {"format": FORMAT, "app_version": app_version(), "database": kind,
                    "migration_heads": sorted(heads), "created_at": utcnow().isoformat(timespec="seconds"),
                    "row_counts": counts}
        with _open_private(path) as out, tarfile.open(fileobj=out, mode="w:gz") as tar:
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(data), 0o600, int(datetime.now().timestamp())
            tar.addfile(info, io.BytesIO(data))
            tar.add(dump, arcname=dump.name)
    return manifest


def _revisions(connection) -> list[str]:
    return list(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


def read_manifest(path: str | Path) -> dict:
    try:
        with tarfile.open(path, mode="r:gz") as tar:
            return json.load(tar.extractfile(MANIFEST))
    except (OSError, KeyError, tarfile.TarError, ValueError) as error:
        raise BackupError(f"{path} is not a Naboråd backup ({error})") from error


def _known_revisions() -> set[str]:
    return {script.revision for script in script_directory().walk_revisions()}


def _is_empty() -> bool:
    """No table at all in the target (an alembic_version table counts: a migrated database is not empty)."""
    names = inspect(db.engine).get_table_names()
    return not names


def restore(path: str | Path, now: datetime | None = None) -> dict:
    """Restore a backup into the app's database, which must be empty; -> {"manifest", "ended", "purged"}."""
    manifest = read_manifest(path)
    kind = _kind()
    if manifest.get("format") != FORMAT:
        raise BackupError(f"backup format {manifest.get('format')} is not one this version reads")
    if manifest["database"] != kind:
        raise BackupError(f"this is a backup of a {manifest['database']} database; the target is {kind}")
    unknown = set(manifest["migration_heads"]) - _known_revisions()
    if unknown:
        raise BackupError(f"the backup's schema ({', '.join(sorted(unknown))}) is newer than this version of "
                          f"Naboråd knows (app {manifest['app_version']} made it): install that version or a "
                          "newer one, then restore")
    if not _is_empty():
        raise BackupError("the target database is not empty: restore goes into a new, empty database only")
    with tempfile.TemporaryDirectory(prefix="naborad-restore-") as work, tarfile.open(path, mode="r:gz") as tar:
        name = "database.sqlite3" if kind == "sqlite" else "database.pgdump"
        tar.extract(name, work, filter="data")
        dump = Path(work) / name
        db.session.remove()
        db.engine.dispose()
        if kind == "sqlite":
            source, target = sqlite3.connect(dump), sqlite3.connect(db.engine.url.database)
            try:
                source.backup(target)
            finally:
                source.close()
                target.close()
        else:
            url, env = _libpq(db.engine.url)
            _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                  f"--dbname={url}", str(dump)], env)
    db.engine.dispose()
    if set(manifest["migration_heads"]) != set(migration_heads()):
        upgrade(revision="heads")  # an older backup: its schema is brought to this version's
    ended = end_outstanding(now)
    purged = run_purges(now)
    audit("restored_from_backup", detail=f"backup of {manifest['created_at']}, app {manifest['app_version']}")
    db.session.commit()
    return {"manifest": manifest, "ended": ended, "purged": purged}


# -- what a restored copy must not bring back ---------------------------------------------------------------

def _end_sessions(now):
    db.session.execute(delete(SessionSecret))
    return db.session.execute(delete(UserSession)).rowcount


def _end_resets(now):
    return db.session.execute(delete(PasswordReset)).rowcount


def _end_email_changes(now):
    return db.session.execute(delete(EmailChange)).rowcount


def _end_invitations(now):
    return db.session.execute(
        update(Invitation).where(Invitation.accepted_at.is_(None), Invitation.withdrawn_at.is_(None))
        .values(withdrawn_at=now).execution_options(synchronize_session=False)).rowcount


def _end_feeds(now):
    return db.session.execute(delete(CalendarFeed)).rowcount


def _end_guest_links(now):
    return db.session.execute(
        update(MeetingGuest).where(MeetingGuest.withdrawn_at.is_(None)).values(withdrawn_at=now)
        .execution_options(synchronize_session=False)).rowcount


def _end_household_codes(now):
    """A letter is reprinted for a household that still needs its code (a reprint makes a new one)."""
    return db.session.execute(
        update(HouseholdCode).where(HouseholdCode.expires_at > now).values(expires_at=now)
        .execution_options(synchronize_session=False)).rowcount


def _hold_outbox(now):
    return db.session.execute(
        update(OutboxMail).where(OutboxMail.status.in_([MailStatus.PENDING, MailStatus.SENDING]))
        .values(status=MailStatus.FAILED, last_error="restored from a backup: not sent again")
        .execution_options(synchronize_session=False)).rowcount


def _free_jobs(now):
    return db.session.execute(update(JobRun).values(locked_until=None)
                              .execution_options(synchronize_session=False)).rowcount


# Table -> what restore does with its rows. A feature that stores a token or code (a column named token_hash
# or code_hash) adds its table here, or to KEPT_ON_RESTORE with the reason (tests/test_backup.py checks).
ENDED_ON_RESTORE: dict[str, tuple[str, Callable]] = {
    "user_session": ("login sessions (and the secrets kept with them) ended", _end_sessions),
    "password_reset": ("password-reset links ended", _end_resets),
    "email_change": ("email-change links ended", _end_email_changes),
    "invitation": ("open invitation codes withdrawn", _end_invitations),
    "calendar_feed": ("calendar-feed links ended", _end_feeds),
    "meeting_guest": ("guest links of meetings withdrawn", _end_guest_links),
    "household_code": ("household codes of letters expired (reprint a letter for a new one)", _end_household_codes),
    "outbox_mail": ("mail waiting to be sent held back", _hold_outbox),
    "job_run": ("scheduler claims let go", _free_jobs),
}
# Credentials a member keeps, as a password is kept: not outstanding tokens.
KEPT_ON_RESTORE = {
    "recovery_code": "two-factor recovery codes are the member's own credentials, like the password",
}


def end_outstanding(now: datetime | None = None) -> dict[str, int]:
    """End every session and outstanding token (ENDED_ON_RESTORE); commits; -> {what: rows}."""
    now = now or utcnow()
    done = {what: run(now) for what, run in ENDED_ON_RESTORE.values()}
    db.session.commit()
    return done


def run_purges(now: datetime | None = None) -> dict[str, str]:
    """Every retention purge of naborad/jobs.py (the jobs named purge-...), at once; -> {job: what it did}."""
    now = now or utcnow()
    done = {}
    for job in JOBS:
        if job.name.startswith("purge"):
            done[job.name] = str(job.run(now))
            db.session.commit()
    return done
