"""Every long list pages (issue 16): a fixed page size, "show more" with htmx (the next rows, focus mark on the
first) and as a plain link (the whole page with the next rows), filters kept, and the same number of queries
whatever the number of rows."""
import re
from datetime import timedelta

from sqlalchemy import insert, select

from naborad.extensions import db
from naborad.models import (
    ActionItem,
    AgendaItem,
    Event,
    Issue,
    ItemState,
    Meeting,
    MeetingStatus,
    Notification,
    PreMeeting,
    Reply,
    ReportStatus,
    Role,
    SituationReport,
    search_key,
    utcnow,
)
from naborad.paging import PAGE_SIZE, first_with_total

from .helpers import HX, count_queries

ROWS = 60  # more than two pages


def rows(html: str, marker: str) -> int:
    """How many rows of a list a page or fragment holds (each row's start tag carries `marker`)."""
    return len(re.findall(marker, html))


def queries(client, url, headers=None) -> int:
    client.get(url, headers=headers)
    with count_queries() as statements:
        assert client.get(url, headers=headers).status_code == 200, url
    return len(statements)


def check_pages(client, url, marker, more_id, expect_total=ROWS, extra="", arg="side") -> None:
    """Page 1 has PAGE_SIZE rows and a working "show more"; htmx gets only the next rows, the plain link the
    page with them; the last page has no "show more"; a page costs as many queries as the first."""
    sep = "&" if "?" in url else "?"
    first = client.get(url).get_data(as_text=True)
    assert rows(first, marker) == PAGE_SIZE
    assert f'id="{more_id}"' in first and f"{arg}=2{extra}" in first
    more = client.get(f"{url}{sep}{arg}=2", headers=HX)
    html = more.get_data(as_text=True)
    assert more.status_code == 200 and "HX-Request" in more.headers["Vary"] and "<main" not in html
    assert html.lstrip().startswith("<li") and rows(html, marker) == PAGE_SIZE
    assert rows(html, "data-page-start") == 1 and f"{arg}=3{extra}" in html
    plain = client.get(f"{url}{sep}{arg}=2").get_data(as_text=True)
    assert "<main" in plain and rows(plain, marker) == PAGE_SIZE
    last = (expect_total - 1) // PAGE_SIZE + 1
    tail = client.get(f"{url}{sep}{arg}={last}", headers=HX).get_data(as_text=True)
    assert rows(tail, marker) == expect_total - (last - 1) * PAGE_SIZE and more_id not in tail
    assert queries(client, f"{url}{sep}{arg}=2", HX) <= queries(client, url)


def bad_pages_are_page_one(client, url, arg="side") -> None:
    sep = "&" if "?" in url else "?"
    for value in ("-3", "0", "abc", "99999999999999999999", "%00", "1.5", "10001"):
        response = client.get(f"{url}{sep}{arg}={value}")
        assert response.status_code == 200, value
    beyond = client.get(f"{url}{sep}{arg}=9999", headers=HX)
    assert beyond.status_code == 200 and 'class="load-more"' not in beyond.get_data(as_text=True)


def pages_at_any_size(client, make_rows, url, marker, more_id, extra="", arg="side", bad_url=None) -> None:
    """check_pages at ROWS rows, with the page costing as many queries as with one row, and bad page
    numbers answered with page one. `make_rows(n)` adds n rows."""
    make_rows(1)
    few = queries(client, url)
    make_rows(ROWS - 1)
    check_pages(client, url, marker, more_id, extra=extra, arg=arg)
    assert queries(client, url) == few
    bad_pages_are_page_one(client, bad_url or url, *([arg] if arg != "side" else []))


# -- the decision log --------------------------------------------------------------------------

def approved_decisions(n: int, meeting_status=MeetingStatus.APPROVED, word="Vedtak") -> Meeting:
    meeting = Meeting(starts_at=utcnow() - timedelta(days=30), place="Fellesrommet", status=meeting_status)
    db.session.add(meeting)
    db.session.flush()
    db.session.add_all(AgendaItem(meeting_id=meeting.id, title=f"Punkt {k}", state=ItemState.ACCEPTED, position=k,
                                  decision=f"{word} {k}", search_text=search_key(f"Punkt {k}", f"{word} {k}"))
                       for k in range(n))
    db.session.commit()
    return meeting


def test_the_decision_log_pages(client, login_as):
    login_as(Role.NEIGHBOUR)
    pages_at_any_size(client, approved_decisions, "/moter/vedtak", r'<li class="card"', "decision-more")
    gone = client.get("/moter/vedtak?side=99").get_data(as_text=True)  # past the end: a way back to the start
    assert 'class="to-start"><a href="/moter/vedtak"' in gone


