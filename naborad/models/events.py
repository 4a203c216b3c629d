"""Events ("arrangementer"): events, sign-ups with a waiting list, volunteer tasks and their slots."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..markdown import RenderedText
from .base import UTCDateTime, utcnow
from .base import enum_column as _enum
from .core import User


class SignupStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"


class Event(RenderedText, db.Model):
    __tablename__ = "event"
    __rendered__ = ("description",)
    __table_args__ = (
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        CheckConstraint("max_guests >= 0", name="max_guests_not_negative"),
        CheckConstraint("ends_at >= starts_at", name="ends_after_start"),
        Index("ix_event_starts", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str | None] = mapped_column(Text)  # rendered on write (naborad.markdown)
    place: Mapped[str | None] = mapped_column(String(160))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int | None] = mapped_column()  # places, guests included; None: no limit
    signup_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    max_guests: Mapped[int] = mapped_column(default=0)  # guests per sign-up; 0: no guests
    ask_dietary: Mapped[bool] = mapped_column(default=False)
    show_participants: Mapped[bool] = mapped_column(default=False)  # members see names, not only the count
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dietary_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    form_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    created_by: Mapped[User | None] = relationship()
    tasks: Mapped[list[VolunteerTask]] = relationship(
        back_populates="event", cascade="all, delete-orphan", passive_deletes=True,
        order_by="VolunteerTask.position, VolunteerTask.id")

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None

    def deadline_passed(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return (self.signup_deadline is not None and now > self.signup_deadline) or now > self.ends_at

    def can_be_changed(self) -> bool:
        """Not cancelled: organisers may still add participants (also after the deadline)."""
        return not self.cancelled

    def accepts_signups(self, now: datetime | None = None) -> bool:
        """Members may still sign up, change or cancel their sign-up and take tasks."""
        return self.can_be_changed() and not self.deadline_passed(now)


class Signup(db.Model):
    """One member (or one named non-member added by an organiser) and their guests."""
    __tablename__ = "signup"
    __table_args__ = (
        # One sign-up per member per event; rows for non-members have no user_id (NULLs never clash).
        UniqueConstraint("event_id", "user_id", name="uq_signup_event_user"),
        CheckConstraint("guests >= 0", name="guests_not_negative"),
        CheckConstraint("user_id IS NOT NULL OR name IS NOT NULL", name="member_or_name"),
        Index("ix_signup_event_status", "event_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    name: Mapped[str | None] = mapped_column(String(120))  # a participant who is not a member
    guests: Mapped[int] = mapped_column(default=0)
    dietary_note: Mapped[str | None] = mapped_column(String(300))  # health data: organisers only, purged
    status: Mapped[SignupStatus] = mapped_column(_enum(SignupStatus, "signup_status"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when the waiting list moved this sign-up up (the member is notified, and their sign-up says so).
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    form_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])

    @property
    def places(self) -> int:
        return 1 + self.guests

    @property
    def confirmed(self) -> bool:
        return self.status == SignupStatus.CONFIRMED

    @property
    def display_name(self) -> str:
        return self.user.display_name if self.user is not None else (self.name or "")


class VolunteerTask(db.Model):
    """A job at the event ("bake a cake") with a number of slots members take."""
    __tablename__ = "volunteer_task"
    __table_args__ = (CheckConstraint("slots > 0", name="slots_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    slots: Mapped[int] = mapped_column(default=1)
    position: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship(back_populates="tasks")
    takers: Mapped[list[TaskSlot]] = relationship(
        back_populates="task", cascade="all, delete-orphan", passive_deletes=True, order_by="TaskSlot.created_at")


class TaskSlot(db.Model):
    """A member has taken one slot of a task; at most one slot per member per task."""
    __tablename__ = "task_slot"

    task_id: Mapped[int] = mapped_column(ForeignKey("volunteer_task.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    task: Mapped[VolunteerTask] = relationship(back_populates="takers")
    user: Mapped[User] = relationship()
