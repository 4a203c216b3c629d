"""Feature stories in a real browser on a phone: reply in a thread (issue 4), the chair's agenda by keyboard
(issue 5), residents' input at their pre-meeting (issue 6), signing up for an event (issue 7) and
"meld fra" (issue 8).

The live server is shared by the whole session, so every test makes or picks its own target and posts
texts that carry a uuid; nothing here depends on another test's order or leftovers.
"""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from naborad.extensions import db
from naborad.models import Event, Issue, IssueCategory, User, search_key, utcnow

from .conftest import DEMO_PASSWORD, check_page
from .steps import (
    expect_same_document,
    mark_document,
    tab_to,
    track_posts,
    unique,
    wait_for_answers,
)

JS = pytest.mark.parametrize("js", [True, False], ids=["with-js", "without-js"])

# Werkzeug's dev server now and then leaves a static file (the favicon) unclosed when a browser context
# closes with that request in flight (seen once in ~10 runs; its request handler can raise on the dropped
# socket before it closes the response). Not the app's doing; any other leak still fails.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <_io.FileIO name='[^']*/static/:pytest.PytestUnraisableExceptionWarning")


# -- helpers --------------------------------------------------------------------------------------

def log_in(page, login: str) -> None:
    """Log in through the form (the login page itself is checked by test_join_and_login)."""
    page.goto("/logg-inn")
    page.locator("#login").fill(login)
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    expect(page.locator("#login")).to_have_count(0)


def in_demo_db(live_server, make):
    """Make a row with the live server's database (fresh targets); `make(users)` returns the row. -> its id"""
    with live_server.app.app_context():
        users = {u.username: u for u in db.session.scalars(select(User))}
        row = make(users)
        db.session.add(row)
        db.session.commit()
        row_id = row.id
        db.session.remove()
    return row_id


# -- issue 4: a reply in a thread ---------------------------------------------------------------

def fresh_issue(live_server) -> int:
    title = unique("Benken ved lekeplassen")
    body = "Benken ved lekeplassen er knekt. Kan noen se på den?"
    return in_demo_db(live_server, lambda users: Issue(
        title=title, body=body, category=IssueCategory.OTHER, author_id=users["beboer"].id,
        search_text=search_key(title, body)))


@JS
def test_neighbour_replies_in_a_thread(live_server, phone, js):
    issue_id = fresh_issue(live_server)
    url = f"{live_server.url}/saker/{issue_id}"
    page = phone(js=js)
    log_in(page, "nabo")
    page.goto(url)
    check_page(page)

    body = unique("Jeg kan ta med verktøy på lørdag.")
    form = page.locator("#reply-form")
    form.locator("textarea[name=body]").fill(body)
    replies = page.locator("#replies li.reply").filter(has_text=body)
    if js:
        mark_document(page)
        posts = track_posts(page, f"/saker/{issue_id}/svar")
        form.locator("button[type=submit]").dblclick()
        expect(replies).to_have_count(1)
        wait_for_answers(page, posts)  # the second click's answer too: it must not append the reply again
        expect(replies).to_have_count(1)
        expect(page.locator("#reply-form textarea[name=body]")).to_have_value("")
        expect_same_document(page)
        expect(page).to_have_url(url)
    else:
        form.locator("button[type=submit]").click()
        page.wait_for_load_state("load")
        expect(page).to_have_url(re.compile(rf"{re.escape(url)}#svar-\d+$"))
        expect(replies).to_have_count(1)
        expect(page.locator(page.url[page.url.index("#"):])).to_contain_text(body)
    check_page(page)

    # One reply, also after a load of the thread from the server (a double click posts once).
    page.goto(url)
    expect(replies).to_have_count(1)
    expect(replies.locator(".author, .meta").first).to_contain_text("Per")
    check_page(page)


# -- issue 5: the chair builds and publishes the agenda with the keyboard ------------------------

