"""The on-duty rota (issue 19, item 1): who is on duty when, in Oslo time across both daylight-saving
switches, on holidays and in a date-range exception; gaps, overlaps and uncallable contacts shown to staff;
the contact page, the card and the overview show the rota's number."""
from datetime import date, datetime, time, timezone

import pytest
from sqlalchemy import select

from naborad.contact import service
from naborad.contact.rota import Member, Rota, Slot
from naborad.extensions import db
from naborad.models import ContactPoint, Role, RotaDays, RotaMember, RotaSlot

from .helpers import HX, queries_for

D = RotaDays
UTC = timezone.utc


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def week_rota(**changes) -> Rota:
    """Day 08-15, evening 15-23, night 23-08 on weekdays; the weekend from Saturday 08:00 to Monday 08:00 in two
    whole-day slots; a facility manager last."""
    members = [Member(1, 1, "Dag", "1"), Member(2, 2, "Kveld", "2"), Member(3, 3, "Natt", "3"),
               Member(4, 4, "Helg", "4"), Member(9, 9, "Leder", "9", is_manager=True)]
    slots = [Slot(1, 1, D.WEEKDAYS, time(8), time(15)), Slot(2, 2, D.WEEKDAYS, time(15), time(23)),
             Slot(3, 3, D.WEEKDAYS, time(23), time(8)), Slot(4, 4, D.WEEKEND, time(8), time(8))]
    return Rota(changes.get("members", members), changes.get("slots", slots))


def on(rota: Rota, when: datetime) -> str | None:
    slot = rota.covering(when)
    return rota.member(slot.member_id).label if slot else None


def test_a_tuesday_evening_and_its_chain():
    rota = week_rota()
    tuesday_2210 = utc(2026, 12, 1, 21, 10)  # 22:10 in Oslo (winter time)
    assert on(rota, tuesday_2210) == "Kveld"
    assert [m.label for m in rota.chain(tuesday_2210)] == ["Kveld", "Natt", "Leder"]
    assert on(rota, utc(2026, 12, 1, 22, 0)) == "Natt"  # 23:00
    assert on(rota, utc(2026, 12, 2, 6, 59)) == "Natt"  # 07:59 Wednesday
    assert on(rota, utc(2026, 12, 2, 7, 0)) == "Dag"  # 08:00
    assert rota.ends_at(rota.covering(tuesday_2210), tuesday_2210).astimezone(UTC) == utc(2026, 12, 1, 22, 0)


def test_the_weekend_runs_from_friday_night_to_monday_morning():
    rota = week_rota()
    assert on(rota, utc(2026, 12, 4, 23, 30)) == "Natt"  # Saturday 00:30: Friday's night slot
    assert on(rota, utc(2026, 12, 5, 7, 0)) == "Helg"  # Saturday 08:00
    assert on(rota, utc(2026, 12, 7, 6, 59)) == "Helg"  # Monday 07:59: Sunday's whole-day slot
    assert on(rota, utc(2026, 12, 7, 7, 0)) == "Dag"
    assert rota.gaps() == []


def test_a_night_slot_across_the_spring_switch():
    """29 March 2026: 02:00 CET becomes 03:00 CEST. The Saturday night slot 23:00-08:00 (wall clock) covers
    the short night, and the day begins at 08:00 summer time (06:00 UTC)."""
    rota = week_rota(slots=[Slot(1, 1, D.WEEKEND, time(8), time(23)), Slot(3, 3, D.WEEKEND, time(23), time(8)),
                            Slot(2, 2, D.WEEKDAYS, time(0), time(0))])
    assert on(rota, utc(2026, 3, 28, 21, 59)) == "Dag"  # 22:59 CET
    assert on(rota, utc(2026, 3, 28, 22, 0)) == "Natt"  # 23:00 CET
    assert on(rota, utc(2026, 3, 29, 0, 59)) == "Natt"  # 01:59 CET
    assert on(rota, utc(2026, 3, 29, 1, 0)) == "Natt"  # 03:00 CEST (02:00 never happens)
    assert on(rota, utc(2026, 3, 29, 5, 59)) == "Natt"  # 07:59 CEST
    assert on(rota, utc(2026, 3, 29, 6, 0)) == "Dag"  # 08:00 CEST
    night = rota.covering(utc(2026, 3, 29, 0, 0))
    assert rota.ends_at(night, utc(2026, 3, 29, 0, 0)).astimezone(UTC) == utc(2026, 3, 29, 6, 0)
    # Friday's whole day ends at midnight and the weekend night starts on Saturday at 23:00.
    assert rota.gaps() == [(D.WEEKDAYS, D.WEEKEND, time(0), time(8))]


