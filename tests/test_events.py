"""Events: list and page, sign-ups with guests, the waiting list and promotion, organisers' list, CSV,
.ics, tasks, dietary-note purge, and sign-ups under load (SQLite and PostgreSQL)."""
import csv
import io
import re
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from naborad.events import service
from naborad.events.export import neutralise
from naborad.events.service import purge_dietary_notes
from naborad.extensions import db
from naborad.models import Event, Notification, Role, Signup, SignupStatus, TaskSlot, VolunteerTask, utcnow

from .conftest import log_in
from .helpers import HX, Browser, count_queries, gunicorn, lazy_loads, queries_for


@pytest.fixture
def make_event(make_user):
    def make(days=10, **fields):
        start = utcnow() + timedelta(days=days)
        defaults = {"title": "Sommerfest", "description": "Grilling i bakgården.", "place": "Bakgården",
                    "starts_at": start, "ends_at": start + timedelta(hours=4), "max_guests": 2}
        event = Event(**{**defaults, **fields})
        db.session.add(event)
        db.session.commit()
        return event
    return make


def signups(event_id, status=None):
    stmt = select(Signup).where(Signup.event_id == event_id).order_by(Signup.id)
    if status is not None:
        stmt = stmt.where(Signup.status == status)
    db.session.expire_all()
    return db.session.scalars(stmt).all()


def add_signup(event, user=None, guests=0, status=SignupStatus.CONFIRMED, **fields):
    signup = Signup(event_id=event.id, user_id=user.id if user else None, guests=guests, status=status, **fields)
    db.session.add(signup)
    db.session.commit()
    return signup



# -- list and page ------------------------------------------------------------------

def test_list_shows_upcoming_first_then_past(client, login_as, make_event):
    login_as(Role.RESIDENT)
    make_event(days=-40, title="Fjorårets sommerfest")
    make_event(days=20, title="Julefest")
    make_event(days=5, title="Dugnad")
    html = client.get("/arrangementer/").data.decode()
    assert html.index("Dugnad") < html.index("Julefest") < html.index("Fjorårets sommerfest")
    assert html.index('id="upcoming-events"') < html.index("Julefest") < html.index('id="past-events"')


def test_event_page_shows_count_but_not_names_by_default(client, login_as, make_event, make_user):
    login_as(Role.NEIGHBOUR)
    event = make_event(capacity=10)
    add_signup(event, make_user(Role.RESIDENT, display_name="Hemmelig Beboer"), guests=1,
               dietary_note="Nøtteallergi")
    html = client.get(f"/arrangementer/{event.id}").data.decode()
    assert 'id="signup-counts"' in html and 'data-taken="2" data-capacity="10"' in html
    assert "Hemmelig Beboer" not in html and "Nøtteallergi" not in html and 'id="attendees"' not in html


def test_event_page_shows_names_when_the_organisers_chose_so(client, login_as, make_event, make_user):
    login_as(Role.NEIGHBOUR)
    event = make_event(show_participants=True)
    add_signup(event, make_user(Role.NEIGHBOUR, display_name="Synlig Nabo"), dietary_note="Vegetar")
    html = client.get(f"/arrangementer/{event.id}").data.decode()
    assert 'id="attendees"' in html and "Synlig Nabo" in html and "Vegetar" not in html


def test_unknown_event_is_404(client, login_as):
    login_as(Role.NEIGHBOUR)
    assert client.get("/arrangementer/999").status_code == 404
    assert client.post("/arrangementer/999/pamelding").status_code == 404


# -- creating and editing --------------------------------------------------------------

EVENT_FORM = {"title": "Julefest", "description": "Grøt og gløgg", "place": "Fellesrommet",
              "starts_at": "2031-12-12T17:00", "ends_at": "2031-12-12T20:00", "signup_deadline": "2031-12-09T23:59",
              "capacity": "30", "max_guests": "2", "ask_dietary": "y"}


