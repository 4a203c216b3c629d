"""The yearly report (issue 20, item 2): who reads it, its figures, the CSV, the chair's text, attendance."""
import csv
import io
import re
from datetime import date, datetime, timedelta, timezone
from html.parser import HTMLParser

import pytest

from naborad.counts import small_count
from naborad.extensions import db
from naborad.models import (
    ActionItem,
    AgendaItem,
    AuditEvent,
    Event,
    Issue,
    IssueEvent,
    Meeting,
    MeetingStatus,
    PreMeeting,
    PulseAnswer,
    PulseRound,
    Role,
    Signup,
    SituationReport,
)
from naborad.yearly import service
from tests.helpers import count_queries, queries_for

YEAR = 2025


def at(month, day, hour=12):
    return datetime(YEAR, month, day, hour, tzinfo=timezone.utc)


def a_meeting(month, status=MeetingStatus.APPROVED, attendance=(8, 4, 2)):
    n, r, s = attendance if attendance else (None, None, None)
    meeting = Meeting(starts_at=at(month, 10, 17), place="Fellesrommet", status=status,
                      attended_neighbours=n, attended_residents=r, attended_staff=s)
    db.session.add(meeting)
    db.session.commit()
    return meeting


@pytest.fixture
def council(make_user):
    """A small hand-built year: three held meetings, issues, decisions, action items, reports, an event, a
    pulse round."""
    chair = make_user(Role.NEIGHBOUR)  # the author of issues and events (the tests log in as the chair)
    m1, m2 = a_meeting(2), a_meeting(5, attendance=(10, 1, 3))
    a_meeting(9, MeetingStatus.HELD, attendance=None)  # held, attendance not recorded yet
    a_meeting(11, MeetingStatus.PLANNED, attendance=None)  # not held: not counted
    items = []
    for meeting, decision in ((m1, "Vi gjør det"), (m1, None), (m2, "Lys på stien")):
        item = AgendaItem(meeting_id=meeting.id, title="Sak", decision=decision, state="accepted")
        db.session.add(item)
        items.append(item)
    db.session.flush()
    # Action items: on time, late, on time, open.
    for due, done in ((date(YEAR, 3, 1), at(2, 27)), (date(YEAR, 3, 1), at(3, 5)), (date(YEAR, 6, 1), at(6, 1)),
                      (date(YEAR, 6, 1), None)):
        db.session.add(ActionItem(agenda_item_id=items[0].id, meeting_id=m1.id, what="Gjør noe", due=due,
                                  done_at=done))
    # Issues: four raised in the year, three resolved after 2, 4 and 10 days (median 4).
    for n, wait in enumerate((2, 4, 10, None)):
        issue = Issue(title=f"Sak {n}", body="x", category="other", author_id=chair.id, search_text="sak",
                      created_at=at(3, 1 + n))
        db.session.add(issue)
        db.session.flush()
        if wait is not None:
            db.session.add(IssueEvent(issue_id=issue.id, kind="status", value="resolved",
                                      created_at=issue.created_at + timedelta(days=wait)))
    # Reports in April: four, three acknowledged within 15 minutes, one after two hours.
    for n, minutes in enumerate((5, 10, 15, 120)):
        created = at(4, 2 + n)
        db.session.add(SituationReport(category="litter", text="x", status="closed", created_at=created,
                                       acknowledged_at=created + timedelta(minutes=minutes)))
    # A report in July: one, shown as "fewer than 3".
    db.session.add(SituationReport(category="litter", text="x", created_at=at(7, 2),
                                   acknowledged_at=at(7, 2) + timedelta(minutes=3)))
    event = Event(title="Sommerfest", description="x", place="Bakgården", starts_at=at(6, 20), ends_at=at(6, 21),
                  created_by_id=chair.id)
    db.session.add(event)
    db.session.flush()
    for n in range(4):
        user = make_user(Role.NEIGHBOUR)
        db.session.add(Signup(event_id=event.id, user_id=user.id, guests=1 if n == 0 else 0, status="confirmed"))
    round_ = PulseRound(opened_at=at(5, 12), closes_at=at(5, 26))
    db.session.add(round_)
    db.session.flush()
    for n in range(6):
        db.session.add(PulseAnswer(round_id=round_.id, group="neighbours", safe=4, heard=3 + n % 2, relations=5))
    db.session.add(AuditEvent(action="role_changed", detail="neighbour -> deputy", at=at(8, 1)))
    db.session.add(AuditEvent(action="role_changed", detail="staff -> neighbour", at=at(8, 2)))
    db.session.commit()
    return {"chair": chair, "meetings": (m1, m2)}


def figures(rep, key):
    return [row[1:] for row in rep.section(key).rows]


