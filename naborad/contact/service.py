"""The rules of the contact page: the order of the contact points (emergency numbers last), one on-duty
phone at a time, the guidance, and a chair's own number, shown only with their consent and only while
they are an active chair (consent.py deletes it when they stop). Every change commits."""
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..i18n import OSLO
from ..i18n import date_filter as format_date
from ..models import ChairContact, ContactPoint, Guidance, Role, RotaDays, RotaMember, RotaSlot, User, audit, utcnow
from . import rota

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
    until: datetime | None = None  # from the rota: when this slot ends (aware, Oslo)
    from_rota: bool = False  # False: the 24/7 on-duty phone, with no rota slot covering now
    until_soon: bool = False  # `until` is within a day (shown as a time alone)
    outside_phone: str | None = None  # from the rota: the 24/7 phone for the hours no slot covers

    @property
    def tel(self) -> str | None:
        """The number as a tel: link takes it (digits and a leading +)."""
        return "tel:" + re.sub(r"[^\d+]", "", self.phone) if self.phone else None


def _clock(value) -> str:
    return value.strftime("%H:%M")


def describe_slot(slot) -> str:
    """A slot's hours in words, e.g. "Weekdays 15:00–23:00" or "24 Dec 08:00 – 28 Dec 08:00" (lazy: the
    rota is also read outside a request, by the escalation job)."""
    hours = f"{_clock(slot.starts)}–{_clock(slot.ends)}"
    if slot.days == RotaDays.DATES:
        return LazyString(lambda: _("%(start)s %(from)s – %(end)s %(to)s", start=format_date(slot.first_day),
                                    end=format_date(slot.last_day), **{"from": _clock(slot.starts),
                                                                       "to": _clock(slot.ends)}))
    return {RotaDays.WEEKDAYS: _l("Weekdays %(hours)s", hours=hours),
            RotaDays.WEEKEND: _l("Weekends %(hours)s", hours=hours),
            RotaDays.HOLIDAYS: _l("Public holidays %(hours)s", hours=hours)}[slot.days]


# How staff read a gap: the kind of the day before, the kind of the day the gap is on.
def _gap_days(before, today) -> str:
    if today == RotaDays.HOLIDAYS:
        return _l("public holidays")
    if before == RotaDays.HOLIDAYS:
        return _l("the day after a public holiday")
    return {(RotaDays.WEEKDAYS, RotaDays.WEEKDAYS): _l("Tuesdays to Fridays"),
            (RotaDays.WEEKEND, RotaDays.WEEKDAYS): _l("Mondays"),
            (RotaDays.WEEKDAYS, RotaDays.WEEKEND): _l("Saturdays"),
            (RotaDays.WEEKEND, RotaDays.WEEKEND): _l("Sundays")}[(before, today)]


def _rule_slot(row: RotaSlot) -> rota.Slot:
    return rota.Slot(row.id, row.member_id, row.days, row.starts, row.ends, row.first_day, row.last_day)