def test_chair_creates_an_event_once_even_on_a_double_click(client, login_as):
    login_as(Role.CHAIR)
    data = {**EVENT_FORM, "form_token": "t" * 40}
    first = client.post("/arrangementer/nytt", data=data)
    second = client.post("/arrangementer/nytt", data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    events = db.session.scalars(select(Event)).all()
    assert len(events) == 1
    event = events[0]
    assert event.starts_at.hour == 16 and event.starts_at.utcoffset() == timedelta(0)  # 17:00 in Oslo, winter
    assert event.capacity == 30 and event.max_guests == 2 and event.ask_dietary and not event.show_participants


def test_invalid_event_form_is_422_with_errors_beside_the_fields(client, login_as):
    login_as(Role.STAFF)
    response = client.post("/arrangementer/nytt", data={**EVENT_FORM, "title": "", "ends_at": "2031-12-12T10:00",
                                                          "capacity": "-3"})
    html = response.data.decode()
    assert response.status_code == 422
    assert 'id="title-error"' in html and 'id="ends_at-error"' in html and 'id="capacity-error"' in html
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0


def test_far_away_dates_are_422_not_500(client, login_as):
    login_as(Role.STAFF)
    for value in ("0001-01-01T00:00", "9999-12-31T23:59"):
        response = client.post("/arrangementer/nytt", data={**EVENT_FORM, "starts_at": value})
        assert response.status_code == 422 and 'id="starts_at-error"' in response.data.decode(), value


def test_organiser_cannot_give_more_guests_than_fit(client, login_as, make_event, make_user):
    login_as(Role.CHAIR)
    event = make_event(capacity=3)
    signup = add_signup(event, make_user())
    add_signup(event, make_user())
    response = client.post(f"/arrangementer/{event.id}/deltakere/{signup.id}/gjester", data={"guests": "2"})
    assert response.status_code == 422 and f'id="guests-{signup.id}-error"' in response.data.decode()
    assert signups(event.id)[0].guests == 0
    response = client.post(f"/arrangementer/{event.id}/deltakere/{signup.id}/gjester", data={"guests": "x"})
    assert response.status_code == 422


def test_new_event_form_is_404_for_members(client, login_as):
    login_as(Role.NEIGHBOUR)
    assert client.get("/arrangementer/nytt").status_code == 404


def test_edit_raising_capacity_promotes_the_waiting_list(client, login_as, make_event, make_user):
    login_as(Role.CHAIR)
    event = make_event(capacity=1)
    add_signup(event, make_user())
    waiting = add_signup(event, make_user(), status=SignupStatus.WAITLISTED)
    page = client.get(f"/arrangementer/{event.id}/rediger")
    assert page.status_code == 200 and 'value="Sommerfest"' in page.data.decode()
    response = client.post(f"/arrangementer/{event.id}/rediger", data={**EVENT_FORM, "capacity": "2"})
    assert response.status_code == 303
    promoted = db.session.get(Signup, waiting.id)
    db.session.refresh(promoted)
    assert promoted.status == SignupStatus.CONFIRMED and promoted.promoted_at is not None


def test_edit_refuses_capacity_below_the_places_taken(client, login_as, make_event, make_user):
    login_as(Role.CHAIR)
    event = make_event(capacity=5)
    add_signup(event, make_user(), guests=2)
    response = client.post(f"/arrangementer/{event.id}/rediger", data={**EVENT_FORM, "capacity": "2"})
    assert response.status_code == 422 and 'id="capacity-error"' in response.data.decode()
    db.session.refresh(event)
    assert (event.capacity, event.title) == (5, "Sommerfest")  # nothing saved


def test_copy_keeps_the_tasks_but_not_the_dates_or_signups(client, login_as, make_event, make_user):
    login_as(Role.STAFF)
    source = make_event(days=-300, title="Sommerfest 2025", capacity=40)
    source.tasks.append(VolunteerTask(title="Grille", slots=2, position=1))
    db.session.commit()
    add_signup(source, make_user())
    page = client.get(f"/arrangementer/{source.id}/kopier").data.decode()
    assert 'value="Sommerfest 2025"' in page and 'id="copy-notice"' in page
    assert re.search(r'<input[^>]*id="starts_at"[^>]*value=""', page)
    response = client.post(f"/arrangementer/{source.id}/kopier",
                           data={**EVENT_FORM, "title": "Sommerfest 2026", "form_token": "c" * 40})
    assert response.status_code == 303
    copy = db.session.scalar(select(Event).where(Event.title == "Sommerfest 2026"))
    assert [t.title for t in copy.tasks] == ["Grille"] and signups(copy.id) == []


def test_cancelled_event_closes_sign_up(client, login_as, make_event):
    login_as(Role.CHAIR)
    event = make_event()
    assert client.post(f"/arrangementer/{event.id}/avlys").status_code == 303
    assert 'id="event-cancelled"' in client.get(f"/arrangementer/{event.id}").data.decode()
    assert client.post(f"/arrangementer/{event.id}/pamelding", data={"guests": "0"}).status_code == 403


# -- signing up --------------------------------------------------------------------------

def test_member_signs_up_with_guests_and_a_dietary_note_without_javascript(client, login_as, make_event):
    user = login_as(Role.RESIDENT)
    event = make_event(capacity=10, ask_dietary=True)
    response = client.post(f"/arrangementer/{event.id}/pamelding",
                           data={"guests": "2", "dietary_note": "Glutenfri"})
    assert response.status_code == 303 and response.headers["Location"] == f"/arrangementer/{event.id}"
    [signup] = signups(event.id)
    assert (signup.user_id, signup.guests, signup.dietary_note, signup.status) == \
        (user.id, 2, "Glutenfri", SignupStatus.CONFIRMED)
    html = client.get(f"/arrangementer/{event.id}").data.decode()
    assert 'data-status="confirmed"' in html and 'data-taken="3" data-capacity="10"' in html


def test_sign_up_with_htmx_answers_with_the_region(client, login_as, make_event):
    login_as(Role.NEIGHBOUR)
    event = make_event(capacity=10)
    response = client.post(f"/arrangementer/{event.id}/pamelding", data={"guests": "1"}, headers=HX)
    html = response.data.decode()
    assert response.status_code == 200 and html.startswith('<section id="signup"')
    assert "HX-Request" in response.headers["Vary"] and "<main" not in html
    assert 'data-status="confirmed"' in html and 'data-taken="2" data-capacity="10"' in html and 'id="cancel-signup-form"' in html


def test_full_page_and_fragment_of_the_event(client, login_as, make_event):
    """The page in full, also to an htmx GET (no part of it is fetched by GET); the sign-up region alone for the
    htmx form that swaps it. Every answer varies on HX-Request."""
    me = login_as(Role.NEIGHBOUR)
    event = make_event(capacity=10, title="Vårfest")
    add_signup(event, me, guests=1)
    for headers in ({}, HX):
        page = client.get(f"/arrangementer/{event.id}", headers=headers)
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and "HX-Request" in page.headers["Vary"], headers
        assert "<main" in html and 'id="event-title">Vårfest<' in html and 'id="tasks"' in html, headers
        assert '<section id="signup"' in html and 'data-status="confirmed"' in html, headers
    fragment = client.post(f"/arrangementer/{event.id}/avmelding", headers=HX)
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "HX-Request" in fragment.headers["Vary"]
    assert html.startswith('<section id="signup"') and html.rstrip().endswith("</section>") and "<main" not in html
    assert 'data-status="none"' in html and 'data-taken="0" data-capacity="10"' in html and 'id="signup-form"' in html


def test_too_many_guests_is_422_beside_the_field(client, login_as, make_event):
    login_as(Role.NEIGHBOUR)
    event = make_event(max_guests=2)
    for data in ({"guests": "3"}, {"guests": "-1"}, {"guests": "mange"}):
        page = client.post(f"/arrangementer/{event.id}/pamelding", data=data)
        assert page.status_code == 422 and 'id="guests-error"' in page.data.decode()
        fragment = client.post(f"/arrangementer/{event.id}/pamelding", data=data, headers=HX)
        assert fragment.status_code == 422 and fragment.data.decode().startswith('<section id="signup"')
    assert signups(event.id) == []


def test_guests_are_ignored_where_none_are_allowed_and_notes_where_not_asked(client, login_as, make_event):
    login_as(Role.NEIGHBOUR)
    event = make_event(max_guests=0, ask_dietary=False)
    assert client.post(f"/arrangementer/{event.id}/pamelding", data={"dietary_note": "x"}).status_code == 303
    assert client.post(f"/arrangementer/{event.id}/pamelding", data={"guests": "1"}).status_code == 422
    [signup] = signups(event.id)
    assert signup.guests == 0 and signup.dietary_note is None


def test_double_click_signs_up_once(client, login_as, make_event):
    login_as(Role.NEIGHBOUR)
    event = make_event(capacity=3)
    for _ in range(2):
        assert client.post(f"/arrangementer/{event.id}/pamelding", data={"guests": "1"}).status_code == 303
    [signup] = signups(event.id)
    assert signup.guests == 1 and signup.status == SignupStatus.CONFIRMED


def test_database_refuses_a_second_signup_for_the_same_member(app, make_event, make_user):
    event, user = make_event(), make_user()
    add_signup(event, user)
    db.session.add(Signup(event_id=event.id, user_id=user.id, guests=0, status=SignupStatus.WAITLISTED))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_member_changes_guests_and_cancels(client, login_as, make_event):
    login_as(Role.NEIGHBOUR)
    event = make_event(capacity=10)
    client.post(f"/arrangementer/{event.id}/pamelding", data={"guests": "2"})
    client.post(f"/arrangementer/{event.id}/pamelding", data={"guests": "0"})
    assert [s.guests for s in signups(event.id)] == [0]
    response = client.post(f"/arrangementer/{event.id}/avmelding", headers=HX)
    assert response.status_code == 200 and 'data-status="none"' in response.data.decode()
    assert signups(event.id) == []
    assert client.post(f"/arrangementer/{event.id}/avmelding").status_code == 303  # a second click: same answer


def _attendees_partial(html):
    """The out-of-band "Who is coming" region of an htmx answer (None if the answer has none)."""
    start = html.find('<hx-partial hx-target="#attendees" hx-swap="outerHTML">')
    return html[start:html.index("</hx-partial>", start)] if start >= 0 else None


def test_sign_up_change_and_cancel_update_who_is_coming_out_of_band(client, login_as, make_event):
    """Issue 15, item 7: after signing up with htmx, "Who is coming" still said nobody had signed up."""
    login_as(Role.NEIGHBOUR, display_name="Nina Nabo")
    event = make_event(capacity=10, show_participants=True)
    html = client.post(f"/arrangementer/{event.id}/pamelding", data={"guests": "1"}, headers=HX).data.decode()
    assert html.startswith('<section id="signup"') and 'data-taken="2"' in html
    attendees = _attendees_partial(html)
    assert 'id="attendees"' in attendees and "Nina Nabo (+1 gjest)" in attendees
    html = client.post(f"/arrangementer/{event.id}/pamelding", data={"guests": "2"}, headers=HX).data.decode()
    assert 'data-taken="3"' in html and "Nina Nabo (+2 gjester)" in _attendees_partial(html)
    html = client.post(f"/arrangementer/{event.id}/avmelding", headers=HX).data.decode()
    attendees = _attendees_partial(html)
    assert 'data-taken="0"' in html and "Nina Nabo" not in attendees and "Ingen har meldt seg på ennå" in attendees


def test_who_is_coming_is_not_sent_where_the_names_are_not_shown(client, login_as, make_event):
    login_as(Role.NEIGHBOUR, display_name="Nina Nabo")
    event = make_event(capacity=10)
    html = client.post(f"/arrangementer/{event.id}/pamelding", data={"guests": "1"}, headers=HX).data.decode()
    assert _attendees_partial(html) is None and "Nina Nabo" not in html


def test_cancelling_a_sign_up_is_a_second_step_apart_from_save(client, login_as, make_event, make_user):
    """Issue 15, item 6: "Cancel my sign-up" sat flush under "Save changes" and gave the place away at once."""
    member = login_as(Role.NEIGHBOUR)
    event = make_event(capacity=2)
    add_signup(event, member, guests=1)
    html = client.get(f"/arrangementer/{event.id}").data.decode()
    form = html[html.index('id="signup-form"'):html.index("</form>", html.index('id="signup-form"'))]
    assert 'id="cancel-signup-button"' not in form  # not inside the form with "Save changes"
    step = html[html.index('<details class="signup-cancel" id="cancel-signup">'):]
    step = step[:step.index("</details>")]
    assert "<summary" in step and "Meld meg av" in step and "Ja, meld meg av" in step
    assert "Plassen din går til den neste som melder seg på" in step
    add_signup(event, make_user(), status=SignupStatus.WAITLISTED)
    html = client.get(f"/arrangementer/{event.id}").data.decode()
    assert "Plassen din går til den neste på ventelista" in html
    other = make_event(capacity=10)
    add_signup(other, member)
    html = client.get(f"/arrangementer/{other.id}").data.decode()
    assert "Du kan melde deg på igjen senere" in html and "Plassen din går" not in html


def test_full_event_puts_the_member_on_the_waiting_list_with_position(client, login_as, make_event, make_user):
    event = make_event(capacity=2)
    add_signup(event, make_user(), guests=1)
    add_signup(event, make_user(), status=SignupStatus.WAITLISTED)
    login_as(Role.RESIDENT)
    html = client.get(f"/arrangementer/{event.id}").data.decode()
    assert 'data-taken="2" data-capacity="2"' in html
    response = client.post(f"/arrangementer/{event.id}/pamelding", data={"guests": "0"}, headers=HX)
    html = response.data.decode()
    assert 'data-status="waitlisted"' in html and 'data-position="2"' in html


def test_more_guests_than_fit_is_refused_not_waitlisted(client, login_as, make_event, make_user):
    event = make_event(capacity=3)
    add_signup(event, make_user())
    login_as(Role.NEIGHBOUR)
    assert client.post(f"/arrangementer/{event.id}/pamelding", data={"guests": "0"}).status_code == 303
    response = client.post(f"/arrangementer/{event.id}/pamelding", data={"guests": "2"})
    assert response.status_code == 422 and 'id="guests-error"' in response.data.decode()
    assert client.post(f"/arrangementer/{event.id}/pamelding", data={"guests": "1"}).status_code == 303
    assert sum(s.places for s in signups(event.id, SignupStatus.CONFIRMED)) == 3


def test_cancelling_promotes_the_first_on_the_waiting_list_who_fits(client, login_as, make_event, make_user):
    event = make_event(capacity=3)
    member = login_as(Role.NEIGHBOUR)
    add_signup(event, member, guests=1)
    add_signup(event, make_user())
    big = add_signup(event, make_user(), guests=2, status=SignupStatus.WAITLISTED)  # needs 3: does not fit
    small = add_signup(event, make_user(), guests=1, status=SignupStatus.WAITLISTED)  # needs 2: fits
    last = add_signup(event, make_user(), status=SignupStatus.WAITLISTED)
    assert client.post(f"/arrangementer/{event.id}/avmelding").status_code == 303
    status = {s.id: (s.status, s.promoted_at is not None) for s in signups(event.id)}
    assert status[small.id] == (SignupStatus.CONFIRMED, True)
    assert status[big.id] == (SignupStatus.WAITLISTED, False)
    assert status[last.id] == (SignupStatus.WAITLISTED, False)
    assert sum(s.places for s in signups(event.id, SignupStatus.CONFIRMED)) == 3


def test_fewer_guests_promote_the_waiting_list(client, login_as, make_event, make_user):
    event = make_event(capacity=3)
    member = login_as(Role.NEIGHBOUR)
    add_signup(event, member, guests=2)
    waiting = add_signup(event, make_user(), status=SignupStatus.WAITLISTED)
    assert client.post(f"/arrangementer/{event.id}/pamelding", data={"guests": "1"}).status_code == 303
    assert {s.id: s.status for s in signups(event.id)}[waiting.id] == SignupStatus.CONFIRMED
    client.post("/logg-ut")
    log_in(client, db.session.get(Signup, waiting.id).user.username)
    html = client.get(f"/arrangementer/{event.id}").data.decode()
    assert 'data-status="confirmed"' in html and 'id="promoted"' in html


def test_after_the_deadline_only_organisers_change_signups(client, login_as, make_event, make_user):
    event = make_event(signup_deadline=utcnow() - timedelta(hours=1))
    member = login_as(Role.NEIGHBOUR)
    add_signup(event, member)
    assert 'id="signup-closed"' in client.get(f"/arrangementer/{event.id}").data.decode()
    assert client.post(f"/arrangementer/{event.id}/pamelding", data={"guests": "1"}).status_code == 403
    assert client.post(f"/arrangementer/{event.id}/avmelding").status_code == 403
    assert len(signups(event.id)) == 1
    client.post("/logg-ut")
    login_as(Role.STAFF)
    signup = signups(event.id)[0]
    assert client.post(f"/arrangementer/{event.id}/deltakere/{signup.id}/gjester",
                       data={"guests": "2"}).status_code == 303
    assert signups(event.id)[0].guests == 2
    assert client.post(f"/arrangementer/{event.id}/deltakere/{signup.id}/fjern").status_code == 303
    assert signups(event.id) == []


# -- organisers' list, CSV, print -------------------------------------------------------------

def test_participant_list_shows_names_guests_notes_tasks_and_totals(client, login_as, make_event, make_user):
    login_as(Role.CHAIR)
    event = make_event(capacity=4, ask_dietary=True)
    per = make_user(display_name="Per")
    add_signup(event, per, guests=2, dietary_note="Vegetar")
    add_signup(event, make_user(display_name="Kari"), dietary_note="vegetar ")
    add_signup(event, make_user(display_name="Venter"), status=SignupStatus.WAITLISTED)
    task = VolunteerTask(event_id=event.id, title="Bake kake", slots=2)
    db.session.add(task)
    db.session.flush()
    db.session.add(TaskSlot(task_id=task.id, user_id=per.id))
    db.session.commit()
    html = client.get(f"/arrangementer/{event.id}/deltakere").data.decode()
    for marker in ("<td>Per</td>", "<td>Kari</td>", "<td>Venter</td>", "<td>Vegetar</td>", "<td>Bake kake</td>",
                   'data-total="people">4 / 4',
                   'data-total="guests">2', "vegetar: 2"):
        assert marker in html, marker
    printable = client.get(f"/arrangementer/{event.id}/deltakere/utskrift")
    assert printable.status_code == 200 and "data-print" in printable.data.decode()


def test_participant_list_csv_and_print_are_404_for_members(client, login_as, make_event):
    login_as(Role.RESIDENT)
    event = make_event()
    for path in ("deltakere", "deltakere.csv", "deltakere/utskrift"):
        assert client.get(f"/arrangementer/{event.id}/{path}").status_code == 404


def test_csv_neutralises_formulas(client, login_as, make_event, make_user):
    login_as(Role.STAFF)
    event = make_event(ask_dietary=True)
    add_signup(event, make_user(display_name="=HYPERLINK(\"http://x\")"), dietary_note="+SUM(A1)")
    add_signup(event, None, name="@evil", dietary_note="-1+1")
    response = client.get(f"/arrangementer/{event.id}/deltakere.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'=HYPERLINK(\"http://x\")" in cells and "'+SUM(A1)" in cells and "'@evil" in cells and "'-1+1" in cells
    assert not any(cell[:1] in ("=", "+", "-", "@") for cell in cells)


def test_neutralise_leaves_plain_text_alone():
    assert neutralise("Kari") == "Kari" and neutralise(2) == "2" and neutralise(None) == ""
    assert neutralise("\t=1") == "'\t=1"


def test_organiser_adds_a_non_member_once(client, login_as, make_event):
    login_as(Role.CHAIR)
    event = make_event(capacity=2)
    data = {"name": "Gunnhild fra nr. 14", "guests": "1", "form_token": "p" * 40}
    assert client.post(f"/arrangementer/{event.id}/deltakere", data=data).status_code == 303
    assert client.post(f"/arrangementer/{event.id}/deltakere", data=data).status_code == 303
    [signup] = signups(event.id)
    assert signup.user_id is None and signup.name == "Gunnhild fra nr. 14" and signup.status == SignupStatus.CONFIRMED
    response = client.post(f"/arrangementer/{event.id}/deltakere", data={"name": "", "form_token": "q" * 40})
    assert response.status_code == 422 and 'id="name-error"' in response.data.decode()
    # A non-member on a full event goes on the waiting list like anyone else.
    client.post(f"/arrangementer/{event.id}/deltakere", data={"name": "Nils", "form_token": "r" * 40})
    assert [s.status for s in signups(event.id)] == [SignupStatus.CONFIRMED, SignupStatus.WAITLISTED]


# -- calendar file ------------------------------------------------------------------------

def test_ics_download(client, login_as, make_event):
    from icalendar import Calendar
    login_as(Role.RESIDENT)
    event = make_event(title="Julefest", place="Fellesrommet")
    response = client.get(f"/arrangementer/{event.id}/kalender.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    [item] = Calendar.from_ical(response.data).walk("VEVENT")
    assert str(item["summary"]) == "Julefest" and str(item["location"]) == "Fellesrommet"
    assert item.decoded("dtstart") == event.starts_at.replace(microsecond=0)


# -- volunteer tasks -------------------------------------------------------------------------

def test_members_take_and_release_task_slots(client, login_as, make_event, make_user):
    event = make_event()
    task = VolunteerTask(event_id=event.id, title="Grille", slots=1)
    db.session.add(task)
    db.session.commit()
    member = login_as(Role.NEIGHBOUR)
    response = client.post(f"/arrangementer/{event.id}/oppgaver/{task.id}/ta", headers=HX)
    assert response.status_code == 200 and response.data.decode().startswith('<section id="tasks"')
    assert client.post(f"/arrangementer/{event.id}/oppgaver/{task.id}/ta").status_code == 303  # twice: one slot
    assert db.session.scalars(select(TaskSlot.user_id)).all() == [member.id]
    client.post("/logg-ut")
    login_as(Role.RESIDENT)
    full = client.post(f"/arrangementer/{event.id}/oppgaver/{task.id}/ta", headers=HX)
    assert full.status_code == 409 and "role=\"alert\"" in full.data.decode()
    assert db.session.scalar(select(func.count()).select_from(TaskSlot)) == 1
    client.post("/logg-ut")
    log_in(client, member.username)
    assert client.post(f"/arrangementer/{event.id}/oppgaver/{task.id}/slipp").status_code == 303
    assert db.session.scalar(select(func.count()).select_from(TaskSlot)) == 0


def test_organisers_add_and_delete_tasks(client, login_as, make_event):
    login_as(Role.CHAIR)
    event = make_event()
    refused = client.post(f"/arrangementer/{event.id}/oppgaver", data={"title": "", "slots": "0"}, headers=HX)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and html.startswith('<section id="tasks"')
    assert 'id="title-error"' in html and 'id="slots-error"' in html
    assert client.post(f"/arrangementer/{event.id}/oppgaver", data={"title": "Rydde", "slots": "3"}).status_code == 303
    task = db.session.scalar(select(VolunteerTask))
    assert (task.title, task.slots) == ("Rydde", 3)
    assert client.post(f"/arrangementer/{event.id}/oppgaver/{task.id}/slett").status_code == 303
    assert db.session.scalar(select(func.count()).select_from(VolunteerTask)) == 0


# -- dietary notes are deleted 30 days after the event ---------------------------------------------

def test_purge_dietary_deletes_notes_30_days_after_the_event(runner, make_event, make_user):
    old = make_event(days=-32, ask_dietary=True)
    recent = make_event(days=-20, ask_dietary=True)
    add_signup(old, make_user(), dietary_note="Nøtteallergi")
    add_signup(recent, make_user(), dietary_note="Vegetar")
    result = runner.invoke(args=["purge-dietary"])
    assert result.exit_code == 0 and "Deleted 1 dietary notes" in result.output
    notes = {s.event_id: s.dietary_note for s in db.session.scalars(select(Signup))}
    assert notes == {old.id: None, recent.id: "Vegetar"}
    db.session.refresh(old)
    assert old.dietary_purged_at is not None
    assert purge_dietary_notes() == 0


# -- demo data -----------------------------------------------------------------------------------

def test_demo_data_has_the_three_events_with_signups(runner):
    assert runner.invoke(args=["demo-data", "--password", "demo password 1"]).exit_code == 0
    titles = db.session.scalars(select(Event.title)).all()
    assert any("Sommerfest" in t for t in titles) and any("Julefest" in t for t in titles)
    assert any("dugnad" in t.lower() for t in titles)
    assert db.session.scalar(select(func.count()).select_from(Signup)) >= 10


# -- a fixed number of queries --------------------------------------------------------------------

def test_list_and_event_page_queries_do_not_grow_with_the_data(client, login_as, make_event, make_user):
    login_as(Role.STAFF)
    others = [make_user(Role.NEIGHBOUR) for _ in range(6)]
    small = make_event(show_participants=True)
    big = make_event(show_participants=True)
    for event, n in ((small, 1), (big, 6)):
        for k in range(n):
            add_signup(event, others[k], guests=1)
            task = VolunteerTask(event_id=event.id, title=f"Oppgave {k}", slots=3)
            db.session.add(task)
            db.session.flush()
            db.session.add(TaskSlot(task_id=task.id, user_id=others[k].id))
        db.session.commit()

    # the member and their session, the event with its tasks (3), the sign-up state (own sign-up, place on the
    # waiting list, counts: one query), who is coming
    assert queries_for(client, f"/arrangementer/{small.id}") == queries_for(client, f"/arrangementer/{big.id}") == 6
    assert (queries_for(client, f"/arrangementer/{small.id}/deltakere")
            == queries_for(client, f"/arrangementer/{big.id}/deltakere"))
    few = queries_for(client, "/arrangementer/")
    # the member and their session, past and coming events (each with its counts and the member's own sign-up: a
    # query each), the events to repeat (organisers)
    assert few == 4
    now = utcnow()
    db.session.execute(insert(Event), [
        {"title": f"Arrangement {n}", "description": "", "starts_at": now + timedelta(days=n - 50),
         "ends_at": now + timedelta(days=n - 50, hours=2), "max_guests": 0, "ask_dietary": False,
         "show_participants": False, "created_at": now, "updated_at": now} for n in range(100)])
    db.session.commit()
    assert queries_for(client, "/arrangementer/") == few

    def more(page) -> int:  # "show more" of the past events
        with count_queries() as ran:
            assert client.get(f"/arrangementer/?side={page}", headers=HX).status_code == 200
        return len(ran)
    assert more(2) == more(3) == 2  # a page of rows (2) as a page of none (3): the member, the rows
    for url in ("/arrangementer/", "/arrangementer/?side=2", f"/arrangementer/{big.id}"):
        with lazy_loads() as lazy:
            assert client.get(url).status_code == 200
        assert lazy == [], url  # the list and the page read only what they loaded


def test_signing_up_and_cancelling_take_a_fixed_number_of_queries(client, login_as, make_event, make_user):
    """The answer's sign-up region (own sign-up, place on the waiting list, counts) is one query, whoever else
    signed up (issue 16)."""
    login_as(Role.NEIGHBOUR)
    small, big = make_event(capacity=3, show_participants=True), make_event(capacity=3, show_participants=True)
    for _ in range(3):
        add_signup(big, make_user(Role.NEIGHBOUR))
    small_id, big_id = small.id, big.id

    def sent(path) -> int:
        with count_queries() as ran:
            assert client.post(path, data={"guests": "0"}, headers=HX).status_code == 200
        return len(ran)
    # the member, the event, the event locked, an earlier sign-up, places taken, the sign-up (in a savepoint: 3),
    # the sign-up state, who is coming: confirmed on the small event, waiting on the big one
    assert sent(f"/arrangementer/{small_id}/pamelding") == sent(f"/arrangementer/{big_id}/pamelding") == 10
    assert service.waitlist_position(signups(big_id, SignupStatus.WAITLISTED)[0]) == 1
    # the member, the event, the event locked, the sign-up, its removal, the waiting list (left empty: nobody to
    # move up), the sign-up state, who is coming
    assert sent(f"/arrangementer/{big_id}/avmelding") == 8


# -- under load ---------------------------------------------------------------------------------

def _simultaneous_signups(app, event_id, logins, data=None):
    """Each login posts a sign-up from its own thread, client, app context and connection, all at once."""
    clients = []
    for username in logins:
        c = app.test_client()
        assert log_in(c, username).status_code == 303
        clients.append(c)
    barrier = threading.Barrier(len(clients))
    statuses = [None] * len(clients)

    def run(i):
        with app.app_context():
            barrier.wait(30)
            try:
                response = clients[i].post(f"/arrangementer/{event_id}/pamelding", data=data or {"guests": "0"})
                statuses[i] = response.status_code
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients))]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return statuses, time.perf_counter() - started


