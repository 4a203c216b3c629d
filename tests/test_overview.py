"""The overview ("oversikt") per role, the one on-duty number, how dates and times read (issue 15), and what a
first and a repeat view load (issue 16)."""
import hashlib
import json
import re
from datetime import date, datetime, timedelta, timezone

from flask_babel import force_locale

from naborad import ROOT
from naborad.contact.service import on_duty
from naborad.extensions import db
from naborad.i18n import ago_filter, date_filter, datetime_filter
from naborad.models import (
    ActionItem,
    AgendaItem,
    ContactPoint,
    Event,
    ItemPhase,
    ItemState,
    Meeting,
    MeetingStatus,
    PreMeeting,
    ReportCategory,
    Role,
    Signup,
    SignupStatus,
    SituationReport,
    utcnow,
)

from .helpers import lazy_loads, queries_for


def text_of(html: str, pattern: str) -> str:
    """The text of the first element matching `pattern` (a regex over the HTML), tags out, spaces folded."""
    found = re.search(pattern, html, re.S)
    assert found, pattern
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(0)).split())


# -- how times read -------------------------------------------------------------------------------

NOW = datetime(2026, 12, 16, 14, 0, tzinfo=timezone.utc)  # 15:00 in Oslo


def test_relative_times_read_naturally_in_bokmal(app):
    with app.test_request_context(), force_locale("nb"):
        assert ago_filter(NOW - timedelta(days=4), now=NOW) == "for 4 dager siden"
        assert "døgn" not in ago_filter(NOW - timedelta(hours=50), now=NOW)
        assert ago_filter(NOW - timedelta(hours=20), now=NOW) == "i går"
        assert ago_filter(NOW - timedelta(seconds=20), now=NOW) == "akkurat nå"
        assert ago_filter(NOW - timedelta(minutes=1), now=NOW) == "for 1 minutt siden"
        assert ago_filter(NOW - timedelta(hours=3), now=NOW) == "for 3 timer siden"
        assert ago_filter(NOW - timedelta(days=16), now=NOW) == "for 2 uker siden"
        assert ago_filter(NOW - timedelta(days=100), now=NOW) == "for 3 måneder siden"
        assert ago_filter(NOW - timedelta(days=800), now=NOW) == "for 2 år siden"
        assert ago_filter(NOW + timedelta(hours=20), now=NOW) == "i morgen"
        assert ago_filter(NOW + timedelta(days=5), now=NOW) == "om 5 dager"
    with app.test_request_context(), force_locale("en"):
        assert ago_filter(NOW - timedelta(days=4), now=NOW) == "4 days ago"
        assert ago_filter(NOW - timedelta(hours=20), now=NOW) == "yesterday"


def test_dates_read_one_local_way_never_iso_and_never_with_seconds(app):
    at = datetime(2026, 12, 20, 17, 0, tzinfo=timezone.utc)  # 18:00 in Oslo
    with app.test_request_context(), force_locale("nb"):
        assert date_filter(date(2026, 12, 20)) == "20. desember 2026"
        assert datetime_filter(at, "short") == "20. des. 2026 kl. 18:00"
        assert datetime_filter(at, "medium") == "20. desember 2026 kl. 18:00"
        assert datetime_filter(at, "day") == "søndag 20. desember 2026 kl. 18:00"


def test_an_action_items_due_date_is_not_iso_on_the_meeting_page(client_for, make_user):
    meeting = Meeting(starts_at=utcnow() + timedelta(days=3), place="Stua", status=MeetingStatus.PLANNED)
    db.session.add(meeting)
    db.session.flush()
    item = AgendaItem(meeting_id=meeting.id, title="Lys i bakgården", state=ItemState.ACCEPTED, position=1)
    db.session.add(item)
    db.session.flush()
    db.session.add(ActionItem(agenda_item_id=item.id, meeting_id=meeting.id, what="Ringe kommunen",
                              assignee_name="Vaktmester", due=date(2026, 12, 20)))
    db.session.commit()
    chair, _ = client_for(Role.CHAIR)
    html = chair.get(f"/moter/{meeting.id}").get_data(as_text=True)
    assert "Ringe kommunen" in html
    assert "2026-12-20" not in html and "20. desember 2026" in html


# -- spaces between the parts of a line -------------------------------------------------------------