def test_a_search_of_the_decision_log_pages_and_keeps_its_words(client, login_as):
    login_as(Role.NEIGHBOUR)
    approved_decisions(ROWS, word="Benker")
    approved_decisions(10, word="Lys")
    check_pages(client, "/moter/vedtak?q=benker", r'<li class="card"', "decision-more", extra="&amp;q=benker")
    found = client.get("/moter/vedtak?q=lys", headers=HX).get_data(as_text=True)
    assert 'id="decision-list"' in found and rows(found, r'<li class="card"') == 10 and "load-more" not in found


def test_decisions_in_minutes_not_yet_approved_give_no_show_more(client, login_as):
    login_as(Role.NEIGHBOUR)
    approved_decisions(3)
    approved_decisions(ROWS, meeting_status=MeetingStatus.HELD)
    html = client.get("/moter/vedtak").get_data(as_text=True)
    assert rows(html, r'<li class="card"') == 3 and "load-more" not in html


# -- action items --------------------------------------------------------------------------------

def action_items(n: int, meeting_status=MeetingStatus.APPROVED, assignee_id=None) -> Meeting:
    meeting = approved_decisions(1, meeting_status)
    item_id = db.session.scalar(select(AgendaItem.id).where(AgendaItem.meeting_id == meeting.id))
    db.session.add_all(ActionItem(agenda_item_id=item_id, meeting_id=meeting.id, what=f"Gjøremål {k}",
                                  assignee_name="Vaktmester", assignee_id=assignee_id) for k in range(n))
    db.session.commit()
    return meeting


def test_the_action_items_page(client, login_as):
    user = login_as(Role.NEIGHBOUR)
    pages_at_any_size(client, action_items, "/moter/oppfolging?status=all", r'<li class="card action',
                      "action-more", extra="&amp;status=all", bad_url="/moter/oppfolging")
    # A filter re-renders page 1 of the list region, and "show more" keeps it.
    action_items(30, assignee_id=user.id)
    mine = client.get("/moter/oppfolging?mine=1", headers=HX).get_data(as_text=True)
    assert 'id="action-list"' in mine and rows(mine, r'<li class="card action') == PAGE_SIZE
    assert f"side=2&amp;status=open&amp;person={user.id}" in mine
    rest = client.get(f"/moter/oppfolging?side=2&status=open&person={user.id}", headers=HX).get_data(as_text=True)
    assert rows(rest, r'<li class="card action') == 5 and "load-more" not in rest


def test_action_items_of_minutes_not_yet_approved_give_no_show_more(client, login_as):
    login_as(Role.NEIGHBOUR)
    action_items(2)
    action_items(ROWS, meeting_status=MeetingStatus.HELD)
    html = client.get("/moter/oppfolging?status=all").get_data(as_text=True)
    assert rows(html, r'<li class="card action') == 2 and "load-more" not in html


# -- the meetings archive ------------------------------------------------------------------------

def past_meetings(n: int, title=None) -> None:
    now = utcnow()
    meetings = [Meeting(starts_at=now - timedelta(days=30 * (k + 1)), place=f"Rom {k}", status=MeetingStatus.HELD)
                for k in range(n)]
    db.session.add_all(meetings)
    db.session.flush()
    if title:
        db.session.add_all(AgendaItem(meeting_id=m.id, title=title, state=ItemState.ACCEPTED, position=1,
                                      search_text=search_key(title)) for m in meetings)
    db.session.commit()


def test_the_meetings_archive_pages(client, login_as):
    login_as(Role.NEIGHBOUR)
    pages_at_any_size(client, past_meetings, "/moter/", r'<li class="card"', "archive-more")


def test_a_search_of_the_archive_pages_and_keeps_its_words(client, login_as):
    login_as(Role.NEIGHBOUR)
    past_meetings(ROWS, title="Gatelys")
    past_meetings(5, title="Benker")
    check_pages(client, "/moter/?q=gatelys", r'<li class="card"', "archive-more", extra="&amp;q=gatelys")
    found = client.get("/moter/?q=benker", headers=HX).get_data(as_text=True)
    assert 'id="archive"' in found and rows(found, r'<li class="card"') == 5 and "load-more" not in found


# -- past events ------------------------------------------------------------------------------------

def past_events(n: int) -> None:
    now = utcnow()
    db.session.add_all(Event(title=f"Fest {k}", starts_at=now - timedelta(days=k + 1, hours=3),
                             ends_at=now - timedelta(days=k + 1)) for k in range(n))
    db.session.commit()


