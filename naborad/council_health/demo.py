"""Demo data: the demo council's good-neighbour agreement, agreed in the meeting that decided on quiet hours."""
from datetime import timedelta

from sqlalchemy import select

from ..extensions import db
from ..i18n import OSLO
from ..models import (
    AgendaItem,
    AgreementChange,
    AgreementItem,
    AgreementStatus,
    Meeting,
    MeetingStatus,
    Responsible,
    utcnow,
)

# text, responsible, status, review in days, public, note of a later change (None: unchanged since agreed)
ITEMS = [
    ("Ro etter klokka 22 på hverdager og 23 i helgene", Responsible.EVERYONE, AgreementStatus.KEPT, 25, True, None),
    ("Røykeplassen er ved skuret, ikke ved inngangen", Responsible.RESIDENTS, AgreementStatus.KEPT, 120, True, None),
    ("De ansatte går en søppelrunde i nabolaget hver mandag", Responsible.STAFF, AgreementStatus.NEEDS_WORK, 60,
     False, "Runden ble glemt noen mandager i høst."),
]


def load_demo(users: dict) -> None:
    decisions = db.session.scalars(select(AgendaItem).join(AgendaItem.meeting).where(
        Meeting.status == MeetingStatus.APPROVED, AgendaItem.decision.is_not(None))
        .order_by(Meeting.starts_at)).all()
    if not decisions:
        return
    agreed, later = decisions[0], decisions[-1]
    today = utcnow().astimezone(OSLO).date()
    for text, responsible, status, days, public, note in ITEMS:
        item = AgreementItem(text=text, responsible=responsible, status=status, public=public,
                             review_date=today + timedelta(days=days), created_at=agreed.meeting.starts_at)
        db.session.add(item)
        db.session.flush()
        first = AgreementStatus.KEPT if note else status
        db.session.add(AgreementChange(item_id=item.id, decision_id=agreed.id, proposed=True, text=text,
                                       responsible=responsible, status=first, review_date=item.review_date,
                                       at=agreed.meeting.starts_at + timedelta(days=3)))
        if note:
            db.session.add(AgreementChange(item_id=item.id, decision_id=later.id, text=text, responsible=responsible,
                                           status=status, review_date=item.review_date, note=note,
                                           at=later.meeting.starts_at + timedelta(days=3)))