def test_chair_accepts_moves_and_publishes_the_agenda_with_the_keyboard(live_server, phone):
    # A neighbour proposes an item for the next meeting (a fresh proposal for the chair to accept).
    neighbour = phone()
    log_in(neighbour, "nabo")
    neighbour.goto("/moter/")
    check_page(neighbour)
    next_meeting = neighbour.locator("section[aria-labelledby=upcoming-heading] li.card h3 a").first
    meeting_path = next_meeting.get_attribute("href")
    next_meeting.click()
    expect(neighbour).to_have_url(f"{live_server.url}{meeting_path}")
    neighbour.locator(f"main a[href='{meeting_path}/foresla']").click()
    check_page(neighbour)
    title = unique("Benker i bakgården")
    neighbour.locator("#title").fill(title)
    neighbour.locator("#why").fill("Det er få steder å sitte når vi er ute om sommeren.")
    neighbour.locator("main form button[type=submit]").click()
    neighbour.wait_for_load_state("load")
    proposal = neighbour.locator("#forslag li.proposal").filter(has_text=title)
    expect(proposal).to_have_count(1)
    item_id = proposal.get_attribute("id").removeprefix("punkt-")
    check_page(neighbour)

    # The chair, on a phone, from the meeting list to the next meeting.
    page = phone()
    log_in(page, "leder")
    page.goto("/moter/")
    check_page(page)
    page.locator("section[aria-labelledby=upcoming-heading] li.card h3 a").first.click()
    expect(page).to_have_url(f"{live_server.url}{meeting_path}")
    check_page(page)
    mark_document(page)

    # From here on only the keyboard. Accept the proposal...
    tab_to(page, f"#punkt-{item_id} form[action$='/godta'] button")
    page.keyboard.press("Enter")
    agenda = page.locator("#saksliste ol.agenda > li.agenda-item")
    expect(page.locator(f"#saksliste #punkt-{item_id}")).to_be_visible()
    expect(page.locator("#forslag").filter(has_text=title)).to_have_count(0)
    before = [agenda.nth(i).get_attribute("id") for i in range(agenda.count())]
    mine = before.index(f"punkt-{item_id}")
    assert mine > 0, before

    # ...move it one place up (back to the top of the page, then forward to its button)...
    tab_to(page, f"#punkt-{item_id} form[action$='/opp'] button")
    page.keyboard.press("Enter")
    expected = before[:mine - 1] + [before[mine], before[mine - 1]] + before[mine + 1:]
    expect(agenda.nth(mine - 1)).to_have_id(f"punkt-{item_id}")
    assert [agenda.nth(i).get_attribute("id") for i in range(agenda.count())] == expected
    expect_same_document(page)  # accept and move happen in place
    check_page(page)

    # ...and publish: Shift+Tab back up to the button (confirming if residents have not been heard).
    tab_to(page, "form[action$='/publiser'] button[type=submit]", backwards=True)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    if page.locator("input[name=confirm][value=yes]").count():
        check_page(page)
        tab_to(page, "form[action$='/publiser'] button[type=submit]")
        with page.expect_navigation():
            page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}{meeting_path}")
    expect(page.locator("form[action$='/publiser']")).to_have_count(0)
    expect(page.locator("#agenda-heading .badge")).to_have_count(0)  # no longer a draft
    check_page(page)

    # Every member now sees the published agenda, the accepted item in its new place.
    neighbour.goto(meeting_path)
    published = neighbour.locator("#saksliste ol.agenda > li.agenda-item")
    expect(published.filter(has_text=title)).to_have_count(1)
    ids = [published.nth(i).get_attribute("id") for i in range(published.count())]
    assert ids == expected
    check_page(neighbour)


# -- issue 6: residents' input at their pre-meeting ---------------------------------------------

@JS
def test_resident_comments_at_the_premeeting_and_a_neighbour_gets_404(live_server, phone, js):
    page = phone(js=js)
    log_in(page, "beboer")
    page.goto("/beboermote/")
    check_page(page)
    page.locator("main ul.card-list li.card h3 a").first.click()
    page.wait_for_load_state("load")
    premeeting_url = page.url
    assert re.fullmatch(rf"{re.escape(live_server.url)}/beboermote/\d+", premeeting_url), premeeting_url
    check_page(page)

    item = page.locator("ol.premeeting-agenda > li.agenda-item").first
    item_id = item.get_attribute("id").removeprefix("sak-")
    body = unique("Vi trenger flere søppelbøtter.")
    page.locator(f"#kommenter-{item_id} > summary").click()  # the comment form waits behind "Kommenter"
    page.locator(f"#body-{item_id}").fill(body)
    comments = page.locator(f"#kommentarer-{item_id} li.reply").filter(has_text=body)
    if js:
        mark_document(page)
    page.locator(f"#kommentarskjema-{item_id} button[type=submit]").click()
    if js:
        expect(comments).to_have_count(1)
        expect(page.locator(f"#body-{item_id}")).to_have_value("")
        expect_same_document(page)
        expect(page).to_have_url(premeeting_url)
    else:
        page.wait_for_load_state("load")
        expect(page).to_have_url(re.compile(rf"{re.escape(premeeting_url)}#kommentar-\d+$"))
        expect(comments).to_have_count(1)
    check_page(page)
    page.goto(premeeting_url)
    expect(comments).to_have_count(1)
    check_page(page)

    # Neighbours never see the residents' room: not the page, not the list.
    neighbour = phone(js=js)
    log_in(neighbour, "nabo")
    response = neighbour.goto(premeeting_url)
    assert response.status == 404
    expect(neighbour.get_by_text(body)).to_have_count(0)
    check_page(neighbour, status=404)
    assert neighbour.goto("/beboermote/").status == 404


