"""The neighbourhood pulse on a phone WITHOUT JavaScript (issue 20): a resident opens the pulse from the
notification list, sends the form empty (the errors show beside the questions, 422), answers the three
questions and a line, and is thanked; a second answer is not offered. Then the council's report figures
(issue 19, item 6) read without JavaScript: the charts and the tables beside them."""
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import delete, func, select

from naborad.extensions import db
from naborad.models import PulseAnswer, PulseAnswered, PulseRound, utcnow

from .conftest import check_page
from .journey import ON_PHONES


def open_a_round(journey) -> None:
    """An open round, and two closed ones with answers enough to show (for the results page); the demo's
    history of rounds (bench_data, history=True) is taken away, so the figures are this test's own."""
    def write():
        now = utcnow()
        db.session.execute(delete(PulseRound))
        db.session.add(PulseRound(opened_at=now, closes_at=now + timedelta(days=14)))
        for days, base in ((100, 2), (40, 3)):
            closed = PulseRound(opened_at=now - timedelta(days=days), closes_at=now - timedelta(days=days - 14))
            db.session.add(closed)
            db.session.flush()
            for n in range(6):
                db.session.add(PulseAnswer(round_id=closed.id, group="neighbours", safe=base + n % 2,
                                           heard=base, relations=None if n == 0 else base + 1))
        db.session.commit()
    journey.db(write)


def answer_the_pulse(journey, page) -> None:
    page.goto("/puls")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nabolagspulsen")
    check_page(page)
    journey.shot(page, "pulse-questions", full_page=True)
    page.get_by_role("button", name="Send svaret mitt").click()  # nothing chosen yet
    page.wait_for_load_state("load")
    expect(page.locator("#safe-error")).to_contain_text("Velg et svar")
    check_page(page, 422)
    journey.shot(page, "pulse-errors", full_page=True)
    safe = page.get_by_role("group", name="Jeg føler meg trygg i nabolaget")
    safe.get_by_label("Litt enig").check()
    page.get_by_role("group", name="Jeg ble hørt i naborådet").get_by_label("Vet ikke").check()
    page.get_by_role("group", name="Forholdet mellom naboer og beboere er …").get_by_label("Godt", exact=True).check()
    page.get_by_label("Noe mer? (valgfritt)").fill("Fint med nye lys i gangveien")
    journey.shot(page, "pulse-filled")
    page.get_by_role("button", name="Send svaret mitt").click()
    page.wait_for_load_state("load")
    expect(page.locator("#flash")).to_contain_text("Svaret ditt er lagret uten navnet ditt")
    expect(page.locator("#pulse-state")).to_contain_text("Du har svart på denne runden")
    expect(page.locator("#pulse-form")).to_have_count(0)
    check_page(page)
    journey.shot(page, "pulse-answered", full_page=True)
    saved = journey.db(lambda: (db.session.scalar(select(func.count()).select_from(PulseAnswer)),
                                db.session.scalar(select(func.count()).select_from(PulseAnswered))))
    assert saved == (13, 1)  # twelve answers of the closed rounds and hers


def read_the_report_figures(journey, page) -> None:
    page.goto("/meld-fra/tall")
    expect(page.locator("#reports-chart svg[role=img]")).to_be_visible()
    expect(page.locator("#reports-chart-figures")).to_be_visible()
    expect(page.locator("#stats-table")).to_be_attached()
    check_page(page)
    journey.shot(page, "report-figures")
    journey.shot(page, "reports-chart", element=page.locator("#reports-chart"))
    journey.shot(page, "share-chart", element=page.locator("#share-chart"))
    page.goto("/puls/resultater")
    expect(page.locator("#pulse-open")).to_contain_text("Du har svart")
    expect(page.locator("#pulse-safe-figures td")).to_have_text(["2,5", "3,5"])
    check_page(page)
    journey.shot(page, "pulse-results")
    journey.shot(page, "pulse-trend", element=page.locator("#pulse-safe"))
    journey.shot(page, "pulse-table", element=page.locator("#pulse-table"))


@ON_PHONES
def test_a_resident_answers_the_pulse_without_javascript(journey):
    open_a_round(journey)
    resident = journey.open("beboer", js=False)
    answer_the_pulse(journey, resident)
    read_the_report_figures(journey, resident)
