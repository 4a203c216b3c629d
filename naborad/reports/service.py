"""Filing a report (save first, then alert staff), handling it, the council's numbers, and the retention purge.

Filing and handling do the whole change and commit, so a test can call them without HTTP.
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, url_for
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import joinedload

from ..charts import Point, geometry
from ..counts import is_small, shown_value, small_count
from ..errors import NotAllowed
from ..extensions import db
from ..forms import by_token, create_once
from ..i18n import OSLO, datetime_filter
from ..mail import queue_mail
from ..models import (
    ContactWay,
    MessageKind,
    ReportCategory,
    ReportEscalation,
    ReportMessage,
    ReportStatus,
    Role,
    SituationReport,
    StaffAlert,
    User,
    utcnow,
)
from ..notifications.service import active_members, notify
from ..preloaded import recall
from . import escalation


def file_report(by: User, *, category: str, text: str, place: str | None = None,
                happened_at: datetime | None = None, contact_way: str, contact_detail: str | None = None,
                form_token: str | None = None, now: datetime | None = None) -> tuple[SituationReport, bool]:
    """File a report once per form token (a repeated token gives back the first report); no time means
    now. The staff are alerted and told (see alert_staff), and the contact on duty now is alerted as the
    first step of its escalation (escalation.py), in the report's own transaction: the outbox sends (and
    retries) later, so an SMTP failure can never lose the report. Returns (report, created). Commits."""
    now = now or utcnow()
    report, created = create_once(SituationReport, form_token, lambda: SituationReport(
        category=category, text=text, place=place, happened_at=happened_at or now, reporter_id=by.id,
        contact_way=contact_way, contact_detail=contact_detail, created_at=now))
    if created:
        alert_staff(report)
        escalation.alert_on_duty(report, now)
        notify(active_members(Role.STAFF), "report_new", "report", report.id, exclude=by)
        db.session.commit()
    return report, created


def onduty_mail() -> str:
    """What the on-duty mail carries, so the report form can say it truthfully: "none" (no on-duty
    address), "short" (the report's number, category and a link: the address may be an SMS gateway
    or a shared inbox) or "full" (also its time, place and text: staff marked the address as read
    by the on-duty staff alone, ONDUTY_EMAIL_PRIVATE)."""
    cfg = current_app.config
    if not cfg.get("ONDUTY_EMAIL"):
        return "none"
    return "full" if cfg.get("ONDUTY_EMAIL_PRIVATE") else "short"


def alert_staff(report: SituationReport) -> None:
    """In the report's own transaction: an alert row per active staff member and one mail to on-duty,
    with only what `onduty_mail()` says it carries."""
    for user in active_members(Role.STAFF):
        db.session.add(StaffAlert(user_id=user.id, report_id=report.id))
    carries = onduty_mail()
    if carries == "none":
        return
    context = dict(report_id=report.id, category=ReportCategory(report.category).value,
                   path=url_for("reports.show", report_id=report.id), full=carries == "full")
    if carries == "full":
        context.update(place=report.place or "", text=report.text or "",
                       happened_at=report.happened_at.astimezone(OSLO).strftime("%d.%m.%Y %H:%M"))
    queue_mail(current_app.config["ONDUTY_EMAIL"], "report_filed", **context)


def mark_alerts_seen(user_id: int, report_id: int | None = None) -> None:
    stmt = update(StaffAlert).where(StaffAlert.user_id == user_id, StaffAlert.seen.is_(False))
    if report_id is not None:
        stmt = stmt.where(StaffAlert.report_id == report_id)
    db.session.execute(stmt.values(seen=True))


def alert_seen(report: SituationReport, by: User) -> bool:
    """A staff member says they have seen the report (a colleague is on it): their alert about it is seen,
    so it no longer counts among their new reports. Nothing else changes; opening the report changes
    nothing. Returns whether an alert was waiting. Commits."""
    changed = db.session.execute(update(StaffAlert).where(
        StaffAlert.user_id == by.id, StaffAlert.report_id == report.id, StaffAlert.seen.is_(False))
        .values(seen=True)).rowcount
    db.session.commit()
    return bool(changed)


def has_unseen_alert(user_id: int, report_id: int) -> bool:
    return db.session.scalar(select(StaffAlert.id).where(StaffAlert.user_id == user_id, StaffAlert.report_id == report_id,
                                                         StaffAlert.seen.is_(False))) is not None


def unseen_alert_count_of(user_id):
    """The count of a staff member's unseen report alerts, as a scalar subquery (the login's query selects it)."""
    return (select(func.count(StaffAlert.id))
            .where(StaffAlert.user_id == user_id, StaffAlert.seen.is_(False)).scalar_subquery())


def unseen_alert_count(user_id: int) -> int:
    """A staff member's new reports (alerts not yet seen); read with the login when nothing was committed since."""
    remembered = recall(user_id, "alerts")
    if remembered is not None:
        return remembered
    return db.session.scalar(select(unseen_alert_count_of(user_id))) or 0