def test_simultaneous_signups_never_overbook(app, make_event, make_user):
    requests_, capacity = 24, 5
    event = make_event(capacity=capacity, max_guests=0)
    members = [make_user(Role.NEIGHBOUR) for _ in range(requests_)]
    statuses, seconds = _simultaneous_signups(app, event.id, [m.username for m in members])
    assert all(s == 303 for s in statuses), statuses  # no 5xx, no "database is locked"
    rows = signups(event.id)
    confirmed = [s for s in rows if s.status == SignupStatus.CONFIRMED]
    waiting = [s for s in rows if s.status == SignupStatus.WAITLISTED]
    assert len(rows) == requests_ and len({s.user_id for s in rows}) == requests_
    assert len(confirmed) == capacity and len(waiting) == requests_ - capacity
    # In order: the first five through the lock got the places; the rest queue behind them in arrival order.
    assert max(s.id for s in confirmed) < min(s.id for s in waiting)
    assert [s.created_at for s in waiting] == sorted(s.created_at for s in waiting)
    from naborad.events.service import waitlist_position
    assert [waitlist_position(s) for s in waiting] == list(range(1, len(waiting) + 1))
    print(f"\n[{db.engine.dialect.name}] {requests_} simultaneous sign-ups for {capacity} places: "
          f"{len(confirmed)} confirmed, {len(waiting)} waitlisted, "
          f"statuses {sorted(set(statuses))}, {seconds:.2f} s")


