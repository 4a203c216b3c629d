"""The direct line on a phone (issue 18): a resident chooses to be reachable by the chair; the chair sends a
friendly word; the resident answers "done, thanks"; the resident stops it, and the chair's button is gone."""
import re

from playwright.sync_api import expect
from sqlalchemy import select

from naborad.extensions import db
from naborad.models import Conversation

from .conftest import check_page
from .journey import ON_PHONES
from .steps import expect_same_document, mark_document

BUTTON = "Send et vennlig ord"
WORD = "Hei Kari! Musikken hørtes godt i bakgården i går kveld. Kan du skru litt ned etter klokka elleve?"


def open_menu_link(page, name: str) -> None:
    page.locator("details.menu > summary").click()
    page.locator("details.menu nav").get_by_role("link", name=name, exact=True).click()
    page.wait_for_load_state("load")


def kari_on_the_list(page):
    return page.locator("ul.member-list > li.card", has=page.locator(".member-name", has_text=re.compile(r"^Kari$")))


def choose_the_chair(journey, page) -> None:
    open_menu_link(page, "Profil")
    page.get_by_role("link", name="Velg om medlemmer kan nå deg direkte, og hvem").click()
    page.wait_for_load_state("load")
    expect(page.locator("#direct-state")).to_contain_text("Nå: ingen kan nå deg direkte")
    check_page(page)
    page.get_by_label("Et vennlig ord i appen").check()
    expect(page.get_by_label("Lederen og nestlederen nå")).to_be_checked()  # the narrow choice first
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    expect(page.locator("#flash")).to_contain_text("Valget ditt er lagret")
    expect(page.locator("#direct-state")).to_contain_text("Bare Ingrid og Sverre kan nå deg.")
    check_page(page)
    journey.shot(page, "resident-opted-in")


def send_a_friendly_word(journey, page) -> None:
    open_menu_link(page, "Medlemmer")
    kari = kari_on_the_list(page)
    expect(kari.get_by_role("link", name="Send et vennlig ord til Kari")).to_be_visible()
    check_page(page)
    kari.get_by_role("link", name="Send et vennlig ord til Kari").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", level=1)).to_have_text("Et vennlig ord til Kari")
    check_page(page)
    page.get_by_label("Ditt vennlige ord").fill(WORD)
    page.get_by_role("button", name=BUTTON).click()
    page.wait_for_url(re.compile(r"/direkte/\d+$"))
    expect(page.locator("#conversation .message-text")).to_have_text([WORD])
    check_page(page)
    journey.shot(page, "chair-sent-a-word")


def done_thanks(journey, page) -> None:
    conversation_id = journey.db(lambda: db.session.scalar(select(Conversation.id)))
    page.goto("/direkte/")
    page.get_by_role("link", name="Med Ingrid").click()
    page.wait_for_url(f"**/direkte/{conversation_id}")
    expect(page.locator("#conversation .message-text")).to_have_text([WORD])
    check_page(page)
    mark_document(page)
    page.get_by_role("button", name="Ferdig, takk").click()
    expect(page.locator("#conversation-state")).to_contain_text("Ferdig, takk.")
    expect(page.get_by_role("button", name="Ferdig, takk")).to_have_count(0)
    expect_same_document(page)
    check_page(page)
    journey.shot(page, "resident-done-thanks")


def stop_it(journey, page) -> None:
    page.goto("/profil/direkte-linje")
    page.get_by_label("Et vennlig ord i appen").uncheck()
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    expect(page.locator("#direct-state")).to_contain_text("Nå: ingen kan nå deg direkte")
    check_page(page)
    journey.shot(page, "resident-opted-out")


@ON_PHONES
def test_a_resident_lets_the_chair_reach_her_answers_and_stops_it(journey):
    resident = journey.open("beboer")
    choose_the_chair(journey, resident)
    chair = journey.open("leder")
    send_a_friendly_word(journey, chair)
    done_thanks(journey, resident)
    stop_it(journey, resident)
    chair.goto("/medlemmer/")
    expect(kari_on_the_list(chair)).to_be_visible()
    expect(kari_on_the_list(chair).get_by_role("link", name="Send et vennlig ord til Kari")).to_have_count(0)
    check_page(chair)
    journey.shot(chair, "chair-button-gone")
