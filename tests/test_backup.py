"""Issue 23: `backup PATH` and `restore PATH`. The demo council is backed up, restored into a fresh database of the
same kind, and compared; restore refuses a non-empty target and a backup of a newer schema."""
import io
import json
import stat
import tarfile

from sqlalchemy import inspect, select

from naborad import create_app
from naborad.cli import load_demo_data
from naborad.extensions import db
from naborad.jobs import JOBS
from naborad.models import (
    AuditEvent,
    CalendarFeed,
    HouseholdCode,
    Invitation,
    Issue,
    MeetingGuest,
    OutboxMail,
    PasswordReset,
    Reply,
    User,
    UserSession,
    utcnow,
)
from naborad.ops import backup

from .conftest import BASE_CONFIG, log_in
from .helpers import build_samples

# What restore changes on purpose (backup.ENDED_ON_RESTORE), and the audit event it adds.
CHANGED_BY_RESTORE = {"user_session", "session_secret", "password_reset", "email_change", "calendar_feed",
                      "audit_event", "meeting_guest", "household_code"}  # (withdrawn or expired, then purged)


def _rows(model, limit=25):
    """A sample of rows: every column of the first `limit` by primary key."""
    columns = model.__table__.columns
    return [tuple(row) for row in db.session.execute(select(*columns).order_by(*model.__table__.primary_key)
                                                         .limit(limit))]


def _purge_now():
    for job in JOBS:
        if job.name.startswith("purge"):
            job.run(utcnow())
    db.session.commit()


def test_the_demo_council_is_backed_up_and_restored_into_a_fresh_database(app, client, make_user, runner,
                                                                          fresh_database_url, tmp_path):
    load_demo_data("demo-password-123")
    build_samples(make_user)  # a session secret, a reset link, an invitation, a calendar feed, ...
    log_in(client, "nabo", "demo-password-123")
    _purge_now()  # the daily purges have run: restore's own purges then find nothing more
    assert db.session.scalar(select(db.func.count()).select_from(UserSession)) >= 1
    samples = {model: _rows(model) for model in (User, Issue, Reply)}
    path = tmp_path / "naborad.backup"
    db.session.commit()  # the test's own transaction ends (SQLite: it holds the write lock)

    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    manifest = backup.read_manifest(path)
    assert manifest["migration_heads"] and manifest["app_version"] and manifest["created_at"]
    assert manifest["row_counts"]["issue"] == db.session.scalar(select(db.func.count()).select_from(Issue)) > 0
    assert runner.invoke(args=["backup", str(path)]).exit_code != 0  # never overwrites a file

    target = create_app({**BASE_CONFIG, "DATABASE_URL": fresh_database_url})
    with target.app_context():  # (a CLI runner runs in the app context already pushed, if any)
        result = target.test_cli_runner().invoke(args=["restore", str(path)])
        assert result.exit_code == 0, result.output
        restored = {table: n for table, n in backup.row_counts(db.session.connection()).items()}
        for table, count in manifest["row_counts"].items():
            if table not in CHANGED_BY_RESTORE:
                assert restored[table] == count, table
        assert restored["audit_event"] == manifest["row_counts"]["audit_event"] + 1
        assert db.session.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc()).limit(1)) == \
            "restored_from_backup"
        for model, rows in samples.items():
            assert _rows(model) == rows, model.__tablename__
        # Every session and outstanding token ended; open invitations withdrawn; no queued mail sent again.
        for model in (UserSession, PasswordReset, CalendarFeed):
            assert db.session.scalar(select(db.func.count()).select_from(model)) == 0, model.__tablename__
        assert db.session.scalar(select(db.func.count()).select_from(Invitation).where(
            Invitation.accepted_at.is_(None), Invitation.withdrawn_at.is_(None))) == 0
        assert db.session.scalar(select(db.func.count()).select_from(MeetingGuest).where(
            MeetingGuest.withdrawn_at.is_(None))) == 0  # guest links must be sent anew
        assert db.session.scalar(select(db.func.count()).select_from(HouseholdCode).where(
            HouseholdCode.expires_at > utcnow())) == 0  # household letters are reprinted
        assert db.session.scalar(select(db.func.count()).select_from(OutboxMail).where(
            OutboxMail.status.in_(["pending", "sending"]))) == 0
        # The restored council works: a member logs in.
        assert log_in(target.test_client(), "nabo", "demo-password-123").status_code == 303
        db.session.remove()
        db.engine.dispose()

        # A second restore into the now full database is refused.
        result = target.test_cli_runner().invoke(args=["restore", str(path)])
        assert result.exit_code != 0 and "not empty" in result.output
        db.engine.dispose()


def test_restore_refuses_a_backup_of_a_newer_schema(app, runner, fresh_database_url, tmp_path):
    path = tmp_path / "b.backup"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    # The same backup, as a newer version would have written it: a migration this code does not know.
    newer = tmp_path / "newer.backup"
    with tarfile.open(path, "r:gz") as old, tarfile.open(newer, "w:gz") as new:
        for member in old.getmembers():
            data = old.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["migration_heads"] = ["9999"]
                data = json.dumps(manifest).encode()
                member.size = len(data)
            new.addfile(member, io.BytesIO(data))
    target = create_app({**BASE_CONFIG, "DATABASE_URL": fresh_database_url})
    with target.app_context():
        result = target.test_cli_runner().invoke(args=["restore", str(newer)])
        assert result.exit_code != 0 and "newer" in result.output
        assert inspect(db.engine).get_table_names() == []  # nothing was written
        db.engine.dispose()


def test_every_stored_token_is_ended_or_kept_on_purpose_by_restore():
    """A feature that stores a token or code (token_hash, code_hash) says what restore does with it."""
    tables = {table.name for table in db.metadata.sorted_tables
              if {"token_hash", "code_hash"} & set(table.columns.keys())}
    covered = set(backup.ENDED_ON_RESTORE) | set(backup.KEPT_ON_RESTORE)
    assert tables <= covered, f"tables with tokens that restore neither ends nor keeps: {sorted(tables - covered)}"
