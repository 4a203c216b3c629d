"""The chair's journey on a phone: answer the proposals, order the agenda, publish it, show it on the
projector, write the minutes (nothing typed is lost), approve them after a confirmation step, and find the
decision in the decision log."""
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from naborad.extensions import db
from naborad.models import Meeting, MeetingStatus, utcnow

from .conftest import check_page
from .journey import ON_PHONES
from .steps import expect_same_document, mark_document


def _upcoming_meeting_id() -> int:
    return db.session.scalar(select(Meeting.id).where(Meeting.status == MeetingStatus.PLANNED))


def _start_meeting(meeting_id: int) -> None:
    """The demo's next meeting is 12 days ahead; a meeting is marked held once it has started."""
    db.session.get(Meeting, meeting_id).starts_at = utcnow() - timedelta(minutes=30)
    db.session.commit()


def _agenda_ids(page) -> list[str]:
    items = page.locator("#saksliste ol.agenda > li.agenda-item")
    return [items.nth(i).get_attribute("id") for i in range(items.count())]


@ON_PHONES
def test_chair_answers_proposals_publishes_and_approves_the_minutes(journey):
    page = journey.open("leder")
    meeting_id = journey.db(_upcoming_meeting_id)
    meeting_url = f"{journey.url}/moter/{meeting_id}"
    # The overview says what waits for the chair: the proposals for the coming meeting, one tap away.
    waiting = page.locator("#waiting-proposals")
    expect(waiting).to_contain_text("2 forslag til møtet")
    journey.shot(page, "overview")
    waiting.get_by_role("link").first.click()
    expect(page).to_have_url(f"{meeting_url}#forslag")
    journey.shot(page, "meeting")

    # Accept one proposal (in place), decline the other with a reason.
    party = page.locator("#forslag li.proposal").filter(has_text="Julefest for hele nabolaget")
    party_id = party.get_attribute("id")
    item_id = party_id.removeprefix("punkt-")
    mark_document(page)
    party.get_by_role("button", name="Godta").click()
    expect(page.locator(f"#saksliste #{party_id}")).to_be_visible()
    expect(page.locator(f"#saksliste #{party_id}")).to_be_focused()  # where the accepted proposal went
    expect(page.locator("#forslag").filter(has_text="Julefest")).to_have_count(0)
    expect_same_document(page)
    traffic = page.locator("#forslag li.proposal").filter(has_text="Trafikk ved skolen om morgenen")
    traffic.locator("summary", has_text="Avslå").click()
    traffic.get_by_label("Begrunnelse (den som foreslo saken, ser den)").fill("Vi tar det opp med skolen først.")
    traffic.get_by_role("button", name="Avslå").click()
    expect(page.locator("#forslag").filter(has_text="Trafikk ved skolen")).to_contain_text(
        "Vi tar det opp med skolen først.")
    journey.shot(page, "proposals-answered")

    # Reorder with the keyboard: focus stays on the pressed button, the item stays in view.
    before = _agenda_ids(page)
    mine = before.index(party_id)
    mark_document(page)
    up = page.locator(f"#up-{item_id}")
    up.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#saksliste ol.agenda > li.agenda-item").nth(mine - 1)).to_have_id(party_id)
    expect(page.locator(f"#up-{item_id}")).to_be_focused()
    expect(page.locator(f"#{party_id}")).to_be_in_viewport()
    # ...and by tapping: one place down again.
    page.locator(f"#down-{item_id}").tap()
    expect(page.locator("#saksliste ol.agenda > li.agenda-item").nth(mine)).to_have_id(party_id)
    expect(page.locator(f"#down-{item_id}")).to_be_focused()
    expect(page.locator(f"#{party_id}")).to_be_in_viewport()
    assert _agenda_ids(page) == before
    expect_same_document(page)
    journey.shot(page, "reordered")

    # The party concerns the residents, who have not been heard: publishing asks first; a reload of
    # that step shows it again (no 405), and "publish anyway" publishes.
    page.locator(f"#{party_id} form[action$='/beboere'] button").click()
    expect(page.locator(f"#{party_id} .residents-mark")).to_be_visible()
    page.get_by_role("button", name="Publiser sakslista").click()
    expect(page.get_by_role("heading", name="Vil du publisere sakslista?")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="Vil du publisere sakslista?")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Julefest for hele nabolaget")
    journey.shot(page, "publish-warning")
    page.get_by_role("button", name="Publiser likevel").click()
    expect(page).to_have_url(meeting_url)
    expect(page.locator("#flash")).to_contain_text("Sakslista er publisert")
    expect(page.locator("#agenda-heading .badge")).to_have_count(0)

    # The projector: the agenda alone, the current item highlighted, the time without seconds.
    page.locator(f"#{party_id} form[action$='/gjeldende/{item_id}'] button").click()
    page.get_by_role("link", name="Skjermvisning").click()
    expect(page.locator("nav, header.site-header, footer")).to_have_count(0)
    expect(page.locator("h1")).to_contain_text("kl. 18:00")
    expect(page.locator("#screen-agenda li.current")).to_have_text("Julefest for hele nabolaget")
    check_page(page)  # a page of its own: one h1, a main landmark, axe
    journey.shot(page, "projector")

    # The meeting has begun; after it, the chair marks it as held (a step that asks first).
    journey.db(lambda: _start_meeting(meeting_id))
    page.goto(meeting_url)
    page.get_by_role("link", name="Merk som gjennomført …").click()
    expect(page.get_by_role("heading", name="Merke møtet som gjennomført?")).to_be_visible()
    page.get_by_role("button", name="Ja, møtet er gjennomført").click()
    expect(page).to_have_url(meeting_url)
    expect(page.locator(".details")).to_contain_text("Gjennomført")

    # Minutes: notes, a decision and two action items; nothing typed is lost.
    page.locator(f"#{party_id} a", has_text="Referat").click()
    notes, decision = "Alle vil ha julefest for hele nabolaget.", "Julefest lørdag 12. desember i fellesrommet."
    page.locator("#notes").fill(notes)
    page.locator("#decision").fill(decision)
    mark_document(page)
    # The party concerns the residents, who were not heard: the decision needs the chair's reason. Adding an
    # action item saves the decision too, so the whole form comes back with the error beside the reason.
    page.locator("#what").fill("Bestille lokale og mat")
    page.get_by_role("button", name="Legg til oppfølgingspunktet").click()
    expect(page.locator("#unheard_reason-error")).to_be_visible()
    expect(page.locator("#unheard_reason")).to_be_focused()  # the swapped form puts focus where to type
    expect(page.locator("#decision")).to_have_value(decision)
    expect(page.locator("#what")).to_have_value("Bestille lokale og mat")
    journey.shot(page, "reason-needed")
    because = "lokalet må bestilles før beboermøtet i januar"
    page.locator("#unheard_reason").fill(because)
    for n, (what, who) in enumerate((("Bestille lokale og mat", "Ola (botiltaket)"), ("Lage invitasjon", "Per")), 1):
        page.locator("#what").fill(what)
        page.locator("#assignee_id").select_option(label=who)
        page.get_by_role("button", name="Legg til oppfølgingspunktet").click()
        expect(page.locator("#minutes-action-list li")).to_have_count(n)
        expect(page.locator("#minutes-action-list")).to_contain_text(what)
        expect(page.locator("#what")).to_be_focused()
        expect(page.locator("#what")).to_have_value("")
        expect(page.locator("#notes")).to_have_value(notes)
        expect(page.locator("#decision")).to_have_value(decision)
        journey.shot(page, f"action-item-{n}")
    expect_same_document(page)
    # Leaving with text typed and not saved asks first.
    page.locator("#notes").fill(notes + " Ansatte hjelper til.")
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.get_by_role("link", name="Tilbake til møtet").click()
    expect(page.locator("#notes")).to_have_value(notes + " Ansatte hjelper til.")
    assert dialogs == ["beforeunload"]
    page.get_by_role("button", name="Lagre referatet").click()
    expect(page).to_have_url(f"{meeting_url}#{party_id}")
    expect(page.locator(f"#{party_id} .decision")).to_contain_text(decision)
    expect(page.locator(f"#{party_id} .unheard-reason")).to_contain_text(because)

    # Approval: a confirmation step first (a reload shows it again), then the minutes are locked.
    page.get_by_role("link", name="Godkjenn referatet …").click()
    expect(page.get_by_role("heading", name="Godkjenne referatet?")).to_be_visible()
    expect(page.locator("main")).to_contain_text(decision)
    page.reload()
    expect(page.get_by_role("heading", name="Godkjenne referatet?")).to_be_visible()
    journey.shot(page, "approve-step")
    page.get_by_role("button", name="Godkjenn og lås referatet").click()
    expect(page).to_have_url(meeting_url)
    expect(page.locator("#flash")).to_contain_text("godkjent")
    expect(page.locator("#moderate-heading")).to_have_count(0)  # no empty box for the chair

    # The decision log shows the decision.
    page.goto("/moter/vedtak")
    expect(page.locator("#decision-list")).to_contain_text(decision)
    expect(page.locator("#decision-list .unheard-reason")).to_contain_text(because)  # marked, with the reason
    journey.shot(page, "decision-log")
