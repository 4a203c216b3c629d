"""Patterns without pointing on a phone (issue 19, item 5): staff see three noise reports from one stairway as a
pattern, put it on the next council agenda in their own words, and plan a dialogue meeting with the people
involved; an invitee opens it from her overview; a neighbour who is not invited gets 404, and the chair sees
the category and the count, never the place."""
import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from naborad.extensions import db
from naborad.i18n import OSLO
from naborad.models import DialogueMeeting, SituationReport, utcnow

from .conftest import check_page
from .journey import ON_PHONES

PLACE = "Oppgang B"  # the demo's waiting noise report; two more make a pattern
OUR_TITLE = "Støy i oppgangene om kvelden – hva gjør vi sammen?"


def two_more_reports():
    now = utcnow()
    db.session.add_all([
        SituationReport(category="noise", text=text, place=place, created_at=now - timedelta(days=days),
                        status="closed", acknowledged_at=now - timedelta(days=days), closed_at=now - timedelta(days=days))
        for text, place, days in (("Dører smeller sent.", "oppgang  b", 3), ("Høy musikk.", "Oppgang B.", 11))])
    db.session.commit()


def staff_see_the_pattern(journey, page) -> None:
    page.goto("/meld-fra/ko")
    box = page.locator("#report-patterns")
    expect(box).to_contain_text("Gjentatte meldinger (siste 30 dager)")
    expect(box.locator("li.pattern")).to_have_count(1)
    expect(box.locator("li.pattern h3")).to_have_text(f"Støy eller uro · {PLACE}")
    expect(box.locator("li.pattern .meta")).to_contain_text("3 meldinger")
    check_page(page)
    journey.shot(page, "staff-see-the-pattern")


def put_on_the_agenda(journey, page) -> None:
    page.locator("#report-patterns").get_by_role("link", name="Sett på neste saksliste i naborådet").click()
    page.wait_for_load_state("load")
    title = page.get_by_label("Tittel på sakslista til naborådet")
    expect(title).to_have_value("Gjentatte meldinger: Støy eller uro – hva kan vi gjøre?")
    expect(page.get_by_label("Tekst til naborådet")).to_contain_text("3 meldinger")
    expect(page.locator("main form")).not_to_contain_text(PLACE)
    check_page(page)
    journey.shot(page, "agenda-proposal-prefilled")
    title.fill(OUR_TITLE)
    page.get_by_role("button", name="Foreslå for naborådet").click()
    page.wait_for_url(re.compile(r"/moter/\d+"))
    expect(page.locator("#flash")).to_contain_text("Foreslått til naborådets saksliste")
    expect(page.locator("main")).to_contain_text(OUR_TITLE)
    check_page(page)
    journey.shot(page, "proposal-on-the-meeting")


def ask_for_a_dialogue_meeting(journey, page) -> int:
    page.goto("/meld-fra/ko")
    pattern = page.locator("#report-patterns li.pattern")
    expect(pattern).to_contain_text("Foreslått til naborådets saksliste")
    expect(pattern.get_by_role("link", name="Sett på neste saksliste i naborådet")).to_have_count(0)
    pattern.get_by_role("link", name="Be om et dialogmøte").click()
    page.wait_for_load_state("load")
    expect(page.get_by_label("Tittel")).to_have_value("Dialogmøte: Støy eller uro")
    when = (utcnow() + timedelta(days=5)).astimezone(OSLO).replace(hour=18, minute=0)
    page.get_by_label("Dato og klokkeslett").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Sted").fill("Møterommet i første etasje")
    page.get_by_label(re.compile(r"^Kari")).check()
    page.get_by_label(re.compile(r"^Per")).check()
    check_page(page)
    journey.shot(page, "dialogue-form")
    page.get_by_role("button", name="Planlegg og inviter").click()
    page.wait_for_url(re.compile(r"/dialogmote/\d+$"))
    expect(page.locator("#flash")).to_contain_text("Dialogmøtet er planlagt")
    expect(page.locator("#dialogue-invitees li")).to_have_text(["Kari", "Per"])
    check_page(page)
    journey.shot(page, "dialogue-planned")
    return int(page.url.rsplit("/", 1)[-1])


def invitee_opens_it(journey, page, dialogue_id: int) -> None:
    page.goto("/")
    box = page.locator("#my-dialogues")
    expect(box).to_contain_text("Dialogmøte: Støy eller uro")
    box.get_by_role("link", name="Dialogmøte: Støy eller uro").click()
    page.wait_for_url(f"**/dialogmote/{dialogue_id}")
    expect(page.locator("#dialogue-agenda")).to_contain_text("Velkommen")
    expect(page.locator("#dialogue-minutes")).to_contain_text("Ikke noe referat ennå.")
    expect(page.locator("main")).not_to_contain_text(PLACE)
    check_page(page)
    journey.shot(page, "invitee-reads-it")


@ON_PHONES
def test_staff_take_a_pattern_to_the_council_and_to_a_dialogue_meeting(journey):
    journey.db(two_more_reports)
    staff = journey.open("ansatt")
    staff_see_the_pattern(journey, staff)
    put_on_the_agenda(journey, staff)
    dialogue_id = ask_for_a_dialogue_meeting(journey, staff)
    assert journey.db(lambda: db.session.scalar(select(DialogueMeeting.title))) == "Dialogmøte: Støy eller uro"
    invitee_opens_it(journey, journey.open("beboer"), dialogue_id)
    outsider = journey.open("nabo2")
    outsider.goto(f"/dialogmote/{dialogue_id}")
    expect(outsider.locator("main")).not_to_contain_text("Dialogmøte: Støy")
    check_page(outsider, 404)
    outsider.goto("/moter/")
    expect(outsider.locator("main")).not_to_contain_text("Dialogmøte")
    chair = journey.open("leder")
    chair.goto("/meld-fra/tall")
    expect(chair.locator("#repeated-list")).to_contain_text("Støy eller uro: 3 meldinger")
    expect(chair.locator("main")).not_to_contain_text(PLACE)
    check_page(chair)
    journey.shot(chair, "chair-sees-category-and-count")
    chair.goto(f"/dialogmote/{dialogue_id}")
    check_page(chair, 404)
