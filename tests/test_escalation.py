"""Escalation along the on-duty chain (issue 19, item 2), driven with a fake clock (an injected `now`) through
every step, each alert's mail delivered to a real SMTP server on loopback once."""
from datetime import datetime, time, timedelta, timezone

import pytest
from sqlalchemy import select

from naborad.extensions import db
from naborad.jobs import JOBS, run_due
from naborad.mail import send_due
from naborad.models import (
    ContactPoint,
    ReportEscalation,
    Role,
    RotaDays,
    RotaMember,
    RotaSlot,
    StaffAlert,
)
from naborad.reports import escalation, service

UTC = timezone.utc
D = RotaDays


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def chain(app, make_user):
    """Day, evening and night on weekdays, a weekend and a holiday contact, and the facility manager, each
    with an alert address (the evening's is an SMS gateway); the evening and the manager name a staff member."""
    people = {name: make_user(Role.STAFF, display_name=name) for name in ("Eva", "Mona", "Per")}
    members = {}
    for position, (label, address, user) in enumerate([
            ("Dagvakt", "dag@example.org", None), ("Kveldsvakt", "4790000001@sms.example.org", people["Eva"]),
            ("Nattvakt", "natt@example.org", None), ("Helgevakt", "helg@example.org", None),
            ("Helligdagsvakt", "hellig@example.org", None), ("Driftsleder", "leder@example.org", people["Mona"])], 1):
        point = ContactPoint(label=label, phone=f"+47 900 00 00{position}")
        db.session.add(point)
        db.session.flush()
        member = RotaMember(contact_point_id=point.id, position=position, alert_email=address,
                            is_manager=label == "Driftsleder", user_id=user.id if user else None)
        db.session.add(member)
        db.session.flush()
        members[label] = member
    for label, days, starts, ends in [("Dagvakt", D.WEEKDAYS, 8, 15), ("Kveldsvakt", D.WEEKDAYS, 15, 23),
                                      ("Nattvakt", D.WEEKDAYS, 23, 8), ("Helgevakt", D.WEEKEND, 8, 8),
                                      ("Helligdagsvakt", D.HOLIDAYS, 8, 8)]:
        db.session.add(RotaSlot(member_id=members[label].id, days=days, starts=time(starts), ends=time(ends)))
    db.session.commit()
    return people, members


def file(make_user, now, category="noise"):
    reporter = make_user(Role.RESIDENT)
    report, _ = service.file_report(reporter, category=category, text="Noen roper i oppgangen", place="Oppgang B",
                                    contact_way="none", now=now)
    return report


def steps(report):
    return [(e.step, e.label) for e in db.session.scalars(select(ReportEscalation).where(
        ReportEscalation.report_id == report.id).order_by(ReportEscalation.step))]


def delivered(smtp):
    send_due()
    return [(rcpt[0], message) for rcpt, message in smtp.messages]


def test_a_tuesday_evening_report_walks_the_chain_until_acknowledged(app, make_user, chain, smtp):
    people, members = chain
    filed = utc(2026, 12, 1, 21, 10)  # Tuesday 1 December 2026, 22:10 in Oslo
    report = file(make_user, filed)
    assert steps(report) == [(0, "Kveldsvakt")]  # the evening contact, at once
    assert [to for to, _ in delivered(smtp)] == ["4790000001@sms.example.org"]

    assert escalation.escalate_due(filed + timedelta(minutes=14, seconds=59)) == 0
    assert escalation.escalate_due(filed + timedelta(minutes=15)) == 1  # 22:25: the next in the chain
    assert steps(report)[-1] == (1, "Nattvakt")
    assert escalation.escalate_due(filed + timedelta(minutes=15, seconds=30)) == 0  # never twice for a step
    assert [to for to, _ in delivered(smtp)][1:] == ["natt@example.org"]

    # 22:40: the facility manager, through the scheduler's job as cron would run it.
    escalate = [job for job in JOBS if job.name == "escalate"]
    assert run_due(filed + timedelta(minutes=30), escalate) == {"escalate": "1 escalation alert(s)"}
    assert steps(report)[-1] == (2, "Driftsleder")
    alert = db.session.scalar(select(StaffAlert).where(StaffAlert.user_id == people["Mona"].id,
                                                       StaffAlert.report_id == report.id))
    assert alert is not None and not alert.seen

    service.acknowledge(report, people["Mona"], now=filed + timedelta(minutes=33))
    for later in (35, 45, 60, 180):
        assert escalation.escalate_due(filed + timedelta(minutes=later)) == 0
    assert len(steps(report)) == 3

    mails = delivered(smtp)
    assert [to for to, _ in mails] == ["4790000001@sms.example.org", "natt@example.org", "leder@example.org"]
    for to, message in mails:  # each once; the number, the category and a link, nothing the reporter wrote
        whole = message.as_string()
        body = message.get_body(("plain",)).get_content()
        assert f"nr. {report.id}" in message["Subject"] and f"http://localhost/meld-fra/{report.id}" in body
        assert "roper" not in whole and "Oppgang" not in whole and "Støy eller uro" in body


