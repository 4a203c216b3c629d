"""The overview and what every page shares (issue 15): disclosures that look like controls, the overview's
essentials per role with the on-duty number, and htmx swaps without CSP errors in the console."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from naborad.extensions import db
from naborad.models import Meeting, MeetingStatus

from .journey import PHONE
from .steps import expect_same_document, mark_document, unique

ON_PHONE = pytest.mark.parametrize("handset", [PHONE], ids=["phone"])

# The marker a closed and an open disclosure show (static/app.css draws it: summaries are flex boxes).
CLOSED, OPEN = '"▸"', '"▾"'


def marker(summary) -> str:
    return summary.evaluate("s => getComputedStyle(s, '::before').content")


def expect_disclosure(summary) -> None:
    """A summary shows a marker that turns when it opens, is a 44 px target, and shows keyboard focus."""
    summary.scroll_into_view_if_needed()
    assert marker(summary) == CLOSED, f"no closed marker on {summary.inner_text()!r}"
    box = summary.bounding_box()
    assert box["height"] >= 44, f"{summary.inner_text()!r} is {box['height']} px high"
    summary.click()
    assert summary.evaluate("s => s.parentElement.open")
    assert marker(summary) == OPEN, f"the marker of {summary.inner_text()!r} does not change when open"
    summary.focus()
    summary.evaluate("s => s.parentElement.open = false")
    assert marker(summary) == CLOSED


def next_meeting_id(journey) -> int:
    return journey.db(lambda: db.session.scalar(
        select(Meeting.id).where(Meeting.status == MeetingStatus.PLANNED).order_by(Meeting.starts_at).limit(1)))


@ON_PHONE
def test_every_disclosure_shows_that_it_opens_and_its_state(journey):
    # The contact page's "what do I do if ..." cards (public).
    page = journey.open()
    page.goto("/kontakt")
    cards = page.locator("details.guidance > summary")
    assert cards.count() >= 2
    expect_disclosure(cards.first)
    cards.nth(1).click()
    journey.shot(page, "contact-guidance")

    # The chair's meeting page: decline a proposal, time and stage, who has answered, cancel the meeting.
    chair = journey.open("leder")
    chair.goto(f"/moter/{next_meeting_id(journey)}")
    for text in ("Avslå", "Tid og fase", "Hvem som har svart", "Avlys møtet"):
        expect_disclosure(chair.locator("main details > summary").filter(has_text=text).first)
    # An action that opens a form looks like a button (a border), an information disclosure does not.
    decline = chair.locator("main details > summary").filter(has_text="Avslå").first
    assert decline.evaluate("s => getComputedStyle(s).borderTopStyle") == "solid"
    decline.scroll_into_view_if_needed()
    journey.shot(chair, "meeting-disclosures")

    # The site menu keeps its own marker after the label (▾, ▴ when open) and gets no second one.
    menu = chair.locator("details.menu > summary")
    assert marker(menu) == "none"
    assert menu.evaluate("s => getComputedStyle(s, '::after').content") == '" ▾"'
    menu.click()
    assert menu.evaluate("s => getComputedStyle(s, '::after').content") == '" ▴"'
    expect(chair.locator("details.menu nav")).to_be_visible()


# -- htmx swaps and the CSP ------------------------------------------------------------------------

# Every CSP violation the page sees, also one the console would word differently (the fixtures fail a test
# on any console error; this names the directive and what was blocked).
RECORD_VIOLATIONS = """() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", e => window.__csp.push(
        `${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`));
}"""


def violations(page) -> list:
    return page.evaluate("window.__csp || []")


def open_recording(journey, login):
    page = journey.open(login)
    page.add_init_script(f"({RECORD_VIOLATIONS})()")
    return page


@ON_PHONE
def test_htmx_swaps_log_no_csp_violation(journey):
    """A reply (in a text box the person made taller), following, a sign-up, and the chair's agenda moves
    and RSVP: every swap in place, and not one CSP violation (htmx's settle step copied the resized text
    box's style attribute onto the new one, which style-src 'self' blocks)."""
    page = open_recording(journey, "nabo")
    page.goto("/saker/")
    page.locator("main a[href^='/saker/']").filter(has_text="Høy musikk").first.click()
    mark_document(page)
    box = page.locator("#reply-form textarea[name=body]")
    body = unique("Jeg hører det også.")
    box.fill(body)
    # The person drags the text box's corner to make it taller: the browser gives it a style attribute.
    box.evaluate("t => { t.style.height = '12rem'; }")
    page.locator("#reply-form button[type=submit]").click()
    expect(page.locator("#replies li.reply").filter(has_text=body)).to_have_count(1)
    expect(box).to_have_value("")
    follow = page.locator("#follow button[type=submit]")
    before = follow.inner_text()
    follow.click()
    expect(follow).not_to_have_text(before)
    expect_same_document(page)
    assert violations(page) == []

    page.goto("/arrangementer/")
    page.locator("#upcoming-events li.card h3 a").first.click()
    mark_document(page)
    page.locator("#signup-button").click()
    expect(page.locator("#signup-status")).not_to_have_attribute("data-status", "none")
    expect_same_document(page)
    assert violations(page) == []

    # The chair: accept a proposal, move an item up and one down, answer the RSVP.
    chair = open_recording(journey, "leder")
    chair.goto("/moter/")
    chair.locator("section[aria-labelledby=upcoming-heading] li.card h3 a").first.click()
    mark_document(chair)
    proposals = chair.locator("#forslag li.proposal")
    waiting = proposals.count()
    proposals.first.locator("form[action$='/godta'] button").click()
    expect(proposals).to_have_count(waiting - 1)
    agenda = chair.locator("#saksliste ol.agenda > li.agenda-item")
    second = agenda.nth(1).get_attribute("id")
    agenda.nth(1).locator("form[action$='/opp'] button").click()
    expect(agenda.first).to_have_id(second)
    agenda.first.locator("form[action$='/ned'] button").click()
    expect(agenda.nth(1)).to_have_id(second)
    chair.locator("#rsvp button[value=yes]").click()
    expect(chair.locator("#rsvp [role=status]")).to_be_visible()
    expect_same_document(chair)
    assert violations(chair) == []


# -- the overview per role -------------------------------------------------------------------------

@ON_PHONE
def test_the_overview_answers_what_to_know_or_do_now_for_each_role(journey):
    neighbour = journey.open("nabo")
    phone = neighbour.locator("#on-duty a#on-duty-phone")
    expect(phone).to_have_attribute("href", "tel:+4732000000")
    expect(phone).to_be_in_viewport()  # on the first screen, without scrolling
    assert phone.bounding_box()["height"] >= 44
    expect(neighbour.locator("#events")).to_contain_text("Julefest")
    expect(neighbour.locator("#waiting-reports, #waiting-proposals")).to_have_count(0)
    journey.shot(neighbour, "neighbour")

    chair = journey.open("leder")
    proposals = chair.locator("#waiting-proposals a")
    expect(proposals.first).to_contain_text("2 forslag til møtet")
    chair.locator("#waiting").scroll_into_view_if_needed()
    journey.shot(chair, "chair")
    proposals.first.click()
    expect(chair.locator("#forslag li.proposal")).to_have_count(2)

    staff = journey.open("ansatt")
    expect(staff.locator("#waiting")).to_contain_text("venter på de ansatte")
    staff.locator("#waiting").scroll_into_view_if_needed()
    journey.shot(staff, "staff")
    staff.locator("#waiting-reports a").first.click()
    expect(staff.locator(".report-text")).to_be_visible()