def test_agenda_item_and_proposal_meta_lines_have_their_spaces(client_for, make_user, make_issue):
    proposer = make_user(Role.NEIGHBOUR, display_name="Kari")
    issue = make_issue(title="Søppel ved containeren")
    meeting = Meeting(starts_at=utcnow() + timedelta(days=3), place="Stua", status=MeetingStatus.PLANNED)
    db.session.add(meeting)
    db.session.flush()
    accepted = AgendaItem(meeting_id=meeting.id, title="Søppel igjen", state=ItemState.ACCEPTED, position=1,
                          phase=ItemPhase.FOLLOW_UP, minutes_planned=15, proposer_id=proposer.id,
                          issue_id=issue.id)
    proposed = AgendaItem(meeting_id=meeting.id, title="Benker", proposer_id=proposer.id, issue_id=issue.id)
    db.session.add_all([accepted, proposed])
    db.session.commit()
    chair, _ = client_for(Role.CHAIR)
    html = chair.get(f"/moter/{meeting.id}").get_data(as_text=True)
    agenda_meta = text_of(html, rf'id="punkt-{accepted.id}".*?<p class="meta">.*?</p>')
    assert "Følge opp 15 minutter · Foreslått av Kari · Sak: Søppel ved containeren" in agenda_meta
    proposal_meta = text_of(html, rf'id="punkt-{proposed.id}".*?<p class="meta">.*?</p>')
    assert "Foreslått av Kari · Sak: Søppel ved containeren" in proposal_meta
    # In the raw HTML too (a screen reader reads it as typed): no word runs into a middle dot.
    raw = re.search(rf'id="punkt-{accepted.id}".*?<p class="meta">(.*?)</p>', html, re.S).group(1)
    plain = re.sub(r"<[^>]+>", "", raw)
    assert not re.search(r"[^\s>]·|·[^\s<]", plain) and "opp15" not in plain


# -- the overview: what to know or do now, per role --------------------------------------------------

def on_duty_point(phone="+47 32 00 00 00", label="Botiltaket, vakttelefon"):
    point = ContactPoint(position=0, label=label, phone=phone, hours="Hele døgnet", is_on_duty=True)
    db.session.add(point)
    db.session.commit()
    return point


def a_meeting(days=12, **fields):
    meeting = Meeting(starts_at=utcnow() + timedelta(days=days), place="Fellesrommet",
                      status=fields.pop("status", MeetingStatus.PLANNED), **fields)
    db.session.add(meeting)
    db.session.commit()
    return meeting


def an_event(title="Sommerfest", days=10, **fields):
    start = utcnow() + timedelta(days=days)
    event = Event(title=title, description="Grilling.", place="Bakgården", starts_at=start,
                  ends_at=start + timedelta(hours=3), **fields)
    db.session.add(event)
    db.session.commit()
    return event


def a_report(reporter, category=ReportCategory.NOISE, text="Høy musikk i bakgården klokka tre", **fields):
    report = SituationReport(category=category, text=text, reporter_id=reporter.id, **fields)
    db.session.add(report)
    db.session.commit()
    return report


ON_DUTY_ON = {"overview": ("/", "id=\"on-duty-phone\" href"), "contact page": ("/kontakt", "id=\"on-duty-phone\" href"),
              "card": ("/kontakt/kort", "<p class=\"card-phone\"><a href"),
              "report form": ("/meld-fra/", "id=\"on-duty-phone\" href")}


def test_the_on_duty_number_is_one_answer_on_every_page_that_shows_it(client_for):
    old = on_duty_point(phone="+47 32 00 00 00")
    member, _ = client_for(Role.NEIGHBOUR)
    for name, (url, where) in ON_DUTY_ON.items():
        assert f'{where}="tel:+4732000000"' in member.get(url).get_data(as_text=True), name
    # A new on-duty phone (a rota later decides it in on_duty()): every page follows at once.
    old.is_on_duty = False
    on_duty_point(phone="+47 900 00 000", label="Ny vakttelefon")
    assert on_duty().phone == "+47 900 00 000" and on_duty().tel == "tel:+4790000000"
    for name, (url, where) in ON_DUTY_ON.items():
        assert f'{where}="tel:+4790000000"' in member.get(url).get_data(as_text=True), name


def test_every_role_sees_the_on_duty_number_as_a_tel_link_on_the_overview(client_for):
    on_duty_point()
    for role in Role:
        member, _ = client_for(role)
        html = member.get("/").get_data(as_text=True)
        assert text_of(html, r'<section[^>]*id="on-duty".*?</section>').count("+47 32 00 00 00") == 1, role
        assert 'id="on-duty-phone" href="tel:+4732000000"' in html, role
        assert 'href="tel:112"' in html and 'href="tel:113"' in html


