"""Escalation (issue 19, item 2): a report nobody acknowledges goes along the on-duty chain.

Step 0 is the contact on duty when the report was filed (alerted as it is filed); each wait (per category,
WAIT) without an acknowledgement later, the next step: the next in the chain, then the facility manager
(contact.service.LoadedRota.chain). Each step alerts once, in the app (the member's staff member, or every
active staff member when the member names none or that person is deactivated) and by mail to the member's
alert address, which may be an email-to-SMS gateway: the mail carries the report's number, category and a
link only (the mail rule in PERMISSIONS.md). Acknowledging the report stops it: only reports nobody has
acknowledged are looked at. The `escalate` job (naborad/jobs.py) runs escalate_due() every minute.

A reopened report (the reporter said "still happening", issue 19 item 4) is escalated again as a new round:
its steps are numbered from ROUND times the reopening's number (100, 101, ... for the first reopening), step
one of the round is the contact on duty at the reopening (alert_reopened), and the waits count from the
reopening. Acknowledging it again stops the round.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..contact.service import LoadedRota, load_rota
from ..extensions import db
from ..mail import queue_mail
from ..models import (
    EscalationWait,
    ReportCategory,
    ReportEscalation,
    ReportStatus,
    Role,
    RotaMember,
    SituationReport,
    StaffAlert,
    User,
    audit,
    utcnow,
)
from ..notifications.service import active_members

# Minutes without an acknowledgement before the next step: "something is happening now" sooner than litter.
# The app config ESCALATION_MINUTES ({category: minutes}) changes them.
WAIT = {ReportCategory.THREAT: 10, ReportCategory.UNWELL: 10, ReportCategory.NOISE: 15, ReportCategory.DAMAGE: 15,
        ReportCategory.OTHER: 15, ReportCategory.LITTER: 60}
DEFAULT_WAIT = 15
# Reports older than this are not escalated further (a chain is walked within hours, not days).
HORIZON = timedelta(days=2)
# Steps of a reopened report's round start at ROUND * its reopen count (a chain is never this long).
ROUND = 100


def waits() -> dict[ReportCategory, int]:
    """Minutes per category: what staff set (escalation_wait), else the app config ESCALATION_MINUTES, else
    WAIT. One query."""
    chosen = {c: m for c, m in db.session.execute(select(EscalationWait.category, EscalationWait.minutes))}
    merged = {**WAIT, **current_app.config.get("ESCALATION_MINUTES", {}), **chosen}
    return {c: merged.get(c, DEFAULT_WAIT) for c in ReportCategory}


def wait_for(category, minutes: dict | None = None) -> timedelta:
    return timedelta(minutes=(minutes or waits())[ReportCategory(category)])


def save_waits(minutes: dict[ReportCategory, int], by: User) -> None:
    """Staff set the minutes per category. Audited; commits."""
    for category, value in minutes.items():
        row = db.session.get(EscalationWait, ReportCategory(category))
        if row is None:
            db.session.add(EscalationWait(category=ReportCategory(category), minutes=value))
        else:
            row.minutes = value
    audit("escalation_waits_changed", actor=by)
    db.session.commit()


def _alert_in_app(member: RotaMember, report: SituationReport, now: datetime) -> None:
    user = db.session.get(User, member.user_id) if member.user_id else None
    if user is not None and user.is_active_member and user.role == Role.STAFF:
        user_ids = [user.id]
    else:  # nobody named, or no longer staff: every active staff member, never nobody
        user_ids = [staff.id for staff in active_members(Role.STAFF)]
    for user_id in user_ids:
        raised = db.session.execute(update(StaffAlert).where(StaffAlert.user_id == user_id,
                                                             StaffAlert.report_id == report.id)
                                    .values(seen=False, created_at=now)).rowcount
        if not raised:
            db.session.add(StaffAlert(user_id=user_id, report_id=report.id, created_at=now))


def alert_step(report: SituationReport, step: int, member: RotaMember, now: datetime,
               minutes: dict | None = None, in_app: bool = True) -> bool:
    """Alert `member` as step `step` of the report's escalation, once: False if that step was alerted
    before (the unique step per report decides, also between two processes). `in_app=False` where the
    staff's in-app alerts are already made (as a report is filed). No commit."""
    try:
        with db.session.begin_nested():
            db.session.add(ReportEscalation(report_id=report.id, step=step, member_id=member.id,
                                            label=member.contact_point.label, alerted_at=now))
    except IntegrityError:
        return False
    if in_app:
        _alert_in_app(member, report, now)
    if member.alert_email:
        queue_mail(member.alert_email, "report_escalated", report_id=report.id,
                   category=ReportCategory(report.category).value, step=step % ROUND, reopened=step >= ROUND,
                   minutes=int(wait_for(report.category, minutes).total_seconds() // 60))
    return True


def _base(report: SituationReport) -> tuple[datetime, int]:
    """When the report's present round of escalation started, and its first step's number."""
    if report.reopened_at is not None and report.reopen_count:
        return report.reopened_at, ROUND * report.reopen_count
    return report.created_at, 0


def _due_steps(report: SituationReport, loaded: LoadedRota, done: set[int], now: datetime, minutes: dict):
    since, first = _base(report)
    chain = loaded.chain(since)
    wait = wait_for(report.category, minutes)
    for step, member in enumerate(chain):
        if first + step not in done and now >= since + step * wait:
            yield first + step, member


def alert_on_duty(report: SituationReport, now: datetime | None = None) -> None:
    """Step 0, as the report is filed: the contact on duty then, recorded and mailed at its alert address
    (the staff's in-app alerts come from reports.service.alert_staff in the same transaction). No commit."""
    now = now or utcnow()
    chain = load_rota().chain(report.created_at)
    if chain:
        alert_step(report, 0, chain[0], now, waits(), in_app=False)


def alert_reopened(report: SituationReport, now: datetime | None = None) -> None:
    """The first step of a reopened report's new round: the contact on duty now, in the app and at their
    alert address; with nobody on duty, every active staff member in the app (never nobody). No commit."""
    now = now or utcnow()
    chain = load_rota().chain(now)
    _, first = _base(report)
    if chain:
        alert_step(report, first, chain[0], now, waits())
        return
    for user in active_members(Role.STAFF):
        raised = db.session.execute(update(StaffAlert).where(StaffAlert.user_id == user.id,
                                                             StaffAlert.report_id == report.id)
                                    .values(seen=False, created_at=now)).rowcount
        if not raised:
            db.session.add(StaffAlert(user_id=user.id, report_id=report.id, created_at=now))


def escalate_due(now: datetime | None = None) -> int:
    """Every step now due of every report nobody has acknowledged (since it was filed, or since it was
    reopened); -> how many alerts went out. Commits."""
    now = now or utcnow()
    reports = db.session.scalars(select(SituationReport).where(
        SituationReport.status == ReportStatus.NEW,
        or_(and_(SituationReport.acknowledged_at.is_(None), SituationReport.created_at > now - HORIZON,
                 SituationReport.created_at <= now),
            and_(SituationReport.reopened_at.is_not(None), SituationReport.reopened_at > now - HORIZON,
                 SituationReport.reopened_at <= now)))).all()
    if not reports:
        return 0
    done: dict[int, set[int]] = {}
    for report_id, step in db.session.execute(select(ReportEscalation.report_id, ReportEscalation.step)
                                              .where(ReportEscalation.report_id.in_([r.id for r in reports]))):
        done.setdefault(report_id, set()).add(step)
    loaded, minutes = load_rota(), waits()
    sent = 0
    for report in reports:
        for step, member in _due_steps(report, loaded, done.get(report.id, set()), now, minutes):
            sent += alert_step(report, step, member, now, minutes)
    db.session.commit()
    return sent


def escalations_of(report: SituationReport) -> list[ReportEscalation]:
    return db.session.scalars(select(ReportEscalation).where(ReportEscalation.report_id == report.id)
                              .order_by(ReportEscalation.step)).all()
