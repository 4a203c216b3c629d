"""Situation reports ("meld fra"): filed by members, handled by staff, counted for the council."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, enum_column, utcnow


class ReportCategory(enum.StrEnum):
    NOISE = "noise"
    UNWELL = "unwell"
    THREAT = "threat"
    LITTER = "litter"
    DAMAGE = "damage"
    OTHER = "other"


class ReportStatus(enum.StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    CLOSED = "closed"


class ContactWay(enum.StrEnum):
    NONE = "none"
    PHONE = "phone"
    EMAIL = "email"
    IN_APP = "in_app"
    # A text message through the council's email-to-SMS gateway (REPORT_SMS_GATEWAY); offered only when set.
    SMS = "sms"


class SituationReport(db.Model):
    """One report. Text, place, reporter and contact details are personal and purged after retention."""
    __tablename__ = "situation_report"
    # The staff queue's lists: waiting ones oldest first, closed ones most recently closed first (issue 16: without
    # the second index the closed list sorted every closed report to show 25).
    __table_args__ = (Index("ix_situation_report_status_created", "status", "created_at"),
                      Index("ix_situation_report_status_closed", "status", "closed_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[ReportCategory] = mapped_column(enum_column(ReportCategory, "report_category"))
    text: Mapped[str | None] = mapped_column(Text)
    place: Mapped[str | None] = mapped_column(String(120))
    happened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    contact_way: Mapped[ContactWay] = mapped_column(enum_column(ContactWay, "report_contact_way"),
                                                    default=ContactWay.NONE)
    contact_detail: Mapped[str | None] = mapped_column(String(254))
    status: Mapped[ReportStatus] = mapped_column(enum_column(ReportStatus, "report_status"),
                                                 default=ReportStatus.NEW)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    response: Mapped[str | None] = mapped_column(Text)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    outcome: Mapped[str | None] = mapped_column(Text)
    # Set when the retention period removed the personal details; category and times remain.
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # One-time token of the form that created it: a double submit makes one report.
    form_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Issue 19, item 4: the reporter said "still happening" after staff were on it or had closed it. The last
    # time, and how many times (each reopening starts a new round of the escalation, escalation.py).
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopen_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # The reporter wants a phone call (contact_way "phone") and one is owed: a task for staff, shown on the
    # report and in the queue until a staff member says they called.
    call_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    reporter = relationship("User", foreign_keys=[reporter_id])
    acknowledged_by = relationship("User", foreign_keys=[acknowledged_by_id])
    closed_by = relationship("User", foreign_keys=[closed_by_id])


class MessageKind(enum.StrEnum):
    """What a message on a report says besides its text; stored so the numbers can count them (for example
    "still happening" reopenings per month)."""
    MESSAGE = "message"
    QUESTION = "question"  # staff ask the reporter something
    STILL_HAPPENING = "still_happening"  # the reporter: it goes on (reopens the report, alerts the on-duty staff)
    RESOLVED_FOR_ME = "resolved_for_me"  # the reporter: it is over for them (closes the report)


class ReportMessage(db.Model):
    """One message of the conversation on a report, between its reporter and the staff (issue 19, item 4).
    Its text and author are personal: removed with the report's details by the retention purge."""
    __tablename__ = "report_message"
    __table_args__ = (Index("ix_report_message_report_created", "report_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("situation_report.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    from_staff: Mapped[bool] = mapped_column(Boolean, default=False)
    kind: Mapped[MessageKind] = mapped_column(enum_column(MessageKind, "report_message_kind"),
                                              default=MessageKind.MESSAGE, index=True)
    text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # One-time token of the form that wrote it: a double submit makes one message.
    form_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    author = relationship("User", foreign_keys=[author_id])


class StaffAlert(db.Model):
    """An in-app alert to one staff member about a new report (general notifications come later)."""
    __tablename__ = "staff_alert"
    __table_args__ = (UniqueConstraint("user_id", "report_id", name="uq_staff_alert_user_report"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("situation_report.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    seen: Mapped[bool] = mapped_column(Boolean, default=False)

    report: Mapped[SituationReport] = relationship()


class ReportEscalation(db.Model):
    """One step of a report's escalation along the on-duty chain (step 0: the one on duty when it was
    filed). The unique step per report makes an alert go out once, whichever process gets there first."""
    __tablename__ = "report_escalation"
    __table_args__ = (UniqueConstraint("report_id", "step", name="uq_report_escalation_report_step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("situation_report.id", ondelete="CASCADE"), index=True)
    step: Mapped[int] = mapped_column()
    member_id: Mapped[int | None] = mapped_column(ForeignKey("rota_member.id", ondelete="SET NULL"))
    label: Mapped[str] = mapped_column(String(120))  # the contact point's name at the time
    alerted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EscalationWait(db.Model):
    """Minutes without an acknowledgement before a report of this category goes to the next in the on-duty
    chain, as staff set them (reports/escalation.py has the defaults)."""
    __tablename__ = "escalation_wait"

    category: Mapped[ReportCategory] = mapped_column(enum_column(ReportCategory, "report_category"), primary_key=True)
    minutes: Mapped[int] = mapped_column()