def test_the_chair_and_staff_see_waiting_proposals_a_neighbour_does_not(client_for, make_user):
    meeting = a_meeting()
    proposer = make_user(Role.NEIGHBOUR)
    db.session.add_all([AgendaItem(meeting_id=meeting.id, title=f"Forslag {n}", proposer_id=proposer.id)
                        for n in range(2)] + [AgendaItem(meeting_id=meeting.id, title="Godtatt",
                                                         state=ItemState.ACCEPTED, position=1)])
    db.session.commit()
    for role in (Role.CHAIR, Role.STAFF):
        member, _ = client_for(role)
        html = member.get("/").get_data(as_text=True)
        waiting = text_of(html, r'<ul class="compact" id="waiting-proposals">.*?</ul>')
        assert "2 forslag til møtet" in waiting, role
        assert f'href="/moter/{meeting.id}#forslag"' in html
    neighbour, _ = client_for(Role.NEIGHBOUR)
    assert 'id="waiting-proposals"' not in neighbour.get("/").get_data(as_text=True)


def test_staff_see_waiting_reports_nobody_else_does(client_for, make_user):
    reporter = make_user(Role.RESIDENT)
    first = a_report(reporter, created_at=utcnow() - timedelta(hours=5))
    a_report(reporter, category=ReportCategory.LITTER)
    a_report(reporter, category=ReportCategory.DAMAGE, status="acknowledged")
    staff, _ = client_for(Role.STAFF)
    html = staff.get("/").get_data(as_text=True)
    waiting = text_of(html, r'<h3 class="waiting-title"><a href="/meld-fra/ko">.*?</ul>')
    assert "2 meldinger venter på de ansatte" in waiting
    assert "Støy" in waiting and "for 5 timer siden" in waiting and "Skade" not in waiting
    assert f'href="/meld-fra/{first.id}"' in html
    assert "Høy musikk" not in html  # the overview names the category; the text is one tap away
    for role in (Role.CHAIR, Role.NEIGHBOUR, Role.RESIDENT):
        member, _ = client_for(role)
        other = member.get("/").get_data(as_text=True)
        assert "venter på de ansatte" not in other and f"/meld-fra/{first.id}" not in other, role


def test_a_member_sees_their_own_open_action_items(client_for, make_user):
    member, me = client_for(Role.NEIGHBOUR)
    other = make_user(Role.NEIGHBOUR)
    meeting = a_meeting(days=-20, status=MeetingStatus.APPROVED)
    item = AgendaItem(meeting_id=meeting.id, title="Lys", state=ItemState.ACCEPTED, position=1)
    db.session.add(item)
    db.session.flush()
    db.session.add_all([
        ActionItem(agenda_item_id=item.id, meeting_id=meeting.id, what="Ringe kommunen om lyset",
                   assignee_id=me.id, due=date(2027, 1, 15)),
        ActionItem(agenda_item_id=item.id, meeting_id=meeting.id, what="Skrive til avisa", assignee_id=me.id,
                   done_at=utcnow()),
        ActionItem(agenda_item_id=item.id, meeting_id=meeting.id, what="Kjøpe benk", assignee_id=other.id)])
    db.session.commit()
    mine = text_of(member.get("/").get_data(as_text=True), r'<section[^>]*id="waiting".*?</section>')
    assert "Du har 1 åpent oppfølgingspunkt." in mine
    assert "Ringe kommunen om lyset" in mine and "15. januar 2027" in mine
    assert "Skrive til avisa" not in mine and "Kjøpe benk" not in mine


def test_nothing_waiting_says_so(client_for):
    member, _ = client_for(Role.NEIGHBOUR)
    assert "Ingenting venter på deg akkurat nå." in member.get("/").get_data(as_text=True)


def test_coming_events_and_my_sign_ups(client_for):
    member, me = client_for(Role.NEIGHBOUR)
    soon, later = an_event("Dugnad", days=2), an_event("Sommerfest", days=20)
    an_event("Julebord", days=40)
    farthest = an_event("Nyttårsfest", days=60)
    an_event("Avlyst tur", days=3, cancelled_at=utcnow())
    an_event("Gammel fest", days=-30)
    db.session.add_all([Signup(event_id=soon.id, user_id=me.id, status=SignupStatus.CONFIRMED),
                        Signup(event_id=farthest.id, user_id=me.id, status=SignupStatus.WAITLISTED)])
    db.session.commit()
    events = text_of(member.get("/").get_data(as_text=True), r'<section[^>]*id="events".*?</section>')
    assert events.index("Dugnad") < events.index("Sommerfest") < events.index("Julebord")
    assert "Avlyst tur" not in events and "Gammel fest" not in events
    assert "Dugnad" in events and "Du er påmeldt" in events
    assert "Du er også påmeldt Nyttårsfest" in events and "på venteliste" in events
    assert f"/arrangementer/{later.id}" in member.get("/").get_data(as_text=True)


