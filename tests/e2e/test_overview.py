"""The overview and what every page shares (issue 15): disclosures that look like controls, the overview's
essentials per role with the on-duty number, and htmx swaps without CSP errors in the console."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from naborad.extensions import db
from naborad.models import Meeting, MeetingStatus

from .journey import PHONE

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

    # The chair's meeting page: decline a proposal, time and stage, who has answered, cancel the meeting.
    chair = journey.open("leder")
    chair.goto(f"/moter/{next_meeting_id(journey)}")
    for text in ("Avslå", "Tid og fase", "Hvem som har svart", "Avlys møtet"):
        expect_disclosure(chair.locator("main details > summary").filter(has_text=text).first)
    # An action that opens a form looks like a button (a border), an information disclosure does not.
    decline = chair.locator("main details > summary").filter(has_text="Avslå").first
    assert decline.evaluate("s => getComputedStyle(s).borderTopStyle") == "solid"

    # The site menu keeps its own marker after the label (▾, ▴ when open) and gets no second one.
    menu = chair.locator("details.menu > summary")
    assert marker(menu) == "none"
    assert menu.evaluate("s => getComputedStyle(s, '::after').content") == '" ▾"'
    menu.click()
    assert menu.evaluate("s => getComputedStyle(s, '::after').content") == '" ▴"'
    expect(chair.locator("details.menu nav")).to_be_visible()