# -- handling (staff) --------------------------------------------------------------

def acknowledge(report: SituationReport, by: User, *, now: datetime | None = None, commit: bool = True) -> bool:
    """Staff are on it: writes who acknowledged it and when (the reporter sees that), a new report
    becomes acknowledged, and this staff member's alert about it is seen. Nobody is told. Only the
    first time counts; returns whether anything changed. Commits unless `commit=False` (respond and
    close acknowledge inside their own change)."""
    changed = False
    if report.acknowledged_at is None:
        report.acknowledged_at, report.acknowledged_by_id = now or utcnow(), by.id
        mark_alerts_seen(by.id, report.id)
        changed = True
    if report.status == ReportStatus.NEW:  # also a report opened again ("still happening")
        report.status = ReportStatus.ACKNOWLEDGED
        mark_alerts_seen(by.id, report.id)
        changed = True
    if changed and commit:
        db.session.commit()
    return changed


def respond(report: SituationReport, by: User, response: str, *, kind: str = "message",
            form_token: str | None = None) -> bool:
    """Answer the reporter (or, `kind="question"`, ask them something): a staff message in the report's
    conversation, once per form token; the report keeps the latest answer and its time (`response`), is
    acknowledged first if nobody had, and the reporter hears of it the way they chose (tell_reporter). A
    closed report takes no message (ReportClosed). Returns whether a message was written. Commits."""
    message, created = add_message(report, by, kind=kind, text=response, form_token=form_token)
    return created


def close(report: SituationReport, by: User, outcome: str) -> bool:
    """Close the report with what was done (the reporter sees it on the report; nobody is told): writes
    the outcome, who closed it and when, acknowledging it first if nobody had. A closed report stays as
    it was; returns whether it was closed now. Commits."""
    if report.status == ReportStatus.CLOSED:
        return False
    now = utcnow()
    acknowledge(report, by, now=now, commit=False)
    report.outcome, report.closed_at, report.closed_by_id = outcome, now, by.id
    report.status = ReportStatus.CLOSED
    db.session.commit()
    return True


def queue_counts() -> dict[str, int]:
    """How many reports wait in the staff queue: "new" (nobody is on it yet) and "acknowledged" (being
    handled, not closed). One query."""
    rows = db.session.execute(select(SituationReport.status, func.count()).where(
        SituationReport.status.in_([ReportStatus.NEW, ReportStatus.ACKNOWLEDGED]))
        .group_by(SituationReport.status)).all()
    counts = {ReportStatus(status).value: n for status, n in rows}
    return {"new": counts.get("new", 0), "acknowledged": counts.get("acknowledged", 0)}


# -- statistics (numbers only, never content) --------------------------------------

def progress_version(report: SituationReport) -> str:
    """A short mark of what both sides see of the handling (status, answer, closing, reopening, the
    conversation's messages, a call owed): it changes when they do. One query (the messages' count and last id)."""
    count, last = db.session.execute(select(func.count(ReportMessage.id), func.max(ReportMessage.id))
                                     .where(ReportMessage.report_id == report.id)).one()
    parts = (report.status.value, report.acknowledged_at, report.responded_at, report.response, report.closed_at,
             report.outcome, report.purged_at, report.reopened_at, report.call_due_at, count, last)
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile of a list of numbers."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)]


@dataclass
class Month:
    """The figures of one month (or of the whole period: `key` "all"). Times and the share are None where
    fewer than three reports stand behind them; `reopenings` is None until the report conversation exists."""
    key: str  # "2026-11"
    start: datetime | None
    counts: dict
    total: int
    median_minutes: float | None  # to acknowledge
    p90_minutes: float | None
    share_fast: float | None  # acknowledged within the target (see target_for)
    median_close_minutes: float | None = None
    escalations: int = 0  # reports that went on along the on-duty chain (a step after the first)
    reopenings: int | None = None  # "still happening" after a response


