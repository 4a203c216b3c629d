"""Staff invite a resident; the resident joins on a phone (with and without JavaScript), logs out and in."""
import re

import pytest
from playwright.sync_api import expect

from .conftest import DEMO_PASSWORD, check_page


def text(nb: str, en: str) -> re.Pattern:
    """The bokmål text, or the English source while the catalogue is being filled in."""
    return re.compile(rf"{re.escape(nb)}|{re.escape(en)}")


OVERVIEW = text("Oversikt", "Overview")


def submit(page):
    """The one form in main: click its submit button and wait for the answer."""
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")


def log_in(page, login: str, password: str):
    page.goto("/logg-inn")
    check_page(page)
    page.locator("#login").fill(login)
    page.locator("#password").fill(password)
    submit(page)


def expect_dashboard(page, base_url: str, display_name: str):
    expect(page).to_have_url(f"{base_url}/")
    expect(page).to_have_title(OVERVIEW)
    expect(page.get_by_role("heading", level=1)).to_contain_text(display_name)


def staff_makes_resident_invitation(laptop, base_url: str) -> tuple[str, str]:
    """Ola (ansatt) makes a resident invitation without email on a laptop; returns (code, link)."""
    page = laptop()
    log_in(page, "ansatt", DEMO_PASSWORD)
    expect_dashboard(page, base_url, "Ola")
    check_page(page)

    page.get_by_role("link", name=text("Inviter et medlem", "Invite a member")).click()
    expect(page).to_have_url(f"{base_url}/medlemmer/inviter")
    check_page(page)
    page.locator("#role").select_option("resident")
    expect(page.locator("#email")).to_have_value("")
    submit(page)

    expect(page).to_have_url(re.compile(rf"{re.escape(base_url)}/medlemmer/invitasjoner/\d+$"))
    check_page(page)
    code = page.locator(".print-card .code").inner_text().strip()
    link = page.locator(".print-card .code-link").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{5}-[0-9A-Z]{5}", code), code
    assert link == f"{base_url}/invitasjon/{code}"
    page.context.close()
    return code, link


def log_out_through_menu(page, base_url: str):
    menu = page.locator("details.menu")
    logout = menu.get_by_role("button", name=text("Logg ut", "Log out"))
    expect(logout).to_be_hidden()  # a phone shows the menu only when asked
    menu.locator("summary").click()
    expect(menu).to_have_attribute("open", "")
    check_page(page)  # the open menu too
    logout.click()
    page.wait_for_load_state("load")
    expect(page).to_have_url(f"{base_url}/logg-inn")
    check_page(page)


@pytest.mark.parametrize("js", [True, False], ids=["with-js", "without-js"])
def test_invited_resident_joins_on_phone_then_logs_out_and_in(live_server, laptop, phone, js):
    base = live_server.url
    code, link = staff_makes_resident_invitation(laptop, base)
    username = "e2e-beboer-js" if js else "e2e-beboer-nojs"
    display_name = "Mona" if js else "Nils"
    password = "grønne epler i kurven"

    page = phone(js=js)
    if js:
        page.goto(link)
    else:
        # The printed code typed in by hand: the "join here" link on the login page, then the code form.
        page.goto("/logg-inn")
        check_page(page)
        page.locator("main a[href='/invitasjon']").click()
        check_page(page)
        page.locator("#code").fill(code.lower().replace("-", " "))
        submit(page)
    expect(page).to_have_url(f"{base}/invitasjon/{code}")  # a typed code lands on its printed form
    check_page(page)

    page.locator("#username").fill(username)
    page.locator("#display_name").fill(display_name)
    page.locator("#password").fill(password)
    page.locator("#confirm").fill(password)
    submit(page)
    expect_dashboard(page, base, display_name)
    expect(page.locator("#flash")).to_contain_text(display_name)
    check_page(page)

    log_out_through_menu(page, base)

    page.locator("#login").fill(username)
    page.locator("#password").fill(password)
    submit(page)
    expect_dashboard(page, base, display_name)
    check_page(page)


@pytest.mark.parametrize("js", [True, False], ids=["with-js", "without-js"])
def test_wrong_password_shows_error_by_the_form_and_keeps_the_login(live_server, phone, js):
    page = phone(js=js)
    log_in(page, "nabo", "not the password at all")

    expect(page).to_have_url(f"{live_server.url}/logg-inn")
    check_page(page, status=422)
    errors = page.locator("main form .form-errors")
    expect(errors).to_be_visible()
    expect(errors).to_have_attribute("role", "alert")
    expect(errors).to_contain_text(text("Feil brukernavn", "Wrong username"))
    expect(page.locator("#login")).to_have_value("nabo")
    expect(page.locator("#password")).to_have_value("")

    # The kept login plus the right password gets in.
    page.locator("#password").fill(DEMO_PASSWORD)
    submit(page)
    expect_dashboard(page, live_server.url, "Per")