def test_the_first_steps_alert_names_the_evening_staff_member(app, make_user, chain):
    people, _ = chain
    report = file(make_user, utc(2026, 12, 1, 21, 10))
    assert db.session.scalar(select(StaffAlert.seen).where(StaffAlert.user_id == people["Eva"].id,
                                                           StaffAlert.report_id == report.id)) is False


def test_acknowledging_at_once_stops_it(app, make_user, chain, smtp):
    people, _ = chain
    filed = utc(2026, 12, 1, 21, 10)
    report = file(make_user, filed)
    service.acknowledge(report, people["Eva"], now=filed + timedelta(minutes=2))
    assert escalation.escalate_due(filed + timedelta(hours=1)) == 0
    assert steps(report) == [(0, "Kveldsvakt")]


@pytest.mark.parametrize(("when", "first"), [
    (utc(2026, 12, 5, 13, 0), "Helgevakt"),  # Saturday 5 December, 14:00
    (utc(2026, 12, 25, 13, 0), "Helligdagsvakt"),  # Christmas Day, a Friday
    (utc(2027, 5, 17, 10, 0), "Helligdagsvakt"),  # 17 May 2027, a Monday (and Whit Monday), summer time
    (utc(2026, 12, 2, 9, 0), "Dagvakt"),  # an ordinary Wednesday, 10:00
])
def test_the_weekend_and_holidays_pick_their_slot(app, make_user, chain, when, first):
    report = file(make_user, when)
    assert steps(report) == [(0, first)]
    escalation.escalate_due(when + timedelta(minutes=30))
    assert steps(report)[-1][1] == "Driftsleder"


def test_the_wait_follows_the_category(app, make_user, chain):
    filed = utc(2026, 12, 1, 21, 10)
    threat = file(make_user, filed, category="threat")
    litter = file(make_user, filed, category="litter")
    escalation.escalate_due(filed + timedelta(minutes=10))
    assert len(steps(threat)) == 2 and len(steps(litter)) == 1
    escalation.escalate_due(filed + timedelta(minutes=59))
    assert len(steps(litter)) == 1
    escalation.escalate_due(filed + timedelta(minutes=60))
    assert len(steps(litter)) == 2


def test_a_deactivated_link_is_skipped_and_its_staff_member_replaced(app, make_user, chain):
    people, members = chain
    members["Nattvakt"].is_active = False
    people["Mona"].is_active_member = False
    db.session.commit()
    filed = utc(2026, 12, 1, 21, 10)
    report = file(make_user, filed)
    escalation.escalate_due(filed + timedelta(minutes=15))
    assert steps(report)[-1] == (1, "Helgevakt")  # the night contact is deactivated: the next one
    escalation.escalate_due(filed + timedelta(minutes=30))
    assert steps(report)[-1] == (2, "Driftsleder")
    # The manager's named staff member is deactivated: every active staff member is alerted instead.
    alerted = set(db.session.scalars(select(StaffAlert.user_id).where(StaffAlert.report_id == report.id,
                                                                      StaffAlert.seen.is_(False))))
    assert {people["Eva"].id, people["Per"].id} <= alerted and people["Mona"].id not in alerted


def test_staff_are_warned_about_a_deactivated_alert_recipient(app, chain):
    from naborad.contact.service import load_rota
    people, _ = chain
    people["Mona"].is_active_member = False
    db.session.commit()
    with app.test_request_context(headers={"Accept-Language": "en"}):
        warnings = [str(w) for w in load_rota().warnings()]
    assert any("Driftsleder" in w and "deactivated" in w for w in warnings)


def test_staff_see_the_alerts_on_the_report_and_the_reporter_does_not(app, client_for, make_user, chain):
    people, _ = chain
    reporter = make_user(Role.RESIDENT)
    report, _ = service.file_report(reporter, category="noise", text="x", contact_way="none",
                                    now=utc(2026, 12, 1, 21, 10))
    staff, _ = client_for(people["Per"])
    page = staff.get(f"/meld-fra/{report.id}").get_data(as_text=True)
    assert 'id="escalations"' in page and "Kveldsvakt: 22:10" in page
    own, _ = client_for(reporter)
    assert 'id="escalations"' not in own.get(f"/meld-fra/{report.id}").get_data(as_text=True)


def test_staff_set_the_wait_per_category(app, client, login_as, make_user, chain):
    login_as(Role.STAFF)
    page = client.get("/meld-fra/eskalering").get_data(as_text=True)
    assert 'name="threat"' in page and 'value="10"' in page and 'value="60"' in page
    values = {c.value: "15" for c in escalation.ReportCategory}
    assert client.post("/meld-fra/eskalering", data={**values, "noise": "0"}).status_code == 422
    response = client.post("/meld-fra/eskalering", data={**values, "noise": "5"})
    assert response.status_code == 303 and response.headers["Location"] == "/kontakt/vaktliste"
    filed = utc(2026, 12, 1, 21, 10)
    report = file(make_user, filed)
    assert escalation.escalate_due(filed + timedelta(minutes=5)) == 1
    assert steps(report)[-1] == (1, "Nattvakt")