@dataclass
class ContactFigures:
    """The same figures for the reports filed on one contact point's watch (staff only)."""
    member_id: int | None  # rota_member.id; None: nobody was on duty
    name: str | None  # the contact point's name when its latest report was filed
    months: list[Month]
    all: Month


def month_starts(now: datetime, months: int) -> list[datetime]:
    local = now.astimezone(OSLO)
    y, m = local.year, local.month
    starts = []
    for _ in range(months):
        starts.append(datetime(y, m, 1, tzinfo=OSLO))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return list(reversed(starts))


def target_for(category, waits: dict) -> timedelta:
    """The one target for "acknowledged at once": the report's category's escalation wait (escalation.waits()),
    i.e. acknowledged before the report would go on to the next in the on-duty chain."""
    return escalation.wait_for(category, waits)


def _minutes(delta: timedelta) -> float:
    return delta.total_seconds() / 60


def _figures(key: str, start: datetime | None, rows: list, now: datetime, waits: dict, escalated: set,
             reopened: dict | None) -> Month:
    counts = {c: sum(1 for r in rows if r.category == c) for c in ReportCategory}
    reopenings = None if reopened is None else sum(reopened.get(r.id, 0) for r in rows)
    month = Month(key, start, counts, len(rows), None, None, None,
                  escalations=sum(1 for r in rows if r.id in escalated), reopenings=reopenings)
    # Times for fewer than three reports would describe single incidents: left out.
    if not is_small(len(rows)) and rows:
        ack = [_minutes(r.acknowledged_at - r.created_at) for r in rows if r.acknowledged_at]
        closed = [_minutes(r.closed_at - r.created_at) for r in rows if r.closed_at]
        # A report still waiting counts as "not within the target" once its target has passed.
        decided = [r for r in rows if r.acknowledged_at or now - r.created_at > target_for(r.category, waits)]
        fast = [r for r in decided if r.acknowledged_at and
                r.acknowledged_at - r.created_at <= target_for(r.category, waits)]
        month.median_minutes, month.p90_minutes = percentile(ack, 0.5), percentile(ack, 0.9)
        month.median_close_minutes = percentile(closed, 0.5)
        month.share_fast = len(fast) / len(decided) if decided else None
    return month


def reopenings(since: datetime) -> dict[int, int]:
    """"Still happening" reopenings per report filed since `since` ({report id: times reopened}): a reporter's
    "still happening" that sent a handled report back to "new" (reopen_count; one on a report nobody has
    acknowledged yet only adds its message). One query."""
    return dict(db.session.execute(select(SituationReport.id, SituationReport.reopen_count).where(
        SituationReport.created_at >= since, SituationReport.reopen_count > 0)).all())


def _monthly(starts: list[datetime], rows: list, now: datetime, waits: dict, escalated: set,
             reopened: dict | None) -> list[Month]:
    result = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else None
        in_month = [r for r in rows if r.created_at >= start and (end is None or r.created_at < end)]
        result.append(_figures(start.strftime("%Y-%m"), start, in_month, now, waits, escalated, reopened))
    return result


def statistics(now: datetime | None = None, months: int = 12) -> dict:
    """Per month: reports (per category), the share acknowledged within the target, median (and 90th
    percentile) minutes to acknowledge, median minutes to close, escalations and "still happening"
    reopenings; the same for the whole period, and per contact point for staff (`contacts`).

    A report belongs to the contact point on duty when it was filed (step 0 of its escalation), whoever
    acknowledged it: the figures say how reports on that watch went, escalations included. Reports filed
    with nobody on duty are one group (member_id None). Three queries whatever the data."""
    now = now or utcnow()
    starts = month_starts(now, months)
    rows = db.session.execute(
        select(SituationReport.id, SituationReport.category, SituationReport.created_at,
               SituationReport.acknowledged_at, SituationReport.closed_at)
        .where(SituationReport.created_at >= starts[0])).all()
    steps = db.session.execute(
        select(ReportEscalation.report_id, ReportEscalation.step, ReportEscalation.member_id, ReportEscalation.label)
        .join(SituationReport, SituationReport.id == ReportEscalation.report_id)
        .where(SituationReport.created_at >= starts[0])).all()
    waits = escalation.waits()
    reopened = reopenings(starts[0])
    escalated = {s.report_id for s in steps if s.step > 0}
    on_watch = {s.report_id: s for s in steps if s.step == 0}

    groups: dict[int | None, list] = {}
    for r in sorted(rows, key=lambda r: r.created_at):
        groups.setdefault(on_watch[r.id].member_id if r.id in on_watch else None, []).append(r)
    contacts = []
    for member_id, own in groups.items():
        names = [on_watch[r.id].label for r in own if r.id in on_watch]
        contacts.append(ContactFigures(member_id, names[-1] if names else None,
                                       _monthly(starts, own, now, waits, escalated, reopened),
                                       _figures("all", None, own, now, waits, escalated, reopened)))
    contacts.sort(key=lambda c: (c.name is None, (c.name or "").casefold()))
    whole = _figures("all", None, rows, now, waits, escalated, reopened)
    return {"months": _monthly(starts, rows, now, waits, escalated, reopened), "all": whole, "total": whole.total,
            "median_minutes": whole.median_minutes, "p90_minutes": whole.p90_minutes,
            "share_fast": whole.share_fast, "median_close_minutes": whole.median_close_minutes,
            "contacts": contacts}