def test_a_night_slot_across_the_autumn_switch():
    """25 October 2026: 03:00 CEST becomes 02:00 CET; 02:30 happens twice and is the night slot's both times."""
    rota = week_rota(slots=[Slot(1, 1, D.WEEKEND, time(8), time(23)), Slot(3, 3, D.WEEKEND, time(23), time(8)),
                            Slot(2, 2, D.WEEKDAYS, time(0), time(0))])
    assert on(rota, utc(2026, 10, 24, 20, 59)) == "Dag"  # 22:59 CEST
    assert on(rota, utc(2026, 10, 24, 21, 0)) == "Natt"  # 23:00 CEST
    assert on(rota, utc(2026, 10, 25, 0, 30)) == "Natt"  # 02:30 CEST
    assert on(rota, utc(2026, 10, 25, 1, 30)) == "Natt"  # 02:30 CET, the second time
    assert on(rota, utc(2026, 10, 25, 6, 59)) == "Natt"  # 07:59 CET
    assert on(rota, utc(2026, 10, 25, 7, 0)) == "Dag"  # 08:00 CET
    night = rota.covering(utc(2026, 10, 25, 0, 30))
    assert rota.ends_at(night, utc(2026, 10, 25, 0, 30)).astimezone(UTC) == utc(2026, 10, 25, 7, 0)


def test_a_public_holiday_follows_the_holiday_slots_once_there_are_any():
    monday_noon = utc(2027, 5, 17, 10, 0)  # 17 May 2027, a Monday, 12:00 CEST
    assert on(week_rota(), monday_noon) == "Dag"  # no holiday slots: the weekday's
    with_holiday = week_rota(slots=[*week_rota().slots, Slot(5, 4, D.HOLIDAYS, time(8), time(8))])
    assert on(with_holiday, monday_noon) == "Helg"
    assert on(with_holiday, utc(2027, 5, 18, 5, 59)) == "Helg"  # Tuesday 07:59: the holiday's slot runs on
    assert on(with_holiday, utc(2027, 5, 18, 6, 0)) == "Dag"
    assert on(with_holiday, utc(2027, 5, 15, 10, 0)) == "Helg"  # an ordinary Saturday
    assert on(with_holiday, utc(2026, 12, 22, 12, 0)) == "Dag"  # an ordinary Tuesday


def test_a_date_range_exception_wins_while_it_runs():
    slots = [*week_rota().slots, Slot(6, 1, D.DATES, time(8), time(8), date(2026, 12, 24), date(2026, 12, 28))]
    rota = week_rota(slots=slots)
    assert on(rota, utc(2026, 12, 24, 6, 59)) == "Natt"  # 07:59 on the 24th: not yet
    assert on(rota, utc(2026, 12, 24, 7, 0)) == "Dag"
    assert on(rota, utc(2026, 12, 26, 2, 0)) == "Dag"  # a night, at the weekend, on a holiday
    assert on(rota, utc(2026, 12, 28, 7, 0)) == "Dag"  # the 28th, 08:00: the weekday day slot again
    assert on(rota, utc(2026, 12, 28, 6, 59)) == "Dag"
    assert on(rota, utc(2026, 12, 29, 6, 59)) == "Natt"
    assert rota.overlaps(Slot(None, 2, D.DATES, time(0), time(0), date(2026, 12, 27), date(2026, 12, 27)))


