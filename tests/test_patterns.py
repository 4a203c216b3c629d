"""Patterns without pointing (issue 19, item 5): repeated reports of one category at one place, what staff and
the chair see of them, a neutral proposal to the council agenda, and dialogue meetings that only their invitees
and staff know of."""
import json
from datetime import timedelta

from sqlalchemy import func, select

from naborad.dialogue import service as dialogue_service
from naborad.extensions import db
from naborad.mail import send_due
from naborad.models import (
    AgendaItem,
    ChairSeat,
    DialogueInvitee,
    DialogueMeeting,
    Meeting,
    Notification,
    ReportPatternMark,
    Role,
    SituationReport,
    utcnow,
)
from naborad.reports import patterns

from .conftest import PASSWORD
from .helpers import HX, count_queries, queries_for

SECRET_TEXT = "Naboen Kari i 2B spiller trommer"
PLACE = "Ved Bussholdeplassen"


def report(category="noise", place=PLACE, *, days_ago=1.0, text=SECRET_TEXT, reporter=None):
    row = SituationReport(category=category, place=place, text=text, created_at=utcnow() - timedelta(days=days_ago),
                          reporter_id=reporter.id if reporter else None)
    db.session.add(row)
    db.session.commit()
    return row


def three(category="noise", place=PLACE, reporter=None):
    for days in (1, 5, 9):
        report(category, place, days_ago=days, reporter=reporter)
    return patterns.find_patterns()[0]


def council_meeting(days=10):
    meeting = Meeting(starts_at=utcnow() + timedelta(days=days), place="Fellesrommet")
    db.session.add(meeting)
    db.session.commit()
    return meeting


# -- detection ------------------------------------------------------------------------

def test_two_reports_are_no_pattern_and_three_in_30_days_are(app):
    report(days_ago=1)
    report(days_ago=2)
    assert patterns.find_patterns() == []
    report(days_ago=29)
    [found] = patterns.find_patterns()
    assert (found.category.value, found.count, found.place) == ("noise", 3, PLACE)
    assert found.first_at < found.last_at


def test_three_reports_spread_over_40_days_are_no_pattern(app):
    for days in (1, 20, 40):
        report(days_ago=days)
    assert patterns.find_patterns() == []


def test_places_are_folded_as_the_search_folds_them(app):
    report(place="Ved  bussholdeplassen.")
    report(place="VED BUSSHOLDEPLASSEN")
    report(place="ved bussholdeplassen", days_ago=3)
    assert patterns.place_key("  Søppelrommet  ") == patterns.place_key("soppelrommet") == "soppelrommet"
    assert patterns.place_key("Bakgården!") == patterns.place_key("bakgarden")
    [found] = patterns.find_patterns()
    assert found.count == 3


def test_other_categories_places_purged_and_placeless_reports_do_not_count(app):
    report(category="litter")
    report(place="Bakgården")
    report(place=None)
    purged = report(days_ago=2)
    purged.purged_at = utcnow()
    report(days_ago=3)
    db.session.commit()
    assert patterns.find_patterns() == []


def test_detection_takes_the_same_queries_however_many_reports(app):
    three()
    council_meeting()
    with count_queries() as few:
        patterns.find_patterns()
    for n in range(20):
        report(place=f"Sted {n % 4}", days_ago=1 + n % 20)
        report(category="litter", place=f"Sted {n % 3}")
    found = patterns.find_patterns()
    assert len(found) >= 5
    with count_queries() as many:
        patterns.find_patterns()
    statements = [q for q in many if not q.startswith("BEGIN")]
    assert len(statements) == len([q for q in few if not q.startswith("BEGIN")]) == 2


# -- what staff and the chair see --------------------------------------------------------

def test_staff_see_the_place_count_and_both_actions_on_the_queue(client_for, app):
    found = three()
    staff, _ = client_for(Role.STAFF)
    html = staff.get("/meld-fra/ko").get_data(as_text=True)
    assert 'id="report-patterns"' in html and PLACE in html
    assert f"/meld-fra/monster/{found.key}/saksliste" in html and f"/dialogmote/ny?monster={found.key}" in html


