"""The neighbour's journey on a phone (issue 15): overview → search that finds what people type → reply →
follow → propose for the next meeting → sign up for an event with a guest and a dietary note → cancel with
confirmation → notifications → "meld fra" → the report's status changes while the page is open.

Also the organisers' participant table on a phone (issue 15, item 12): it scrolls in its own region and says so.
"""
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from naborad.extensions import db
from naborad.models import Event, Signup, SignupStatus, SituationReport, User, utcnow

from .conftest import check_page
from .journey import ON_PHONES
from .steps import expect_same_document, mark_document
from .test_features import log_in


def _full_soon_event() -> int:
    """An event with 4 places, names shown and dietary notes asked; Aisha (nabo2) and a guest take 2."""
    users = {u.username: u for u in db.session.scalars(select(User))}
    starts = (utcnow() + timedelta(days=20)).replace(second=0, microsecond=0)
    event = Event(title="Grillkveld i bakgården", description="Vi griller og prater.", place="Bakgården",
                  starts_at=starts, ends_at=starts + timedelta(hours=3), capacity=4, max_guests=2,
                  ask_dietary=True, show_participants=True, created_by_id=users["leder"].id)
    db.session.add(event)
    db.session.flush()
    db.session.add(Signup(event_id=event.id, user_id=users["nabo2"].id, guests=1, status=SignupStatus.CONFIRMED))
    db.session.commit()
    return event.id