def months_of_year(year: int, now: datetime | None = None) -> tuple[list[Month], Month]:
    """The twelve months of a calendar year (Oslo time) and the whole year: reports, the share acknowledged
    within the target, the times (the yearly report). Four queries whatever the data."""
    now = now or utcnow()
    starts = [datetime(year, m, 1, tzinfo=OSLO) for m in range(1, 13)]
    end = datetime(year + 1, 1, 1, tzinfo=OSLO)
    rows = db.session.execute(
        select(SituationReport.id, SituationReport.category, SituationReport.created_at,
               SituationReport.acknowledged_at, SituationReport.closed_at)
        .where(SituationReport.created_at >= starts[0], SituationReport.created_at < end)).all()
    escalated = set(db.session.scalars(
        select(ReportEscalation.report_id).join(SituationReport, SituationReport.id == ReportEscalation.report_id)
        .where(SituationReport.created_at >= starts[0], SituationReport.created_at < end,
               ReportEscalation.step > 0)).all())
    waits = escalation.waits()
    reopened = reopenings(starts[0])
    return (_monthly(starts, rows, now, waits, escalated, reopened),
            _figures("all", None, rows, now, waits, escalated, reopened))


def charts(months: list[Month]) -> dict:
    """The page's two charts (naborad/charts.py): reports per month as bars (a count the small-count rule
    hides draws no bar), and the share acknowledged within the target as a line (0-100 %)."""
    def label(m: Month) -> tuple[str, str]:
        return m.start.strftime("%m"), datetime_filter(m.start, "MMM y")
    reports = [Point(*label(m), shown_value(m.total), small_count(m.total), small_count(m.total, short=True))
               for m in months]
    share = [Point(*label(m), None if m.share_fast is None else round(m.share_fast * 100),
                   "–" if m.share_fast is None else f"{m.share_fast * 100:.0f} %",
                   "–" if m.share_fast is None else f"{m.share_fast * 100:.0f}")
             for m in months]
    return {"reports": geometry(reports, kind="bar"), "share": geometry(share, kind="line", peak=110, target=None)}


# -- retention ----------------------------------------------------------------------

def subtract_months(value: datetime, months: int) -> datetime:
    y, m = divmod(value.month - 1 - months, 12)
    year, month = value.year + y, m + 1
    day = min(value.day, [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28,
                          31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1])
    return value.replace(year=year, month=month, day=day)


def purge_closed_reports(now: datetime | None = None, months: int | None = None) -> int:
    """Remove personal details of reports closed before the retention period (text, place, reporter, contact
    details, answers, the conversation's texts and authors); keep category, times and the kinds of messages."""
    now = now or utcnow()
    months = current_app.config["REPORT_RETENTION_MONTHS"] if months is None else months
    cutoff = subtract_months(now, months)
    ids = db.session.scalars(select(SituationReport.id).where(
        SituationReport.status == ReportStatus.CLOSED, SituationReport.closed_at < cutoff,
        SituationReport.purged_at.is_(None))).all()
    if ids:
        db.session.execute(update(SituationReport).where(SituationReport.id.in_(ids)).values(
            text=None, place=None, reporter_id=None, contact_detail=None, response=None, outcome=None,
            acknowledged_by_id=None, closed_by_id=None, form_token=None, purged_at=now))
        db.session.execute(delete(StaffAlert).where(StaffAlert.report_id.in_(ids)))
        # The conversation goes with the details: the messages stay as rows of their kind and time (the
        # numbers count "still happening" reopenings), without text, author or token.
        db.session.execute(update(ReportMessage).where(ReportMessage.report_id.in_(ids)).values(
            text=None, author_id=None, form_token=None))
        db.session.execute(update(SituationReport).where(SituationReport.id.in_(ids)).values(call_due_at=None))
    db.session.commit()
    return len(ids)


