"""The council's rhythm on a phone (issue 21): the chair takes an issue through the two-meeting cycle:
mapping at one meeting, solutions proposed for the next by itself, a decision with an action item, and at
the first meeting after its due date the follow-up asks "did it work?"; the issue page shows each step."""
from datetime import timedelta

from playwright.sync_api import expect

from naborad.extensions import db
from naborad.meetings import service
from naborad.models import AgendaItem, Issue, ItemState, Meeting, MeetingStatus, search_key, utcnow

from .conftest import check_page
from .journey import ON_PHONES

TITLE = "Mørk sti til bussholdeplassen"


def _setup() -> dict:
    """A meeting that began an hour ago with the issue on its published agenda, the next one in five days and
    one in sixteen (after the action item's due date)."""
    now = utcnow()
    issue = Issue(title=TITLE, body="Det er helt mørkt om kvelden.", category="other", search_text=search_key(TITLE))
    db.session.add(issue)
    db.session.flush()
    ids = {"issue": issue.id}
    for name, days, status in (("first", -1 / 24, MeetingStatus.PUBLISHED), ("second", 5, MeetingStatus.PLANNED),
                               ("third", 16, MeetingStatus.PLANNED)):
        meeting, _created = service.schedule(starts_at=now + timedelta(days=days), place="Fellesrommet")
        meeting.status = status
        ids[name] = meeting.id
    db.session.add(AgendaItem(meeting_id=ids["first"], title=TITLE, issue_id=issue.id, state=ItemState.ACCEPTED,
                              position=service.append_position(ids["first"]), search_text=search_key(TITLE)))
    db.session.commit()
    return ids


def _begin(meeting_id: int) -> None:
    """The meeting has begun (it may be marked held then)."""
    db.session.get(Meeting, meeting_id).starts_at = utcnow() - timedelta(minutes=10)
    db.session.commit()


def _item(page, meeting_id: int, where: str = "#saksliste"):
    page.goto(f"/moter/{meeting_id}")
    return page.locator(f"{where} li").filter(has=page.get_by_role("heading", name=TITLE))


def _mark_held(page, meeting_id: int) -> None:
    page.goto(f"/moter/{meeting_id}")
    page.get_by_role("link", name="Merk som gjennomført …").click()
    page.get_by_role("button", name="Ja, møtet er gjennomført").click()
    expect(page.locator(".details")).to_contain_text("Gjennomført")


def _approve(page, meeting_id: int) -> None:
    page.goto(f"/moter/{meeting_id}")
    page.get_by_role("link", name="Godkjenn referatet …").click()
    page.get_by_role("button", name="Godkjenn og lås referatet").click()
    expect(page.locator("#flash")).to_contain_text("godkjent")