# -- issue 7: signing up for an event with guests ----------------------------------------------

def fresh_event(live_server) -> tuple[int, str]:
    title = unique("Grillkveld i bakgården")
    # Whole minutes, as the event form gives (the walk validates the list's <time datetime> values).
    starts = (utcnow() + timedelta(days=30)).replace(second=0, microsecond=0)
    event_id = in_demo_db(live_server, lambda users: Event(
        title=title, description="Vi griller og prater. Alle er velkomne.", place="Bakgården",
        starts_at=starts, ends_at=starts + timedelta(hours=3), signup_deadline=starts - timedelta(days=2),
        capacity=20, max_guests=3, ask_dietary=True, created_by_id=users["leder"].id))
    return event_id, title


@JS
def test_neighbour_signs_up_for_an_event_with_guests(live_server, phone, js):
    event_id, title = fresh_event(live_server)
    page = phone(js=js)
    log_in(page, "nabo")
    page.goto("/arrangementer/")
    check_page(page)
    listed = page.locator(f"#upcoming-events #event-{event_id}")
    expect(listed).to_contain_text(title)
    listed.locator("h3 a").click()
    url = f"{live_server.url}/arrangementer/{event_id}"
    expect(page).to_have_url(url)
    check_page(page)
    expect(page.locator("#signup-status")).to_have_attribute("data-status", "none")
    expect(page.locator("#signup-counts .event-count")).to_have_attribute("data-taken", "0")

    page.locator("#guests").fill("2")
    page.locator("#dietary_note").fill(unique("Glutenfri"))
    if js:
        mark_document(page)
    page.locator("#signup-button").click()
    if not js:
        page.wait_for_load_state("load")
    expect(page.locator("#signup-status")).to_have_attribute("data-status", "confirmed")
    expect(page.locator("#signup-counts .event-count")).to_have_attribute("data-taken", "3")
    expect(page.locator("#cancel-signup-open")).to_be_visible()  # the cancel step, closed until asked for
    expect(page).to_have_url(url)
    if js:
        expect_same_document(page)  # the sign-up box changed in place
    check_page(page)

    # The server agrees after a fresh load, and the list shows the badge.
    page.goto(url)
    expect(page.locator("#signup-status")).to_have_attribute("data-status", "confirmed")
    expect(page.locator("#guests")).to_have_value("2")
    page.goto("/arrangementer/")
    expect(page.locator(f"#event-{event_id} .badge.signup-confirmed")).to_be_visible()
    check_page(page)


# -- issue 8: "meld fra" from the dashboard ----------------------------------------------------

@JS
def test_resident_reports_from_the_dashboard_and_staff_see_it(live_server, phone, js):
    page = phone(js=js)
    log_in(page, "beboer")
    expect(page).to_have_url(f"{live_server.url}/")
    check_page(page)

    # Two taps at most from the dashboard to the form: here one.
    page.locator("#report-button").tap()
    page.wait_for_load_state("load")
    expect(page).to_have_url(f"{live_server.url}/meld-fra/")
    expect(page.locator("#report-form")).to_be_visible()
    expect(page.locator("#urgent")).to_be_visible()
    check_page(page)

    text = unique("Noen har veltet containeren.")
    place = unique("Containeren ved inngangen")
    page.locator("#category").select_option("litter")
    page.locator("#text").fill(text)
    page.locator("#place").fill(place)
    page.locator("#report-form button[type=submit]").tap()
    page.wait_for_load_state("load")
    expect(page).to_have_url(re.compile(rf"{re.escape(live_server.url)}/meld-fra/\d+$"))
    report_path = page.url.removeprefix(live_server.url)
    expect(page.locator(".report-text")).to_have_text(text)
    check_page(page)

    page.goto("/meld-fra/mine")
    expect(page.locator(f"#my-reports a[href='{report_path}']")).to_have_count(1)
    check_page(page)

    staff = phone(js=js)
    log_in(staff, "ansatt")
    staff.goto("/meld-fra/ko")
    waiting = staff.locator("#queue-new li.card").filter(has=staff.locator(f"a[href='{report_path}']"))
    expect(waiting).to_have_count(1)
    expect(waiting).to_contain_text(place)
    check_page(staff)
    waiting.locator("a").click()
    expect(staff.locator(".report-text")).to_have_text(text)
    check_page(staff)
