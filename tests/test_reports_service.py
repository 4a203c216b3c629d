"""Handling a situation report, called without HTTP: acknowledge once; respond and close acknowledge first."""
from datetime import timedelta

from sqlalchemy import select

from naborad.extensions import db
from naborad.models import Notification, ReportStatus, Role, SituationReport, StaffAlert, utcnow
from naborad.reports import service

from . import test_reports
from .helpers import count

make_report = test_reports.make_report  # the fixture, shared with test_reports.py


def test_filing_once_per_token_alerts_and_tells_the_staff(app, make_user):
    staff, reporter = make_user(Role.STAFF), make_user(Role.RESIDENT)
    fields = {"category": "noise", "text": "Høy musikk.", "contact_way": "in_app", "form_token": "file-1"}
    with app.test_request_context("/meld-fra/"):
        first, created = service.file_report(reporter, **fields)
        again, created_again = service.file_report(reporter, **fields)
    assert created and not created_again and again.id == first.id
    assert count(SituationReport) == 1 and utcnow() - first.happened_at < timedelta(minutes=1)
    assert count(StaffAlert, StaffAlert.user_id == staff.id) == 1
    assert count(Notification, Notification.kind == "report_new", Notification.user_id == staff.id) == 1


def test_acknowledge_is_idempotent_and_marks_the_alert_seen(app, make_user, make_report):
    report = make_report()
    first, second = make_user(Role.STAFF), make_user(Role.STAFF)
    db.session.add_all([StaffAlert(user_id=first.id, report_id=report.id),
                        StaffAlert(user_id=second.id, report_id=report.id)])
    db.session.commit()
    assert service.acknowledge(report, first)
    at = report.acknowledged_at
    assert report.status == ReportStatus.ACKNOWLEDGED and report.acknowledged_by_id == first.id
    assert not service.acknowledge(report, second)  # only the first time counts
    db.session.expire_all()
    report = db.session.get(SituationReport, report.id)
    assert (report.acknowledged_at, report.acknowledged_by_id) == (at, first.id)
    seen = dict(db.session.execute(select(StaffAlert.user_id, StaffAlert.seen)).all())
    assert seen == {first.id: True, second.id: False}


def test_respond_acknowledges_first_and_tells_the_reporter(app, make_user, make_report):
    reporter = make_user(Role.RESIDENT)
    report = make_report(reporter=reporter)
    staff = make_user(Role.STAFF)
    service.respond(report, staff, "Vakta er på vei.")
    assert report.status == ReportStatus.ACKNOWLEDGED and report.acknowledged_by_id == staff.id
    assert report.acknowledged_at == report.responded_at and report.response == "Vakta er på vei."
    assert db.session.scalars(select(Notification.user_id).where(Notification.kind == "report_response")).all() \
        == [reporter.id]


def test_respond_keeps_an_earlier_acknowledgement(app, make_user, make_report):
    report = make_report()
    first, second = make_user(Role.STAFF), make_user(Role.STAFF)
    service.acknowledge(report, first)
    at = report.acknowledged_at
    service.respond(report, second, "Vi ser på det.")
    assert (report.acknowledged_at, report.acknowledged_by_id) == (at, first.id)


def test_close_acknowledges_first_and_only_once(app, make_user, make_report):
    report = make_report()
    staff = make_user(Role.STAFF)
    assert service.close(report, staff, "Roet seg.")
    assert report.status == ReportStatus.CLOSED and report.closed_by_id == staff.id
    assert report.acknowledged_at == report.closed_at and report.acknowledged_by_id == staff.id
    assert not service.close(report, make_user(Role.STAFF), "Noe annet")
    assert report.outcome == "Roet seg." and report.closed_by_id == staff.id
    assert count(Notification) == 0  # closing tells nobody; the reporter sees the outcome on the report
