"""contact/service.py without HTTP: one on-duty phone, the order of the points, the chair's number."""
from sqlalchemy import select

from naborad.contact import service
from naborad.extensions import db
from naborad.models import AuditEvent, ChairContact, ContactPoint, Role


def details(label, **fields):
    return {"label": label, "phone": "+47 32 00 00 00", "email": None, "hours": None, "note": None,
            "position": None, "is_on_duty": False, "is_emergency": False, **fields}


def actions():
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_one_on_duty_phone_at_a_time(make_user):
    staff = make_user(Role.STAFF)
    first = service.save_point(None, details("Vakt", is_on_duty=True), by=staff)
    second = service.save_point(None, details("Ny vakt", is_on_duty=True), by=staff)
    db.session.expire_all()
    assert (first.is_on_duty, second.is_on_duty) == (False, True)
    assert service.on_duty().point_id == second.id
    service.save_point(first, details("Vakt", is_on_duty=True, position=3), by=staff)
    db.session.expire_all()
    assert service.on_duty().point_id == first.id and first.position == 3 and not second.is_on_duty
    assert actions() == ["contact_point_added", "contact_point_added", "contact_point_changed"]


def test_points_in_order_emergency_last(make_user):
    staff = make_user(Role.STAFF)
    police = service.save_point(None, details("Politi", is_emergency=True), by=staff)
    later = service.save_point(None, details("Servicetorget", position=5), by=staff)
    first = service.save_point(None, details("Vakt"), by=staff)
    assert service.ordered_points() == [first, later, police] and first.position == 0
    service.delete_point(later, by=staff)
    assert db.session.get(ContactPoint, later.id) is None and actions()[-1] == "contact_point_deleted"


def test_the_chair_shows_changes_and_withdraws_their_number(make_user):
    chair = make_user(Role.CHAIR)
    service.show_my_number(chair, label="Leder", phone="+47 900 00 000", email=None, hours=None)
    service.show_my_number(chair, label="Leder", phone="+47 911 11 111", email=None, hours="Kveld")
    assert [c.phone for c in service.visible_chair_contacts()] == ["+47 911 11 111"]
    service.withdraw_my_number(chair)
    assert db.session.scalar(select(ChairContact)) is None and service.chair_contact_of(chair) is None
    assert actions() == ["chair_contact_consent", "chair_contact_consent", "chair_contact_withdrawn"]
