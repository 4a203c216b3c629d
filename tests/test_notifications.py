"""Notifications, mail (real SMTP), digests, reminders and calendar feeds — and that none of them leak."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from naborad.extensions import db
from naborad.mail import send_due
from naborad.models import (
    AgendaItem,
    CalendarFeed,
    Event,
    Issue,
    MailStatus,
    Meeting,
    MeetingResponse,
    Notification,
    NotificationSetting,
    OutboxMail,
    PreMeeting,
    Role,
    RsvpAnswer,
    UserSession,
    utcnow,
)
from naborad.notifications.jobs import send_digests, send_reminders
from naborad.notifications.service import notify

from .helpers import HX, count_queries, free_port, queries_for


def unread(user):
    return db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.user_id == user.id, Notification.read_at.is_(None)))


def test_reply_notifies_followers_not_the_writer_and_mails_at_once(app, make_user, smtp, client_for, make_issue):
    follower = make_user(Role.NEIGHBOUR, email="per@example.org")
    db.session.add(NotificationSetting(user_id=follower.id, kind="issue_reply", mode="instant"))
    issue = make_issue(follower, "Støy om natta", follow=True)
    writer, writer_user = client_for(Role.RESIDENT, email="kari@example.org")
    writer.post(f"/saker/{issue.id}/svar", data={"body": "Hei", "form_token": "n1"})
    assert unread(follower) == 1 and unread(writer_user) == 0
    assert send_due() == 1
    (rcpt, message), = smtp.messages
    assert rcpt == ["per@example.org"] and "Støy om natta" in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    assert f"http://localhost/saker/{issue.id}" in body and "/varsler/innstillinger" in body


def test_digest_collects_and_sends_one_mail_and_nothing_when_empty(app, make_user, smtp, client_for, make_issue):
    follower = make_user(Role.NEIGHBOUR, email="per@example.org")  # issue replies default to the digest
    issue = make_issue(follower, "Støy om natta", follow=True)
    writer, _ = client_for(Role.RESIDENT)
    for n in range(3):
        writer.post(f"/saker/{issue.id}/svar", data={"body": f"Svar {n}", "form_token": f"d{n}"})
    send_due()
    assert smtp.messages == []  # nothing at once
    assert send_digests() == 1
    send_due()
    assert len(smtp.messages) == 1
    assert smtp.messages[0][1].get_body(("plain",)).get_content().count("Støy om natta") == 3
    assert send_digests() == 0  # nothing new: no mail


def test_members_without_email_get_in_app_only(app, make_user, client_for, make_issue):
    follower = make_user(Role.RESIDENT)
    issue = make_issue(follower, "Støy om natta", follow=True)
    writer, _ = client_for(Role.NEIGHBOUR)
    writer.post(f"/saker/{issue.id}/svar", data={"body": "Hei", "form_token": "e1"})
    assert unread(follower) == 1
    assert db.session.scalar(select(func.count()).select_from(OutboxMail)) == 0


def test_mail_is_skipped_when_the_recipient_may_no_longer_read_it(app, make_user, smtp, client_for):
    resident = make_user(Role.RESIDENT, email="kari@example.org")
    staff, _ = client_for(Role.STAFF)
    staff.post("/beboermote/ny", data={"starts_at": "2031-05-05T13:00", "place": "Stua", "form_token": "p"})
    assert unread(resident) == 1
    other, _ = client_for(resident)
    assert "beboermøte" in other.get("/varsler/").get_data(as_text=True).lower()
    resident.role = Role.NEIGHBOUR  # moved out, now a neighbour: the pre-meeting is no longer theirs
    db.session.commit()
    assert send_due() == 0 and smtp.messages == []
    assert db.session.scalar(select(OutboxMail.status)).value == "skipped"
    assert "beboermøte" not in other.get("/varsler/").get_data(as_text=True).lower()


def test_outbox_survives_a_failing_smtp_server_and_delivers_once(app, make_user, smtp, client_for, make_issue):
    follower = make_user(Role.NEIGHBOUR, email="per@example.org")
    db.session.add(NotificationSetting(user_id=follower.id, kind="issue_reply", mode="instant"))
    issue = make_issue(follower, "Støy om natta", follow=True)
    writer, _ = client_for(Role.RESIDENT)
    good_port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()  # the server is down
    writer.post(f"/saker/{issue.id}/svar", data={"body": "Hei", "form_token": "f1"})
    assert send_due() == 0
    mail = db.session.scalar(select(OutboxMail))
    assert mail.status.value == "pending" and mail.attempts == 1
    app.config["MAIL_PORT"] = good_port  # back up; retry when due
    mail.next_attempt_at = utcnow()
    db.session.commit()
    assert send_due() == 1 and send_due() == 0
    assert len(smtp.messages) == 1


def test_the_unread_count_comes_with_the_page_and_is_polled_later(app, client_for):
    """A first view needs no request of its own for the badge (issue 16, item 4): the page carries the
    count, and the badge's poll starts after two minutes, not on load."""
    client, user = client_for(Role.NEIGHBOUR)
    db.session.add_all(Notification(user_id=user.id, kind="event_new", subject_type="event", subject_id=n)
                       for n in (1, 2))
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    badge = html[html.index('id="varsler"'):html.index("</a>", html.index('id="varsler"'))]
    assert 'class="count">2<' in badge and 'hx-trigger="every 120s"' in badge and "load" not in badge