def test_the_figures_of_a_small_council(app, council):
    with app.test_request_context():
        rep = service.report(YEAR)
        few, short = small_count(1), small_count(2, short=True)
        days = service.days(4)
    assert figures(rep, "meetings") == [["3"], [few]]
    attendance = figures(rep, "attendance")
    assert attendance[-1] == ["18", "5", "5"]  # the total
    assert ["10", short, "3"] in attendance  # one resident at one meeting: suppressed
    assert figures(rep, "issues") == [["4"], ["3"], [days]]  # raised, resolved, the median (2, 4, 10 days)
    # Decisions, action items, done, done on time (due or earlier, Oslo date), the share.
    assert figures(rep, "decisions") == [[few], ["4"], ["3"], [few], ["50 %"]]
    reports = figures(rep, "reports")
    assert reports[3] == ["4", "75 %"]  # April: three of four within the target
    assert reports[6] == [short, "–"]  # July: one report, no share
    assert reports[12] == ["5", "80 %"]  # the whole year
    assert figures(rep, "events") == [[few], ["5"]]  # one event; four sign-ups and a guest
    assert [row[1:3] for row in rep.section("pulse").rows] == [["6", "4,0"]]
    # New chair, new deputy, staff in, staff out.
    assert figures(rep, "people") == [["0"], [few], ["0"], [few]]


def test_the_median_and_share_need_three_cases():
    assert service.median([2, 10]) == 6 and service.median([1, 2, 9]) == 2 and service.median([]) is None
    assert service.share(1, 2) == "–" and service.share(2, 4) == "50 %"