@dataclass
class LoadedRota:
    """The rota as one query loads it: chain members with their contact points, their slots, and the 24/7
    on-duty phone (the fallback when no slot covers a moment, and the only answer before a rota exists)."""
    members: list[RotaMember]
    slots: list[RotaSlot]
    fallback: ContactPoint | None

    def __post_init__(self):
        self.members.sort(key=lambda m: (m.position, m.id))
        self.slots.sort(key=lambda s: (list(RotaDays).index(s.days), s.first_day or date.min, s.starts, s.id))
        self.member_by_id = {m.id: m for m in self.members}
        self.slot_by_id = {s.id: s for s in self.slots}
        self.rules = rota.Rota(
            [rota.Member(m.id, m.position, m.contact_point.label, m.contact_point.phone, m.is_active, m.is_manager,
                         m.alert_email) for m in self.members],
            [_rule_slot(s) for s in self.slots])

    def on_duty(self, now: datetime | None = None) -> OnDuty | None:
        now = now or utcnow()
        slot = self.rules.covering(now)
        if slot is not None:
            point = self.member_by_id[slot.member_id].contact_point
            until = self.rules.ends_at(slot, now)
            return OnDuty(label=point.label, phone=point.phone, hours=describe_slot(self.slot_by_id[slot.id]),
                          point_id=point.id, until=until, from_rota=True, until_soon=until - now < timedelta(hours=20),
                          outside_phone=self.fallback.phone if self.fallback else None)
        if self.fallback is None:
            # A rota that leaves this moment uncovered: no number, and the pages say what to do meanwhile.
            return OnDuty(label="", phone=None, hours=None, from_rota=True) if self.slots else None
        point = self.fallback
        return OnDuty(label=point.label, phone=point.phone, hours=point.hours, point_id=point.id)

    def chain(self, now: datetime) -> list[RotaMember]:
        """Whom escalation goes to at `now`, in order (rota.Rota.chain)."""
        return [self.member_by_id[m.id] for m in self.rules.chain(now)]

    def lines(self) -> list[tuple[ContactPoint, list[str]]]:
        """Every slot's number for the card and the contact page: each contact point that covers hours,
        with its hours in words (date-range exceptions that are over are left out)."""
        today = utcnow().astimezone(OSLO).date()
        by_member: dict[int, list[str]] = {}
        for slot in self.slots:
            member = self.member_by_id[slot.member_id]
            if not (member.is_active and member.contact_point.phone):
                continue
            if slot.days == RotaDays.DATES and slot.last_day < today:
                continue
            by_member.setdefault(member.id, []).append(describe_slot(slot))
        return [(self.member_by_id[i].contact_point, hours) for i, hours in
                sorted(by_member.items(), key=lambda item: (self.member_by_id[item[0]].position, item[0]))]

    def warnings(self) -> list[str]:
        """What staff are told until it is fixed: gaps in the week, members nobody can call, no manager."""
        found = []
        if not self.slots:
            return found
        for before, today, start, end in self.rules.gaps():
            if start == end:
                found.append(_l("Nobody is on duty on %(days)s, all day.", days=_gap_days(before, today)))
            else:
                found.append(_l("Nobody is on duty on %(days)s from %(start)s to %(end)s.",
                                days=_gap_days(before, today), start=_clock(start), end=_clock(end)))
        with_slots = {s.member_id for s in self.slots}
        for member in self.members:
            if member.id not in with_slots and not member.is_manager:
                continue
            if not member.is_active:
                found.append(_l("%(label)s is deactivated: nobody is on duty in its hours and it gets no alerts.",
                               label=member.contact_point.label))
            elif not member.contact_point.phone:
                found.append(_l("%(label)s has no phone number: nobody is on duty in its hours.",
                               label=member.contact_point.label))
        named = [m.user_id for m in self.members if m.user_id and m.is_active]
        gone = set(db.session.scalars(select(User.id).where(User.id.in_(named), or_(  # one query, named or not
            User.is_active_member.is_(False), User.role != Role.STAFF))))
        for member in self.members:
            if member.user_id in gone:
                found.append(_l("The staff member who gets %(label)s's in-app alerts is deactivated: every staff "
                                "member gets them until you choose another.", label=member.contact_point.label))
        if not any(m.is_manager and m.is_active for m in self.members):
            found.append(_l("No facility manager in the chain: escalation stops at the last one in the chain."))
        return found


def load_rota() -> LoadedRota:
    """The rota in one query (the contact page, the card, the report form and the overview load it once)."""
    rows = db.session.execute(
        select(ContactPoint, RotaMember, RotaSlot)
        .outerjoin(RotaMember, RotaMember.contact_point_id == ContactPoint.id)
        .outerjoin(RotaSlot, RotaSlot.member_id == RotaMember.id)
        .where(or_(ContactPoint.is_on_duty.is_(True), RotaMember.id.is_not(None)))
        .order_by(ContactPoint.position, ContactPoint.id)).all()
    members, slots, fallback = {}, {}, None
    for point, member, slot in rows:
        if point.is_on_duty and fallback is None:
            fallback = point
        if member is not None:
            members[member.id] = member
            set_committed_value(member, "contact_point", point)
        if slot is not None:
            slots[slot.id] = slot
    return LoadedRota(list(members.values()), list(slots.values()), fallback)


