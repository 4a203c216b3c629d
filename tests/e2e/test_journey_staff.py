"""Staff on a phone: the report queue, handling a report in place, inviting a resident without email,
a fresh code without a printer, preparing the residents' pre-meeting, and a new event."""
import re

from playwright.sync_api import expect
from sqlalchemy import select

from naborad.auth.service import open_invitation
from naborad.extensions import db
from naborad.models import AgendaItem, Event

from .journey import ON_PHONES
from .steps import expect_same_document, mark_document

WAITING = "Det smeller i dører i oppgangen nå."  # the demo's new report (naborad/reports/demo.py)


def open_menu_link(page, name: str) -> None:
    page.locator("details.menu > summary").click()
    page.locator("details.menu nav").get_by_role("link", name=name, exact=True).click()
    page.wait_for_load_state("load")


def handle_a_report(journey, page) -> None:
    page.locator("#report-alerts a").click()  # "1 ny melding til deg" on the overview
    expect(page.locator("h1")).to_have_text("Innkomne meldinger")
    waiting = page.locator("#queue-new li.card")
    expect(waiting).to_have_count(1)
    expect(waiting.locator(".report-snippet")).to_have_text(WAITING)  # what happened, not only "Støy"
    journey.shot(page, "queue")

    waiting.locator("h3 a").click()
    page.wait_for_load_state("load")
    badge = page.locator("article.report .status")
    expect(badge).to_have_text("Mottatt")
    expect(page.locator("#queue-count-new")).to_have_text("1 ny")
    mark_document(page)
    page.locator("#acknowledge").click()
    expect(badge).to_have_text("De ansatte følger opp")  # the badge in the heading, out of band
    expect(page.locator("#acknowledged")).to_be_visible()
    expect(page.locator("#queue-count-new")).to_have_text("0 nye")
    expect(page.locator("#queue-count-acknowledged")).to_have_text("2 følges opp")
    expect(page.locator("#report-timeline")).to_be_focused()
    journey.shot(page, "acknowledged")

    answer = "Vakta går bort nå og snakker med dem."
    page.locator("#response").fill(answer)
    page.locator("#send-answer").click()  # (issue 19: the answer is the first staff message of the conversation)
    expect(page.locator("#report-timeline li.from-staff .user-text")).to_have_text(answer)
    expect(page.locator("#report-timeline")).to_be_focused()
    expect(badge).to_have_text("De ansatte følger opp")

    page.locator("#outcome").fill("Det ble roligere etter at vakta var der.")
    page.locator("#report-handling form:has(#outcome) button[type=submit]").click()
    expect(badge).to_have_text("Lukket")
    expect(page.locator("#closed")).to_contain_text("Det ble roligere")
    expect(page.locator("#acknowledge, #outcome")).to_have_count(0)  # nothing left to do
    expect(page.locator("#queue-count-acknowledged")).to_have_text("1 følges opp")
    expect_same_document(page)  # three changes, no page load
    journey.shot(page, "closed")

    page.locator("#report-queue-counts a").click()
    page.wait_for_load_state("load")
    expect(page.locator("#queue-empty")).to_be_visible()  # nothing new waits
    expect(page.locator("#queue-closed li.card").first.locator(".report-snippet")).to_have_text(WAITING)


def invite_without_email_and_print(journey, page) -> str:
    open_menu_link(page, "Invitasjoner")
    page.get_by_role("link", name="Inviter et medlem").click()
    page.locator("#role").select_option("resident")
    page.locator("#label").fill("Til Per i leilighet 4")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    expect(page.locator("h1")).to_have_text("Invitasjon til naborådet")  # not "Invitasjon 1"
    code = page.locator(".print-card .code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{5}-[0-9A-Z]{5}", code), code
    expect(page.locator(".print-card svg")).to_be_visible()
    journey.shot(page, "invitation")

    page.emulate_media(media="print")  # the printed card: a meaningful heading, no staff note, no menu
    expect(page.locator("h1")).to_be_visible()
    for note in page.get_by_text("Til Per i leilighet 4").all():
        expect(note).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".print-card .code")).to_have_text(code)
    journey.shot(page, "printed-card")
    page.emulate_media(media="screen")
    return code


def fresh_code_in_one_tap(journey, page, old: str) -> None:
    page.get_by_role("link", name="Invitasjoner").first.click()
    page.wait_for_load_state("load")
    card = page.locator("main li.card", has_text="Til Per i leilighet 4")
    card.get_by_role("button", name="Vis en ny kode").click()  # one tap, no printer needed
    page.wait_for_load_state("load")
    new = page.locator(".print-card .code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{5}-[0-9A-Z]{5}", new) and new != old
    expect(page.locator(".print-card svg")).to_be_visible()
    expect(page.locator("#flash")).to_contain_text("Den gamle virker ikke lenger")
    assert journey.db(lambda: open_invitation(old) is None and open_invitation(new) is not None)
    journey.shot(page, "fresh-code")


def prepare_the_premeeting(journey, page) -> None:
    def the_chair_accepted_a_proposal():
        item = db.session.scalar(select(AgendaItem).where(AgendaItem.title == "Trafikk ved skolen om morgenen"))
        item.state, item.position = "accepted", 4
        db.session.commit()
    journey.db(the_chair_accepted_a_proposal)  # since the pre-meeting got the council's items

    open_menu_link(page, "Beboermøtet")
    expect(page.get_by_role("heading", name="Kommende beboermøter")).to_be_visible()
    page.locator("main ul.card-list li.card h3 a").first.click()
    page.wait_for_load_state("load")
    page.get_by_role("button", name="Hent sakene fra sakslista til naborådet").click()
    page.wait_for_load_state("load")
    expect(page.locator("#flash")).to_contain_text("1 sak ble hentet")
    agenda = page.locator("ol.premeeting-agenda > li.agenda-item")
    expect(agenda.last.locator("h3")).to_have_text("Trafikk ved skolen om morgenen")

    page.get_by_role("link", name="Legg til en sak").click()
    title = "Sykkelbod i bakgården"
    page.locator("#title").fill(title)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    expect(page.locator("#flash")).to_contain_text("Saken står på sakslista.")
    expect(agenda.last.locator("h3")).to_have_text(title)  # straight on the agenda, not a proposal
    journey.shot(page, "premeeting-prepared")


def create_an_event(journey, page) -> None:
    open_menu_link(page, "Arrangementer")
    page.get_by_role("link", name="Nytt arrangement").click()
    page.wait_for_load_state("load")
    title = "Vårdugnad"
    page.locator("#title").fill(title)
    page.locator("#place").fill("Bakgården")
    page.locator("#starts_at").fill("2031-04-26T11:00")
    page.locator("#ends_at").fill("2031-04-26T14:00")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    expect(page.locator("h1")).to_have_text(title)
    assert journey.db(lambda: db.session.scalar(select(Event.place).where(Event.title == title))) == "Bakgården"
    journey.shot(page, "event-created")


@ON_PHONES
def test_staff_handle_a_report_invite_a_resident_prepare_the_premeeting_and_make_an_event(journey):
    page = journey.open("ansatt")
    handle_a_report(journey, page)
    code = invite_without_email_and_print(journey, page)
    fresh_code_in_one_tap(journey, page, code)
    prepare_the_premeeting(journey, page)
    create_an_event(journey, page)