def test_badge_costs_one_query_and_does_not_extend_the_session(app, client_for):
    client, user = client_for(Role.NEIGHBOUR)
    db.session.add(Notification(user_id=user.id, kind="event_new", subject_type="event", subject_id=1))
    row = db.session.scalar(select(UserSession))
    before = utcnow() - timedelta(minutes=30)
    row.last_seen_at = before
    db.session.commit()
    with count_queries() as queries:
        response = client.get("/varsler/antall", headers=HX)
    assert response.status_code == 200 and b'class="count">1<' in response.data
    statements = [q for q in queries if not q.startswith("BEGIN")]  # SQLite's BEGIN is ours, not a query
    assert len(statements) == 1, "\n---\n".join(statements)
    db.session.refresh(row)
    assert row.last_seen_at == before


def test_badge_after_the_session_ended_never_redirects(app, client_for):
    client, user = client_for(Role.NEIGHBOUR)
    db.session.query(UserSession).delete()
    db.session.commit()
    response = client.get("/varsler/antall", headers=HX)
    assert response.status_code == 200 and "HX-Redirect" not in response.headers
    assert b'id="varsler"' in response.data


def test_opening_marks_read_and_leads_to_the_thing(app, client_for, make_issue):
    client, user = client_for(Role.NEIGHBOUR)
    issue = make_issue(user, "Støy om natta", follow=True)
    note = Notification(user_id=user.id, kind="issue_reply", subject_type="issue", subject_id=issue.id)
    db.session.add(note)
    db.session.commit()
    response = client.post(f"/varsler/{note.id}/apne")
    assert response.status_code == 303 and response.headers["Location"] == f"/saker/{issue.id}"
    assert unread(user) == 0
    other, _ = client_for(Role.NEIGHBOUR)
    assert other.post(f"/varsler/{note.id}/apne").status_code == 404


def test_notification_list_uses_a_fixed_number_of_queries(app, client_for, make_issue):
    client, user = client_for(Role.STAFF)
    issue = make_issue(user, "Støy om natta", follow=True)
    db.session.add(Notification(user_id=user.id, kind="issue_reply", subject_type="issue", subject_id=issue.id))
    db.session.commit()
    few = queries_for(client, "/varsler/")
    db.session.add_all([Notification(user_id=user.id, kind="issue_reply", subject_type="issue",
                                     subject_id=issue.id) for _ in range(40)])
    db.session.commit()
    assert queries_for(client, "/varsler/") == few


def test_settings_save_and_refuse_unknown_modes(app, client_for):
    client, user = client_for(Role.NEIGHBOUR)
    assert client.post("/varsler/innstillinger", data={"issue_reply": "loud"}).status_code == 422
    assert client.post("/varsler/innstillinger", data={"issue_reply": "off", "event_new": "instant"}).status_code == 303
    modes = dict(db.session.execute(select(NotificationSetting.kind, NotificationSetting.mode)).all())
    assert modes["issue_reply"] == "off" and modes["event_new"] == "instant"
    assert "premeeting" not in modes  # not offered to a neighbour


