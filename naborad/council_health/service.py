"""The rules of the good-neighbour agreement: every item is proposed and changed only through a council
decision (a decision in approved minutes), and each step is kept as its history. Readable by every member;
the public contact page shows the items marked public that are not dropped. The chair and the deputy are
reminded a month before each review date, once per item and date.

Every change commits; a change without a linked decision raises NotAllowed (with the reason) before writing.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..errors import NotAllowed
from ..extensions import db
from ..forms import create_once
from ..i18n import OSLO
from ..models import (
    AgendaItem,
    AgreementChange,
    AgreementItem,
    AgreementStatus,
    ChairSeat,
    Meeting,
    MeetingStatus,
    Responsible,
    User,
    audit,
    utcnow,
)
from ..notifications.service import notify

# The chair is reminded this long before a review date.
REMIND_BEFORE = timedelta(days=30)
NO_DECISION = _l("Choose the council decision that makes this change: the agreement changes only through a "
                 "decision in approved minutes.")


class NoDecision(NotAllowed):
    """A change of the agreement without a council decision to link it to."""

    def __str__(self):
        return str(NO_DECISION)


# -- reading --------------------------------------------------------------------------

def items() -> list[AgreementItem]:
    """The whole agreement, in force first (kept, then needs work), dropped last; by review date (one query)."""
    order = {AgreementStatus.KEPT: 0, AgreementStatus.NEEDS_WORK: 1, AgreementStatus.DROPPED: 2}
    rows = db.session.scalars(select(AgreementItem).order_by(AgreementItem.review_date, AgreementItem.id)).all()
    return sorted(rows, key=lambda item: order[item.status])


def public_items() -> list[AgreementItem]:
    """What the public contact page shows: the items marked public that are not dropped (one query)."""
    return db.session.scalars(select(AgreementItem).where(
        AgreementItem.public.is_(True), AgreementItem.status != AgreementStatus.DROPPED)
        .order_by(AgreementItem.review_date, AgreementItem.id)).all()


def item_with_history(item_id: int) -> AgreementItem | None:
    """One item with its history and each step's decision and meeting (two queries)."""
    return db.session.scalar(select(AgreementItem).where(AgreementItem.id == item_id).options(
        selectinload(AgreementItem.changes).joinedload(AgreementChange.decision).joinedload(AgendaItem.meeting)))


def review_dates(limit: int | None = None) -> list[AgreementItem]:
    """Items still in force by their review date, the soonest first (for the handover checklist)."""
    return db.session.scalars(select(AgreementItem).where(AgreementItem.status != AgreementStatus.DROPPED)
                              .order_by(AgreementItem.review_date, AgreementItem.id).limit(limit)).all()


def _decisions():
    """Decisions the agreement may be linked to: agenda items with a decision, in approved minutes."""
    return select(AgendaItem).join(AgendaItem.meeting).where(
        Meeting.status == MeetingStatus.APPROVED, AgendaItem.decision.is_not(None), AgendaItem.decision != "")


def decision_choices(limit: int = 100) -> list[AgendaItem]:
    """The decisions a change may link to, newest meeting first (one query)."""
    return db.session.scalars(_decisions().options(joinedload(AgendaItem.meeting))
                              .order_by(Meeting.starts_at.desc(), AgendaItem.position, AgendaItem.id)
                              .limit(limit)).all()


def _decision(decision_id: int | None) -> AgendaItem:
    decision = db.session.scalar(_decisions().where(AgendaItem.id == decision_id)) if decision_id else None
    if decision is None:
        raise NoDecision
    return decision


# -- changes --------------------------------------------------------------------------

def propose(*, text: str, responsible: Responsible | str, review_date: date, public: bool, decision_id: int | None,
            by: User, note: str | None = None, form_token: str | None = None) -> AgreementItem:
    """A new commitment, as a council decision made it: the item (status kept) and the first step of its
    history, linked to the decision. Once per form token. An audit line. Raises NoDecision without a
    decision in approved minutes. Commits."""
    decision = _decision(decision_id)

    def make():
        return AgreementItem(text=text, responsible=Responsible(responsible), status=AgreementStatus.KEPT,
                             review_date=review_date, public=public)
    item, created = create_once(AgreementItem, form_token, make)
    if created:
        db.session.add(AgreementChange(item_id=item.id, decision_id=decision.id, proposed=True, text=item.text,
                                       responsible=item.responsible, status=item.status,
                                       review_date=item.review_date, note=note))
        audit("agreement_proposed", actor=by, detail=f"#{item.id} decision #{decision.id}")
    db.session.commit()
    return item


def change(item: AgreementItem, *, text: str, responsible: Responsible | str, status: AgreementStatus | str,
           review_date: date, public: bool, decision_id: int | None, by: User, note: str | None = None) -> None:
    """Change a commitment as a council decision says: the item takes the new text, responsible group,
    status, review date and public mark, and a step of its history records them with the decision. A new
    review date is reminded again. An audit line. Raises NoDecision without a decision in approved minutes.
    Commits."""
    decision = _decision(decision_id)
    item.text, item.responsible, item.status = text, Responsible(responsible), AgreementStatus(status)
    item.review_date, item.public = review_date, public
    db.session.add(AgreementChange(item_id=item.id, decision_id=decision.id, text=item.text,
                                   responsible=item.responsible, status=item.status, review_date=item.review_date,
                                   note=note))
    audit("agreement_changed", actor=by, detail=f"#{item.id} decision #{decision.id}")
    db.session.commit()


# -- the reminder ---------------------------------------------------------------------

def remind_reviews(now: datetime | None = None) -> int:
    """A month before an item's review date, tell the chair and the deputy (in the app, and by mail as each
    chose), once per item and review date (`reminded_for`). Dropped items are not reviewed. Returns how many
    items were reminded. Commits."""
    today = (now or utcnow()).astimezone(OSLO).date()
    due = db.session.scalars(select(AgreementItem).where(
        AgreementItem.status != AgreementStatus.DROPPED, AgreementItem.review_date <= today + REMIND_BEFORE,
        AgreementItem.review_date >= today,
        (AgreementItem.reminded_for.is_(None)) | (AgreementItem.reminded_for != AgreementItem.review_date))).all()
    if not due:
        return 0
    seats = db.session.scalars(select(User).where(User.chair_seat.in_((ChairSeat.CHAIR, ChairSeat.DEPUTY)),
                                                  User.is_active_member.is_(True))).all()
    for item in due:
        notify(seats, "agreement_review", "agreement", item.id)
        item.reminded_for = item.review_date
    db.session.commit()
    return len(due)
