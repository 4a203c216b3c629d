"""Situation reports ("meld fra"): filing, staff alerts and mail over real SMTP, handling, privacy, numbers, retention."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import delete, insert, select

from naborad.counts import small_count
from naborad.extensions import db
from naborad.mail import send_due
from naborad.models import (
    ContactPoint,
    MailStatus,
    OutboxMail,
    ReportCategory,
    ReportStatus,
    Role,
    SituationReport,
    StaffAlert,
    utcnow,
)
from naborad.reports.service import percentile, purge_closed_reports, statistics, subtract_months

from .helpers import HX, count, free_port, queries_for

ONDUTY = "vakt@example.org"




def form(**fields):
    data = {"category": "noise", "text": "Høy musikk fra bakgården.", "place": "Bakgården",
            "contact_way": "in_app", "form_token": "tok-" + fields.pop("token", "1")}
    data.update(fields)
    return data


@pytest.fixture
def make_report(make_user):
    def make(reporter=None, **fields):
        reporter = reporter or make_user(Role.NEIGHBOUR)
        report = SituationReport(category=fields.pop("category", ReportCategory.NOISE),
                                 text=fields.pop("text", "Noe skjedde"), place=fields.pop("place", "Gangveien"),
                                 reporter_id=reporter.id, **fields)
        db.session.add(report)
        db.session.commit()
        return report
    return make


def report_id_from(response):
    return int(re.search(r"/meld-fra/(\d+)", response.headers.get("Location") or
                         response.headers["HX-Redirect"]).group(1))


# -- filing ---------------------------------------------------------------------

def test_form_says_call_112_113_and_shows_the_on_duty_number(client, login_as):
    db.session.add(ContactPoint(label="Vakttelefon", phone="+47 32 00 00 00", is_on_duty=True))
    login_as(Role.RESIDENT)
    response = client.get("/meld-fra/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="urgent"' in html and "112" in html and "113" in html
    assert 'id="on-duty-phone" href="tel:+4732000000"' in html
    assert 'name="form_token"' in html


def test_report_is_two_taps_from_the_dashboard(client, login_as):
    login_as(Role.NEIGHBOUR)
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'id="report-button" href="/meld-fra/"', html)  # tap 1: the button; tap 2: send


@pytest.mark.config(ONDUTY_EMAIL=ONDUTY)
def test_filing_saves_the_report_alerts_every_staff_member_and_queues_the_mail(client, login_as, make_user):
    staff = [make_user(Role.STAFF), make_user(Role.STAFF)]
    make_user(Role.STAFF, active=False)
    me = login_as(Role.NEIGHBOUR)
    response = client.post("/meld-fra/", data=form())
    assert response.status_code == 303
    report = db.session.get(SituationReport, report_id_from(response))
    assert report.reporter_id == me.id and report.status == ReportStatus.NEW
    assert report.happened_at is not None
    alerts = db.session.scalars(select(StaffAlert.user_id).where(StaffAlert.report_id == report.id)).all()
    assert sorted(alerts) == sorted(s.id for s in staff)
    mail = db.session.scalar(select(OutboxMail))
    assert mail.to_address == ONDUTY and mail.template == "report_filed" and mail.status == MailStatus.PENDING


@pytest.mark.config(ONDUTY_EMAIL=ONDUTY, ONDUTY_EMAIL_PRIVATE=True)
def test_staff_mail_is_received_over_real_smtp(app, client, login_as, smtp):
    """Where staff marked the on-duty address as theirs alone, the mail carries the whole report."""
    login_as(Role.RESIDENT)
    response = client.post("/meld-fra/", data=form(text="Noen roper i oppgangen.", place="Oppgang B"))
    report_id = report_id_from(response)
    assert send_due() == 1
    (rcpt, message), = smtp.messages
    assert rcpt == [ONDUTY]
    assert message["Subject"] == f"Ny melding nr. {report_id}: Støy eller uro"
    body = message.get_body(("plain",)).get_content()
    assert f"http://localhost/meld-fra/{report_id}" in body
    assert "Noen roper i oppgangen." in body and "Oppgang B" in body
    assert db.session.scalar(select(OutboxMail)).status == MailStatus.SENT


@pytest.mark.config(ONDUTY_EMAIL=ONDUTY)
def test_the_on_duty_mail_carries_only_number_category_and_link_by_default(app, client, login_as, smtp):
    """The address may be an SMS gateway or a shared inbox (PERMISSIONS.md, the mail rule)."""
    login_as(Role.RESIDENT)
    response = client.post("/meld-fra/", data=form(text="Noen roper i oppgangen.", place="Leilighet 4B",
                                                   happened_at="2020-03-04T05:06"))
    report_id = report_id_from(response)
    assert "Noen roper" not in db.session.scalar(select(OutboxMail.context))  # not even in the outbox
    assert send_due() == 1
    (rcpt, message), = smtp.messages
    body = message.get_body(("plain",)).get_content()
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    assert rcpt == [ONDUTY] and message["Subject"] == f"Ny melding nr. {report_id}: Støy eller uro"
    assert lines == ["Et medlem har meldt fra om noe.", f"Melding nr. {report_id}", "Hva: Støy eller uro",
                     "Åpne meldingen, merk den som sett og svar:", f"http://localhost/meld-fra/{report_id}"]
    whole = message.as_string()
    assert "Noen roper" not in whole and "4B" not in whole and "05:06" not in whole


@pytest.mark.parametrize(("config", "says", "not_said"), [
    ({"ONDUTY_EMAIL": ONDUTY}, "med bare meldingens nummer og type og en lenke", "til en adresse bare de leser"),
    ({"ONDUTY_EMAIL": ONDUTY, "ONDUTY_EMAIL_PRIVATE": True}, "til en adresse bare de leser", "SMS"),
    ({"ONDUTY_EMAIL": ""}, "De ansatte får beskjed i appen med en gang.", "e-post"),
], ids=["short-mail", "private-address", "no-mail"])
def test_the_form_says_truthfully_who_reads_what(app, client, login_as, config, says, not_said):
    app.config.update(config)
    login_as(Role.RESIDENT)
    html = client.get("/meld-fra/").get_data(as_text=True)
    who = html[html.index('id="who-reads"'):html.index("</ul>", html.index('id="who-reads"'))]
    assert "De ansatte leser meldingen din" in who and says in who and not_said not in who
    assert "Bare de ansatte og du kan lese" not in html


@pytest.mark.config(ONDUTY_EMAIL=ONDUTY)
def test_a_mail_failure_leaves_the_report_saved_and_the_mail_queued(app, client, login_as):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nobody listens
    login_as(Role.NEIGHBOUR)
    assert client.post("/meld-fra/", data=form()).status_code == 303
    assert send_due() == 0
    assert count(SituationReport) == 1
    mail = db.session.scalar(select(OutboxMail))
    assert mail.status == MailStatus.PENDING and mail.attempts == 1 and mail.last_error


def test_double_submit_makes_one_report(client, login_as):
    login_as(Role.NEIGHBOUR)
    first = client.post("/meld-fra/", data=form(token="same"))
    second = client.post("/meld-fra/", data=form(token="same"))
    assert count(SituationReport) == 1
    assert first.headers["Location"] == second.headers["Location"]


def test_filing_with_htmx_gets_hx_redirect(client, login_as):
    login_as(Role.NEIGHBOUR)
    response = client.post("/meld-fra/", data=form(), headers=HX)
    assert response.status_code == 200 and response.headers["HX-Redirect"].startswith("/meld-fra/")


def test_invalid_report_is_422_with_errors_beside_the_fields(client, login_as):
    login_as(Role.NEIGHBOUR)
    response = client.post("/meld-fra/", data=form(text="  ", contact_way="phone", contact_detail=""))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="text-error"' in html and 'id="contact_detail-error"' in html
    assert count(SituationReport) == 0


@pytest.mark.parametrize("fields", [
    {"category": "nope"}, {"contact_way": "pigeon"}, {"happened_at": "not a date"},
    {"happened_at": "2999-01-01T10:00"}, {"text": "x" * 5000}, {"place": "p" * 500},
])
def test_bad_input_is_422_never_500(client, login_as, fields):
    login_as(Role.NEIGHBOUR)
    assert client.post("/meld-fra/", data=form(**fields)).status_code == 422
    assert count(SituationReport) == 0


def test_time_defaults_to_now_and_can_be_given(client, login_as):
    login_as(Role.NEIGHBOUR)
    before = utcnow()
    assert client.post("/meld-fra/", data=form(token="now")).status_code == 303
    assert before <= db.session.scalar(select(SituationReport.happened_at)) <= utcnow()
    db.session.execute(delete(SituationReport))
    assert client.post("/meld-fra/", data=form(token="a", happened_at="2026-01-10T22:30")).status_code == 303
    report = db.session.scalar(select(SituationReport))
    assert report.happened_at.isoformat() == "2026-01-10T21:30:00+00:00"  # 22:30 in Oslo (winter)


# -- the reporter's own view and privacy ----------------------------------------------

def test_reporter_sees_status_and_response_on_their_own_report(client, login_as, make_report):
    me = login_as(Role.RESIDENT)
    report = make_report(me, text="Søppel ved benken", response="Vi rydder i kveld.",
                         status=ReportStatus.ACKNOWLEDGED, acknowledged_at=utcnow(), responded_at=utcnow())
    html = client.get(f"/meld-fra/{report.id}").get_data(as_text=True)
    assert "Søppel ved benken" in html and "Vi rydder i kveld." in html
    assert "report-status-acknowledged" in html and 'id="acknowledged"' in html
    assert 'id="acknowledge"' not in html  # no staff buttons for the reporter
    mine = client.get("/meld-fra/mine").get_data(as_text=True)
    assert f"/meld-fra/{report.id}" in mine


def test_the_reporters_open_report_asks_for_news_and_gets_it_when_staff_act(client, login_as, make_report):
    """Issue 15: the reporter saw "Received" until they reloaded the page after the staff had acted."""
    me = login_as(Role.NEIGHBOUR)
    report = make_report(me)
    html = client.get(f"/meld-fra/{report.id}").get_data(as_text=True)
    region = html[html.index('<div id="report-progress"'):]
    poll = re.search(r'hx-get="([^"]+)"\s+hx-trigger="every 10s" hx-swap="outerHTML"', region)
    assert poll and 'id="report-state"' in region and "Mottatt" in region
    assert f'href="/meld-fra/{report.id}">Oppdater</a>' in region  # without JavaScript: a link that reloads
    poll_url = poll.group(1).replace("&amp;", "&")
    unchanged = client.get(poll_url, headers=HX)
    assert unchanged.status_code == 204 and unchanged.data == b""  # nothing new: htmx swaps nothing
    report.status, report.acknowledged_at = ReportStatus.ACKNOWLEDGED, utcnow()
    db.session.commit()
    news = client.get(poll_url, headers=HX)
    html = news.get_data(as_text=True)
    assert news.status_code == 200 and html.startswith('<div id="report-progress"') and "<main" not in html
    assert "report-status-acknowledged" in html and 'id="acknowledged"' in html and "every 10s" in html
    assert 'id="acknowledge"' not in html  # still no staff buttons
    report.status, report.closed_at, report.outcome = ReportStatus.CLOSED, utcnow(), "Roet seg."
    db.session.commit()
    html = client.get(poll_url, headers=HX).get_data(as_text=True)
    assert "report-status-closed" in html and "Roet seg." in html
    assert "hx-trigger" not in html and "Oppdater" not in html  # closed: it stops asking
    assert client.get(poll_url).status_code == 200  # a plain GET: the whole report page


def test_the_poll_is_404_on_someone_elses_report(client, login_as, make_report):
    report = make_report(text="Hemmelig tekst")
    login_as(Role.NEIGHBOUR)
    for headers in ({}, HX):
        response = client.get(f"/meld-fra/{report.id}/status", headers=headers)
        assert response.status_code == 404 and "Hemmelig" not in response.get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.NEIGHBOUR, Role.CHAIR])
def test_other_members_get_404_on_someone_elses_report(client, login_as, make_report, role):
    report = make_report(text="Hemmelig tekst")
    login_as(role)
    response = client.get(f"/meld-fra/{report.id}")
    assert response.status_code == 404
    assert "Hemmelig tekst" not in response.get_data(as_text=True)
    assert f"/meld-fra/{report.id}" not in client.get("/meld-fra/mine").get_data(as_text=True)


def test_staff_see_reporter_and_contact_details(client, login_as, make_user, make_report):
    reporter = make_user(Role.RESIDENT, display_name="Kari", full_name="Kari Nordmann")
    report = make_report(reporter, contact_way="phone", contact_detail="+47 900 00 000")
    login_as(Role.STAFF)
    html = client.get(f"/meld-fra/{report.id}").get_data(as_text=True)
    assert "Kari Nordmann" in html and "+47 900 00 000" in html


# -- staff handling ---------------------------------------------------------------------

def test_queue_lists_new_oldest_first_with_waiting_time(client, login_as, make_report):
    old = make_report(text="eldst", created_at=utcnow() - timedelta(minutes=42))
    new = make_report(text="nyest", created_at=utcnow() - timedelta(minutes=2))
    done = make_report(status=ReportStatus.CLOSED, closed_at=utcnow(), acknowledged_at=utcnow(), outcome="ok")
    login_as(Role.STAFF)
    html = client.get("/meld-fra/ko").get_data(as_text=True)
    queue_new = html.split('id="queue-new"')[1].split("</ul>")[0]
    assert queue_new.index(f"/meld-fra/{old.id}") < queue_new.index(f"/meld-fra/{new.id}")
    assert "42" in queue_new
    assert f"/meld-fra/{done.id}" in html.split('id="queue-closed"')[1]


def test_acknowledge_respond_close_without_javascript(client, login_as, make_report):
    report = make_report(created_at=utcnow() - timedelta(minutes=5))
    staff = login_as(Role.STAFF)
    response = client.post(f"/meld-fra/{report.id}/sett")
    assert response.status_code == 303 and response.headers["Location"] == f"/meld-fra/{report.id}"
    db.session.refresh(report)
    assert report.status == ReportStatus.ACKNOWLEDGED and report.acknowledged_by_id == staff.id
    first_ack = report.acknowledged_at
    client.post(f"/meld-fra/{report.id}/sett")  # a second tap changes nothing
    db.session.refresh(report)
    assert report.acknowledged_at == first_ack
    assert client.post(f"/meld-fra/{report.id}/svar", data={"response": "Vakta er på vei."}).status_code == 303
    assert client.post(f"/meld-fra/{report.id}/lukk", data={"outcome": "Roet seg."}).status_code == 303
    db.session.refresh(report)
    assert report.status == ReportStatus.CLOSED and report.response == "Vakta er på vei."
    assert report.outcome == "Roet seg." and report.closed_at >= report.acknowledged_at


def test_handling_with_htmx_returns_the_handling_fragment(client, login_as, make_report):
    report = make_report()
    login_as(Role.STAFF)
    response = client.post(f"/meld-fra/{report.id}/sett", headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith("{#") is False
    assert 'id="report-handling"' in html and "<html" not in html and 'id="acknowledged"' in html
    assert "HX-Request" in response.headers["Vary"]
    page = client.get(f"/meld-fra/{report.id}")
    assert "<html" in page.get_data(as_text=True) and "HX-Request" in page.headers["Vary"]


def test_empty_response_or_close_is_422(client, login_as, make_report):
    report = make_report()
    login_as(Role.STAFF)
    response = client.post(f"/meld-fra/{report.id}/svar", data={"response": " "})
    assert response.status_code == 422 and 'id="response-error"' in response.get_data(as_text=True)
    response = client.post(f"/meld-fra/{report.id}/lukk", data={"outcome": ""}, headers=HX)
    assert response.status_code == 422 and 'id="outcome-error"' in response.get_data(as_text=True)
    db.session.refresh(report)
    assert report.status == ReportStatus.NEW


def test_staff_alert_shows_on_dashboard_until_the_report_is_marked_seen(client, login_as, make_user):
    """Opening the report changes nothing (a GET never writes, issue 14, item 10); acknowledging it does."""
    staff = login_as(Role.STAFF)
    reporter = make_user(Role.NEIGHBOUR)
    from naborad.reports.service import alert_staff
    report = SituationReport(category="noise", text="x", reporter_id=reporter.id)
    db.session.add(report)
    db.session.flush()
    alert_staff(report)
    db.session.commit()
    assert 'class="alert-count"' in client.get("/").get_data(as_text=True)
    page = client.get(f"/meld-fra/{report.id}").get_data(as_text=True)
    assert not db.session.scalar(select(StaffAlert.seen).where(StaffAlert.user_id == staff.id))
    assert 'class="alert-count"' in client.get("/").get_data(as_text=True)
    assert 'id="acknowledge"' in page and 'id="mark-seen"' not in page  # "Seen: we are on it" does both
    assert client.post(f"/meld-fra/{report.id}/sett").status_code == 303
    assert db.session.scalar(select(StaffAlert.seen).where(StaffAlert.user_id == staff.id))
    assert 'class="alert-count"' not in client.get("/").get_data(as_text=True)


def test_a_colleague_marks_a_report_someone_is_on_as_seen(client, login_as, make_user, client_for):
    me = login_as(Role.STAFF)
    colleague, _ = client_for(Role.STAFF)
    reporter = make_user(Role.NEIGHBOUR)
    from naborad.reports.service import alert_staff
    report = SituationReport(category="noise", text="x", reporter_id=reporter.id)
    db.session.add(report)
    db.session.flush()
    alert_staff(report)
    db.session.commit()
    assert colleague.post(f"/meld-fra/{report.id}/sett").status_code == 303
    page = client.get(f"/meld-fra/{report.id}").get_data(as_text=True)
    assert 'id="mark-seen"' in page and 'class="alert-count"' in client.get("/").get_data(as_text=True)
    response = client.post(f"/meld-fra/{report.id}/varsel-sett", headers=HX)
    assert response.status_code == 200 and 'id="report-handling"' in response.get_data(as_text=True)
    assert 'id="mark-seen"' not in response.get_data(as_text=True)
    assert db.session.scalar(select(StaffAlert.seen).where(StaffAlert.user_id == me.id))
    assert 'class="alert-count"' not in client.get("/").get_data(as_text=True)
    assert client.post(f"/meld-fra/{report.id}/varsel-sett").status_code == 303  # again: nothing to do


def test_queue_and_report_queries_do_not_grow_with_the_data(client, login_as, make_user, make_report):
    login_as(Role.STAFF)
    members = [make_user(Role.NEIGHBOUR) for _ in range(3)]
    report = make_report(members[0])

    few_queue, few_stats, one = queries_for(client, "/meld-fra/ko"), queries_for(client, "/meld-fra/tall"), \
        queries_for(client, f"/meld-fra/{report.id}")
    now = utcnow()
    db.session.execute(insert(SituationReport), [
        {"category": ["noise", "litter"][n % 2], "text": "x", "reporter_id": members[n % 3].id,
         "status": ["new", "acknowledged", "closed"][n % 3], "contact_way": "none", "happened_at": now,
         "created_at": now - timedelta(days=n % 300), "closed_at": now if n % 3 == 2 else None,
         "acknowledged_at": now if n % 3 else None}
        for n in range(300)])
    db.session.commit()
    assert queries_for(client, "/meld-fra/ko") == few_queue
    assert queries_for(client, "/meld-fra/tall") == few_stats
    assert queries_for(client, f"/meld-fra/{report.id}") == one


# -- council numbers -------------------------------------------------------------------

def test_percentile_and_cells():
    assert percentile([], 0.5) is None
    assert percentile([5, 1, 3], 0.5) == 3
    assert percentile(list(range(1, 11)), 0.9) == 9
    assert [small_count(n) for n in (0, 1, 2, 3, 10)] == ["0", "fewer than 3", "fewer than 3", "3", "10"]


def test_statistics_median_p90_and_share_within_15_minutes(app, make_report, make_user):
    reporter = make_user(Role.NEIGHBOUR)
    now = utcnow()
    for minutes in (2, 5, 10, 14, 20, 30, 60, 90, 120, 240):
        created = now - timedelta(hours=1 + minutes / 60)
        make_report(reporter, created_at=created, acknowledged_at=created + timedelta(minutes=minutes),
                    status=ReportStatus.ACKNOWLEDGED)
    make_report(reporter, created_at=now - timedelta(hours=2))  # still waiting after 15 minutes
    stats = statistics(now)
    assert stats["total"] == 11
    assert stats["median_minutes"] == pytest.approx(20)
    assert stats["p90_minutes"] == pytest.approx(120)
    assert stats["share_fast"] == pytest.approx(4 / 11)


def test_council_page_shows_numbers_only_and_hides_small_cells(client, login_as, make_user, make_report):
    reporter = make_user(Role.RESIDENT, display_name="Synlignavn")
    now = utcnow()
    for _ in range(4):
        make_report(reporter, category=ReportCategory.NOISE, text="Hemmelig innhold", place="Hemmelig sted",
                    created_at=now - timedelta(minutes=30), acknowledged_at=now - timedelta(minutes=25),
                    status=ReportStatus.ACKNOWLEDGED)
    make_report(reporter, category=ReportCategory.THREAT, text="Hemmelig innhold", place="Hemmelig sted",
                created_at=now - timedelta(minutes=30))
    login_as(Role.NEIGHBOUR)
    response = client.get("/meld-fra/tall")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Hemmelig" not in html and "Synlignavn" not in html
    month = (now - timedelta(minutes=30)).astimezone(__import__("zoneinfo").ZoneInfo("Europe/Oslo")).strftime("%Y-%m")
    row = html.split(f'data-month="{month}"')[1].split("</tr>")[0]
    assert 'data-category="noise">4<' in row
    assert 'data-category="threat">færre enn 3<' in row
    assert 'id="reports-chart"' in html and "<title" in html and 'id="stats-table"' in html


def test_the_chart_svg_has_no_inline_styles(client, login_as, make_report):
    now = utcnow()
    for n in range(3):
        make_report(created_at=now - timedelta(hours=1), acknowledged_at=now - timedelta(minutes=50 - n))
    login_as(Role.RESIDENT)
    html = client.get("/meld-fra/tall").get_data(as_text=True)
    svg = html.split("<svg", 1)[1].split("</svg>")[0]
    assert "style" not in svg and "fill=" not in svg
    assert 'class="chart-bar"' in svg


# -- retention --------------------------------------------------------------------------

def test_subtract_months_handles_month_ends():
    from datetime import datetime, timezone
    assert subtract_months(datetime(2026, 3, 31, tzinfo=timezone.utc), 1).day == 28
    assert subtract_months(datetime(2026, 1, 15, tzinfo=timezone.utc), 12).year == 2025


def test_purge_removes_personal_details_of_old_closed_reports_only(app, runner, make_report):
    now = utcnow()
    old = make_report(text="gammel", place="sted", contact_detail="900", response="svar", outcome="ut",
                      status=ReportStatus.CLOSED, created_at=now - timedelta(days=400),
                      acknowledged_at=now - timedelta(days=400), closed_at=now - timedelta(days=390))
    recent = make_report(text="ny", status=ReportStatus.CLOSED, closed_at=now - timedelta(days=30))
    old_open = make_report(text="åpen", created_at=now - timedelta(days=400))
    result = runner.invoke(args=["purge-reports"])
    assert result.exit_code == 0, result.output
    assert "1" in result.output
    for r in (old, recent, old_open):
        db.session.refresh(r)
    assert old.text is None and old.place is None and old.reporter_id is None and old.contact_detail is None
    assert old.response is None and old.outcome is None and old.purged_at is not None
    assert old.category == ReportCategory.NOISE and old.acknowledged_at and old.closed_at and old.created_at
    assert recent.text == "ny" and old_open.text == "åpen"
    assert statistics(now, months=24)["total"] == 3  # the purged report still counts


@pytest.mark.config(REPORT_RETENTION_MONTHS=1)
def test_retention_period_is_configurable(app, make_report):
    report = make_report(status=ReportStatus.CLOSED, closed_at=utcnow() - timedelta(days=40))
    assert purge_closed_reports() == 1
    db.session.refresh(report)
    assert report.text is None


def test_purged_report_page_says_details_were_removed(client, login_as, client_for, make_user, make_report):
    reporter = make_user(Role.RESIDENT, display_name="Reidun Rapportør")
    long_ago = utcnow() - timedelta(days=400)
    report = make_report(reporter, text="Knuste ruter ved sykkelskuret", place="Sykkelskuret",
                         contact_way="phone", contact_detail="+47 900 11 222", response="Vi har ryddet",
                         outcome="Glassmester bestilt", status=ReportStatus.CLOSED, created_at=long_ago,
                         acknowledged_at=long_ago, responded_at=long_ago, closed_at=long_ago)
    assert purge_closed_reports() == 1
    login_as(Role.STAFF)
    response = client.get(f"/meld-fra/{report.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<p class="notice">Detaljene i denne meldingen er slettet fordi lagringstiden er ute.</p>' in html
    assert 'id="report-title">Støy eller uro<' in html and 'id="closed"' in html  # the category and the times stay
    for detail in ("Knuste ruter", "Sykkelskuret", "900 11 222", "Vi har ryddet", "Glassmester", "Reidun",
                   'class="report-contact"', 'class="user-text'):
        assert detail not in html, detail
    former_reporter, _ = client_for(reporter)
    assert former_reporter.get(f"/meld-fra/{report.id}").status_code == 404  # no longer theirs to read


def test_expired_csrf_token_rerenders_the_report_form_with_what_was_typed(app, client, login_as):
    login_as(Role.NEIGHBOUR)
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/meld-fra/", data=form(text="Teksten min", csrf_token="expired"))
    assert response.status_code == 422
    assert "Teksten min" in response.get_data(as_text=True)
    assert count(SituationReport) == 0


def test_the_queue_lists_an_acknowledged_report_with_when_it_was_seen(client, login_as, make_user):
    reporter = make_user(Role.NEIGHBOUR)
    staff = login_as(Role.STAFF)
    report = SituationReport(category="noise", text="x", reporter_id=reporter.id, acknowledged_at=utcnow(),
                             acknowledged_by_id=staff.id, status="acknowledged")
    db.session.add(report)
    db.session.commit()
    html = client.get("/meld-fra/ko").get_data(as_text=True)
    acknowledged = html.split('id="queue-acknowledged"')[1].split("</ul>")[0]
    assert f"/meld-fra/{report.id}" in acknowledged and "sett" in acknowledged


# -- issue 15: what a change updates, and what the queue shows ------------------------------------

def _oob_status(html: str, report_id: int) -> str | None:
    """The status badge the answer swaps out of band (its class names the status), or None."""
    match = re.search(rf'<span class="status report-status-(\w+)" id="report-status-{report_id}" hx-swap-oob="true">',
                      html)
    return match.group(1) if match else None


def test_each_change_swaps_the_status_badge_and_the_queue_counts(client, login_as, make_report):
    report = make_report()
    make_report()  # another new report: the counts are the queue's, not this report's
    login_as(Role.STAFF)
    page = client.get(f"/meld-fra/{report.id}").get_data(as_text=True)
    assert f'id="report-status-{report.id}"' in page and 'hx-swap-oob' not in page
    assert re.search(r'id="queue-count-new">2 ', page)

    html = client.post(f"/meld-fra/{report.id}/sett", headers=HX).get_data(as_text=True)
    assert html.lstrip().startswith('<section id="report-handling"')  # the target's region comes first
    assert _oob_status(html, report.id) == "acknowledged"
    assert re.search(r'id="queue-count-new">1 ', html) and re.search(r'id="queue-count-acknowledged">1 ', html)

    html = client.post(f"/meld-fra/{report.id}/svar", data={"response": "Vi ser på det."},
                       headers=HX).get_data(as_text=True)
    assert _oob_status(html, report.id) == "acknowledged" and "Vi ser på det." in html

    html = client.post(f"/meld-fra/{report.id}/lukk", data={"outcome": "Ordnet."}, headers=HX).get_data(as_text=True)
    assert _oob_status(html, report.id) == "closed"
    assert re.search(r'id="queue-count-new">1 ', html) and re.search(r'id="queue-count-acknowledged">0 ', html)


def test_the_reporter_sees_no_queue_counts(client, login_as, make_user, make_report):
    reporter = login_as(Role.NEIGHBOUR)
    report = make_report(reporter)
    page = client.get(f"/meld-fra/{report.id}").get_data(as_text=True)
    assert f'id="report-status-{report.id}"' in page and 'id="report-queue-counts"' not in page


def test_the_queue_shows_a_short_escaped_snippet_of_each_report(client, login_as, make_report):
    long = make_report(text="<b>Høy musikk</b> fra leiligheten i andre etasje " + "og mer tekst " * 20)
    closed = make_report(text="Noen ringte på dørene om natta", status=ReportStatus.CLOSED, closed_at=utcnow(),
                         acknowledged_at=utcnow(), outcome="ok")
    login_as(Role.STAFF)
    html = client.get("/meld-fra/ko").get_data(as_text=True)
    queue_new = html.split('id="queue-new"')[1].split("</ul>")[0]
    snippet = re.search(r'<p class="report-snippet">([^<]*)</p>', queue_new).group(1)
    assert snippet.startswith("&lt;b&gt;Høy musikk&lt;/b&gt; fra") and snippet.endswith("…")
    assert len(snippet) < 120 and "<b>" not in html
    assert "Noen ringte på dørene om natta" in html.split('id="queue-closed"')[1]
    assert long.id != closed.id