def test_reminders_are_sent_once(app, make_user):
    member = make_user(Role.NEIGHBOUR)
    meeting = Meeting(starts_at=utcnow() + timedelta(hours=24), place="Fellesrommet")
    db.session.add(meeting)
    db.session.flush()
    db.session.add(MeetingResponse(meeting_id=meeting.id, user_id=member.id, answer=RsvpAnswer.YES))
    db.session.commit()
    assert send_reminders() == 1
    assert send_reminders() == 0
    assert unread(member) == 1


# -- calendar feeds --------------------------------------------------------------

def make_feed(client):
    client.post("/varsler/kalender/ny-lenke", data={"include_premeetings": "y"})
    html = client.get("/varsler/innstillinger").get_data(as_text=True)
    start = html.index("/kalender/")
    return html[start:html.index(".ics", start) + 4]


def test_feed_holds_what_the_member_may_see_and_premeetings_only_neutrally(app, client_for):
    db.session.add(Meeting(starts_at=utcnow() + timedelta(days=3), place="Fellesrommet"))
    db.session.add(PreMeeting(starts_at=utcnow() + timedelta(days=2), place="PLANT-stua-9Z", title="PLANT-tittel-9Z"))
    db.session.commit()
    resident, _ = client_for(Role.RESIDENT)
    body = app.test_client().get(make_feed(resident)).get_data(as_text=True)
    assert "Fellesrommet" in body and "BEGIN:VEVENT" in body
    assert "PLANT-" not in body and body.count("BEGIN:VEVENT") == 2  # the pre-meeting, without title or place
    neighbour, _ = client_for(Role.NEIGHBOUR)
    body = app.test_client().get(make_feed(neighbour)).get_data(as_text=True)
    assert body.count("BEGIN:VEVENT") == 1 and "PLANT-" not in body


def test_feed_link_dies_on_reset_and_deactivation(app, client_for):
    client, user = client_for(Role.NEIGHBOUR)
    old = make_feed(client)
    visitor = app.test_client()
    assert visitor.get(old).status_code == 200
    new = make_feed(client)
    assert visitor.get(old).status_code == 404 and visitor.get(new).status_code == 200
    assert db.session.scalar(select(CalendarFeed.token_hash)) not in new  # only the hash is stored
    user.is_active_member = False
    db.session.commit()
    assert visitor.get(new).status_code == 404
    assert visitor.get("/kalender/not-a-token.ics").status_code == 404


@pytest.mark.parametrize("role", [Role.NEIGHBOUR, Role.CHAIR])
def test_no_channel_gives_neighbours_or_the_chair_anything_from_the_premeeting(app, make_user, smtp, role, client_for):
    """Plant residents-only text, make every kind of pre-meeting notification happen, and read every
    channel this member has: the list, the badge, mail (sent for real) and the calendar feed."""
    member = make_user(role, email="them@example.org")
    for kind in ("premeeting", "reminder"):
        db.session.add(NotificationSetting(user_id=member.id, kind=kind, mode="instant"))
    db.session.commit()
    resident = make_user(Role.RESIDENT)  # for whom the notifications are meant
    staff, _ = client_for(Role.STAFF)
    assert staff.post("/beboermote/ny", data={"starts_at": "2031-05-05T13:00", "place": "PLANT-place-3X",
                                              "title": "PLANT-title-3X", "form_token": "leak"}).status_code == 303
    premeeting = db.session.scalar(select(PreMeeting))
    assert staff.post(f"/beboermote/{premeeting.id}/klar").status_code == 303
    member_client, _ = client_for(member)
    feed = make_feed(member_client)
    send_reminders(now=premeeting.starts_at - timedelta(hours=24))
    send_digests()
    send_due()
    channels = [member_client.get("/varsler/").get_data(as_text=True),
                member_client.get("/varsler/antall", headers=HX).get_data(as_text=True),
                app.test_client().get(feed).get_data(as_text=True)]
    channels += [m.as_string() for rcpt, m in smtp.messages if rcpt == ["them@example.org"]]
    assert unread(member) == 0 and unread(resident) == 2  # the resident heard: planned, agenda ready
    for text in channels:
        assert "PLANT-" not in text and "beboermøte" not in text.lower()