def test_gaps_and_overlaps_are_found():
    rota = week_rota(slots=[s for s in week_rota().slots if s.id != 3])  # no weekday night
    gaps = rota.gaps()
    assert (D.WEEKDAYS, D.WEEKDAYS, time(23), time(0)) in gaps
    assert (D.WEEKDAYS, D.WEEKDAYS, time(0), time(8)) in gaps
    assert (D.WEEKEND, D.WEEKDAYS, time(23), time(0)) in gaps  # Monday night
    assert (D.WEEKEND, D.WEEKDAYS, time(0), time(8)) not in gaps  # Sunday's slot runs to Monday 08:00
    overlap = rota.overlaps(Slot(None, 1, D.WEEKDAYS, time(14), time(16)))
    assert {s.id for s in overlap} == {1, 2}
    assert {s.id for s in rota.overlaps(Slot(None, 3, D.WEEKDAYS, time(23), time(9)))} == {1, 4}  # Fri→Sat
    assert rota.overlaps(Slot(None, 3, D.WEEKDAYS, time(23), time(8))) == []
    assert rota.overlaps(rota.slots[0]) == []  # a slot never overlaps itself


def test_a_deactivated_or_numberless_member_leaves_a_gap_not_a_silent_one():
    members = [Member(1, 1, "Dag", "1"), Member(2, 2, "Kveld", "2", is_active=False), Member(3, 3, "Natt", None),
               Member(4, 4, "Helg", "4")]
    rota = week_rota(members=members)
    assert on(rota, utc(2026, 12, 1, 21, 10)) is None  # the evening member is deactivated
    assert on(rota, utc(2026, 12, 1, 23, 10)) is None  # the night member has no number
    assert (D.WEEKDAYS, D.WEEKDAYS, time(15), time(0)) in rota.gaps()  # evening and night: one gap
    assert [m.label for m in rota.chain(utc(2026, 12, 1, 10, 0))] == ["Dag", "Helg"]  # skips the two


# -- through the app ------------------------------------------------------------------------------

def point(label, phone="+47 900 00 001", **fields) -> ContactPoint:
    p = ContactPoint(label=label, phone=phone, **fields)
    db.session.add(p)
    db.session.flush()
    return p


def member(p: ContactPoint, position, **fields) -> RotaMember:
    m = RotaMember(contact_point_id=p.id, position=position, **fields)
    db.session.add(m)
    db.session.flush()
    return m


def slot(m: RotaMember, days, starts, ends, first=None, last=None) -> RotaSlot:
    s = RotaSlot(member_id=m.id, days=days, starts=starts, ends=ends, first_day=first, last_day=last)
    db.session.add(s)
    db.session.flush()
    return s


@pytest.fixture
def whole_week():
    """A rota that covers every hour with one number, whatever the time the test runs."""
    fallback = point("Vakttelefon", "+47 32 00 00 00", is_on_duty=True)
    everyday = member(point("Vakt hele uka", "+47 911 11 111"), 1)
    slot(everyday, D.WEEKDAYS, time(0), time(0))
    slot(everyday, D.WEEKEND, time(0), time(0))
    manager = member(point("Driftsleder", "+47 922 22 222"), 9, is_manager=True)
    db.session.commit()
    return fallback, everyday, manager


def test_on_duty_is_the_rotas_and_every_page_shows_it(client_for, whole_week):
    assert service.on_duty().phone == "+47 911 11 111" and service.on_duty().from_rota
    client, _ = client_for(Role.NEIGHBOUR)
    for path in ("/", "/kontakt", "/meld-fra/"):
        page = client.get(path).get_data(as_text=True)
        assert 'href="tel:+4791111111"' in page, path
    card = client.get("/kontakt/kort").get_data(as_text=True)
    assert "+47 911 11 111" in card and "+47 32 00 00 00" in card  # every slot's number, and the 24/7 phone
    assert "Andre tider: vakttelefonen +47 32 00 00 00" in client.get("/kontakt").get_data(as_text=True)
    page = client.get("/kontakt").get_data(as_text=True)
    lines = page[page.index('id="rota-lines"'):]
    assert "+47 911 11 111" in lines and "Driftsleder" not in lines[:lines.index("</ul>")]  # no hours: no line