def on_duty(now: datetime | None = None) -> OnDuty | None:
    """The one answer to "whom do I call now?": the contact page, the printed card, the report form and the
    overview all show this. The rota slot that covers `now` (Oslo time, holidays and exceptions included);
    where none does, the contact point marked as the 24/7 on-duty phone. One query."""
    return load_rota().on_duty(now)


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


# -- the on-duty rota (staff) -------------------------------------------------------------------

def member_problems(details: dict, member: RotaMember | None) -> dict[str, str]:
    """What is wrong with a chain member staff typed (RotaMemberForm.details()): {field: message}."""
    point = db.session.get(ContactPoint, details["contact_point_id"])
    if point is None or point.is_emergency:
        return {"contact_point_id": _("Choose a contact point.")}
    if not point.phone:
        return {"contact_point_id": _("%(label)s has no phone number. Add one to the contact point first: the "
                                      "on-duty number must be one people can call.", label=point.label)}
    taken = select(RotaMember.id).where(RotaMember.contact_point_id == point.id)
    if member is not None:
        taken = taken.where(RotaMember.id != member.id)
    if db.session.scalar(taken) is not None:
        return {"contact_point_id": _("%(label)s is already in the chain.", label=point.label)}
    return {}


def _save_row(model, row, details: dict, by, what: str):
    """Add a row of `model` (`row` None) or change `row` from a form's details; audited as `what`_added or
    `what`_changed; commits."""
    added = row is None
    if added:
        row = model()
        db.session.add(row)
    for name, value in details.items():
        setattr(row, name, value)
    audit(f"{what}_added" if added else f"{what}_changed", actor=by)
    db.session.commit()
    return row


def _delete_row(row, by, what: str) -> None:
    db.session.delete(row)
    audit(f"{what}_removed", actor=by)
    db.session.commit()


def save_member(member: RotaMember | None, details: dict, by) -> RotaMember:
    """Add a contact point to the chain (`member` None) or change it. Audited; commits."""
    return _save_row(RotaMember, member, details, by, "rota_member")


def delete_member(member: RotaMember, by) -> None:
    """Its slots go with it (then a gap shows until someone covers them). Audited; commits."""
    _delete_row(member, by, "rota_member")


def slot_problems(details: dict, slot: RotaSlot | None) -> dict[str, str]:
    """What is wrong with a slot staff typed (RotaSlotForm.details()): an unknown member, or hours that
    another slot already covers. {field: message}."""
    if db.session.get(RotaMember, details["member_id"]) is None:
        return {"member_id": _("Choose who covers these hours.")}
    loaded = load_rota()
    candidate = rota.Slot(slot.id if slot else None, details["member_id"], details["days"], details["starts"],
                          details["ends"], details["first_day"], details["last_day"])
    clashing = loaded.rules.overlaps(candidate)
    if clashing:
        other = loaded.slot_by_id[clashing[0].id]
        return {"starts": _("These hours overlap with %(hours)s (%(label)s). Change one of them so that one contact "
                            "is on duty at a time.", hours=describe_slot(other),
                            label=loaded.member_by_id[other.member_id].contact_point.label)}
    return {}


def save_slot(slot: RotaSlot | None, details: dict, by) -> RotaSlot:
    """Add a slot (`slot` None) or change one. Audited; commits."""
    return _save_row(RotaSlot, slot, details, by, "rota_slot")


def delete_slot(slot: RotaSlot, by) -> None:
    _delete_row(slot, by, "rota_slot")


def in_rota(point: ContactPoint) -> bool:
    return db.session.scalar(select(RotaMember.id).where(RotaMember.contact_point_id == point.id)) is not None


def point_problems(point: ContactPoint, details: dict) -> dict[str, str]:
    """A contact point in the on-duty chain keeps a phone number (else its hours would silently go uncovered)."""
    if not details.get("phone") and in_rota(point):
        return {"phone": _("This contact point is in the on-duty rota: it needs a phone number. Remove it from the "
                           "rota first, or keep a number.")}
    return {}
