"""Issue 23: the health check and the request log."""
import logging
from datetime import timedelta

import pytest
from sqlalchemy import text

from naborad.extensions import db
from naborad.models import JobRun, OutboxMail, Role, utcnow
from naborad.ops.request_log import pseudonym
from naborad.ops.service import migration_heads

from .helpers import FEED_TOKEN, RESET_TOKEN, build_samples


def test_the_health_check_reports_status_fields_without_a_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.json == {"status": "ok", "database": "ok", "migrations": "at head",
                             "oldest_pending_mail_seconds": None, "last_job_run_seconds_ago": None}


def test_the_health_check_shows_late_mail_and_the_last_job_run(client):
    db.session.add(OutboxMail(to_address="a@example.org", template="x", context="{}", locale="nb",
                              created_at=utcnow() - timedelta(minutes=7)))
    db.session.add(JobRun(name="escalate", last_started_at=utcnow() - timedelta(seconds=90)))
    db.session.commit()
    body = client.get("/healthz").json
    assert 7 * 60 <= body["oldest_pending_mail_seconds"] < 7 * 60 + 30
    assert 90 <= body["last_job_run_seconds_ago"] < 120
    assert "a@example.org" not in str(body)


def test_the_health_check_answers_503_when_the_schema_is_behind(client):
    (head,) = migration_heads()
    db.session.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    db.session.commit()
    try:
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.json["status"] == "unavailable" and response.json["migrations"] == "behind"
    finally:
        db.session.execute(text("UPDATE alembic_version SET version_num = :h"), {"h": head})
        db.session.commit()


def test_one_log_line_per_request_without_ids_names_paths_or_query_strings(app, client, make_user, caplog):
    samples = build_samples(make_user)
    member = make_user(Role.NEIGHBOUR, "kari_nordmann", display_name="Kari Nordmann")
    caplog.set_level(logging.INFO, logger="naborad.request")
    client.post("/logg-inn", data={"login": "kari_nordmann", "password": "wrong"})  # a name typed, 422
    client.post("/logg-inn", data={"login": "kari_nordmann", "password": "correct horse battery"})
    client.get("/")
    client.get("/saker/?q=bakgarden-sokeord")
    client.get(f"/saker/{samples['issue']}")
    client.get(f"/kalender/{FEED_TOKEN}.ics")
    client.get(f"/nytt-passord/{RESET_TOKEN}")
    client.get("/healthz", headers={"X-Request-ID": "lb-check-0001"})
    lines = [r.getMessage() for r in caplog.records if r.name == "naborad.request"]
    assert len(lines) == 8, lines
    assert all(line.startswith("request id=") and " endpoint=" in line and " status=" in line and " ms=" in line
               for line in lines)
    log = "\n".join(lines)
    for secret in ("kari", "Kari", "Nordmann", "bakgarden-sokeord", "?q=", FEED_TOKEN, RESET_TOKEN, "/saker",
                   f"user:{member.id}", f"id={member.id} "):
        assert secret not in log, secret
    assert "endpoint=notifications." in log and "endpoint=auth.reset_password" in log
    assert f"who={pseudonym(member.id)}" in log  # a daily pseudonym at most
    assert "id=lb-check-0001 method=GET endpoint=ops.healthz status=200" in log


def test_the_pseudonym_changes_daily_and_is_neither_id_nor_name(app):
    from datetime import date
    today, tomorrow = pseudonym(7, date(2026, 11, 30)), pseudonym(7, date(2026, 12, 1))
    assert today == pseudonym(7, date(2026, 11, 30)) and today != tomorrow and today != pseudonym(8, date(2026, 11, 30))
    assert "7" != today and len(today) == 12


def test_the_response_carries_the_request_id(client):
    assert len(client.get("/healthz").headers["X-Request-ID"]) == 16
    assert client.get("/healthz", headers={"X-Request-ID": "a b;c=d"}).headers["X-Request-ID"] != "a b;c=d"


@pytest.mark.config(OPS_PROBE="error")  # an app of its own: a route can be added before its first request
def test_an_error_is_logged_with_its_traceback_and_the_request_id(app, client, caplog):
    from naborad.access import public

    @public
    def fails():
        raise RuntimeError("the probe failed")

    app.add_url_rule("/probe/fails", view_func=fails)
    caplog.set_level(logging.INFO)
    response = client.get("/probe/fails?token=abc123secret")
    assert response.status_code == 500
    rid = response.headers["X-Request-ID"]
    error = next(r for r in caplog.records if r.levelno == logging.ERROR)
    assert error.exc_info and "the probe failed" in str(error.exc_info[1])
    assert f"request id={rid}" in error.getMessage() and "endpoint=fails" in error.getMessage()
    assert f"request id={rid} method=GET endpoint=fails status=500" in caplog.text
    assert "abc123secret" not in caplog.text and "/probe/fails" not in caplog.text