def test_past_events_page(client, login_as):
    login_as(Role.NEIGHBOUR)
    pages_at_any_size(client, past_events, "/arrangementer/", r'<li class="card event-item"', "past-more")


# -- notifications ---------------------------------------------------------------------------------

def notifications(user, n: int, subject_type="issue", subject_id=None) -> None:
    if subject_id is None:
        issue = Issue(title="Støy om natta", body="x", category="noise", author_id=user.id, search_text="stoy")
        db.session.add(issue)
        db.session.flush()
        subject_id = issue.id
    now = utcnow()
    db.session.add_all(Notification(user_id=user.id, kind="issue_reply", subject_type=subject_type,
                                    subject_id=subject_id, created_at=now - timedelta(minutes=k)) for k in range(n))
    db.session.commit()


def test_notifications_page(client_for):
    client, user = client_for(Role.NEIGHBOUR)
    pages_at_any_size(client, lambda n: notifications(user, n), "/varsler/", r'<li class="card unread"',
                      "notification-more")


def test_pre_meeting_notifications_of_a_member_outside_it_neither_show_nor_page(client_for):
    """A resident who moved out keeps old pre-meeting notifications: they never show, and "show more"
    does not hint at them (a neighbour's list pages as if they were not there)."""
    client, user = client_for(Role.NEIGHBOUR)
    premeeting = PreMeeting(starts_at=utcnow() + timedelta(days=3), place="Stua")
    db.session.add(premeeting)
    db.session.commit()
    notifications(user, 3)
    notifications(user, ROWS, subject_type="premeeting", subject_id=premeeting.id)
    html = client.get("/varsler/").get_data(as_text=True)
    assert rows(html, r'<li class="card unread"') == 3 and "load-more" not in html


# -- the staff's report queue: three lists, each paging on its own ----------------------------------

def reports(n: int, status: ReportStatus, reporter_id=None) -> None:
    now = utcnow()
    db.session.add_all(SituationReport(category="noise", text=f"Melding {k}", reporter_id=reporter_id, status=status,
                                       created_at=now - timedelta(hours=k), acknowledged_at=now, closed_at=(
                                           now - timedelta(hours=k) if status == ReportStatus.CLOSED else None))
                       for k in range(n))
    db.session.commit()


def test_the_report_queue_pages_each_list(client_for):
    client, staff = client_for(Role.STAFF)
    pages_at_any_size(client, lambda n: reports(n, ReportStatus.NEW, staff.id), "/meld-fra/ko",
                      r'<li class="card report-waiting"', "queue-new-more", arg="ny_side")


def test_the_closed_reports_page_on_their_own(client_for):
    client, staff = client_for(Role.STAFF)
    reports(ROWS, ReportStatus.CLOSED, staff.id)
    check_pages(client, "/meld-fra/ko", r'<li class="card"', "queue-closed-more", arg="lukket_side")
    bad_pages_are_page_one(client, "/meld-fra/ko", "lukket_side")
    reports(ROWS, ReportStatus.ACKNOWLEDGED, staff.id)
    check_pages(client, "/meld-fra/ko?lukket_side=9", r'<li class="card"', "queue-acknowledged-more",
                arg="sett_side")


def test_the_queue_and_its_pages_stay_staff_only(client_for):
    staff, user = client_for(Role.STAFF)
    reports(ROWS, ReportStatus.CLOSED, user.id)
    for role in (Role.NEIGHBOUR, Role.CHAIR, Role.RESIDENT):
        client, _ = client_for(role)
        for url in ("/meld-fra/ko", "/meld-fra/ko?lukket_side=2"):
            assert client.get(url).status_code == 404
            assert client.get(url, headers=HX).status_code == 404


def test_the_first_few_and_how_many_come_in_one_query(make_issue, make_user):
    """first_with_total: a box's first rows and its whole count from one statement (a window count taken
    before the LIMIT), and nothing and 0 for an empty box."""
    issue, author = make_issue(), make_user(Role.NEIGHBOUR)
    db.session.execute(insert(Reply), [{"issue_id": issue.id, "author_id": author.id, "body": f"svar {n}",
                                        "created_at": utcnow()} for n in range(7)])
    db.session.commit()
    replies = select(Reply).where(Reply.issue_id == issue.id).order_by(Reply.id)
    with count_queries() as statements:
        shown, total = first_with_total(replies, 5)
    assert [r.body for r in shown] == [f"svar {n}" for n in range(5)] and total == 7
    assert len([s for s in statements if not s.upper().startswith("BEGIN")]) == 1
    assert first_with_total(replies.where(Reply.id < 0), 5) == ([], 0)
