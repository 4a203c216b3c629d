"""Council meetings: agenda items (proposals), minutes, decisions, action items and RSVPs."""
from __future__ import annotations

import enum
from datetime import date, datetime, timedelta

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..markdown import RenderedText
from .base import UTCDateTime, utcnow
from .base import enum_column as _enum
from .core import User
from .issues import Issue, search_key


class MeetingStatus(enum.StrEnum):
    PLANNED = "planned"
    PUBLISHED = "published"  # the agenda is published
    HELD = "held"
    APPROVED = "approved"  # the minutes are approved and locked
    CANCELLED = "cancelled"


class ItemState(enum.StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class ItemPhase(enum.StrEnum):
    MAP = "map"  # map the challenge
    PROPOSE = "propose"  # propose solutions
    DECIDE = "decide"
    FOLLOW_UP = "follow_up"


class CycleResult(enum.StrEnum):
    """The answer to "did it work?" at a follow-up (issue 21); "did not" sends the issue back to solutions."""
    WORKED = "worked"
    PARTLY = "partly"
    DID_NOT = "did_not"


class StandingKind(enum.StrEnum):
    AGENDA = "agenda"  # approval of the agenda
    MINUTES = "minutes"  # minutes of the last meeting
    ACTIONS = "actions"  # follow-up of open action items
    AOB = "aob"  # any other business


class Meeting(db.Model):
    __tablename__ = "meeting"
    __table_args__ = (UniqueConstraint("series_id", "occurs_on", name="uq_meeting_series_occurs_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    place: Mapped[str] = mapped_column(String(160))
    video_url: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[MeetingStatus] = mapped_column(_enum(MeetingStatus, "meeting_status"),
                                                  default=MeetingStatus.PLANNED)
    cancel_message: Mapped[str | None] = mapped_column(String(500))
    # The item on the screen now; a plain id (no foreign key: agenda_item refers to meeting already).
    current_item_id: Mapped[int | None]
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    form_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    # A planned meeting of a series (issue 21): the series' date it stands for, once per series and date.
    series_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_series.id", ondelete="SET NULL"), index=True)
    occurs_on: Mapped[date | None] = mapped_column(Date)
    # Who attended a held meeting, as a count per group (the chair enters it with the minutes; the yearly
    # report adds them up). None: not recorded.
    attended_neighbours: Mapped[int | None]
    attended_residents: Mapped[int | None]
    attended_staff: Mapped[int | None]

    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])

    @property
    def agenda_public(self) -> bool:
        return self.status in (MeetingStatus.PUBLISHED, MeetingStatus.HELD, MeetingStatus.APPROVED) or (
            self.status == MeetingStatus.CANCELLED and self.published_at is not None)

    @property
    def minutes_public(self) -> bool:
        return self.status == MeetingStatus.APPROVED

    # -- what the meeting's status allows (the service checks these; templates may use them to hide buttons)

    @property
    def open_for_proposals(self) -> bool:
        """Members propose items for it; moderators move items to it and carry issues over into it."""
        return self.status in OPEN_FOR_PROPOSALS

    @property
    def agenda_editable(self) -> bool:
        """Items and minutes change until the minutes are approved or the meeting is cancelled."""
        return self.status not in (MeetingStatus.APPROVED, MeetingStatus.CANCELLED)

    def can_publish(self) -> bool:
        return self.status == MeetingStatus.PLANNED

    @property
    def has_started(self) -> bool:
        return self.starts_at <= utcnow()

    def can_mark_held(self) -> bool:
        """Planned or published, and started: a meeting 12 days ahead has not been held."""
        return self.status in (MeetingStatus.PLANNED, MeetingStatus.PUBLISHED) and self.has_started

    def can_cancel(self) -> bool:
        """Not once it is held: its minutes are on the way."""
        return self.status in (MeetingStatus.PLANNED, MeetingStatus.PUBLISHED)

    def can_approve(self) -> bool:
        """The minutes of a held meeting, once."""
        return self.status == MeetingStatus.HELD

    @property
    def attendance_recorded(self) -> bool:
        return None not in (self.attended_neighbours, self.attended_residents, self.attended_staff)

    def can_record_attendance(self) -> bool:
        """Attendance is counted at a meeting that was held (also once its minutes are approved)."""
        return self.status in (MeetingStatus.HELD, MeetingStatus.APPROVED)

    def can_rsvp(self) -> bool:
        return self.status not in (MeetingStatus.CANCELLED, MeetingStatus.APPROVED)


OPEN_FOR_PROPOSALS = (MeetingStatus.PLANNED, MeetingStatus.PUBLISHED)

# A meeting (a council meeting or a residents' pre-meeting) still counts as upcoming until this long after
# it started: the meetings list, the pre-meetings list and the dashboard all show it while it goes on.
STILL_UPCOMING = timedelta(hours=6)


def open_meetings(after: datetime | None = None, limit: int | None = None) -> list[Meeting]:
    """The meetings that start after `after` (default: now) and still take agenda items (planned or
    published), soonest first: where a proposal, a moved item or an item the residents raise can go."""
    return db.session.scalars(select(Meeting).where(Meeting.starts_at > (after or utcnow()),
                                                    Meeting.status.in_(OPEN_FOR_PROPOSALS))
                              .order_by(Meeting.starts_at).limit(limit)).all()


def next_open_meeting() -> Meeting | None:
    """The nearest future meeting that takes agenda items."""
    return next(iter(open_meetings(limit=1)), None)


class AgendaItem(RenderedText, db.Model):
    __tablename__ = "agenda_item"
    __rendered__ = ("why", "notes", "residents_summary")  # each has its <field>_html, rendered on write
    __table_args__ = (Index("ix_agenda_item_meeting_position", "meeting_id", "state", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(160))
    why: Mapped[str | None] = mapped_column(Text)
    why_html: Mapped[str | None] = mapped_column(Text)
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("issue.id", ondelete="SET NULL"), index=True)
    proposer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # Proposed by the residents' pre-meeting as a group, never by a person (issue 6).
    from_premeeting: Mapped[bool] = mapped_column(default=False)
    state: Mapped[ItemState] = mapped_column(_enum(ItemState, "item_state"), default=ItemState.PROPOSED)
    decline_reason: Mapped[str | None] = mapped_column(String(300))
    standing: Mapped[StandingKind | None] = mapped_column(_enum(StandingKind, "standing_kind"))
    position: Mapped[int] = mapped_column(default=0)
    minutes_planned: Mapped[int | None]
    phase: Mapped[ItemPhase | None] = mapped_column(_enum(ItemPhase, "item_phase"))
    # indexed: "has it been carried on?" is asked of every candidate for carrying over (issue 16)
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id", ondelete="SET NULL"), index=True)
    notes: Mapped[str | None] = mapped_column(Text)  # the minutes for this item
    notes_html: Mapped[str | None] = mapped_column(Text)
    decision: Mapped[str | None] = mapped_column(Text)
    search_text: Mapped[str] = mapped_column(Text, default="")  # title and decision, case-folded
    # What may come from the residents' pre-meeting, copied here by staff (PERMISSIONS.md):
    concerns_residents: Mapped[bool] = mapped_column(default=False)
    residents_heard: Mapped[bool] = mapped_column(default=False)
    residents_summary: Mapped[str | None] = mapped_column(Text)
    residents_summary_html: Mapped[str | None] = mapped_column(Text)
    # Why the decision was made before the residents were heard ("decided without the residents'
    # pre-meeting, because ..."): required then, shown in the minutes and the decision log.
    unheard_reason: Mapped[str | None] = mapped_column(String(300))
    # The cycle (issue 21): the answer to "did it work?" on a follow-up item, and why an unfinished item
    # is no longer offered for carry-over.
    followup_result: Mapped[CycleResult | None] = mapped_column(_enum(CycleResult, "cycle_result"))
    dropped_reason: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    form_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    meeting: Mapped[Meeting] = relationship(foreign_keys=[meeting_id])
    issue: Mapped[Issue | None] = relationship()
    proposer: Mapped[User | None] = relationship()

    @property
    def residents_unheard(self) -> bool:
        """It concerns the residents, who have not been heard through their pre-meeting."""
        return self.concerns_residents and not self.residents_heard

    def can_decline_or_move(self) -> bool:
        """Standing items stay on their agenda; nothing leaves a locked one."""
        return self.standing is None and self.meeting.agenda_editable


AOB_POSITION = 10_000  # "any other business" stays last


def standing_items(meeting: "Meeting") -> list["AgendaItem"]:
    """The items every agenda starts with, and "any other business" at the end."""
    specs = [(StandingKind.AGENDA, 0), (StandingKind.MINUTES, 1), (StandingKind.ACTIONS, 2),
             (StandingKind.AOB, AOB_POSITION)]
    return [AgendaItem(meeting_id=meeting.id, title=kind.value, standing=kind, state=ItemState.ACCEPTED,
                       position=position, created_at=meeting.created_at or utcnow()) for kind, position in specs]


def refresh_search_text(item: "AgendaItem") -> None:
    item.search_text = search_key(item.title, item.decision)


class ActionItem(db.Model):
    __tablename__ = "action_item"
    # the open ones (done_at NULL), per person: the key-person warnings count them on every overview (issue 16)
    __table_args__ = (Index("ix_action_item_open", "done_at", "assignee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    what: Mapped[str] = mapped_column(String(300))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    assignee_name: Mapped[str | None] = mapped_column(String(120))  # someone outside the council
    due: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_note: Mapped[str | None] = mapped_column(String(300))
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    form_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    agenda_item: Mapped[AgendaItem] = relationship()
    meeting: Mapped[Meeting] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    done_by: Mapped[User | None] = relationship(foreign_keys=[done_by_id])

    @property
    def overdue(self) -> bool:
        return self.done_at is None and self.due is not None and self.due < utcnow().date()


class RsvpAnswer(enum.StrEnum):
    YES = "yes"
    NO = "no"
    MAYBE = "maybe"


class MeetingResponse(db.Model):
    __tablename__ = "meeting_response"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    answer: Mapped[RsvpAnswer] = mapped_column(_enum(RsvpAnswer, "rsvp_answer"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class SeriesRule(enum.StrEnum):
    EVERY_N_WEEKS = "weeks"  # every `interval` weeks on `weekday`, counted from `starts_on`
    NTH_WEEKDAY = "monthly"  # the `nth` `weekday` of every month (nth -1: the last)


class MeetingSeries(db.Model):
    """A rule that makes planned council meetings ahead (issue 21; meetings/series.py holds the rules)."""
    __tablename__ = "meeting_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[SeriesRule] = mapped_column(_enum(SeriesRule, "series_rule"))
    interval: Mapped[int] = mapped_column(default=1)  # weeks, for EVERY_N_WEEKS
    weekday: Mapped[int] = mapped_column(default=1)  # 0 Monday .. 6 Sunday
    nth: Mapped[int] = mapped_column(default=1)  # 1..4 or -1, for NTH_WEEKDAY
    at: Mapped[str] = mapped_column(String(5))  # "18:00", Oslo time
    starts_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(160))
    ahead_days: Mapped[int] = mapped_column(default=90)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    form_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    exceptions: Mapped[list["SeriesException"]] = relationship(order_by="SeriesException.occurs_on",
                                                              cascade="all, delete-orphan")


class SeriesException(db.Model):
    """One date of a series moved (to `moved_to`) or cancelled (`moved_to` empty)."""
    __tablename__ = "series_exception"
    __table_args__ = (UniqueConstraint("series_id", "occurs_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("meeting_series.id", ondelete="CASCADE"))
    occurs_on: Mapped[date] = mapped_column(Date)
    moved_to: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