@ON_PHONES
def test_chair_takes_an_issue_from_mapping_to_did_it_work(journey):
    ids = journey.db(_setup)
    page = journey.open("leder")

    # 1. At the first meeting the issue is mapped: the chair gives the item its stage, then marks it held.
    item = _item(page, ids["first"])
    item.locator("summary", has_text="Tid og fase").click()
    item.get_by_label("Fase").select_option(label="Kartlegge utfordringen")
    item.get_by_role("button", name="Lagre").click()
    expect(item.locator(".meta .badge")).to_have_text("Kartlegge utfordringen")  # swapped in place
    _mark_held(page, ids["first"])

    # The issue page shows where it is: mapped, solutions next.
    page.goto(f"/saker/{ids['issue']}")
    cycle = page.locator("#issue-cycle")
    expect(cycle.locator("[aria-current=step]")).to_have_text("Kartlegge utfordringen")
    expect(cycle).to_contain_text("Neste: løsninger på neste møte")
    check_page(page)
    journey.shot(page, "issue-mapped")

    # 2. The next meeting has it as a proposal for solutions, by itself; the chair accepts it.
    proposal = _item(page, ids["second"], "#forslag")
    expect(proposal).to_contain_text("Neste steg i naborådets runde")
    expect(proposal.locator(".meta .badge")).to_have_text("Foreslå løsninger")
    proposal.scroll_into_view_if_needed()
    journey.shot(page, "solutions-proposed")
    proposal.get_by_role("button", name="Godta").click()
    expect(page.locator("#saksliste").get_by_role("heading", name=TITLE)).to_be_visible()
    expect(page.locator("#forslag").get_by_role("heading", name=TITLE)).to_have_count(0)

    # The meeting is held; the chair writes the decision and an action item due before the third meeting.
    journey.db(lambda: _begin(ids["second"]))
    _mark_held(page, ids["second"])
    _item(page, ids["second"]).get_by_role("link", name="Referat").click()
    page.locator("#notes").fill("Tre forslag: gatelys, refleksvester, ny sti.")
    page.locator("#decision").fill("Vi ber kommunen om gatelys langs stien.")
    page.locator("#what").fill("Skrive til kommunen")
    page.locator("#assignee_name").fill("Leder")
    page.locator("#due").fill((utcnow() + timedelta(days=13)).date().isoformat())  # after the demo meeting in 12 days
    page.get_by_role("button", name="Legg til oppfølgingspunktet").click()
    expect(page.locator("#minutes-action-list")).to_contain_text("Skrive til kommunen")
    page.get_by_role("button", name="Lagre referatet").click()
    expect(page.locator("#flash")).to_be_visible()
    _approve(page, ids["second"])
    page.goto(f"/saker/{ids['issue']}")
    expect(page.locator("#issue-cycle")).to_contain_text("Vedtatt på møtet")
    expect(page.locator("#issue-cycle [aria-current=step]")).to_have_text("Bestemme")
    journey.shot(page, "issue-decided")

    # 3. At the first meeting after the due date: the follow-up, "did it work?".
    follow_up = _item(page, ids["third"], "#forslag")
    expect(follow_up.locator(".meta .badge")).to_have_text("Følge opp")
    follow_up.scroll_into_view_if_needed()
    journey.shot(page, "follow-up-proposed")
    follow_up.get_by_role("button", name="Godta").click()
    expect(page.locator("#saksliste").get_by_role("heading", name=TITLE)).to_be_visible()
    journey.db(lambda: _begin(ids["third"]))
    _mark_held(page, ids["third"])
    _item(page, ids["third"]).get_by_role("link", name="Referat").click()
    question = page.locator("#did-it-work")
    expect(question.locator("legend")).to_have_text("Virket det?")
    question.get_by_label("Det virket ikke").check()
    check_page(page)
    journey.shot(page, "did-it-work")
    page.get_by_role("button", name="Lagre referatet").click()
    expect(page.locator("#flash")).to_be_visible()
    _approve(page, ids["third"])

    # The issue page: it did not work, back to solutions; the answer is in the issue's timeline.
    page.goto(f"/saker/{ids['issue']}")
    expect(page.locator("#issue-cycle")).to_contain_text("Det virket ikke")
    expect(page.locator("#issue-cycle")).to_contain_text("Tilbake til løsninger på neste møte")
    expect(page.locator("#issue-cycle [aria-current=step]")).to_have_text("Foreslå løsninger")
    expect(page.locator("#replies")).to_contain_text("Fulgt opp i naborådet: Det virket ikke")
    check_page(page)
    journey.shot(page, "issue-did-not-work")
    back = journey.db(lambda: db.session.scalar(
        db.select(AgendaItem.phase).where(AgendaItem.issue_id == ids["issue"], AgendaItem.state == ItemState.PROPOSED)))
    assert back is not None and back.value == "propose"


@ON_PHONES
def test_chair_sets_up_a_series_pauses_and_resumes(journey):
    page = journey.open("leder")
    page.goto("/moter/")
    page.get_by_role("link", name="Møteserier").click()
    page.get_by_role("link", name="Ny serie").click()
    page.get_by_label("En ukedag i måneden (for eksempel første mandag)").check()
    page.get_by_label("Hvilken i måneden").select_option(label="første")
    page.get_by_label("Ukedag", exact=True).select_option(label="mandag")
    page.get_by_label("Sted", exact=True).fill("Fellesrommet")
    check_page(page)
    journey.shot(page, "new-series")
    page.get_by_role("button", name="Lagre serien").click()
    expect(page.locator("#flash")).to_contain_text("Serien er lagret")
    expect(page.locator("h1")).to_have_text("Første mandag i måneden kl. 18:00")
    expect(page.locator(".series-dates li").first).to_contain_text("kl. 18:00")
    expect(page.locator("main")).not_to_contain_text("beboermøte")  # the chair never sees the pre-meeting option
    check_page(page)
    journey.shot(page, "series")

    # The council pauses: the overview says so; the public contact page only that it is paused.
    page.goto("/moter/serier")
    page.get_by_role("link", name="Sett møtene på pause").click()
    page.get_by_label("Beskjed til medlemmene").fill("Vi tar pause til over nyttår. God jul!")
    page.get_by_role("button", name="Sett møtene på pause").click()
    expect(page.locator("#council-paused")).to_contain_text("Vi tar pause til over nyttår.")
    page.goto("/")
    expect(page.locator("#council-paused")).to_contain_text("God jul!")
    journey.shot(page, "paused-overview")
    public = journey.open()
    public.goto("/kontakt")
    expect(public.locator("#council-paused")).to_contain_text("Naborådet holder ingen møter for tiden")
    expect(public.locator("main")).not_to_contain_text("God jul!")
    check_page(public)

    # Resuming asks whether the series continue, then proposes the first meeting.
    page.goto("/moter/")
    page.get_by_role("link", name="Start møtene igjen").click()
    expect(page.get_by_text("Skal møteseriene fortsette?")).to_be_visible()
    journey.shot(page, "resume")
    page.get_by_role("button", name="Start møtene igjen").click()
    expect(page.locator("#flash")).to_contain_text("Her er et forslag til det første møtet")
    expect(page.get_by_label("Sted", exact=True)).to_have_value("Fellesrommet")
    expect(page.locator("#council-paused")).to_have_count(0)
    journey.shot(page, "first-meeting")
