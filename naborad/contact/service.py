"""The rules of the contact page: the order of the contact points (emergency numbers last), one on-duty
phone at a time, the guidance, and a chair's own number, shown only with their consent and only while
they are an active chair (consent.py deletes it when they stop). Every change commits."""
import re
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import ChairContact, ContactPoint, Guidance, Role, User, audit

# -- reading --------------------------------------------------------------------------

def ordered_points() -> list[ContactPoint]:
    """Contact points in their order, emergency numbers last."""
    return db.session.scalars(select(ContactPoint).order_by(ContactPoint.is_emergency, ContactPoint.position,
                                                            ContactPoint.id)).all()


def guidance() -> list[Guidance]:
    """"What do I do if ...", in its order, with the contact point each one names."""
    return db.session.scalars(select(Guidance).options(joinedload(Guidance.contact_point))
                              .order_by(Guidance.position, Guidance.id)).all()


def visible_chair_contacts() -> list[ChairContact]:
    """A chair's own number only while they are an active chair (a handover hides it at once)."""
    return db.session.scalars(
        select(ChairContact).join(User, ChairContact.user_id == User.id)
        .where(User.role == Role.CHAIR, User.is_active_member.is_(True))
        .order_by(User.chair_seat, ChairContact.id)).all()


@dataclass(frozen=True)
class OnDuty:
    """Who answers the facility's phone now: a label (never a staff member's name), the number and hours."""
    label: str
    phone: str | None
    hours: str | None
    point_id: int | None = None  # the contact point it comes from (the contact page's anchor)

    @property
    def tel(self) -> str | None:
        """The number as a tel: link takes it (digits and a leading +)."""
        return "tel:" + re.sub(r"[^\d+]", "", self.phone) if self.phone else None


def on_duty() -> OnDuty | None:
    """The one answer to "whom do I call now?": the contact page, the printed card, the report form and the
    overview all show this. Today the contact point marked as the 24/7 on-duty phone (one query); a rota
    decides it here later, and every page follows."""
    point = db.session.scalar(select(ContactPoint).where(ContactPoint.is_on_duty.is_(True))
                              .order_by(ContactPoint.position, ContactPoint.id).limit(1))
    if point is None:
        return None
    return OnDuty(label=point.label, phone=point.phone, hours=point.hours, point_id=point.id)


def chair_contact_of(user) -> ChairContact | None:
    return db.session.scalar(select(ChairContact).where(ChairContact.user_id == user.id))


# -- contact points and guidance (staff) ----------------------------------------------------

def save_point(point: ContactPoint | None, details: dict, by) -> ContactPoint:
    """Add a contact point (`point` None) or change one to `details` (ContactPointForm.details()). The
    on-duty phone is one at a time: marking this one unmarks the others. Audited; commits."""
    added = point is None
    if added:
        point = ContactPoint()
        db.session.add(point)
    for name, value in details.items():
        setattr(point, name, value)
    point.position = point.position or 0
    if point.is_on_duty:
        db.session.flush()
        for other in db.session.scalars(select(ContactPoint).where(ContactPoint.is_on_duty.is_(True),
                                                                   ContactPoint.id != point.id)):
            other.is_on_duty = False
    audit("contact_point_added" if added else "contact_point_changed", actor=by)
    db.session.commit()
    return point


def delete_point(point: ContactPoint, by) -> None:
    """Audited; the guidance that named it keeps its advice without a contact point. Commits."""
    db.session.delete(point)
    audit("contact_point_deleted", actor=by)
    db.session.commit()


def save_guidance(item: Guidance | None, *, situation: str, advice: str, contact_point_id: int | None,
                  position: int | None) -> Guidance:
    """Add a piece of advice (`item` None) or change one. Commits."""
    if item is None:
        item = Guidance()
        db.session.add(item)
    item.situation, item.advice, item.contact_point_id = situation, advice, contact_point_id
    item.position = position or 0
    db.session.commit()
    return item


def delete_guidance(item: Guidance) -> None:
    db.session.delete(item)
    db.session.commit()


# -- the chair's own number ---------------------------------------------------------------

def show_my_number(chair, *, label: str, phone: str, email: str | None, hours: str | None) -> ChairContact:
    """The chair consents to showing their number on the public page (or changes what is shown).
    Audited; commits."""
    mine = chair_contact_of(chair)
    if mine is None:
        mine = ChairContact(user_id=chair.id)
        db.session.add(mine)
    mine.label, mine.phone, mine.email, mine.hours = label, phone, email, hours
    audit("chair_contact_consent", actor=chair)
    db.session.commit()
    return mine


def withdraw_my_number(chair) -> None:
    """The consent is withdrawn: the row goes. Audited; commits."""
    db.session.execute(delete(ChairContact).where(ChairContact.user_id == chair.id))
    audit("chair_contact_withdrawn", actor=chair)
    db.session.commit()
