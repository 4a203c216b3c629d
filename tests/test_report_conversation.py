"""The conversation on a situation report (issue 19, item 4): staff answer and ask, the reporter writes, says
"still happening" (reopens, alerts the on-duty staff once, a new escalation round) or "resolved for me" (closes);
replies reach the reporter the way they chose; mail over real SMTP is neutral; the purge removes the texts."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from naborad.extensions import db
from naborad.mail import send_due
from naborad.models import (
    ContactWay,
    MessageKind,
    Notification,
    OutboxMail,
    ReportMessage,
    ReportStatus,
    Role,
    SituationReport,
    StaffAlert,
    utcnow,
)
from naborad.reports import escalation, service

from . import test_escalation, test_reports
from .helpers import HX, count

make_report = test_reports.make_report  # the fixtures, shared with test_reports.py and test_escalation.py
chain = test_escalation.chain
utc, steps = test_escalation.utc, test_escalation.steps
ONDUTY = "vakt@example.org"
GATEWAY = "{number}@sms.example.no"


def say(report, who, kind, text=None, token=None, now=None):
    return service.add_message(report, who, kind=kind, text=text, form_token=token, now=now)


def kinds(report):
    return [(m.from_staff, m.kind.value) for m in service.messages_of(report)]


# -- the rules, without HTTP -------------------------------------------------------------------------

@pytest.mark.config(ONDUTY_EMAIL=ONDUTY)
def test_still_happening_reopens_and_alerts_the_on_duty_staff_once(app, make_user, chain, smtp):
    people, _ = chain
    reporter = make_user(Role.RESIDENT)
    filed = utc(2026, 12, 1, 21, 10)  # Tuesday, 22:10 in Oslo: the evening contact (Eva)
    with app.test_request_context("/"):
        report, _ = service.file_report(reporter, category="noise", text="Noen roper i oppgangen",
                                        contact_way="in_app", now=filed)
    service.acknowledge(report, people["Per"], now=filed + timedelta(minutes=3))
    send_due()
    smtp.messages.clear()

    later = filed + timedelta(minutes=60)  # 23:10 in Oslo: the night contact is on duty
    message, created = say(report, reporter, "still_happening", "Det holder på igjen", token="s1", now=later)
    again, created_again = say(report, reporter, "still_happening", "Det holder på igjen", token="s1", now=later)
    assert created and not created_again and again.id == message.id  # a double submit: one message
    assert report.status == ReportStatus.NEW and report.reopened_at == later and report.reopen_count == 1
    assert steps(report)[-1] == (escalation.ROUND, "Nattvakt")
    say(report, reporter, "still_happening", token="s2", now=later + timedelta(minutes=1))  # still new: no alert
    assert report.reopen_count == 1 and len([s for s, _ in steps(report) if s >= escalation.ROUND]) == 1
    assert count(ReportMessage, ReportMessage.kind == MessageKind.STILL_HAPPENING) == 2  # both counted for the numbers

    assert send_due() == 2
    mails = {rcpt[0]: message for rcpt, message in smtp.messages}
    assert sorted(mails) == ["natt@example.org", ONDUTY]  # each once
    for mail in mails.values():
        whole = mail.as_string()
        assert f"nr. {report.id}" in mail["Subject"] and "fortsatt skjer" in mail.get_body(("plain",)).get_content()
        assert "roper" not in whole and "holder på" not in whole

    # A new round of the escalation, counted from the reopening; an acknowledgement stops it.
    assert escalation.escalate_due(later + timedelta(minutes=14)) == 0
    assert escalation.escalate_due(later + timedelta(minutes=15)) == 1
    assert steps(report)[-1][0] == escalation.ROUND + 1
    assert service.acknowledge(report, people["Eva"], now=later + timedelta(minutes=20))
    assert report.status == ReportStatus.ACKNOWLEDGED and report.acknowledged_at == filed + timedelta(minutes=3)
    assert escalation.escalate_due(later + timedelta(hours=2)) == 0
    assert service.reopenings(filed) == {report.id: 1}  # the second "still happening" found it new: no reopening
    assert service.statistics(later)["all"].reopenings == 1


def test_still_happening_on_a_new_report_only_adds_the_message(app, make_user, make_report):
    reporter = make_user(Role.RESIDENT)
    report = make_report(reporter)
    say(report, reporter, "still_happening", "Fortsatt bråk")
    assert report.status == ReportStatus.NEW and report.reopen_count == 0 and report.reopened_at is None
    assert count(StaffAlert) == 0  # nobody acknowledged it yet: its escalation is still running


def test_resolved_for_me_closes_and_a_closed_report_refuses_messages(app, make_user, make_report):
    reporter, staff = make_user(Role.RESIDENT), make_user(Role.STAFF)
    report = make_report(reporter)
    say(report, staff, "question", "Hører du det fortsatt?")
    say(report, reporter, "message", "Ja, litt.")
    say(report, reporter, "resolved_for_me")
    assert report.status == ReportStatus.CLOSED and report.closed_by_id == reporter.id and report.outcome is None
    for who, kind in ((staff, "message"), (staff, "question"), (reporter, "message"), (reporter, "resolved_for_me")):
        with pytest.raises(service.ReportClosed):
            say(report, who, kind, "Hei")
    assert kinds(report) == [(True, "question"), (False, "message"), (False, "resolved_for_me")]
    # "Still happening" opens it again: the reporter's answer is the only way back in.
    say(report, reporter, "still_happening")
    assert report.status == ReportStatus.NEW and report.closed_at is None


def test_reopening_a_closed_report_keeps_its_outcome_in_the_conversation(app, make_user, make_report):
    reporter, staff = make_user(Role.RESIDENT), make_user(Role.STAFF)
    report = make_report(reporter)
    service.close(report, staff, "Vakta snakket med dem.")
    say(report, reporter, "still_happening", "Nå igjen.")
    assert report.status == ReportStatus.NEW and report.outcome is None
    texts = [(m.from_staff, m.text) for m in service.messages_of(report)]
    assert texts == [(True, "Vakta snakket med dem."), (False, "Nå igjen.")]


def test_who_may_say_what(app, make_user, make_report):
    reporter, staff, other = make_user(Role.RESIDENT), make_user(Role.STAFF), make_user(Role.NEIGHBOUR)
    report = make_report(reporter)
    for who, kind in ((staff, "still_happening"), (staff, "resolved_for_me"), (reporter, "question"),
                      (other, "message")):
        with pytest.raises(service.NotAllowed):
            say(report, who, kind, "x")
    assert count(ReportMessage) == 0


def test_a_staff_question_acknowledges_and_keeps_the_latest_answer(app, make_user, make_report):
    reporter, staff = make_user(Role.RESIDENT), make_user(Role.STAFF)
    report = make_report(reporter)
    say(report, staff, "question", "Hvor er du?", token="q1")
    assert report.status == ReportStatus.ACKNOWLEDGED and report.acknowledged_by_id == staff.id
    assert report.response == "Hvor er du?" and kinds(report) == [(True, "question")]
    assert count(Notification, Notification.kind == "report_response", Notification.user_id == reporter.id) == 1


@pytest.mark.parametrize(("way", "detail", "mailed_to", "app_mail"), [
    ("in_app", None, None, True),
    ("none", None, None, True),
    ("email", "kari@example.org", "kari@example.org", False),
    ("sms", "+47 900 11 222", "+4790011222@sms.example.no", False),
    ("phone", "+47 900 11 222", None, False),
])
@pytest.mark.config(REPORT_SMS_GATEWAY=GATEWAY)
def test_the_reporter_hears_of_a_staff_message_the_way_they_chose(app, make_user, make_report, way, detail,
                                                                 mailed_to, app_mail):
    reporter, staff = make_user(Role.RESIDENT, email="konto@example.org"), make_user(Role.STAFF)
    report = make_report(reporter, contact_way=way, contact_detail=detail)
    say(report, staff, "message", "Vi kommer.")
    notification = db.session.scalar(select(Notification).where(Notification.user_id == reporter.id))
    assert notification is not None  # always in the app
    to = sorted(db.session.scalars(select(OutboxMail.to_address)))
    assert to == sorted(([mailed_to] if mailed_to else []) + (["konto@example.org"] if app_mail else []))
    assert (report.call_due_at is not None) == (way == "phone")  # a call: a task for staff


def test_without_a_gateway_an_sms_choice_falls_back_to_the_app(app, make_user, make_report):
    reporter, staff = make_user(Role.RESIDENT, email="konto@example.org"), make_user(Role.STAFF)
    report = make_report(reporter, contact_way="sms", contact_detail="+47 900 11 222")
    say(report, staff, "message", "Vi kommer.")
    assert db.session.scalars(select(OutboxMail.to_address)).all() == ["konto@example.org"]


def test_the_reporters_mail_is_neutral_and_arrives_once(app, make_user, make_report, smtp):
    reporter, staff = make_user(Role.RESIDENT), make_user(Role.STAFF)
    report = make_report(reporter, text="Naboen i 4B skriker", place="Oppgang B", contact_way="email",
                         contact_detail="kari@example.org")
    say(report, staff, "question", "Er det fortsatt høyt hos naboen?", token="q")
    say(report, staff, "question", "Er det fortsatt høyt hos naboen?", token="q")  # a double click
    assert send_due() == 1 and send_due() == 0
    (rcpt, message), = smtp.messages
    body = message.get_body(("plain",)).get_content()
    assert rcpt == ["kari@example.org"] and message["Subject"] == "Nytt fra naborådet"
    assert f"nr. {report.id} (Støy eller uro)" in body and f"http://localhost/meld-fra/{report.id}" in body
    whole = message.as_string()
    for secret in ("skriker", "4B", "Oppgang", "fortsatt høyt"):
        assert secret not in whole, secret


def test_the_in_app_answer_mail_is_neutral_too(app, make_user, make_report, smtp):
    reporter, staff = make_user(Role.RESIDENT, email="konto@example.org"), make_user(Role.STAFF)
    report = make_report(reporter, text="Naboen skriker")
    say(report, staff, "message", "Vi kommer.")
    assert send_due() == 1
    (rcpt, message), = smtp.messages
    assert rcpt == ["konto@example.org"] and message["Subject"] == "Nytt fra naborådet"
    assert "meldingen din" not in message["Subject"] and "Vi kommer" not in message.as_string()


def test_the_purge_removes_the_conversations_texts_authors_and_contact_details(app, make_user, make_report):
    reporter, staff = make_user(Role.RESIDENT), make_user(Role.STAFF)
    long_ago = utcnow() - timedelta(days=400)
    old = make_report(reporter, contact_way="phone", contact_detail="+47 900 11 222", created_at=long_ago)
    say(old, staff, "question", "Hvor skjer det?", token="o1", now=long_ago)
    say(old, reporter, "still_happening", "Ved porten", token="o2", now=long_ago)
    service.close(old, staff, "Ordnet.")
    old.closed_at = long_ago
    recent = make_report(reporter)
    say(recent, reporter, "message", "Nyere tekst", token="r1")
    db.session.commit()
    assert service.purge_closed_reports() == 1
    db.session.expire_all()
    rows = db.session.scalars(select(ReportMessage).where(ReportMessage.report_id == old.id)).all()
    assert rows and all(m.text is None and m.author_id is None and m.form_token is None for m in rows)
    assert [m.kind.value for m in rows].count("still_happening") == 1  # still countable
    purged = db.session.get(SituationReport, old.id)
    assert purged.contact_detail is None and purged.call_due_at is None and purged.reporter_id is None
    assert db.session.scalar(select(ReportMessage.text).where(ReportMessage.report_id == recent.id)) == "Nyere tekst"


# -- over HTTP: the reporter's page and the staff's -----------------------------------------------------

def test_the_reporter_writes_without_javascript(client, login_as, make_report):
    me = login_as(Role.NEIGHBOUR)
    report = make_report(me)
    page = client.get(f"/meld-fra/{report.id}").get_data(as_text=True)
    assert 'id="report-reply"' in page and 'id="still-happening"' in page and 'id="resolved-for-me"' in page
    token = re.search(r'name="form_token" type="hidden" value="([^"]+)"', page.split('id="report-reply"')[1]).group(1)
    data = {"kind": "message", "text": "Det er fortsatt høyt.", "form_token": token}
    response = client.post(f"/meld-fra/{report.id}/melding", data=data)
    assert response.status_code == 303 and response.headers["Location"] == f"/meld-fra/{report.id}"
    assert client.post(f"/meld-fra/{report.id}/melding", data=data).status_code == 303  # a retry: one message
    assert count(ReportMessage) == 1
    page = client.get(f"/meld-fra/{report.id}").get_data(as_text=True)
    assert "Det er fortsatt høyt." in page and "Meldingen din" in page


def test_the_reporter_marks_it_resolved_with_htmx_and_the_status_changes(client, login_as, make_report):
    me = login_as(Role.RESIDENT)
    report = make_report(me)
    response = client.post(f"/meld-fra/{report.id}/melding", data={"kind": "resolved_for_me", "form_token": "r"},
                           headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.startswith('<section id="report-reply"')
    assert 'id="report-progress" class="report-progress" hx-swap-oob="true"' in html
    assert "report-status-closed" in html and "Du: det er løst for meg" in html and 'id="closed"' in html
    assert 'id="resolved-for-me"' not in html and 'id="still-happening"' in html  # closed: only "still happening"


def test_an_empty_message_is_422_and_a_closed_report_409_keeping_the_text(client, login_as, make_report):
    me = login_as(Role.RESIDENT)
    report = make_report(me)
    response = client.post(f"/meld-fra/{report.id}/melding", data={"kind": "message", "text": " "}, headers=HX)
    assert response.status_code == 422 and 'id="text-error"' in response.get_data(as_text=True)
    assert client.post(f"/meld-fra/{report.id}/melding", data={"kind": "shout", "text": "x"}).status_code == 422
    report.status, report.closed_at = ReportStatus.CLOSED, utcnow()
    db.session.commit()
    for headers in ({}, HX):
        response = client.post(f"/meld-fra/{report.id}/melding", data={"kind": "message", "text": "Teksten min"},
                               headers=headers)
        html = response.get_data(as_text=True)
        assert response.status_code == 409 and 'id="reply-refused"' in html and "Teksten min" in html
    assert count(ReportMessage) == 0


def test_staff_write_with_their_own_form_and_others_get_404(client, login_as, client_for, make_user, make_report):
    reporter = make_user(Role.RESIDENT)
    report = make_report(reporter, text="Hemmelig")
    login_as(Role.STAFF)
    assert client.post(f"/meld-fra/{report.id}/melding", data={"text": "x"}).status_code == 403
    other, _ = client_for(Role.NEIGHBOUR)
    response = other.post(f"/meld-fra/{report.id}/melding", data={"text": "x"})
    assert response.status_code == 404 and "Hemmelig" not in response.get_data(as_text=True)
    response = client.post(f"/meld-fra/{report.id}/svar", data={"response": "Hvor?", "kind": "question"},
                           headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Spørsmål fra de ansatte" in html and "Hvor?" in html
    assert '<li id="response"' not in html  # the answer is a message of the conversation now
    report.status = ReportStatus.CLOSED
    db.session.commit()
    response = client.post(f"/meld-fra/{report.id}/svar", data={"response": "For sent"}, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and 'id="respond-refused"' in html and "For sent" in html


def test_both_pages_see_news_without_a_reload(client, login_as, client_for, make_report):
    me = login_as(Role.RESIDENT)
    report = make_report(me)
    staff, _ = client_for(Role.STAFF)
    staff_page = staff.get(f"/meld-fra/{report.id}").get_data(as_text=True)
    staff_poll = re.search(r'id="report-conversation" class="report-conversation" hx-get="([^"]+)"',
                           staff_page).group(1).replace("&amp;", "&")
    own_page = client.get(f"/meld-fra/{report.id}").get_data(as_text=True)
    own_poll = re.search(r'id="report-progress" class="report-progress" hx-get="([^"]+)"',
                         own_page).group(1).replace("&amp;", "&")
    assert staff.get(staff_poll, headers=HX).status_code == 204 and client.get(own_poll, headers=HX).status_code == 204

    staff.post(f"/meld-fra/{report.id}/svar", data={"response": "Hører du det nå?", "kind": "question"})
    news = client.get(own_poll, headers=HX).get_data(as_text=True)
    assert "Spørsmål fra de ansatte" in news and "Hører du det nå?" in news and "report-status-acknowledged" in news

    client.post(f"/meld-fra/{report.id}/melding", data={"kind": "message", "text": "Ja, fortsatt."})
    client.post(f"/meld-fra/{report.id}/melding", data={"kind": "resolved_for_me"})
    news = staff.get(staff_poll, headers=HX)
    html = news.get_data(as_text=True)
    assert news.status_code == 200 and html.startswith('<div id="report-conversation"')
    assert "Ja, fortsatt." in html and "Løst, sier den som meldte fra" in html
    assert f'id="report-status-{report.id}" hx-swap-oob="true">Lukket' in html
    assert 'id="staff-actions" class="staff-actions" hx-swap-oob="true"' in html  # the forms go: it is closed
    assert 'id="respond-form"' not in html


def test_a_call_is_a_task_for_staff_until_done(client, login_as, make_user, make_report):
    reporter = make_user(Role.RESIDENT)
    report = make_report(reporter, contact_way="phone", contact_detail="+47 900 11 222")
    login_as(Role.STAFF)
    client.post(f"/meld-fra/{report.id}/svar", data={"response": "Vi ringer deg."})
    page = client.get(f"/meld-fra/{report.id}").get_data(as_text=True)
    assert 'id="call-task"' in page and 'href="tel:+4790011222"' in page
    queue = client.get("/meld-fra/ko").get_data(as_text=True)
    assert 'class="call-due"' in queue
    response = client.post(f"/meld-fra/{report.id}/ringt", headers=HX)
    assert response.status_code == 200 and 'id="call-task"' not in response.get_data(as_text=True)
    assert client.post(f"/meld-fra/{report.id}/ringt").status_code == 303
    db.session.refresh(report)
    assert report.call_due_at is None


@pytest.mark.parametrize(("gateway", "offered"), [("", False), (GATEWAY, True)])
def test_sms_is_offered_only_with_a_gateway(app, client, login_as, gateway, offered):
    app.config["REPORT_SMS_GATEWAY"] = gateway
    login_as(Role.RESIDENT)
    html = client.get("/meld-fra/").get_data(as_text=True)
    assert ('value="sms"' in html) == offered
    data = {"category": "noise", "text": "Bråk", "contact_way": "sms", "contact_detail": "+47 900 11 222",
            "form_token": "t"}
    assert client.post("/meld-fra/", data=data).status_code == (303 if offered else 422)
    if offered:
        assert db.session.scalar(select(SituationReport.contact_way)) == ContactWay.SMS


def test_the_data_export_holds_the_conversation_and_contact_details(app, make_user, make_report):
    import json

    from naborad.auth.account import export_data
    reporter, staff = make_user(Role.RESIDENT), make_user(Role.STAFF, display_name="Hanne Ansatt")
    report = make_report(reporter, contact_way="email", contact_detail="kari@example.org")
    say(report, staff, "question", "Hvor da?")
    say(report, reporter, "message", "Ved porten.")
    make_report(make_user(Role.NEIGHBOUR), text="Noen andres")
    data = json.loads(export_data(reporter))
    (mine,) = data["situation_report_conversations"]
    assert mine["report_id"] == report.id and mine["contact_detail"] == "kari@example.org"
    assert [(m["from"], m["kind"], m["text"]) for m in mine["messages"]] == [
        ("staff", "question", "Hvor da?"), ("you", "message", "Ved porten.")]
    assert "Hanne" not in json.dumps(data)