def test_a_neighbour_never_sees_the_residents_pre_meeting_on_the_overview(client_for):
    db.session.add(PreMeeting(starts_at=utcnow() + timedelta(days=5), place="Stua på botiltaket"))
    db.session.commit()
    for role, sees in ((Role.RESIDENT, True), (Role.STAFF, True), (Role.NEIGHBOUR, False), (Role.CHAIR, False)):
        member, _ = client_for(role)
        assert ("Stua på botiltaket" in member.get("/").get_data(as_text=True)) is sees, role


def fill_the_council(make_user, n: int):
    """n more of everything the overview shows (for the query counts)."""
    neighbour = make_user(Role.NEIGHBOUR)
    for i in range(n):
        meeting = a_meeting(days=10 + i)
        db.session.add(AgendaItem(meeting_id=meeting.id, title=f"Forslag {i}", proposer_id=neighbour.id))
        event = an_event(f"Fest {i}", days=5 + i)
        db.session.add(Signup(event_id=event.id, user_id=neighbour.id, status=SignupStatus.CONFIRMED))
        a_report(neighbour)
    db.session.commit()


def test_overview_queries_do_not_grow_with_the_data(client_for, make_user):
    on_duty_point()
    members = {role: client_for(role)[0] for role in (Role.NEIGHBOUR, Role.RESIDENT, Role.CHAIR, Role.STAFF)}
    fill_the_council(make_user, 2)
    few = {role: queries_for(client, "/") for role, client in members.items()}
    # the member and their session, the overview's single values (next meeting and pre-meeting, the pause,
    # what the key-person warnings judge), recent issues, the rota, action items, events; per role: proposals
    # (chair, staff), dialogue meetings (not staff), waiting reports (staff). (With two council meetings held,
    # staff's pre-meeting warning reads the pre-meetings: one more.)
    assert few == {Role.NEIGHBOUR: 7, Role.RESIDENT: 7, Role.CHAIR: 8, Role.STAFF: 8}
    fill_the_council(make_user, 8)
    assert {role: queries_for(client, "/") for role, client in members.items()} == few
    for role, client in members.items():
        with lazy_loads() as lazy:
            assert client.get("/").status_code == 200
        assert lazy == [], role  # the template reads only what the overview loaded


# -- htmx and the CSP ---------------------------------------------------------------------------------

def test_htmx_runs_without_inline_styles_under_a_strict_policy(client_for):
    """htmx's settle step copies an old element's style attribute onto its replacement (a text box the
    person resized has one), which style-src 'self' blocks: the config turns the step off, the policy stays."""
    member, _ = client_for(Role.NEIGHBOUR)
    response = member.get("/")
    config = re.search(r'<meta name="htmx-config" content=\'([^\']*)\'>', response.get_data(as_text=True))
    assert config and json.loads(config.group(1)) == {"includeIndicatorCSS": False, "defaultSettleDelay": 0,
                                                      "defaultTimeout": 20000}
    policy = response.headers["Content-Security-Policy"]
    assert "style-src 'self';" in policy and "unsafe" not in policy


# -- static files by content (issue 16, item 4) --------------------------------------------------

def test_static_files_are_linked_by_content_and_cached_for_a_year(client, login_as):
    """A repeat view asks for nothing but the page: every static URL carries its content's hash and is
    cached as immutable; an old URL still gets the file, without the year-long promise."""
    login_as(Role.NEIGHBOUR)
    page = client.get("/").get_data(as_text=True)
    urls = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    assert {u.split("?")[0] for u in urls} >= {"/static/app.css", "/static/app.js", "/static/favicon.svg"}
    for url in urls:
        path, version = url.split("?v=")
        assert version == hashlib.sha256((ROOT / path.lstrip("/")).read_bytes()).hexdigest()[:12], url
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable", url
        response.close()
    stale = client.get("/static/app.css?v=0123456789ab")
    assert stale.status_code == 200 and "immutable" not in stale.headers.get("Cache-Control", "")
    stale.close()
    assert client.get("/static/nothing.css?v=0123456789ab").status_code == 404