def test_the_chair_sees_category_and_count_but_never_the_place(client_for, app):
    three()
    chair, _ = client_for(Role.CHAIR)
    response = chair.get("/meld-fra/tall")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="repeated-list"' in html
    assert "Støy eller uro: 3 meldinger" in html
    for secret in (PLACE, PLACE.lower(), "bussholdeplassen", SECRET_TEXT, "/meld-fra/monster/", "/dialogmote/"):
        assert secret.lower() not in html.lower(), secret
    assert chair.get("/meld-fra/ko").status_code == 404


def test_neighbours_and_residents_see_no_patterns(client_for, app):
    three()
    for role in (Role.NEIGHBOUR, Role.RESIDENT):
        client, _ = client_for(role)
        html = client.get("/meld-fra/tall").get_data(as_text=True)
        assert 'id="repeated"' not in html and PLACE not in html


def test_an_unknown_or_faded_pattern_is_404(client_for, app):
    staff, _ = client_for(Role.STAFF)
    assert staff.get("/meld-fra/monster/abc/saksliste").status_code == 404
    assert staff.get("/dialogmote/ny?monster=abc").status_code == 404


# -- the council agenda -------------------------------------------------------------

def test_put_on_the_agenda_prefills_neutral_words_from_the_category_alone(client_for, make_user, app):
    reporter = make_user(Role.NEIGHBOUR, display_name="Ola Nordmann")
    found = three(reporter=reporter)
    council_meeting()
    staff, _ = client_for(Role.STAFF)
    html = staff.get(f"/meld-fra/monster/{found.key}/saksliste").get_data(as_text=True)
    assert PLACE in html[:html.index('class="stack"')]  # staff see the place above the form, never in it
    form = html[html.index('class="stack"'):]
    assert "Gjentatte meldinger: Støy eller uro – hva kan vi gjøre?" in form and "3 meldinger" in form
    for secret in (PLACE, "bussholdeplassen", SECRET_TEXT, "Ola Nordmann", "Kari"):
        assert secret.lower() not in form.lower(), secret


def test_staff_edit_the_proposal_and_it_goes_to_the_next_meeting_once(client_for, app):
    found = three()
    later, soon = council_meeting(20), council_meeting(5)
    staff, member = client_for(Role.STAFF)
    data = {"title": "Støy om kvelden – hva gjør vi?", "why": "Vi vil snakke om kveldsro.", "form_token": "t1"}
    response = staff.post(f"/meld-fra/monster/{found.key}/saksliste", data=data)
    assert response.status_code == 303 and response.headers["Location"].startswith(f"/moter/{soon.id}")
    item = db.session.scalar(select(AgendaItem).where(AgendaItem.form_token == "t1"))
    assert (item.meeting_id, item.title, item.state.value, item.proposer_id) == (
        soon.id, data["title"], "proposed", member.id)
    assert staff.post(f"/meld-fra/monster/{found.key}/saksliste", data=data).status_code == 303  # double click
    assert db.session.scalar(select(func.count()).select_from(AgendaItem).where(AgendaItem.title == data["title"])) == 1
    # Not offered again: the queue says it is proposed, and another proposal is refused.
    html = staff.get("/meld-fra/ko").get_data(as_text=True)
    assert f"/meld-fra/monster/{found.key}/saksliste" not in html
    assert staff.post(f"/meld-fra/monster/{found.key}/saksliste",
                      data={**data, "form_token": "t2"}).status_code == 403
    assert later.id != soon.id


def test_a_new_report_offers_the_pattern_again(app, client_for):
    found = three()
    council_meeting()
    staff, member = client_for(Role.STAFF)
    patterns.take_to_agenda(found, member, title="x", why=None, form_token="a")
    assert patterns.find_patterns()[0].agenda_mark is not None
    report(days_ago=0.1)
    again = patterns.find_patterns()[0]
    assert again.count == 4 and again.agenda_mark is None