def test_the_card_lists_every_slots_number(client, whole_week):
    fallback, everyday, manager = whole_week
    other = member(point("Julevakt", "+47 933 33 333"), 2)
    slot(other, D.DATES, time(8), time(8), date.today(), date(2099, 12, 28))
    db.session.commit()
    card = client.get("/kontakt/kort").get_data(as_text=True)
    assert card.count('class="card-phone"') == 2 and "+47 933 33 333" in card and "Julevakt" in card


def test_outside_the_rota_hours_the_page_says_what_to_do(client):
    m = member(point("Dagvakt"), 1)
    slot(m, D.DATES, time(8), time(9), date(2020, 1, 1), date(2020, 1, 1))  # over long ago: nobody now
    db.session.commit()
    assert service.on_duty().phone is None and service.on_duty().from_rota
    page = client.get("/kontakt").get_data(as_text=True)
    assert "Nobody is on duty right now" in page or "Ingen har vakt akkurat nå" in page


def test_staff_see_gaps_and_uncallable_members_until_fixed(app, client, login_as, whole_week):
    fallback, everyday, manager = whole_week
    login_as(Role.STAFF)
    evening = member(point("Kveldsvakt"), 2, is_active=False)
    night_point = point("Nattvakt", None, email="natt@example.org")
    night = member(night_point, 3)
    db.session.execute(RotaSlot.__table__.delete())
    slot(everyday, D.WEEKDAYS, time(8), time(15))
    slot(evening, D.WEEKDAYS, time(15), time(23))
    slot(night, D.WEEKDAYS, time(23), time(8))
    slot(everyday, D.WEEKEND, time(8), time(8))
    db.session.commit()
    with app.test_request_context(headers={"Accept-Language": "en"}):
        warnings = [str(w) for w in service.load_rota().warnings()]
    assert "Nobody is on duty on Tuesdays to Fridays from 15:00 to 00:00." in warnings  # evening and night
    assert "Nobody is on duty on Mondays from 15:00 to 00:00." in warnings
    db.session.execute(RotaSlot.__table__.delete().where(RotaSlot.days == D.WEEKEND))
    db.session.commit()
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert "Nobody is on duty on Sundays, all day." in [str(w) for w in service.load_rota().warnings()]
    slot(everyday, D.WEEKEND, time(8), time(8))
    assert any("Kveldsvakt" in w and "deactivated" in w for w in warnings)
    assert any("Nattvakt" in w and "no phone" in w for w in warnings)
    page = client.get("/kontakt/vaktliste", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'id="rota-warnings"' in page
    evening.is_active = True
    night_point.phone = "+47 944 44 444"
    db.session.commit()
    assert service.load_rota().warnings() == []
    assert 'id="rota-warnings"' not in client.get("/kontakt/vaktliste").get_data(as_text=True)


def test_staff_build_a_rota_through_the_forms(client, login_as):
    login_as(Role.STAFF)
    evening_point, manager_point = point("Kveldsvakt"), point("Driftsleder", "+47 922 22 222")
    no_number = point("Bare e-post", None, email="x@example.org")
    db.session.commit()
    response = client.post("/kontakt/vaktliste/ledd/ny", data={"contact_point_id": str(no_number.id), "position": "1"})
    assert response.status_code == 422
    assert 'id="contact_point_id-error"' in response.get_data(as_text=True)
    response = client.post("/kontakt/vaktliste/ledd/ny", data={"contact_point_id": str(evening_point.id),
                                                                "position": "1", "is_active": "y"})
    assert response.status_code == 303 and response.headers["Location"] == "/kontakt/vaktliste"
    response = client.post("/kontakt/vaktliste/ledd/ny", data={"contact_point_id": str(evening_point.id),
                                                                "position": "2", "is_active": "y"})
    assert response.status_code == 422  # already in the chain
    response = client.post("/kontakt/vaktliste/ledd/ny", headers=HX,
                           data={"contact_point_id": str(manager_point.id), "position": "9", "is_manager": "y",
                                 "is_active": "y", "alert_email": "sms-gateway@example.org"})
    assert response.status_code == 200 and response.headers["HX-Redirect"] == "/kontakt/vaktliste"
    evening = db.session.scalar(select(RotaMember).where(RotaMember.contact_point_id == evening_point.id))
    data = {"member_id": str(evening.id), "days": "weekdays", "starts": "15:00", "ends": "23:00"}
    assert client.post("/kontakt/vaktliste/vakter/ny", data=data).status_code == 303
    response = client.post("/kontakt/vaktliste/vakter/ny", data={**data, "starts": "22:00", "ends": "23:30"})
    assert response.status_code == 422
    assert 'id="starts-error"' in response.get_data(as_text=True)
    response = client.post("/kontakt/vaktliste/vakter/ny", data={**data, "starts": "23:10", "ends": "08:00"})
    assert response.status_code == 422  # not on the quarter hour
    response = client.post("/kontakt/vaktliste/vakter/ny", data={**data, "days": "dates", "starts": "08:00",
                                                                 "ends": "08:00", "first_day": "2026-12-28",
                                                                 "last_day": "2026-12-24"})
    assert response.status_code == 422 and 'id="last_day-error"' in response.get_data(as_text=True)
    response = client.post("/kontakt/vaktliste/vakter/ny", data={**data, "days": "dates", "starts": "08:00",
                                                                 "ends": "08:00", "first_day": "2026-12-24",
                                                                 "last_day": "2026-12-28"})
    assert response.status_code == 303
    assert db.session.scalar(select(db.func.count()).select_from(RotaSlot)) == 2
    # A contact point in the rota keeps its number.
    response = client.post(f"/kontakt/punkter/{evening_point.id}", data={"label": "Kveldsvakt", "phone": "",
                                                                         "email": "k@example.org"})
    assert response.status_code == 422 and 'id="phone-error"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ContactPoint, evening_point.id).phone == "+47 900 00 001"


def test_rota_pages_and_overview_queries_do_not_grow_with_the_rota(client_for, whole_week):
    staff, _ = client_for(Role.STAFF)
    neighbour, _ = client_for(Role.NEIGHBOUR)
    before = {path: queries_for(neighbour, path) for path in ("/", "/kontakt", "/kontakt/kort")}
    before_rota = queries_for(staff, "/kontakt/vaktliste")
    for n in range(8):
        m = member(point(f"Vakt {n}", f"+47 95{n} 00 000"), 10 + n)
        slot(m, D.DATES, time(8), time(8), date(2090 + n, 1, 1), date(2090 + n, 1, 3))
    db.session.commit()
    assert {path: queries_for(neighbour, path) for path in ("/", "/kontakt", "/kontakt/kort")} == before
    assert queries_for(staff, "/kontakt/vaktliste") == before_rota


def test_staff_see_a_broken_rota_on_their_overview_and_members_do_not(client_for):
    m = member(point("Dagvakt"), 1)
    slot(m, D.WEEKDAYS, time(8), time(15))  # nights and weekends uncovered
    db.session.commit()
    staff, _ = client_for(Role.STAFF)
    neighbour, _ = client_for(Role.NEIGHBOUR)
    page = staff.get("/").get_data(as_text=True)
    assert 'id="rota-warning"' in page and "problemer i vaktlisten" in page
    assert 'id="rota-warning"' in staff.get("/kontakt/rediger").get_data(as_text=True)
    assert 'id="rota-warning"' not in neighbour.get("/").get_data(as_text=True)
    slot(m, D.WEEKDAYS, time(15), time(8))
    slot(m, D.WEEKEND, time(8), time(8))
    member(point("Driftsleder"), 9, is_manager=True)
    db.session.commit()
    assert 'id="rota-warning"' not in staff.get("/").get_data(as_text=True)


def test_an_empty_rota_page_says_what_to_add_first(client, login_as):
    login_as(Role.STAFF)
    page = client.get("/kontakt/vaktliste").get_data(as_text=True)
    assert "Ingen er i vaktkjeden ennå" in page and "Legg først til et kontaktpunkt i vaktkjeden" in page
    member(point("Dagvakt"), 1)
    db.session.commit()
    page = client.get("/kontakt/vaktliste").get_data(as_text=True)
    assert "Ingen er i vaktkjeden ennå" not in page and "Ingen vakttider ennå" in page
