"""The wording prompt on a phone (issue 17, item 4): a labelling word comes back with the prompt beside the
field, and one tap on the suggestion posts the text with it, with JavaScript (htmx swaps the reply form)
and without (a plain form post)."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from naborad.extensions import db
from naborad.models import Issue

from .conftest import _EXPECTED_4XX, _logs, check_page
from .steps import unique
from .test_features import JS, fresh_issue, log_in

pytestmark = pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <_io.FileIO name='[^']*/static/:pytest.PytestUnraisableExceptionWarning")


@JS
def test_one_tap_on_the_suggestion_posts_the_reply_with_it(live_server, phone, js):
    issue_id = fresh_issue(live_server)
    url = f"{live_server.url}/saker/{issue_id}"
    page = phone(js=js)
    log_in(page, "nabo")
    page.goto(url)
    marker = unique("i porten i natt")
    form = page.locator("#reply-form")
    form.locator("textarea[name=body]").fill(f"Narkisene bråket {marker}")
    form.locator("button.primary[type=submit]").click()

    prompt = page.locator("#body-wording")
    expect(prompt).to_be_visible()
    expect(page.locator("#reply-form textarea[name=body]")).to_have_value(f"Narkisene bråket {marker}")
    expect(page.locator("#reply-form textarea[name=body]")).to_have_attribute("aria-describedby",
                                                                                 re.compile("body-wording"))
    replace = prompt.locator("button.wording-replace")
    expect(replace).to_have_count(1)
    expect(prompt.locator("button[name=post_anyway]")).to_be_visible()
    if js:  # the fragment came back 422 on purpose; the page with the prompt swapped in is checked (axe too)
        _logs[page].errors[:] = [e for e in _logs[page].errors if not _EXPECTED_4XX.match(e[1])]
        check_page(page)
    else:
        check_page(page, 422)  # the thread page came back with the prompt (axe included)
    replace.click()
    page.wait_for_load_state("load")

    replies = page.locator("#replies li.reply").filter(has_text=marker)
    expect(replies).to_have_count(1)
    expect(replies).not_to_contain_text("Narkisene")
    expect(page.locator("#body-wording")).to_have_count(0)
    check_page(page)


@JS
def test_enter_in_a_field_never_posts_anyway(live_server, phone, js):
    """Enter in a one-line field submits by the form's first submit button: not "post anyway" in the prompt."""
    page = phone(js=js)
    log_in(page, "nabo")
    page.goto("/saker/ny")
    title = unique("Narkisene i porten")
    page.locator("#title").fill(title)
    page.locator("#body").fill("Det var bråk hele natta.")
    page.locator("main form button.primary[type=submit]").click()
    expect(page.locator("#title-wording")).to_be_visible()
    check_page(page, 422)
    page.locator("#title").press("Enter")
    page.wait_for_load_state("load")
    expect(page.locator("#title-wording")).to_be_visible()  # asked again, not posted
    expect(page.locator("#title")).to_have_value(title)
    check_page(page, 422)
    with live_server.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Issue).where(Issue.title == title)) == 0
        db.session.remove()


def test_a_report_gets_a_quiet_hint_while_it_is_written_and_sends_at_once(live_server, phone):
    """On a pause in typing the hint comes under the report's text, the writer keeps typing where they were,
    and the report is sent with one tap all the same (staff alone read it: the hint never stops it)."""
    page = phone(js=True)
    log_in(page, "nabo")
    page.goto("/meld-fra/")
    text = page.locator("#text")
    text.click()
    text.press_sequentially("Fyllefantene ved bussen ", delay=10)
    hint = page.locator("#text-wording")
    expect(hint).to_be_visible()
    expect(hint).to_contain_text("Fyllefantene")
    expect(page.locator("#text-wording-live")).to_have_attribute("aria-live", "polite")
    expect(text).to_be_focused()  # the hint came without taking the writer's place
    text.press_sequentially("roper igjen", delay=10)
    marker = unique("nå")
    text.press_sequentially(f" {marker}", delay=5)
    expect(text).to_have_value(re.compile(f"Fyllefantene ved bussen roper igjen {marker}$"))
    check_page(page)
    page.locator("#report-form button.primary[type=submit]").click()
    page.wait_for_load_state("load")
    expect(page.locator("main")).to_contain_text(marker)  # sent at once: the reporter's own view of it
    check_page(page)