def test_simultaneous_double_click_signs_up_once(app, make_event, make_user):
    event = make_event(capacity=5, max_guests=2)
    member = make_user(Role.NEIGHBOUR)
    statuses, _ = _simultaneous_signups(app, event.id, [member.username] * 4, {"guests": "1"})
    assert all(s == 303 for s in statuses), statuses
    [signup] = signups(event.id)
    assert signup.user_id == member.id and signup.guests == 1


def test_simultaneous_guest_increases_never_overbook(app, make_event, make_user):
    event = make_event(capacity=6, max_guests=3)
    members = [make_user(Role.NEIGHBOUR) for _ in range(3)]
    for m in members:
        add_signup(event, m)  # 3 places taken, 3 free
    statuses, _ = _simultaneous_signups(app, event.id, [m.username for m in members], {"guests": "2"})
    assert sorted(statuses) == [303, 422, 422], statuses
    assert sum(s.places for s in signups(event.id, SignupStatus.CONFIRMED)) == 5


@pytest.mark.config(WTF_CSRF_ENABLED=True)
def test_sign_up_needs_the_csrf_token_and_keeps_the_input_when_it_expired(client, make_user, make_event):
    from .conftest import csrf_from
    member = make_user(Role.NEIGHBOUR)
    event = make_event(capacity=5)
    login_page = client.get("/logg-inn")
    assert client.post("/logg-inn", data={"login": member.username, "password": "correct horse battery",
                                          "csrf_token": csrf_from(login_page.data)}).status_code == 303
    stale = client.post(f"/arrangementer/{event.id}/pamelding", data={"guests": "2"})
    assert stale.status_code == 422 and 'value="2"' in stale.data.decode()
    assert signups(event.id) == []
    token = csrf_from(client.get(f"/arrangementer/{event.id}").data)
    assert client.post(f"/arrangementer/{event.id}/pamelding",
                       data={"guests": "2", "csrf_token": token}).status_code == 303
    assert [s.guests for s in signups(event.id)] == [2]


