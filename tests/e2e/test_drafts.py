"""Nothing a user wrote is lost: a reply typed while the session ends survives the trip through login,
with and without JavaScript for the htmx path (plain posts rely on the same tab's storage, so JS only).
And nothing a member wrote reaches the next person at a shared PC: drafts belong to their writer."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import delete, select

from naborad.extensions import db
from naborad.models import User, UserSession

from .conftest import DEMO_PASSWORD
from .test_features import fresh_issue, log_in, unique
from .test_join_and_login import log_out_through_menu

pytestmark = pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <_io.FileIO name='[^']*/static/:pytest.PytestUnraisableExceptionWarning")


def end_sessions(live_server, username):
    with live_server.app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.username == username))
        db.session.execute(delete(UserSession).where(UserSession.user_id == user_id))
        db.session.commit()
        db.session.remove()


def stored_drafts(page) -> str:
    """Everything this tab's sessionStorage holds, as one string."""
    return page.evaluate("""() => {
        const all = {};
        for (let i = 0; i < sessionStorage.length; i++) {
            const key = sessionStorage.key(i);
            all[key] = sessionStorage.getItem(key);
        }
        return JSON.stringify(all);
    }""")


def type_report_draft(page) -> str:
    page.goto("/meld-fra/")
    text = unique("Naboen i leilighet 3 har det vondt")
    page.locator("#text").fill(text)
    return text


def expect_empty_report_form(page, live_server):
    expect(page).to_have_url(f"{live_server.url}/meld-fra/")
    expect(page.locator("#report-form")).to_be_visible()
    expect(page.locator("#text")).to_have_value("")


def test_another_member_sees_nothing_of_the_drafts_left_before_a_logout(live_server, phone):
    page = phone()
    log_in(page, "beboer")
    page.goto("/beboermote/")
    page.locator("main ul.card-list li.card h3 a").first.click()
    page.wait_for_load_state("load")
    premeeting_url = page.url
    item_id = page.locator("ol.premeeting-agenda > li.agenda-item").first.get_attribute("id").removeprefix("sak-")
    comment = unique("Jeg orker ikke møtet i dag, medisinene gjør meg trøtt")
    page.locator(f"#kommenter-{item_id} > summary").click()  # the comment form waits behind "Kommenter"
    page.locator(f"#body-{item_id}").fill(comment)
    report = type_report_draft(page)
    held = stored_drafts(page)
    assert comment in held and report in held  # kept while the resident is logged in

    log_out_through_menu(page, live_server.url)
    assert comment not in stored_drafts(page) and report not in stored_drafts(page)

    log_in(page, "ansatt")  # the next person, in the same tab
    page.goto("/meld-fra/")
    expect_empty_report_form(page, live_server)
    page.goto(premeeting_url)
    expect(page.locator(f"#body-{item_id}")).to_have_value("")
    expect(page.get_by_text(comment)).to_have_count(0)
    held = stored_drafts(page)
    assert comment not in held and report not in held


def test_another_member_sees_nothing_of_the_drafts_left_when_a_session_ended(live_server, phone):
    page = phone()
    log_in(page, "beboer")
    report = type_report_draft(page)
    end_sessions(live_server, "beboer")  # the idle timeout ran out while the resident was away
    page.reload()
    expect(page.locator("#login")).to_be_visible()
    expect(page.locator("#text")).to_have_count(0)

    page.locator("#login").fill("nabo")  # the next person at the PC
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    expect_empty_report_form(page, live_server)  # back where the session ended, but nothing of the resident's
    assert report not in stored_drafts(page)
    page.reload()
    expect(page.locator("#text")).to_have_value("")


def test_a_draft_typed_when_the_session_ended_comes_back_to_the_same_member_only(live_server, phone):
    page = phone()
    log_in(page, "beboer")
    report = type_report_draft(page)
    end_sessions(live_server, "beboer")
    page.reload()
    expect(page.locator("#login")).to_be_visible()
    page.locator("#login").fill("beboer")
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    expect(page.locator("#text")).to_have_value(report)  # the same member: the draft is back


def test_reply_typed_when_the_session_ends_is_kept_through_login(live_server, phone):
    issue_id = fresh_issue(live_server)
    page = phone()
    log_in(page, "nabo")
    page.goto(f"/saker/{issue_id}")
    text = unique("Et langt svar som ikke må bli borte")
    page.locator("#reply-form textarea[name=body]").fill(text)
    end_sessions(live_server, "nabo")  # e.g. the idle timeout ran out while writing
    page.locator("#reply-form button[type=submit]").click()
    expect(page.locator("#login")).to_be_visible()  # htmx was sent to the login page (HX-Redirect)
    page.locator("#login").fill("nabo")
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    expect(page).to_have_url(f"{live_server.url}/saker/{issue_id}")  # back where the reply was written
    expect(page.locator("#reply-form textarea[name=body]")).to_have_value(text)
    page.locator("#reply-form button[type=submit]").click()
    expect(page.locator("#replies li.reply").filter(has_text=text)).to_have_count(1)
    expect(page.locator("#reply-form textarea[name=body]")).to_have_value("")
    page.reload()  # posted: the draft is gone, not restored again
    expect(page.locator("#reply-form textarea[name=body]")).to_have_value("")