# -- the conversation (issue 19, item 4) --------------------------------------------------------------

class ReportClosed(NotAllowed):
    """The report is closed (or its details purged): it takes no new message. The reporter may still say
    "still happening" on a closed report that is not purged (it opens again)."""


REPORTER_KINDS = (MessageKind.MESSAGE, MessageKind.STILL_HAPPENING, MessageKind.RESOLVED_FOR_ME)
STAFF_KINDS = (MessageKind.MESSAGE, MessageKind.QUESTION)


def sms_address(number: str | None) -> str | None:
    """The email-to-SMS gateway's address for a phone number (config REPORT_SMS_GATEWAY, a pattern such as
    "{number}@sms.example.no"; the number's digits, with a leading + kept), or None without a gateway or
    number."""
    pattern = current_app.config.get("REPORT_SMS_GATEWAY") or ""
    digits = "".join(c for c in (number or "") if c.isdigit())
    if "{number}" not in pattern or not digits:
        return None
    return pattern.replace("{number}", ("+" if (number or "").strip().startswith("+") else "") + digits)


def messages_of(report: SituationReport) -> list[ReportMessage]:
    """The report's conversation, oldest first, with the authors: one query."""
    return db.session.scalars(select(ReportMessage).where(ReportMessage.report_id == report.id)
                              .options(joinedload(ReportMessage.author))
                              .order_by(ReportMessage.created_at, ReportMessage.id)).all()


def timeline(report: SituationReport, messages: list[ReportMessage]) -> list[tuple[str, datetime, object]]:
    """What happened to the report, oldest first, as (what, when, message or None): "received",
    "acknowledged", "response" (an answer saved before the conversation existed and not among its
    messages), "message" (each message) and "closed"."""
    entries = [("received", report.created_at, None)]
    if report.acknowledged_at:
        entries.append(("acknowledged", report.acknowledged_at, None))
    if report.response and not any(m.from_staff for m in messages):
        entries.append(("response", report.responded_at or report.acknowledged_at or report.created_at, None))
    entries += [("message", m.created_at, m) for m in messages]
    if report.closed_at and report.status == ReportStatus.CLOSED:
        entries.append(("closed", report.closed_at, None))
    return sorted(entries, key=lambda e: e[1])  # stable: at the same moment, the order above


def add_message(report: SituationReport, by: User, *, kind: str, text: str | None,
                form_token: str | None = None, now: datetime | None = None) -> tuple[ReportMessage, bool]:
    """Write one message of the report's conversation, once per form token (a repeated token gives back the
    first message and changes nothing). Returns (message, created). Commits.

    Staff (kinds "message" and "question"): the report is acknowledged first if nobody had, keeps the text as
    its latest answer, and the reporter hears of it the way they chose (tell_reporter).
    The reporter (their own report only):
    - "message": a message to the staff (an answered question too). Staff see it on the report, which
      updates by itself; nobody is alerted.
    - "still_happening": if the staff were on it or had closed it, the report opens again ("new"): it waits
      for an acknowledgement in the queue, the staff are alerted and the escalation starts over from the
      contact on duty now (reopen). If nobody had acknowledged it yet, the running escalation goes on and
      nobody is alerted twice.
    - "resolved_for_me": it is over for them: the report is closed, by the reporter, without an outcome
      (the escalation stops, no call is owed).
    A closed or purged report takes nothing but the reporter's "still happening" (not when purged):
    ReportClosed."""
    now = now or utcnow()
    kind = MessageKind(kind)
    staff = by.role == Role.STAFF
    if (staff and kind not in STAFF_KINDS) or (not staff and (kind not in REPORTER_KINDS
                                                              or report.reporter_id != by.id)):
        raise NotAllowed
    existing = by_token(ReportMessage, form_token)
    if existing is not None:
        return existing, False
    if report.purged_at is not None or (report.status == ReportStatus.CLOSED
                                        and not (kind == MessageKind.STILL_HAPPENING and not staff)):
        raise ReportClosed
    message, created = create_once(ReportMessage, form_token, lambda: ReportMessage(
        report_id=report.id, author_id=by.id, from_staff=staff, kind=kind, text=text or None, created_at=now))
    if not created:
        return message, False
    if staff:
        acknowledge(report, by, now=now, commit=False)
        report.response, report.responded_at = text, now
        tell_reporter(report, by, now)
    elif kind == MessageKind.STILL_HAPPENING:
        reopen(report, now)
    elif kind == MessageKind.RESOLVED_FOR_ME:
        report.status, report.closed_at, report.closed_by_id = ReportStatus.CLOSED, now, by.id
        report.call_due_at = None
    db.session.commit()
    return message, True


