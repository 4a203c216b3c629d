"""The outbox over real SMTP (a local aiosmtpd server), retries, and the worker command."""
from datetime import timedelta

from sqlalchemy import select

from naborad.extensions import db
from naborad.mail import housekeeping, queue_mail, send_due
from naborad.models import MailStatus, OutboxMail, utcnow

from .helpers import free_port


def test_queued_mail_is_rendered_and_delivered_over_smtp(app, smtp):
    queue_mail("kari@example.org", "invitation", role="resident", path="/invitasjon/ABCDE-FGHJK",
               code="ABCDE-FGHJK", expires="2026-12-10T10:00:00+00:00")
    db.session.commit()
    assert send_due() == 1
    (rcpt, message), = smtp.messages
    assert rcpt == ["kari@example.org"]
    assert message["Subject"] == "Du er invitert til naborådet"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "http://localhost/invitasjon/ABCDE-FGHJK" in text and "ABCDE-FGHJK" in html
    assert db.session.scalar(select(OutboxMail)).status == MailStatus.SENT


def test_mail_is_rendered_in_the_recipients_language(app, smtp):
    queue_mail("per@example.org", "password_reset", locale="en", display_name="Per", path="/nytt-passord/x")
    db.session.commit()
    send_due()
    assert smtp.messages[0][1]["Subject"] == "Choose a new password for the neighbourhood council"


def test_mail_is_sent_once_however_often_the_worker_runs(app, smtp):
    queue_mail("kari@example.org", "password_reset", display_name="Kari", path="/x")
    db.session.commit()
    assert send_due() == 1
    assert send_due() == 0
    assert len(smtp.messages) == 1


def test_failed_delivery_is_retried_later_and_nothing_is_lost(app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nobody listens
    queue_mail("kari@example.org", "password_reset", display_name="Kari", path="/x")
    db.session.commit()
    assert send_due() == 0
    mail = db.session.scalar(select(OutboxMail))
    assert mail.status == MailStatus.PENDING and mail.attempts == 1 and mail.last_error
    assert mail.next_attempt_at > utcnow()
    assert send_due() == 0  # not due yet: backoff
    assert db.session.scalar(select(OutboxMail)).attempts == 1


def test_a_mail_left_mid_send_by_a_crash_is_not_sent_again(app, smtp):
    queue_mail("kari@example.org", "password_reset", display_name="Kari", path="/x")
    db.session.commit()
    mail = db.session.scalar(select(OutboxMail))
    mail.status, mail.claimed_at = MailStatus.SENDING, utcnow() - timedelta(hours=1)
    db.session.commit()
    housekeeping()
    assert send_due() == 0 and smtp.messages == []
    assert db.session.scalar(select(OutboxMail)).status == MailStatus.FAILED


def test_sent_mail_is_forgotten_after_a_few_days(app, smtp):
    queue_mail("kari@example.org", "password_reset", display_name="Kari", path="/x")
    db.session.commit()
    send_due()
    mail = db.session.scalar(select(OutboxMail))
    mail.sent_at = utcnow() - timedelta(days=4)
    db.session.commit()
    housekeeping()
    assert db.session.scalar(select(OutboxMail)) is None


def test_send_mail_command_delivers(app, smtp, runner):
    queue_mail("kari@example.org", "password_reset", display_name="Kari", path="/x")
    db.session.commit()
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    assert len(smtp.messages) == 1


def test_forgot_password_mail_arrives_with_a_working_link(app, client, smtp, make_user):
    from naborad.models import Role
    make_user(Role.NEIGHBOUR, "per", email="per@example.org")
    client.post("/glemt-passord", data={"email": "per@example.org"})
    send_due()
    body = smtp.messages[0][1].get_body(("plain",)).get_content()
    link = next(line for line in body.splitlines() if "/nytt-passord/" in line).strip()
    assert client.get(link.replace("http://localhost", "")).status_code == 200
