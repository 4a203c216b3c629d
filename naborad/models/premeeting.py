"""The residents' pre-meeting ("beboermøte"): its own models, never rows of a council meeting.

Only three things leave it, each copied onto the council agenda item by a staff
action (see PERMISSIONS.md): a shared summary, an item proposed to the council
agenda in staff's words, and the "residents heard" mark. The council feature
never queries these tables.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..markdown import RenderedText
from .base import UTCDateTime, utcnow
from .base import enum_column as _enum
from .core import User


class PreItemState(enum.StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class PreMeeting(db.Model):
    __tablename__ = "premeeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The council meeting it prepares for (a plain reference; nothing flows back through it).
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="SET NULL"), index=True)
    title: Mapped[str | None] = mapped_column(String(160))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    place: Mapped[str] = mapped_column(String(160))
    agenda_ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    form_token: Mapped[str | None] = mapped_column(String(64), unique=True)


class PreMeetingItem(RenderedText, db.Model):
    __tablename__ = "premeeting_item"
    __rendered__ = ("text", "summary")  # each has its <field>_html, rendered on write
    __table_args__ = (Index("ix_premeeting_item_order", "premeeting_id", "state", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    premeeting_id: Mapped[int] = mapped_column(ForeignKey("premeeting.id", ondelete="CASCADE"))
    # The council agenda item this item prepares (imported); its title is shown as it is now.
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(160))
    text: Mapped[str | None] = mapped_column(Text)
    text_html: Mapped[str | None] = mapped_column(Text)
    proposer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # Entered by staff for residents who do not use the app, said at the residents' meeting: no proposer.
    from_meeting: Mapped[bool] = mapped_column(default=False)
    state: Mapped[PreItemState] = mapped_column(_enum(PreItemState, "pre_item_state"), default=PreItemState.PROPOSED)
    decline_reason: Mapped[str | None] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(default=0)
    summary: Mapped[str | None] = mapped_column(Text)  # "the residents' view", written by staff
    summary_html: Mapped[str | None] = mapped_column(Text)
    summary_shared: Mapped[bool] = mapped_column(default=False)
    raise_wanted: Mapped[bool] = mapped_column(default=False)  # residents want it raised in the council
    raised_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    form_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    proposer: Mapped[User | None] = relationship()
    premeeting: Mapped[PreMeeting] = relationship()

    @property
    def on_agenda(self) -> bool:
        """Accepted onto the pre-meeting's agenda: only then open for comments and the "raise this" mark."""
        return self.state == PreItemState.ACCEPTED


class PreMeetingComment(RenderedText, db.Model):
    __tablename__ = "premeeting_comment"
    __rendered__ = ("body",)
    __table_args__ = (Index("ix_premeeting_comment_item", "item_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("premeeting_item.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # Entered by staff for residents who do not use the app, said at the residents' meeting: no author
    # (the audit log holds who typed it).
    from_meeting: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)  # rendered on write (naborad.markdown)
    show_name: Mapped[bool] = mapped_column(default=False)  # other residents see the name; staff always do
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    form_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    author: Mapped[User | None] = relationship()


class PreMeetingResponse(db.Model):
    __tablename__ = "premeeting_response"
    __table_args__ = (UniqueConstraint("premeeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    premeeting_id: Mapped[int] = mapped_column(ForeignKey("premeeting.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    coming: Mapped[bool]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class PreMeetingPlan(db.Model):
    """Staff's choice that a council meeting series brings a residents' pre-meeting `days_before` each of its
    meetings, at `at` (Oslo time) in `place` (issue 21). Kept here, never on the series: the chair's series
    pages read nothing of it."""
    __tablename__ = "premeeting_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("meeting_series.id", ondelete="CASCADE"), unique=True)
    days_before: Mapped[int] = mapped_column(default=2)
    at: Mapped[str] = mapped_column(String(5))
    place: Mapped[str] = mapped_column(String(160))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
