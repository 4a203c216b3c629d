"""A new resident joins on a phone with the code from a paper invitation, typed as people type it
(small letters, no dash), and lands on an overview that says where things are."""
import re

from playwright.sync_api import expect

from .journey import ON_PHONES
from .steps import unique


def staff_make_an_invitation(journey) -> str:
    staff = journey.open("ansatt")
    staff.goto("/medlemmer/inviter")
    staff.locator("#role").select_option("resident")
    staff.locator("main form button[type=submit]").click()
    staff.wait_for_load_state("load")
    code = staff.locator(".print-card .code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{5}-[0-9A-Z]{5}", code), code
    return code


@ON_PHONES
def test_a_new_resident_joins_with_a_typed_code_and_is_shown_where_things_are(journey):
    code = staff_make_an_invitation(journey)
    page = journey.open()  # the resident's own phone, nobody logged in
    page.goto("/logg-inn")
    page.get_by_role("link", name=re.compile("Bli med her")).click()
    page.wait_for_load_state("load")
    typed = code.lower().replace("-", "")  # as read off the paper
    page.get_by_label("Invitasjonskode").fill(typed)
    journey.shot(page, "code-typed")
    page.get_by_role("button", name="Fortsett").click()
    page.wait_for_load_state("load")
    expect(page).to_have_url(f"{journey.url}/invitasjon/{code}")  # found, and shown as printed
    expect(page.locator("h1")).to_have_text("Opprett kontoen din")

    username = unique("per").replace(" ", "-")
    page.locator("#username").fill(username)
    page.locator("#display_name").fill("Per")
    page.locator("#password").fill("et langt og godt passord")
    page.locator("#confirm").fill("et langt og godt passord")
    journey.shot(page, "account")
    page.get_by_role("button", name="Opprett konto").click()
    page.wait_for_load_state("load")

    expect(page).to_have_url(f"{journey.url}/")
    expect(page.locator("h1")).to_contain_text("Per")
    welcome = page.locator("#welcome")
    expect(welcome.get_by_role("heading")).to_have_text("Ny her? Her finner du fram")
    for place in ("Saker", "Møter", "Arrangementer", "Beboermøtet", "Meld fra", "Kontakt"):
        expect(welcome.get_by_role("link", name=place, exact=True)).to_be_visible()
    journey.shot(page, "welcome")

    page.get_by_role("button", name="Skjønner, skjul dette").click()
    page.wait_for_load_state("load")
    expect(page.locator("#welcome")).to_have_count(0)
    expect(page.locator("h1")).to_contain_text("Per")  # still on the overview
