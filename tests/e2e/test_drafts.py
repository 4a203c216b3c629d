"""Nothing a user wrote is lost: a reply typed while the session ends survives the trip through login,
with and without JavaScript for the htmx path (plain posts rely on the same tab's storage, so JS only)."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import delete, select

from naborad.extensions import db
from naborad.models import User, UserSession

from .conftest import DEMO_PASSWORD
from .test_features import fresh_issue, log_in, unique

pytestmark = pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <_io.FileIO name='[^']*/static/:pytest.PytestUnraisableExceptionWarning")


def end_sessions(live_server, username):
    with live_server.app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.username == username))
        db.session.execute(delete(UserSession).where(UserSession.user_id == user_id))
        db.session.commit()
        db.session.remove()


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