@ON_PHONES
def test_a_neighbour_finds_replies_signs_up_and_follows_a_report(journey):
    page = journey.open("nabo")
    # Overview.
    expect(page.locator("h1")).to_be_visible()
    # Whom to call when something happens: the on-duty number, tappable, on the first screen.
    on_duty = page.locator("#on-duty a[href^='tel:']").first
    expect(on_duty).to_have_attribute("href", "tel:+4732000000")
    expect(on_duty).to_be_in_viewport()
    journey.shot(page, "overview")

    # Search finds what people type: "støy" is the category of the loud-music issue, "soppel" is "søppel".
    page.goto("/saker/")
    mark_document(page)
    page.locator("#q").fill("støy")
    results = page.locator("#issue-list")
    expect(results).to_contain_text("Høy musikk sent på kvelden")
    expect(results).not_to_contain_text("Biler som står på snuplassen")
    page.locator("#q").fill("soppel")
    expect(results).to_contain_text("Søppel ved containeren")
    expect(results).not_to_contain_text("Høy musikk")
    page.locator("#q").fill("gatelys mørkt")
    expect(results).to_contain_text("Ingen saker passer til «gatelys mørkt»")
    expect(results.get_by_role("link", name="Ny sak")).to_have_attribute("href", "/saker/ny?tittel=gatelys+m%C3%B8rkt")
    expect_same_document(page)
    journey.shot(page, "search-empty")
    page.locator("#q").fill("soppel")
    results.get_by_role("link", name="Søppel ved containeren").click()
    expect(page.locator("#issue-title")).to_have_text("Søppel ved containeren")
    issue_url = page.url

    # Reply: swapped in, the field cleared, and the follow button knows the writer now follows.
    expect(page.locator("#follow-button")).to_have_text("Følg saken")
    text = "Jeg så at lokket er ødelagt."
    mark_document(page)
    page.locator("#body").fill(text)
    page.get_by_role("button", name="Send svar").click()
    expect(page.locator("#replies")).to_contain_text(text)
    expect(page.locator("#body")).to_have_value("")
    expect(page.locator("#follow")).to_contain_text("Du følger denne saken")
    expect_same_document(page)
    journey.shot(page, "replied")

    # Follow: stop and follow again, in place, focus kept on the button.
    page.locator("#follow-button").click()
    expect(page.locator("#follow-button")).to_have_text("Følg saken")
    expect(page.locator("#follow-button")).to_be_focused()
    page.locator("#follow-button").click()
    expect(page.locator("#follow")).to_contain_text("Du følger denne saken")
    expect(page.locator("#follow-button")).to_be_focused()
    expect_same_document(page)

    # Propose for the next meeting: the proposal carries the issue, and the back link returns to it.
    page.get_by_role("link", name="Foreslå til neste møte").click()
    expect(page.locator("#title")).to_have_value("Søppel ved containeren")
    journey.shot(page, "propose")
    page.locator("#back-link").click()
    expect(page).to_have_url(issue_url)

    # Sign up with a guest and a dietary note: "Who is coming" updates at once.
    event_id = journey.db(_full_soon_event)
    page.goto(f"/arrangementer/{event_id}")
    attendees = page.locator("#attendees")
    expect(attendees).to_contain_text("Aisha (+1 gjest)")
    expect(attendees).not_to_contain_text("Per")
    mark_document(page)
    page.locator("#guests").fill("1")
    page.locator("#dietary_note").fill("Vegetar")
    page.locator("#signup-button").click()
    expect(page.locator("#signup-status")).to_have_attribute("data-status", "confirmed")
    expect(page.locator("#signup-status")).to_be_focused()  # the pressed button is gone: focus on what happened
    expect(page.locator("#signup-counts")).to_contain_text("4 av 4 plasser")
    expect(attendees).to_contain_text("Per (+1 gjest)")
    expect(page.locator("#dietary_note")).to_have_value("Vegetar")  # kept in the form for a change
    expect_same_document(page)
    journey.shot(page, "signed-up")

    # Cancel: a second step, apart from "Save changes", that says where the place goes.
    expect(page.locator("#cancel-signup-button")).to_be_hidden()
    page.locator("#cancel-signup-open").click()
    expect(page.locator("#cancel-signup-warning")).to_contain_text("Arrangementet er fullt")
    page.locator("#cancel-signup-button").scroll_into_view_if_needed()
    journey.shot(page, "cancel-confirm")
    page.locator("#cancel-signup-button").click()
    expect(page.locator("#signup-status")).to_have_attribute("data-status", "none")
    expect(page.locator("#signup-status")).to_be_focused()
    expect(attendees).not_to_contain_text("Per")
    expect(attendees).to_contain_text("Aisha (+1 gjest)")
    expect(page.locator("#signup-counts")).to_contain_text("2 av 4 plasser")
    expect_same_document(page)

    # Notifications.
    page.locator("#varsler").click()
    expect(page.locator("h1")).to_have_text("Varsler")
    journey.shot(page, "notifications")

    # "Meld fra", then the staff act while the reporter's page is open.
    journey.app.config["REPORT_POLL_SECONDS"] = 1  # the page asks every 10 s; the journey need not wait so long
    page.goto("/meld-fra/")
    page.locator("#category").select_option("noise")
    what = "Høy musikk fra bakgården nå."
    page.locator("#text").fill(what)
    page.get_by_label("Svar meg her i appen").check()
    page.get_by_role("button", name="Send meldingen").click()
    expect(page.locator("#report-state")).to_contain_text("Mottatt")
    journey.shot(page, "report-sent")
    report_id = journey.db(lambda: db.session.scalar(select(SituationReport.id).where(SituationReport.text == what)))
    mark_document(page)

    staff = journey.open("ansatt")
    staff.goto(f"/meld-fra/{report_id}")
    staff.locator("#acknowledge").click()
    expect(staff.locator("#acknowledged")).to_be_visible()

    expect(page.locator("#report-state")).to_contain_text("De ansatte følger opp", timeout=8_000)
    expect(page.locator("#acknowledged")).to_be_visible()
    expect_same_document(page)
    journey.shot(page, "report-seen")


def test_the_participant_table_scrolls_in_its_own_region_on_a_phone(live_server, phone):
    """Issue 15, item 12: at 390 px the participants table cut off its last columns without a sign."""
    with live_server.app.app_context():
        event_id = db.session.scalar(select(Event.id).where(Event.title.like("Julefest%")))
    page = phone()
    log_in(page, "ansatt")
    page.goto(f"/arrangementer/{event_id}/deltakere")
    wrap = page.locator(".table-wrap").first
    hint = page.locator("#table-hint-coming")
    expect(hint).to_be_visible()
    expect(wrap).to_have_attribute("aria-describedby", "table-hint-coming")
    sizes = wrap.evaluate("w => [w.scrollWidth, w.clientWidth, document.documentElement.scrollWidth, innerWidth]")
    assert sizes[0] > sizes[1] and sizes[2] <= sizes[3], sizes  # the table scrolls, the page does not
    wrap.focus()  # the region takes focus and scrolls with the arrow keys
    for _ in range(8):
        page.keyboard.press("ArrowRight")
    remove = wrap.get_by_role("button", name="Fjern").first
    expect(remove).to_be_in_viewport()
    check_page(page)