# -- a line break in a title (typed or pasted) never stops a mail ----------------------------

BROKEN = "Lys i porten\r\nOppgang B"


def _mail_subjects(smtp, to):
    return [m["Subject"] for rcpt, m in smtp.messages if rcpt == [to]]


def test_an_issue_title_with_a_line_break_is_saved_on_one_line_and_its_mails_go(app, make_user, smtp, client_for):
    author, author_user = client_for(Role.RESIDENT, email="kari@example.org")
    db.session.add(NotificationSetting(user_id=author_user.id, kind="issue_reply", mode="instant"))
    assert author.post("/saker/ny", data={"title": BROKEN, "body": "Mørkt.\r\nHelt mørkt.", "category": "safety",
                                          "place": "Gangveien\r\n", "form_token": "a"}).status_code == 303
    issue = db.session.scalar(select(Issue))
    assert (issue.title, issue.place, issue.body) == ("Lys i porten Oppgang B", "Gangveien", "Mørkt.\r\nHelt mørkt.")
    writer, _ = client_for(Role.NEIGHBOUR)
    writer.post(f"/saker/{issue.id}/svar", data={"body": "Hei", "form_token": "r1"})
    assert send_due() == 1
    assert _mail_subjects(smtp, "kari@example.org") == ["Nytt svar i «Lys i porten Oppgang B»"]


def test_a_proposal_and_an_event_with_line_breaks_are_saved_on_one_line_and_mailed(app, make_user, smtp, client_for):
    meeting = Meeting(starts_at=utcnow() + timedelta(days=10), place="Fellesrommet")
    db.session.add(meeting)
    db.session.commit()
    member, proposer = client_for(Role.NEIGHBOUR, email="per@example.org")
    db.session.add(NotificationSetting(user_id=proposer.id, kind="event_new", mode="instant"))
    assert member.post(f"/moter/{meeting.id}/foresla", data={"title": BROKEN, "why": "Mørkt",
                                                             "form_token": "p"}).status_code == 303
    item = db.session.scalar(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id))
    assert item.title == "Lys i porten Oppgang B"
    chair, _ = client_for(Role.CHAIR)
    assert chair.post(f"/moter/punkt/{item.id}/godta").status_code == 303
    assert chair.post("/arrangementer/nytt", data={"title": "Julefest\n", "place": "Felles\u2028rommet",
                                                   "starts_at": "2031-12-12T17:00", "ends_at": "2031-12-12T20:00",
                                                   "max_guests": "0"}).status_code == 303
    event = db.session.scalar(select(Event))
    assert (event.title, event.place) == ("Julefest", "Felles rommet")
    assert send_due() == 2
    assert sorted(_mail_subjects(smtp, "per@example.org")) == ["Forslaget ditt «Lys i porten Oppgang B» har fått svar",
                                                               "Nytt arrangement: Julefest"]


def test_an_old_title_with_a_line_break_is_mailed_on_one_subject_line(app, make_user, smtp, make_issue):
    """Rows saved before line breaks were stripped: the subject is made one line when the mail is rendered."""
    follower = make_user(Role.NEIGHBOUR, email="per@example.org")
    db.session.add(NotificationSetting(user_id=follower.id, kind="issue_reply", mode="instant"))
    issue = make_issue(follower, "Gammel\r\ntittel\u2028her", follow=True)
    notify([follower], "issue_reply", "issue", issue.id)
    db.session.commit()
    assert send_due() == 1
    assert _mail_subjects(smtp, "per@example.org") == ["Nytt svar i «Gammel tittel her»"]
    assert db.session.scalar(select(OutboxMail.status).order_by(OutboxMail.id.desc())) == MailStatus.SENT


# -- mail about the pre-meeting: neutral unless the member chose otherwise (PERMISSIONS.md, the mail rule) ----

NEUTRAL_SUBJECT = "Nytt fra naborådet"


