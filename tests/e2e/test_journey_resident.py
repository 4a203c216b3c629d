"""A resident on a phone: the residents' pre-meeting (propose a topic, comment, "we want to raise this"),
then signing up for an event."""
from datetime import timedelta

from playwright.sync_api import expect

from naborad.extensions import db
from naborad.models import Event, utcnow

from .journey import ON_PHONES
from .steps import expect_same_document, mark_document

ITEM = "Vaskerommet i kjelleren"  # on the demo pre-meeting's agenda (naborad/premeeting/demo.py)


def open_menu_link(page, name: str) -> None:
    page.locator("details.menu > summary").click()
    page.locator("details.menu nav").get_by_role("link", name=name, exact=True).click()
    page.wait_for_load_state("load")


def open_the_premeeting(journey, page) -> None:
    open_menu_link(page, "Beboermøtet")
    expect(page.get_by_role("heading", name="Kommende beboermøter")).to_be_visible()
    page.locator("main ul.card-list li.card h3 a").first.click()
    page.wait_for_load_state("load")
    expect(page.locator("p.notice").first).to_contain_text("Bare beboere og ansatte")
    journey.shot(page, "premeeting")


def propose_a_topic(journey, page) -> None:
    page.get_by_role("link", name="Foreslå et tema").click()
    page.wait_for_load_state("load")
    title = "Felles middag en gang i måneden"
    page.locator("#title").fill(title)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    expect(page.locator("#flash")).to_contain_text("Takk! De ansatte setter det på sakslista.")
    mine = page.locator("section[aria-labelledby=proposals-heading] li.card", has_text=title)
    expect(mine).to_contain_text("Venter på de ansatte")
    journey.shot(page, "proposed")


def comment(journey, page):
    item = page.locator("ol.premeeting-agenda > li.agenda-item", has_text=ITEM)
    item_id = item.get_attribute("id").removeprefix("sak-")
    box = page.locator(f"#body-{item_id}")
    expect(box).to_be_hidden()  # the page is not a column of open forms
    item.locator("summary", has_text="Kommenter").click()
    expect(box).to_be_focused()  # the caret is where the comment goes
    text = "Kan vi sette opp en liste på døra"
    box.fill(text)
    page.reload()  # a slip of the thumb: what was typed is kept, and shown
    expect(box).to_be_visible()
    expect(box).to_have_value(text)
    journey.shot(page, "comment-typed")

    mark_document(page)
    item.locator(f"#kommentarskjema-{item_id} button[type=submit]").click()
    expect(page.locator(f"#kommentarer-{item_id}")).to_contain_text(text)  # appended to the thread
    expect(page.locator(f"#body-{item_id}")).to_have_value("")  # a fresh form
    expect_same_document(page)
    journey.shot(page, "commented")
    return item


def want_to_raise_it(journey, page, item) -> None:
    mark_document(page)
    item.get_by_role("button", name="Vi vil ta dette opp i naborådet").click()
    expect(item.locator(".raise")).to_contain_text("Beboerne vil ta dette opp i naborådet.")
    expect(item.get_by_role("button", name="Angre")).to_be_visible()
    expect_same_document(page)
    journey.shot(page, "raise-wanted")


def an_event_nobody_has_joined(journey) -> str:
    title = "Grillkveld i bakgården"

    def add():
        starts = utcnow() + timedelta(days=20)
        db.session.add(Event(title=title, description="Vi griller.", place="Bakgården", starts_at=starts,
                             ends_at=starts + timedelta(hours=3), show_participants=True))
        db.session.commit()
    journey.db(add)
    return title


def sign_up_for_an_event(journey, page) -> None:
    title = an_event_nobody_has_joined(journey)  # the demo resident has joined the demo's events
    open_menu_link(page, "Arrangementer")
    page.get_by_role("link", name=title).first.click()
    page.wait_for_load_state("load")
    expect(page.locator("#signup-status")).to_contain_text("Du er ikke påmeldt.")
    attendees = page.locator("#attendees")
    expect(attendees).to_contain_text("Ingen har meldt seg på ennå.")
    mark_document(page)
    page.locator("#signup-button").click()
    expect(page.locator("#signup-status")).to_contain_text("Du er påmeldt.")
    expect(page.locator("#cancel-signup-open")).to_be_visible()  # cancelling is a second step
    expect_same_document(page)
    # The list of who comes updates at once, in the same swap (out of band).
    expect(attendees.locator("li")).to_have_text(["Kari"])
    journey.shot(page, "signed-up")


@ON_PHONES
def test_a_resident_proposes_comments_raises_an_item_and_signs_up(journey):
    page = journey.open("beboer")
    open_the_premeeting(journey, page)
    propose_a_topic(journey, page)
    item = comment(journey, page)
    want_to_raise_it(journey, page, item)
    sign_up_for_an_event(journey, page)
