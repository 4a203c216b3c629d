"""Role changes and deactivation, called without HTTP: the chair seats, sessions and the audit log."""
import pytest
from sqlalchemy import select

from naborad.extensions import db
from naborad.members import service
from naborad.models import AuditEvent, ChairSeat, Role, UserSession

from .helpers import count


def add_session(user, n=1):
    db.session.add(UserSession(token_hash=f"{user.id:032d}{n:032d}", user_id=user.id))
    db.session.commit()


def test_change_role_to_chair_takes_the_seat_from_its_holder(app, make_user):
    staff = make_user(Role.STAFF)
    old_chair, member = make_user(Role.CHAIR), make_user(Role.NEIGHBOUR)
    add_session(old_chair)
    add_session(member)
    service.change_role(member, "chair", by=staff)
    assert (member.role, member.chair_seat) == (Role.CHAIR, ChairSeat.CHAIR)
    assert (old_chair.role, old_chair.chair_seat) == (Role.NEIGHBOUR, None)
    assert service.seat_holder(ChairSeat.CHAIR) is member
    details = db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "role_changed")
                                 .order_by(AuditEvent.id)).all()
    assert details == ["chair -> neighbour (handover)", "neighbour -> chair"]
    # As today: sessions go on, and the new role counts from the member's next request.
    assert count(UserSession, UserSession.user_id == member.id) == 1
    assert count(UserSession, UserSession.user_id == old_chair.id) == 1


def test_change_away_from_chair_frees_the_seat(app, make_user):
    staff = make_user(Role.STAFF)
    deputy = make_user(Role.CHAIR, seat=ChairSeat.DEPUTY)
    service.change_role(deputy, "neighbour", by=staff)
    assert (deputy.role, deputy.chair_seat) == (Role.NEIGHBOUR, None)
    assert service.seat_holder(ChairSeat.DEPUTY) is None
    other = make_user(Role.RESIDENT)
    service.change_role(other, "deputy", by=staff)  # a free seat: nobody is handed over
    assert (other.role, other.chair_seat) == (Role.CHAIR, ChairSeat.DEPUTY)
    assert count(AuditEvent, AuditEvent.detail.like("%handover%")) == 0


def test_nobody_changes_their_own_role_or_deactivates_themselves(app, make_user):
    staff = make_user(Role.STAFF)
    with pytest.raises(service.NotAllowed):
        service.change_role(staff, "neighbour", by=staff)
    with pytest.raises(service.NotAllowed):
        service.deactivate(staff, by=staff)
    assert staff.role == Role.STAFF and staff.is_active_member


def test_deactivation_ends_every_session_and_frees_the_seat(app, make_user):
    staff, chair = make_user(Role.STAFF), make_user(Role.CHAIR)
    add_session(chair, 1)
    add_session(chair, 2)
    service.deactivate(chair, by=staff)
    assert not chair.is_active_member and (chair.role, chair.chair_seat) == (Role.NEIGHBOUR, None)
    assert count(UserSession, UserSession.user_id == chair.id) == 0
    service.reactivate(chair, by=staff)
    assert chair.is_active_member and chair.role == Role.NEIGHBOUR
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["deactivated", "reactivated"]


def test_the_representative_mark_is_for_residents_and_goes_with_the_role(app, make_user):
    """Issue 14, item 1: a former resident must not stay marked (it tells everyone they lived here)."""
    staff, resident = make_user(Role.STAFF), make_user(Role.RESIDENT)
    with pytest.raises(service.NotAllowed):
        service.toggle_residents_rep(make_user(Role.NEIGHBOUR), by=staff)
    assert service.toggle_residents_rep(resident, by=staff) is True
    service.change_role(resident, "neighbour", by=staff)
    assert not resident.is_residents_rep and not resident.residents_rep_shown