def _mails_to(smtp, to):
    """(subject, first line, plain body, whole message) of each mail this address got."""
    found = []
    for rcpt, message in smtp.messages:
        if rcpt == [to]:
            body = message.get_body(("plain",)).get_content()
            found.append((message["Subject"], body.splitlines()[0], body, message.as_string()))
    return found


def _plan_premeeting_and_run_every_job(staff):
    """Staff plan a pre-meeting (residents are told), mark its agenda ready, and the reminder runs."""
    assert staff.post("/beboermote/ny", data={"starts_at": "2031-05-05T13:00", "place": "Stua",
                                              "form_token": "plan"}).status_code == 303
    premeeting = db.session.scalar(select(PreMeeting))
    assert staff.post(f"/beboermote/{premeeting.id}/klar").status_code == 303
    return premeeting


def test_mail_about_the_premeeting_has_a_neutral_subject_first_line_and_link(app, make_user, smtp, client_for):
    kari = make_user(Role.RESIDENT, email="kari@example.org")
    resident, _ = client_for(kari)
    staff, _ = client_for(Role.STAFF)
    premeeting = _plan_premeeting_and_run_every_job(staff)
    resident.post(f"/beboermote/{premeeting.id}/svar", data={"coming": "yes"})
    send_reminders(now=premeeting.starts_at - timedelta(hours=24))
    send_due()
    mails = _mails_to(smtp, "kari@example.org")
    assert len(mails) == 3  # planned, agenda ready, the reminder
    for subject, first_line, body, whole in mails:
        assert subject == NEUTRAL_SUBJECT and first_line == NEUTRAL_SUBJECT
        assert "http://localhost/varsler/" in [line.strip() for line in body.splitlines()]
        assert "/beboermote" not in whole and "beboermøte" not in whole.lower() and "Stua" not in whole
    # In the app (behind the login) the notifications say what they are about; the first one not that
    # the agenda is ready.
    html = resident.get("/varsler/").get_data(as_text=True)
    assert "Et beboermøte er planlagt" in html and "Sakslista til beboermøtet er klar" in html
    assert "Påminnelse: beboermøtet er i morgen" in html


def test_a_newly_planned_premeeting_is_not_announced_as_having_its_agenda_ready(app, make_user, client_for):
    kari = make_user(Role.RESIDENT)
    staff, _ = client_for(Role.STAFF)
    assert staff.post("/beboermote/ny", data={"starts_at": "2031-05-05T13:00", "place": "Stua",
                                              "form_token": "plan"}).status_code == 303
    resident, _ = client_for(kari)
    html = resident.get("/varsler/").get_data(as_text=True)
    assert "Et beboermøte er planlagt" in html and "klar" not in html


def test_a_member_who_opts_in_gets_mail_that_says_what_it_is_about(app, make_user, smtp, client_for):
    kari = make_user(Role.RESIDENT, email="kari@example.org")
    resident, _ = client_for(kari)
    page = resident.get("/varsler/innstillinger").get_data(as_text=True)
    assert 'name="mail_wording" value="named"' in page and 'value="named" aria-describedby="mail-wording-help">' in page
    assert resident.post("/varsler/innstillinger", data={"mail_wording": "named"}).status_code == 303
    assert 'value="named" aria-describedby="mail-wording-help" checked>' in resident.get(
        "/varsler/innstillinger").get_data(as_text=True)
    staff, _ = client_for(Role.STAFF)
    premeeting = _plan_premeeting_and_run_every_job(staff)
    send_due()
    (planned, *_), (ready, *_, whole) = [(m[0], m[1], m[3]) for m in _mails_to(smtp, "kari@example.org")]
    assert planned == "Et beboermøte er planlagt" and ready == "Sakslista til beboermøtet er klar"
    assert f"http://localhost/beboermote/{premeeting.id}" in whole
    # and back: the choice is undone by saving without it
    assert resident.post("/varsler/innstillinger", data={}).status_code == 303
    assert db.session.scalar(select(NotificationSetting.mode).where(NotificationSetting.kind == "mail_wording")) \
        == "neutral"