# -- the same through a real server: gunicorn with several worker processes --------------------------

def test_simultaneous_signups_through_several_gunicorn_workers(app, database_url, make_event, make_user):
    from .conftest import PASSWORD, csrf_from

    requests_, capacity = 20, 5
    event = make_event(capacity=capacity, max_guests=0)
    event_id = event.id
    usernames = [make_user(Role.NEIGHBOUR).username for _ in range(requests_)]
    db.session.commit()  # the test's own session must not hold SQLite's write lock while the server works
    with gunicorn(database_url, workers=3, threads=4) as base:
        browsers, tokens = [], []
        for username in usernames:
            browser = Browser(base)
            token = csrf_from(browser.request("/logg-inn")[1])
            status, _ = browser.request("/logg-inn", {"login": username, "password": PASSWORD,
                                                      "csrf_token": token})
            assert status == 303
            status, page = browser.request(f"/arrangementer/{event_id}")
            assert status == 200
            browsers.append(browser)
            tokens.append(csrf_from(page))
        barrier = threading.Barrier(requests_)
        statuses = [None] * requests_

        def run(i):
            barrier.wait(30)
            statuses[i] = browsers[i].request(f"/arrangementer/{event_id}/pamelding",
                                              {"guests": "0", "csrf_token": tokens[i]})[0]
        threads = [threading.Thread(target=run, args=(i,)) for i in range(requests_)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        seconds = time.perf_counter() - started
    assert all(s == 303 for s in statuses), statuses
    rows = signups(event_id)
    confirmed = [s for s in rows if s.status == SignupStatus.CONFIRMED]
    waiting = [s for s in rows if s.status == SignupStatus.WAITLISTED]
    assert len(rows) == requests_ and len(confirmed) == capacity and len(waiting) == requests_ - capacity
    assert max(s.id for s in confirmed) < min(s.id for s in waiting)
    print(f"\n[{db.engine.dialect.name}, gunicorn 3 workers x 4 threads] {requests_} simultaneous sign-ups for "
          f"{capacity} places: {len(confirmed)} confirmed, {len(waiting)} waitlisted, "
          f"statuses {sorted(set(statuses))}, {seconds:.2f} s")


def test_the_unique_constraint_turns_a_racing_second_signup_into_the_first(app, make_event, make_user, monkeypatch):
    """Should two sign-ups of one member ever get past the lock, the constraint keeps one and the app no 500."""
    event, member = make_event(capacity=5), make_user()
    first = add_signup(event, member, guests=1)
    locked = service.lock_event(event.id)
    real_scalar, calls = db.session.scalar, []

    def scalar_missing_the_first_signup(stmt, *args, **kwargs):
        calls.append(stmt)
        return None if len(calls) == 1 else real_scalar(stmt, *args, **kwargs)
    monkeypatch.setattr(db.session, "scalar", scalar_missing_the_first_signup)
    signup, _ = service.sign_up(locked, by=member, guests=0)
    monkeypatch.undo()
    db.session.commit()
    assert signup.id == first.id
    assert [(s.id, s.guests) for s in signups(event.id)] == [(first.id, 1)]


# -- the rules themselves, without HTTP (naborad.events.service) ---------------------------------------

def notified(kind, event):
    return sorted(db.session.scalars(select(Notification.user_id).where(
        Notification.kind == kind, Notification.subject_type == "event", Notification.subject_id == event.id)))


def details_of(event, **changes):
    from dataclasses import fields, replace
    details = service.EventDetails(**{f.name: getattr(event, f.name) for f in fields(service.EventDetails)})
    return replace(details, **changes)


def test_service_sign_up_to_a_full_event_goes_on_the_waiting_list(app, make_event, make_user):
    event = make_event(capacity=2)
    first, second = make_user(), make_user()
    signup, existed = service.sign_up(event, by=first, guests=1)
    assert signup.status == SignupStatus.CONFIRMED and not existed
    signup, existed = service.sign_up(event, by=second)
    assert signup.status == SignupStatus.WAITLISTED and not existed and service.waitlist_position(signup) == 1
    signup, existed = service.sign_up(event, by=second)  # again: the same sign-up, still waiting
    assert existed and signup.status == SignupStatus.WAITLISTED and len(signups(event.id)) == 2


def test_service_cancel_signup_promotes_the_first_on_the_waiting_list_and_tells_them(app, make_event, make_user):
    event = make_event(capacity=1, max_guests=0)
    member, first, second = make_user(), make_user(), make_user()
    add_signup(event, member)
    add_signup(event, first, status=SignupStatus.WAITLISTED)
    add_signup(event, second, status=SignupStatus.WAITLISTED)
    service.cancel_signup(event, by=member)
    assert {s.user_id: s.status for s in signups(event.id)} == {first.id: SignupStatus.CONFIRMED,
                                                                 second.id: SignupStatus.WAITLISTED}
    assert notified("event_promoted", event) == [first.id]
    service.cancel_signup(event, by=member)  # nothing left to cancel: no change
    assert len(signups(event.id)) == 2


def test_service_deadline_passed_blocks_members_but_not_organisers(app, make_event, make_user):
    event = make_event(signup_deadline=utcnow() - timedelta(hours=1))
    task = VolunteerTask(event_id=event.id, title="Grille", slots=2)
    db.session.add(task)
    db.session.commit()
    member, staff = make_user(Role.RESIDENT), make_user(Role.STAFF)
    assert event.can_be_changed() and not event.accepts_signups()
    for change in (lambda: service.sign_up(event, by=member), lambda: service.cancel_signup(event, by=member),
                   lambda: service.take_task(event, task, by=member)):
        with pytest.raises(service.NotAllowed):
            change()
    assert signups(event.id) == [] and db.session.scalar(select(func.count()).select_from(TaskSlot)) == 0
    signup, _ = service.sign_up(event, by=staff)
    service.take_task(event, task, by=staff)
    guest = service.add_participant(event, by=staff, name="Gunnhild")
    assert signup.status == guest.status == SignupStatus.CONFIRMED
    assert db.session.scalars(select(TaskSlot.user_id)).all() == [staff.id]


def test_service_cancelled_event_takes_no_changes_even_from_organisers(app, make_event, make_user):
    event = make_event()
    chair = make_user(Role.CHAIR)
    service.cancel_event(event, by=chair)
    assert not event.can_be_changed() and not service.may_change_signups(event, chair)
    with pytest.raises(service.NotAllowed):
        service.sign_up(event, by=chair)
    with pytest.raises(service.NotAllowed):
        service.add_participant(event, by=chair, name="Gunnhild")
    assert signups(event.id) == []


def test_service_task_slots_fill_up(app, make_event, make_user):
    event = make_event()
    task = VolunteerTask(event_id=event.id, title="Bake kake", slots=1)
    db.session.add(task)
    db.session.commit()
    first, second = make_user(), make_user()
    service.take_task(event, task, by=first)
    service.take_task(event, task, by=first)  # twice: still one slot
    with pytest.raises(service.TaskFull):
        service.take_task(event, task, by=second)
    assert db.session.scalars(select(TaskSlot.user_id)).all() == [first.id]
    service.release_task(event, task, by=first)
    service.take_task(event, task, by=second)
    assert db.session.scalars(select(TaskSlot.user_id)).all() == [second.id]


def test_service_cancelling_an_event_tells_the_members_signed_up(app, make_event, make_user):
    event = make_event(capacity=1)
    chair, coming, waiting = make_user(Role.CHAIR), make_user(), make_user()
    make_user()  # not signed up: not told
    add_signup(event, chair)
    add_signup(event, coming)
    add_signup(event, waiting, status=SignupStatus.WAITLISTED)
    assert service.cancel_event(event, by=chair) is True
    assert event.cancelled and notified("event_changed", event) == sorted([coming.id, waiting.id])
    assert service.cancel_event(event, by=chair) is False  # cancelled already: nobody is told twice
    assert len(notified("event_changed", event)) == 2


def test_service_creates_an_event_once_per_form_token(app, make_user):
    chair, member = make_user(Role.CHAIR), make_user()
    start = utcnow() + timedelta(days=3)
    details = service.EventDetails(title="Julefest", description="", place=None, starts_at=start,
                                   ends_at=start + timedelta(hours=3), signup_deadline=None, capacity=None,
                                   max_guests=0, ask_dietary=False, show_participants=False)
    event, created = service.create_event(details, by=chair, form_token="f" * 40)
    again, created_again = service.create_event(details, by=chair, form_token="f" * 40)
    assert created and not created_again and again.id == event.id
    assert db.session.scalar(select(func.count()).select_from(Event)) == 1
    assert notified("event_new", event) == [member.id]
    _, created_without_token = service.create_event(details, by=chair)
    assert created_without_token and db.session.scalar(select(func.count()).select_from(Event)) == 2


def test_service_edit_refuses_fewer_places_than_taken_and_tells_the_others(app, make_event, make_user):
    event = make_event(capacity=2)
    chair, coming, waiting = make_user(Role.CHAIR), make_user(), make_user()
    add_signup(event, coming, guests=1)
    add_signup(event, waiting, status=SignupStatus.WAITLISTED)
    with pytest.raises(service.CapacityBelowTaken) as refused:
        service.update_event(event, details_of(event, capacity=1, title="Endret"), by=chair)
    assert refused.value.taken == 2
    db.session.refresh(event)
    assert (event.capacity, event.title) == (2, "Sommerfest")
    service.update_event(event, details_of(event, capacity=3), by=chair)
    assert all(s.status == SignupStatus.CONFIRMED for s in signups(event.id))
    assert notified("event_promoted", event) == [waiting.id] and notified("event_changed", event) == [coming.id]


def test_the_description_hint_says_what_you_can_write_not_markdown(client, login_as):
    """Issue 15, item 12: no "Markdown" in a hint; the hint says what you can write."""
    login_as(Role.STAFF)
    html = client.get("/arrangementer/nytt").data.decode()
    assert "Markdown" not in html and "**fet**" in html and "en liste" in html