def test_without_a_planned_meeting_staff_are_told_so(client_for, app):
    found = three()
    staff, _ = client_for(Role.STAFF)
    page = staff.get(f"/meld-fra/monster/{found.key}/saksliste")
    assert page.status_code == 200 and 'id="no-meeting"' in page.get_data(as_text=True)
    response = staff.post(f"/meld-fra/monster/{found.key}/saksliste", data={"title": "x", "form_token": "t"})
    assert response.status_code == 422 and 'id="no-meeting"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(AgendaItem)) == 0


def test_an_empty_title_comes_back_with_its_error(client_for, app):
    found = three()
    council_meeting()
    staff, _ = client_for(Role.STAFF)
    response = staff.post(f"/meld-fra/monster/{found.key}/saksliste", data={"title": "", "form_token": "t"})
    assert response.status_code == 422 and 'id="title-error"' in response.get_data(as_text=True)


# -- dialogue meetings ---------------------------------------------------------------

def plan(staff, invitees, key=None, token="d1", title="Dialogmøte: Støy eller uro"):
    data = {"title": title, "starts_at": (utcnow() + timedelta(days=4)).strftime("%Y-%m-%dT%H:%M"),
            "place": "Møterommet", "agenda": "1. Velkommen", "invitees": [u.id for u in invitees],
            "form_token": token}
    url = f"/dialogmote/ny?monster={key}" if key else "/dialogmote/ny"
    response = staff.post(url, data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:600]
    return db.session.scalar(select(DialogueMeeting).where(DialogueMeeting.form_token == token))


def test_a_dialogue_from_a_pattern_starts_neutral_and_marks_the_pattern(client_for, app):
    found = three()
    staff, _ = client_for(Role.STAFF)
    resident, res_user = client_for(Role.RESIDENT)
    html = staff.get(f"/dialogmote/ny?monster={found.key}").get_data(as_text=True)
    form = html[html.index("<h1"):]
    assert "Dialogmøte: Støy eller uro" in form and f'id="invitee-{res_user.id}"' in form
    for secret in (PLACE, SECRET_TEXT):
        assert secret not in form
    meeting = plan(staff, [res_user], key=found.key)
    assert [u.id for u in meeting.invitees] == [res_user.id]
    assert patterns.find_patterns()[0].dialogue_mark.dialogue_id == meeting.id
    queue = staff.get("/meld-fra/ko").get_data(as_text=True)
    assert f"/dialogmote/ny?monster={found.key}" not in queue and f"/dialogmote/{meeting.id}" in queue
    plan(staff, [res_user], key=found.key)  # a double click makes one meeting
    assert db.session.scalar(select(func.count()).select_from(DialogueMeeting)) == 1


def test_invitees_read_it_and_everyone_else_gets_404(client_for, app):
    staff, _ = client_for(Role.STAFF)
    invited = [client_for(role) for role in (Role.RESIDENT, Role.NEIGHBOUR, Role.CHAIR)]
    others = [client_for(Role.RESIDENT), client_for(Role.NEIGHBOUR), client_for(Role.CHAIR, seat=ChairSeat.DEPUTY)]
    meeting = plan(staff, [u for _, u in invited])
    saved = staff.post(f"/dialogmote/{meeting.id}/referat", data={"minutes": "Vi ble enige om kveldsro etter 22."})
    assert saved.status_code == 303, saved.get_data(as_text=True)[-3000:]
    for client, user in invited:
        page = client.get(f"/dialogmote/{meeting.id}")
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and "kveldsro etter 22" in html and "1. Velkommen" in html
        assert 'id="minutes-form"' not in html
        assert client.post(f"/dialogmote/{meeting.id}/referat", data={"minutes": "x"}).status_code == 403
        assert client.get(f"/dialogmote/{meeting.id}/endre").status_code == 403
        assert f"/dialogmote/{meeting.id}" in client.get("/dialogmote/").get_data(as_text=True)
        assert f"/dialogmote/{meeting.id}" in client.get("/").get_data(as_text=True)  # the overview
    for client, _user in others:
        for url in (f"/dialogmote/{meeting.id}", f"/dialogmote/{meeting.id}/endre"):
            assert client.get(url).status_code == 404, url
        assert client.post(f"/dialogmote/{meeting.id}/referat", data={"minutes": "x"}).status_code == 404
        assert client.get(f"/dialogmote/{meeting.id}", headers=HX).status_code == 404
        assert "Dialogmøte: Støy" not in client.get("/dialogmote/").get_data(as_text=True)
        assert "Dialogmøte: Støy" not in client.get("/").get_data(as_text=True)
    assert db.session.get(DialogueMeeting, meeting.id).minutes == "Vi ble enige om kveldsro etter 22."