def reopen(report: SituationReport, now: datetime) -> bool:
    """The reporter says it is still happening: a report the staff were on (or had closed) is "new" again,
    counted (reopen_count, reopened_at; the message of kind "still_happening" dates it for the numbers),
    and the on-duty staff are alerted as a new round of the escalation (escalation.alert_reopened: the
    contact on duty now, in the app and at their alert address; every active staff member in the app if
    nobody is on duty) and at the on-duty address (ONDUTY_EMAIL, number, category and a link only). An
    earlier closing's outcome stays in the conversation as a staff message; the report's acknowledgement
    time stays (the numbers measure the first one). A report nobody acknowledged yet is left as it is:
    its escalation is still running. Returns whether it was reopened. No commit."""
    if report.status == ReportStatus.NEW:
        return False
    if report.status == ReportStatus.CLOSED and report.outcome:
        db.session.add(ReportMessage(report_id=report.id, author_id=report.closed_by_id, from_staff=True,
                                     kind=MessageKind.MESSAGE, text=report.outcome, created_at=report.closed_at))
    report.status, report.reopened_at = ReportStatus.NEW, now
    report.reopen_count = (report.reopen_count or 0) + 1
    report.closed_at = report.closed_by_id = report.outcome = None
    if report.contact_way == ContactWay.PHONE:
        report.call_due_at = now
    db.session.flush()
    escalation.alert_reopened(report, now)
    if onduty_mail() != "none":
        queue_mail(current_app.config["ONDUTY_EMAIL"], "report_reopened", report_id=report.id,
                   category=ReportCategory(report.category).value)
    return True


def tell_reporter(report: SituationReport, by: User, now: datetime) -> None:
    """The reporter hears of a staff message the way they chose on the report (contact_way): always in the
    app (a notification); "in_app" (and "none") also by mail as their notification settings say; "email"
    and "sms" by one mail to the address given on the report, or through the SMS gateway
    (REPORT_SMS_GATEWAY) to the number given, saying only "News from the neighbourhood council", the
    report's number and category and a link (the mail rule: a family inbox or an SMS gateway may read it);
    "phone": a call is owed, a task for staff on the report and in the queue (call_due_at). No commit."""
    reporter = db.session.get(User, report.reporter_id) if report.reporter_id else None
    way = ContactWay(report.contact_way)
    address = (report.contact_detail if way == ContactWay.EMAIL
               else sms_address(report.contact_detail) if way == ContactWay.SMS else None)
    if reporter is not None:
        notify([reporter], "report_response", "report", report.id, exclude=by,
               mail=way in (ContactWay.IN_APP, ContactWay.NONE) or (way != ContactWay.PHONE and not address))
    if address:
        queue_mail(address, "report_news", locale=reporter.locale if reporter else None, report_id=report.id,
                   category=ReportCategory(report.category).value)
    if way == ContactWay.PHONE:
        report.call_due_at = now


def call_done(report: SituationReport, by: User) -> bool:
    """A staff member called the reporter: the call task is done. Returns whether one was owed. Commits."""
    if report.call_due_at is None:
        return False
    report.call_due_at = None
    db.session.commit()
    return True


def export(user: User) -> list[dict]:
    """For the member's data export: each report they filed, with how they chose to hear about answers, the
    contact details they gave and the conversation on it (the staff's messages without names). One query
    for the reports and one for the messages."""
    reports = db.session.scalars(select(SituationReport).where(SituationReport.reporter_id == user.id)
                                 .order_by(SituationReport.id)).all()
    messages: dict[int, list[dict]] = {}
    if reports:
        for m in db.session.scalars(select(ReportMessage).where(ReportMessage.report_id.in_([r.id for r in reports]))
                                    .order_by(ReportMessage.created_at, ReportMessage.id)):
            messages.setdefault(m.report_id, []).append({
                "from": "staff" if m.from_staff else "you", "kind": m.kind.value, "text": m.text,
                "created_at": m.created_at.isoformat()})
    return [{"report_id": r.id, "contact_way": ContactWay(r.contact_way).value, "contact_detail": r.contact_detail,
             "messages": messages.get(r.id, [])} for r in reports]
