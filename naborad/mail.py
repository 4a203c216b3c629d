"""The mail outbox: features queue a row in their own transaction; a worker renders and sends.

Rendering happens at send time, in the recipient's language. A row is claimed
before it is sent and marked sent after; a row left in "sending" by a crash is
not retried, so no mail goes out twice.
"""
from __future__ import annotations

import json
import logging
import smtplib
import time
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import delete, select, update

from .extensions import db
from .models import MailStatus, OutboxMail, utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8

# template name -> function(mail, context) returning the context to render with, or None to skip the
# mail (for example when the recipient may no longer read what it is about). Features register here.
CONTEXT_BUILDERS = {}
# Functions the worker runs with its housekeeping, in its transaction: features register cleanups of
# short-lived rows here (auth: the secrets kept with a login session).
HOUSEKEEPING = []


class SkipMail(Exception):
    """The mail is no longer to be sent."""
STUCK_AFTER = timedelta(minutes=15)


def queue_mail(to_address: str, template: str, locale: str | None = None, **context) -> OutboxMail:
    """Add a mail to the current transaction; it is sent only if the transaction commits."""
    mail = OutboxMail(to_address=to_address, template=template, context=json.dumps(context),
                      locale=locale or current_app.config["DEFAULT_LANGUAGE"])
    db.session.add(mail)
    return mail


def render_mail(mail: OutboxMail) -> EmailMessage:
    context = json.loads(mail.context)
    context.setdefault("base_url", current_app.config["BASE_URL"].rstrip("/"))
    # The worker has no request; a request context on the base URL lets templates build URLs.
    with current_app.test_request_context("/", base_url=context["base_url"]), force_locale(mail.locale):
        builder = CONTEXT_BUILDERS.get(mail.template)
        if builder is not None:
            context = builder(mail, context)
            if context is None:
                raise SkipMail
        # One line whatever the text held (a header cannot hold a line break; an old row may have one).
        subject = " ".join(render_template(f"mail/{mail.template}.subject.txt", **context).split())
        text = render_template(f"mail/{mail.template}.txt", **context)
        html = render_template(f"mail/{mail.template}.html", **context)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = mail.to_address
    message["Message-ID"] = make_msgid(idstring=f"outbox-{mail.id}")
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def _deliver(message: EmailMessage) -> None:
    cfg = current_app.config
    if not cfg["MAIL_SERVER"]:
        log.warning("No SMTP server configured; mail printed instead:\n%s", message.as_string())
        return
    smtp_class = smtplib.SMTP_SSL if cfg["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=20) as smtp:
        if cfg["MAIL_USE_TLS"]:
            smtp.starttls()
        if cfg["MAIL_USERNAME"]:
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
        smtp.send_message(message)


def _claim_next() -> OutboxMail | None:
    now = utcnow()
    candidate = db.session.scalar(
        select(OutboxMail.id).where(OutboxMail.status == MailStatus.PENDING,
                                    OutboxMail.next_attempt_at <= now)
        .order_by(OutboxMail.next_attempt_at, OutboxMail.id).limit(1))
    if candidate is None:
        db.session.commit()
        return None
    # Compare-and-set: of two workers, only one moves the row to "sending".
    claimed = db.session.execute(
        update(OutboxMail).where(OutboxMail.id == candidate, OutboxMail.status == MailStatus.PENDING)
        .values(status=MailStatus.SENDING, claimed_at=now, attempts=OutboxMail.attempts + 1)
    ).rowcount
    db.session.commit()
    if not claimed:
        return _claim_next()
    return db.session.get(OutboxMail, candidate)


def send_due(limit: int = 100) -> int:
    """Send what is due; returns how many were sent."""
    sent = 0
    for _ in range(limit):
        mail = _claim_next()
        if mail is None:
            break
        try:
            _deliver(render_mail(mail))
        except SkipMail:
            mail.status, mail.last_error = MailStatus.SKIPPED, "no longer readable by the recipient"
            mail.sent_at = utcnow()
            db.session.commit()
            continue
        except Exception as exc:  # any SMTP or rendering failure: retry later with backoff
            log.warning("Mail %s failed (attempt %s): %s", mail.id, mail.attempts, exc)
            mail.last_error = str(exc)[:500]
            if mail.attempts >= MAX_ATTEMPTS:
                mail.status = MailStatus.FAILED
            else:
                mail.status = MailStatus.PENDING
                mail.next_attempt_at = utcnow() + timedelta(seconds=30 * 2 ** (mail.attempts - 1))
        else:
            mail.status = MailStatus.SENT
            mail.sent_at = utcnow()
            sent += 1
        db.session.commit()
    return sent


def housekeeping() -> None:
    """Forget sent mail after a few days; give up on rows a crash left mid-send; run the features'
    cleanups (HOUSEKEEPING)."""
    now = utcnow()
    keep = timedelta(days=current_app.config["MAIL_KEEP_SENT_DAYS"])
    db.session.execute(delete(OutboxMail).where(OutboxMail.status.in_([MailStatus.SENT, MailStatus.SKIPPED]),
                                                OutboxMail.sent_at < now - keep))
    db.session.execute(update(OutboxMail).where(OutboxMail.status == MailStatus.SENDING,
                                                OutboxMail.claimed_at < now - STUCK_AFTER)
                       .values(status=MailStatus.FAILED, last_error="interrupted while sending"))
    for cleanup in HOUSEKEEPING:
        cleanup()
    db.session.commit()


def run_worker(loop: bool, interval: float = 5.0) -> None:
    while True:
        housekeeping()
        count = send_due()
        if count:
            log.info("Sent %s mail(s)", count)
        if not loop:
            return
        time.sleep(interval)