def test_the_mail_wording_choice_is_only_for_those_in_the_premeeting(app, client_for):
    neighbour, _ = client_for(Role.NEIGHBOUR)
    assert "mail_wording" not in neighbour.get("/varsler/innstillinger").get_data(as_text=True)
    assert neighbour.post("/varsler/innstillinger", data={"mail_wording": "named"}).status_code == 303
    assert db.session.scalar(select(NotificationSetting).where(NotificationSetting.kind == "mail_wording")) is None


def test_the_digest_names_nothing_of_the_premeeting_unless_chosen(app, make_user, smtp, client_for, make_issue):
    kari = make_user(Role.RESIDENT, email="kari@example.org")
    for kind in ("premeeting", "issue_reply"):
        db.session.add(NotificationSetting(user_id=kari.id, kind=kind, mode="digest"))
    issue = make_issue(kari, "Støy om natta", follow=True)
    staff, _ = client_for(Role.STAFF)
    _plan_premeeting_and_run_every_job(staff)
    writer, _ = client_for(Role.NEIGHBOUR)
    writer.post(f"/saker/{issue.id}/svar", data={"body": "Hei", "form_token": "n1"})
    send_digests()
    send_due()
    (subject, first_line, body, whole), = _mails_to(smtp, "kari@example.org")
    assert subject == NEUTRAL_SUBJECT and "Støy om natta" in body  # the rest of the digest is as before
    assert body.count("Noe nytt til deg: logg inn for å lese det") == 1 and "http://localhost/varsler/" in [line.strip() for line in body.splitlines()]
    assert "/beboermote" not in whole and "beboermøte" not in whole.lower()


def test_a_newly_planned_premeeting_follows_the_members_premeeting_setting(app, make_user, client_for):
    quiet = make_user(Role.RESIDENT, email="quiet@example.org")
    db.session.add(NotificationSetting(user_id=quiet.id, kind="premeeting", mode="off"))
    db.session.commit()
    staff, _ = client_for(Role.STAFF)
    assert staff.post("/beboermote/ny", data={"starts_at": "2031-05-05T13:00", "place": "Stua",
                                              "form_token": "plan"}).status_code == 303
    assert db.session.scalar(select(Notification.mail_mode).where(Notification.user_id == quiet.id)) == "off"
    assert db.session.scalar(select(func.count()).select_from(OutboxMail)) == 0


def test_notification_list_of_every_kind_of_thing_costs_the_same_queries(app, client_for, make_issue):
    """Issues, meetings (shown by their time), events, reports and the member's own account: one query
    finds what the member may still read of all of them, so the count does not grow with the kinds."""
    from naborad.i18n import OSLO
    from naborad.models import Event, Meeting, MeetingStatus, ReportCategory, SituationReport, utcnow

    client, user = client_for(Role.STAFF)
    issue = make_issue(user, "Støy om natta", follow=True)
    db.session.add(Notification(user_id=user.id, kind="issue_reply", subject_type="issue", subject_id=issue.id))
    db.session.commit()
    one_kind = queries_for(client, "/varsler/")
    starts = utcnow() + timedelta(days=3)
    meeting = Meeting(starts_at=starts, place="Fellesrommet", status=MeetingStatus.PUBLISHED)
    event = Event(title="Julebord", description="Grøt", place="Stua", starts_at=starts,
                  ends_at=starts + timedelta(hours=2), max_guests=0)
    report = SituationReport(category=ReportCategory.NOISE, text="Høy musikk", reporter_id=user.id)
    db.session.add_all([meeting, event, report])
    db.session.flush()
    db.session.add_all([
        Notification(user_id=user.id, kind="agenda_published", subject_type="meeting", subject_id=meeting.id),
        Notification(user_id=user.id, kind="event_new", subject_type="event", subject_id=event.id),
        Notification(user_id=user.id, kind="report_new", subject_type="report", subject_id=report.id),
        Notification(user_id=user.id, kind="second_factor_reset", subject_type="account", subject_id=user.id)])
    db.session.commit()
    page = client.get("/varsler/").get_data(as_text=True)
    assert "Julebord" in page and "Støy om natta" in page
    assert str(starts.astimezone(OSLO).day) in page  # the meeting's line names its day
    assert queries_for(client, "/varsler/") == one_kind