def test_invitees_are_told_neutrally_and_a_newly_invited_one_too(client_for, app):
    staff, _ = client_for(Role.STAFF)
    _, first = client_for(Role.NEIGHBOUR)
    second_client, second = client_for(Role.RESIDENT)
    meeting = plan(staff, [first])
    rows = db.session.scalars(select(Notification).where(Notification.subject_type == "dialogue")).all()
    assert [(n.user_id, n.kind) for n in rows] == [(first.id, "dialogue")]
    data = {"title": meeting.title, "starts_at": "2030-01-05T18:00", "place": "Møterommet", "agenda": "",
            "invitees": [first.id, second.id]}
    assert staff.post(f"/dialogmote/{meeting.id}/endre", data=data).status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.user_id == second.id, Notification.kind == "dialogue")) == 1
    html = second_client.get("/varsler/").get_data(as_text=True)
    assert "Du er invitert til et lite møte" in html and meeting.title not in html
    # Taken off the list: it is gone for them.
    data["invitees"] = [second.id]
    assert staff.post(f"/dialogmote/{meeting.id}/endre", data=data).status_code == 303
    assert db.session.scalar(select(func.count()).select_from(DialogueInvitee)
                             .where(DialogueInvitee.user_id == first.id)) == 0


def test_a_dialogue_needs_an_invitee_and_a_time(client_for, app):
    staff, _ = client_for(Role.STAFF)
    response = staff.post("/dialogmote/ny", data={"title": "Dialogmøte", "place": "Her", "form_token": "x"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="invitees-error"' in html and 'id="starts_at-error"' in html


def test_a_dialogue_never_appears_in_meeting_lists_feeds_or_statistics(client_for, app):
    council_meeting()
    staff, _ = client_for(Role.STAFF)
    resident, res_user = client_for(Role.RESIDENT)
    chair, chair_user = client_for(Role.CHAIR)
    plan(staff, [res_user, chair_user], title="Hemmelig dialogmøte")
    for client in (staff, resident, chair):
        for url in ("/moter/", "/moter/?side=2", "/meld-fra/tall", "/moter/vedtak", "/moter/oppfolging"):
            response = client.get(url)
            assert "Hemmelig dialogmøte" not in response.get_data(as_text=True), url
    for client in (resident, chair):
        client.post("/varsler/kalender/ny-lenke", data={"include_premeetings": "y"})
        html = client.get("/varsler/innstillinger").get_data(as_text=True)
        start = html.index("/kalender/")
        feed = client.get(html[start:html.index(".ics", start) + 4])
        body = feed.get_data(as_text=True)
        assert feed.status_code == 200 and "BEGIN:VEVENT" in body  # the council meeting is there
        assert "Hemmelig" not in body and "Møterommet" not in body


def test_the_dialogue_list_and_page_cost_the_same_however_many(client_for, make_user, app):
    staff, _ = client_for(Role.STAFF)
    people = [make_user(Role.NEIGHBOUR) for _ in range(2)]
    meeting = plan(staff, people, token="a")
    few_list, few_page = queries_for(staff, "/dialogmote/"), queries_for(staff, f"/dialogmote/{meeting.id}")
    more = [make_user(Role.RESIDENT) for _ in range(6)]
    for n in range(6):
        plan(staff, people + more, token=f"b{n}")
    meeting.invitees = people + more
    db.session.commit()
    assert queries_for(staff, "/dialogmote/") == few_list
    assert queries_for(staff, f"/dialogmote/{meeting.id}") == few_page


def test_the_mail_about_an_invitation_is_neutral(client_for, make_user, smtp, app):
    staff, _ = client_for(Role.STAFF)
    invitee = make_user(Role.RESIDENT, email="kari@example.org")
    plan(staff, [invitee], title="Dialogmøte PLANT-7Q om støy")
    assert send_due() == 1
    (rcpt, message), = smtp.messages
    assert rcpt == ["kari@example.org"] and message["Subject"] == "Nytt fra naborådet"
    everything = message.as_string()
    for leak in ("PLANT-", "dialogmote", "Dialogm", "Møterommet"):
        assert leak not in everything, leak


# -- personal data ------------------------------------------------------------------

def test_retention_deletes_dialogues_24_months_after_and_old_marks(app, make_user):
    member = make_user(Role.RESIDENT)
    old = DialogueMeeting(title="Gammel", place="x", starts_at=utcnow() - timedelta(days=750), invitees=[member],
                          minutes="referat")
    recent = DialogueMeeting(title="Nyere", place="x", starts_at=utcnow() - timedelta(days=600), invitees=[member])
    db.session.add_all([old, recent, ReportPatternMark(key="k", kind="agenda",
                                                       covered_until=utcnow() - timedelta(days=31)),
                        ReportPatternMark(key="k2", kind="agenda", covered_until=utcnow() - timedelta(days=2))])
    db.session.commit()
    assert dialogue_service.purge_dialogues() == 1
    assert [m.title for m in db.session.scalars(select(DialogueMeeting))] == ["Nyere"]
    assert db.session.scalar(select(func.count()).select_from(DialogueInvitee)) == 1
    assert [m.key for m in db.session.scalars(select(ReportPatternMark))] == ["k2"]


def test_the_purge_command(app, runner):
    db.session.add(DialogueMeeting(title="Gammel", place="x", starts_at=utcnow() - timedelta(days=40)))
    db.session.commit()
    result = runner.invoke(args=["purge-dialogues", "--months", "1"])
    assert result.exit_code == 0 and "Deleted 1 dialogue meeting(s)." in result.output


def test_the_export_holds_the_invitees_own_dialogue_meetings(client_for, make_user, app):
    staff, _ = client_for(Role.STAFF)
    client, user = client_for(Role.NEIGHBOUR)
    other = make_user(Role.NEIGHBOUR)
    plan(staff, [user], title="Mitt dialogmøte", token="mine")
    plan(staff, [other], title="Et annet dialogmøte", token="theirs")
    data = json.loads(client.post("/profil/eksport").get_data(as_text=True))
    assert [m["title"] for m in data["dialogue_meetings"]] == ["Mitt dialogmøte"]
    assert data["dialogue_meetings"][0]["agenda"] == "1. Velkommen"


def test_the_privacy_notice_tells_about_dialogue_meetings(client):
    html = client.get("/personvern").get_data(as_text=True)
    assert "dialogmøte" in html.lower() and "24 måneder" in html



def test_deleting_an_account_takes_the_member_off_their_dialogue_meetings(client_for, app):
    staff, _ = client_for(Role.STAFF)
    client, member = client_for(Role.NEIGHBOUR)
    meeting = plan(staff, [member])
    assert client.post("/profil/slett", data={"password": PASSWORD}).status_code == 303
    assert db.session.scalar(select(func.count()).select_from(DialogueInvitee)) == 0
    assert db.session.get(DialogueMeeting, meeting.id) is not None