class Cells(HTMLParser):
    """The rows of the report's tables as the page shows them."""

    def __init__(self):
        super().__init__()
        self.rows, self.row, self.cell = [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "tr" and ("class", "yearly-row") in attrs:
            self.row = []
        elif tag in ("th", "td") and self.row is not None:
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self.cell is not None and self.row is not None:
            self.row.append(self.cell.strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.rows.append(self.row)
            self.row = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def test_the_csv_holds_exactly_the_pages_figures(client, login_as, council):
    login_as(Role.NEIGHBOUR)
    page = client.get(f"/arsrapport/{YEAR}")
    assert page.status_code == 200
    parser = Cells()
    parser.feed(page.get_data(as_text=True))
    response = client.get(f"/arsrapport/{YEAR}.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    with client.application.test_request_context():
        sections = service.report(YEAR).sections
    headings = {(s.title, *s.headings) for s in sections}
    figure_rows = [line[1:] for line in lines[1:] if tuple(line) not in headings]
    assert figure_rows == parser.rows
    assert len(figure_rows) > 20


def test_the_csv_neutralises_formulas(client, login_as, council, app):
    login_as(Role.NEIGHBOUR)
    db.session.add(PulseRound(opened_at=at(10, 1), closes_at=at(10, 14)))
    db.session.commit()
    with app.test_request_context():
        rep = service.report(YEAR)
    rep.sections[0].rows.append(["=HYPERLINK(\"x\")", "+1", "-2", "@SUM", "\tx"])
    text = service.as_csv(rep)
    assert "'=HYPERLINK" in text and "'+1" in text and "'-2" in text and "'@SUM" in text and "'\tx" in text


def test_members_read_it_others_are_sent_away(client, login_as, council, make_user, client_for):
    assert client.get(f"/arsrapport/{YEAR}").status_code == 303  # anonymous: to the login page
    assert client.get(f"/arsrapport/{YEAR}.csv").status_code == 303
    for role in (Role.RESIDENT, Role.NEIGHBOUR, Role.CHAIR, Role.STAFF):
        member_client, _ = client_for(role)
        assert member_client.get(f"/arsrapport/{YEAR}").status_code == 200, role
        assert member_client.get("/arsrapport/").status_code == 200, role
    for role in (Role.RESIDENT, Role.NEIGHBOUR):
        member_client, _ = client_for(role)
        assert member_client.get(f"/arsrapport/{YEAR}/tekst").status_code == 404, role
        assert member_client.post(f"/arsrapport/{YEAR}/tekst", data={"text": "x"}).status_code == 404, role
        meeting = council["meetings"][0]
        assert member_client.get(f"/arsrapport/oppmote/{meeting.id}").status_code == 404, role
    assert client.get(f"/arsrapport/{YEAR}/tekst").status_code == 303


def test_nothing_from_the_pre_meeting(client, login_as, council, app):
    login_as(Role.STAFF)
    before = client.get(f"/arsrapport/{YEAR}").get_data(as_text=True)
    db.session.add(PreMeeting(starts_at=at(2, 5), place="Stua"))
    db.session.commit()
    after = client.get(f"/arsrapport/{YEAR}").get_data(as_text=True)
    strip = re.compile(r'name="csrf_token"[^>]*>|<meta name="csrf-token"[^>]*>|"X-CSRFToken": ?"[^"]*"')
    assert strip.sub("", before) == strip.sub("", after)
    with app.test_request_context(), count_queries() as ran:
        service.report(YEAR)
    assert not any("premeeting" in q for q in ran)


def test_a_fixed_number_of_queries(app, council, make_user):
    def queries():
        with app.test_request_context(), count_queries() as ran:
            service.report(YEAR)
        return len(ran)
    before = queries()
    for month in (1, 3, 4, 6, 7, 8):
        a_meeting(month)
        db.session.add(SituationReport(category="noise", text="x", created_at=at(month, 20)))
        db.session.add(PulseRound(opened_at=at(month, 21), closes_at=at(month, 25)))
    db.session.commit()
    assert queries() == before


def test_the_page_takes_a_fixed_number_of_queries(client, login_as, council):
    login_as(Role.CHAIR)
    before = queries_for(client, f"/arsrapport/{YEAR}")
    for month in (1, 3, 4):
        a_meeting(month, MeetingStatus.HELD, attendance=None)
    assert queries_for(client, f"/arsrapport/{YEAR}") == before


def test_the_chairs_text_is_sanitised(client, login_as, council):
    login_as(Role.CHAIR)
    response = client.post(f"/arsrapport/{YEAR}/tekst",
                           data={"text": "Et **godt** år.\n\n<script>alert(1)</script> [x](javascript:alert(1))"})
    assert response.status_code == 303
    html = client.get(f"/arsrapport/{YEAR}").get_data(as_text=True)
    assert "<strong>godt</strong>" in html and "<script>alert" not in html and "href=\"javascript" not in html
    assert client.get(f"/arsrapport/{YEAR}/tekst").status_code == 200


def test_the_chair_records_attendance(client, login_as, council):
    login_as(Role.CHAIR)
    meeting = council["meetings"][0]
    response = client.post(f"/arsrapport/oppmote/{meeting.id}", data={"neighbours": "12", "residents": "0",
                                                                     "staff": "4"})
    assert response.status_code == 303
    db.session.refresh(meeting)
    assert (meeting.attended_neighbours, meeting.attended_residents, meeting.attended_staff) == (12, 0, 4)


@pytest.mark.parametrize("data, field", [
    ({"neighbours": "-1", "residents": "0", "staff": "0"}, "neighbours"),
    ({"neighbours": "abc", "residents": "0", "staff": "0"}, "neighbours"),
    ({"neighbours": "1", "residents": "", "staff": "0"}, "residents"),
    ({"neighbours": "1", "residents": "0", "staff": "100000"}, "staff"),
    ({"neighbours": "1\x00", "residents": "0", "staff": "0"}, "neighbours"),
])
def test_bad_attendance_is_refused_beside_the_field(client, login_as, council, data, field):
    login_as(Role.CHAIR)
    meeting = council["meetings"][0]
    response = client.post(f"/arsrapport/oppmote/{meeting.id}", data=data)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    db.session.refresh(meeting)
    assert meeting.attended_neighbours == 8


def test_attendance_only_for_a_held_meeting(client, login_as, council):
    login_as(Role.CHAIR)
    planned = a_meeting(12, MeetingStatus.PLANNED, attendance=None)
    assert client.get(f"/arsrapport/oppmote/{planned.id}").status_code == 404
    assert client.post(f"/arsrapport/oppmote/{planned.id}", data={"neighbours": "1", "residents": "1",
                                                                  "staff": "1"}).status_code == 404


@pytest.mark.parametrize("query", ["year=1999", "year=abc", "year=", "year=99999999999999999999", "year=-5",
                                   "year=2025%00"])
def test_bad_years_get_a_message_beside_the_field(client, login_as, query):
    login_as(Role.NEIGHBOUR)
    response = client.get(f"/arsrapport/?{query}")
    assert response.status_code == 422
    assert 'id="year-error"' in response.get_data(as_text=True)


def test_a_good_year_opens_its_report(client, login_as):
    login_as(Role.NEIGHBOUR)
    response = client.get(f"/arsrapport/?year={YEAR}")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/arsrapport/{YEAR}")


@pytest.mark.parametrize("path", ["/arsrapport/1999", "/arsrapport/3000", "/arsrapport/0.csv",
                                  "/arsrapport/abc", "/arsrapport/-1", "/arsrapport/3000/tekst"])
def test_years_out_of_range_are_not_found(client, login_as, path):
    login_as(Role.CHAIR)
    assert client.get(path).status_code == 404


def test_no_500_for_odd_text(client, login_as):
    login_as(Role.CHAIR)
    for text in ("", " ", "\x00", "x" * 5000, "# heading\n\n" * 50, "<img src=x onerror=alert(1)>"):
        response = client.post(f"/arsrapport/{YEAR}/tekst", data={"text": text})
        assert response.status_code in (303, 422), text[:20]
    assert "<img src=x" not in client.get(f"/arsrapport/{YEAR}").get_data(as_text=True)


def test_too_long_text_changes_nothing(client, login_as):
    login_as(Role.CHAIR)
    client.post(f"/arsrapport/{YEAR}/tekst", data={"text": "Først"})
    response = client.post(f"/arsrapport/{YEAR}/tekst", data={"text": "x" * 5000})
    assert response.status_code == 422 and 'id="text-error"' in response.get_data(as_text=True)
    assert service.text_for(YEAR).text == "Først"


def test_a_year_without_anything_shows_noughts(client, login_as):
    login_as(Role.CHAIR)
    response = client.get(f"/arsrapport/{YEAR}")
    assert response.status_code == 200
    assert client.get(f"/arsrapport/{YEAR}.csv").status_code == 200
