"""Long lists page (issue 16): "Vis flere" appends the next rows in place and moves the focus to the first of
them, so a keyboard user goes on where they were; without JavaScript it is a link to the next page."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from naborad.extensions import db
from naborad.models import AgendaItem, ItemState, Meeting, MeetingStatus, search_key, utcnow
from naborad.paging import PAGE_SIZE

from .conftest import DEMO_PASSWORD, check_page
from .steps import expect_same_document, focused_matches, mark_document

JS = pytest.mark.parametrize("js", [True, False], ids=["with-js", "without-js"])
ROWS = "#decision-rows > li.card"


def many_decisions(server, n: int = 60) -> None:
    """An approved meeting long ago with `n` decisions, in a council of this test's own."""
    with server.app.app_context():
        meeting = Meeting(starts_at=utcnow() - timedelta(days=3000), place="Gamle rommet",
                          status=MeetingStatus.APPROVED)
        db.session.add(meeting)
        db.session.flush()
        db.session.add_all(AgendaItem(meeting_id=meeting.id, title=f"Gammelt punkt {k:02d}", state=ItemState.ACCEPTED,
                                      position=k + 1, decision=f"Gammelt vedtak {k:02d}",
                                      search_text=search_key(f"Gammelt punkt {k:02d}", f"Gammelt vedtak {k:02d}"))
                           for k in range(n))
        db.session.commit()
        db.session.remove()


def log_in(page, url: str) -> None:
    page.goto(f"{url}/logg-inn")
    page.locator("#login").fill("nabo")
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    expect(page.locator("#login")).to_have_count(0)


@JS
def test_show_more_decisions_by_keyboard(fresh_server, phone, js):
    many_decisions(fresh_server)
    page = phone(js=js)
    log_in(page, fresh_server.url)
    page.goto(f"{fresh_server.url}/moter/vedtak?q=gammelt")
    expect(page.locator(ROWS)).to_have_count(PAGE_SIZE)
    mark_document(page)
    more = page.locator("#decision-more a")
    more.focus()
    page.keyboard.press("Enter")
    if not js:  # a plain link: the next page, whole, with the search kept
        page.wait_for_url("**/moter/vedtak?side=2&q=gammelt")
        expect(page.locator(ROWS)).to_have_count(PAGE_SIZE)
        expect(page.locator(ROWS).first).to_contain_text("Gammelt vedtak")
        expect(page.locator("#q")).to_have_value("gammelt")
        check_page(page)
        return
    expect(page.locator(ROWS)).to_have_count(2 * PAGE_SIZE)  # appended, in the same document
    expect_same_document(page)
    expect(page.locator("#decision-more")).to_have_count(1)  # the next "show more" (60 rows: a third page)
    first_new = f"{ROWS}:nth-child({PAGE_SIZE + 1})"
    page.wait_for_function("s => document.activeElement && document.activeElement.matches(s)", arg=first_new)
    assert not page.locator("[data-page-start]").count()
    page.keyboard.press("Tab")  # on from the first new row: its links, not back at the top of the page
    assert focused_matches(page, f"{first_new} a")
    page.locator("#decision-more a").click()
    expect(page.locator(ROWS)).to_have_count(60)
    expect(page.locator("#decision-more")).to_have_count(0)
    assert focused_matches(page, f"{ROWS}:nth-child({2 * PAGE_SIZE + 1})")
    check_page(page)  # axe and the rest, on the list with the appended rows
