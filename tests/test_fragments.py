"""Every region htmx swaps is requested with HX-Request and checked; an invalid form answers 422 with its errors.

Each case below names the fragment template it must get back, and an autouse fixture records (through
Flask's `template_rendered`) which template a request with HX-Request rendered, so a case that answers
with another template fails. `test_every_fragment_template_is_requested` compares the cases with the
`_*.html` files: a new fragment needs a case here, or a line in INCLUDED_ONLY saying why it is never
swapped on its own. Each test checks its own claim, so the module works the same under pytest-xdist.
"""
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import request, template_rendered
from sqlalchemy import select

from naborad.extensions import db
from naborad.models import (
    ActionItem,
    AgendaItem,
    Conversation,
    DialogueMeeting,
    DirectConsent,
    DirectMessage,
    Event,
    Issue,
    ItemState,
    Meeting,
    MeetingStatus,
    Notification,
    PreItemState,
    PreMeeting,
    PreMeetingItem,
    Reply,
    ReportCategory,
    Role,
    SituationReport,
    VolunteerTask,
    search_key,
    utcnow,
)

from .conftest import log_in

HX = {"HX-Request": "true"}
ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"

# Partials that are only ever included in a page or another fragment, never the answer to a request.
INCLUDED_ONLY = {
    "contact/_point.html": "one card of the contact lists, included by contact/index.html",
    "council_health/_public_agreement.html": "the public good-neighbour agreement on contact/index.html",
    "council_health/_warnings.html": "the key-person warnings box of pages/dashboard.html",
    "events/_attendees.html": "\"Who is coming\" in events/show.html, and out of band in _signup_changed.html",
    "events/_count.html": "the numbers line inside events/_item.html and events/_signup.html",
    "events/_form_fields.html": "the fields of events/new.html and events/edit.html",
    "events/_item.html": "one card of the event list (events/index.html)",
    "events/_table.html": "the participant tables of participants.html and print.html",
    "events/_totals.html": "the totals of participants.html and print.html",
    "issues/_author.html": "the author-line macro, imported by show.html and issues/_rows.html",
    "issues/_moderation.html": "the moderators' forms of issues/show.html (a form with errors re-renders the page)",
    "issues/_rows.html": "macros for one reply and timeline entry, imported by show.html and _reply.html",
    "meetings/_item.html": "one agenda item inside meetings/_agenda.html",
    "meetings/_meeting_card.html": "one card of meetings/index.html and meetings/_archive.html",
    "meetings/_proposal.html": "one proposal inside meetings/_agenda.html",
    "pages/_welcome.html": "a new member's welcome at the top of pages/dashboard.html",
    "premeeting/_card.html": "one card of premeeting/index.html",
    "premeeting/_comment.html": "one comment inside premeeting/_item.html and _comment_posted.html",
    "premeeting/_item.html": "one agenda item of premeeting/show.html",
    "reports/_dashboard.html": "the report box of pages/dashboard.html",
    "reports/_status.html": "a report's status inside reports/show.html and mine.html",
    "reports/_conversation.html": "a report's timeline and messages inside _handling.html and _staff_news.html",
    "reports/_staff_actions.html": "the staff's forms on a report inside _handling.html (out of band in _staff_news.html)",
    "reports/_queue_counts.html": "the queue counts inside _handling.html (out of band in _staff_news.html)",
    "reports/_patterns.html": "the staff's repeated-report patterns at the top of reports/queue.html (issue 19)",
    "issues/_cycle.html": "where the issue is in the council's cycle, inside issues/show.html (issue 21)",
}


# -- recording which template answered an htmx request ---------------------------------------

@pytest.fixture(autouse=True)
def rendered(app):
    """The top-level templates rendered for requests with HX-Request, in order (includes do not count)."""
    names = []

    def record(sender, template, context, **extra):
        if request.headers.get("HX-Request") == "true":
            names.append(template.name)
    with template_rendered.connected_to(record, app):
        yield names


# -- a small council to request things from ----------------------------------------------------

class World:
    """Members of each kind with their own logged-in clients, and one of each thing."""

    def __init__(self, app, make_user):
        self.app, self.make_user = app, make_user
        self.clients = {}
        now = utcnow()
        self.chair, self.staff, self.resident = (make_user(Role.CHAIR), make_user(Role.STAFF),
                                                 make_user(Role.RESIDENT))
        self.issue = Issue(title="Støy i bakgården", body="Det er bråk om natta.", category="noise",
                           author_id=self.resident.id, search_text=search_key("Støy i bakgården", "bråk"))
        db.session.add(self.issue)
        db.session.flush()
        self.reply = Reply(issue_id=self.issue.id, author_id=self.resident.id, body="Enig, det er ille.")
        self.meeting = Meeting(starts_at=now + timedelta(days=10), place="Fellesrommet")
        self.later = Meeting(starts_at=now + timedelta(days=40), place="Fellesrommet")
        self.past = Meeting(starts_at=now - timedelta(days=60), place="Gamle møterommet",
                            status=MeetingStatus.APPROVED)
        self.event = Event(title="Sommerfest", description="Grilling.", place="Bakgården", starts_at=now + timedelta(days=9),
                           ends_at=now + timedelta(days=9, hours=4), max_guests=2)
        self.report = SituationReport(category=ReportCategory.NOISE, text="Høy musikk", place="Gangveien",
                                      reporter_id=self.resident.id)
        db.session.add_all([self.reply, self.meeting, self.later, self.past, self.event, self.report])
        db.session.flush()
        self.item = self._item(self.meeting, "Belysning i porten", ItemState.ACCEPTED)
        self.proposal = self._item(self.meeting, "Benk ved lekeplassen", ItemState.PROPOSED)
        self.decided = self._item(self.past, "Søppelkasser", ItemState.ACCEPTED,
                                  decision="Vi kjøper nye søppelkasser.")
        self.action = ActionItem(agenda_item_id=self.decided.id, meeting_id=self.past.id, what="Bestille kasser",
                                 assignee_id=self.staff.id, due=date.today() + timedelta(days=7))
        self.task = VolunteerTask(event_id=self.event.id, title="Bake kake", slots=2)
        self.premeeting = PreMeeting(meeting_id=self.meeting.id, starts_at=now + timedelta(days=5), place="Stua")
        db.session.add_all([self.action, self.task, self.premeeting])
        db.session.flush()
        self.pre_item = PreMeetingItem(premeeting_id=self.premeeting.id, title="Vaskerommet",
                                       state=PreItemState.ACCEPTED, position=1)
        # The direct line: the resident chose to be reached by the chair, who sent a friendly word.
        self.conversation = Conversation(starter_id=self.chair.id, receiver_id=self.resident.id)
        db.session.add_all([self.pre_item, self.conversation,
                            DirectConsent(user_id=self.resident.id, by_message=True, scope="chair",
                                          chair_id=self.chair.id)])
        db.session.flush()
        db.session.add(DirectMessage(conversation_id=self.conversation.id, author_id=self.chair.id,
                                     body="Hei! Musikken er litt høy."))
        db.session.commit()

    def _item(self, meeting, title, state, **fields):
        item = AgendaItem(meeting_id=meeting.id, title=title, state=state, position=5,
                          search_text=search_key(title, fields.get("decision")), **fields)
        db.session.add(item)
        db.session.flush()
        return item

    def client(self, who):
        """A client logged in as `who` ("chair", "staff" or "resident")."""
        if who not in self.clients:
            client = self.app.test_client()
            assert log_in(client, getattr(self, who).username).status_code == 303
            self.clients[who] = client
        return self.clients[who]


@pytest.fixture
def world(app, make_user):
    return World(app, make_user)


def root_id(html: str) -> str | None:
    """The id of the fragment's first element."""
    match = re.match(r"\s*<[\w-]+(?=[\s>])[^>]*?\sid=\"([^\"]+)\"", html)
    return match.group(1) if match else None


# -- the fragments: each case requests one and says what it must hold -----------------------------

def _issues_page_two(w):
    db.session.add_all(Issue(title=f"Sak nummer {n}", body="x", category="other", author_id=w.resident.id,
                             search_text=f"sak nummer {n}") for n in range(25))
    db.session.commit()
    response = w.client("resident").get("/saker/?side=2", headers=HX)
    return response, ['class="card issue-item"', "Sak nummer", "!issue-list"]


def _decisions_page_two(w):
    """issue 16: "show more" of the decision log answers with the next rows only."""
    for n in range(30):
        w._item(w.past, f"Punkt {n}", ItemState.ACCEPTED, decision=f"Vedtak nummer {n}")
    db.session.commit()
    response = w.client("resident").get("/moter/vedtak?side=2", headers=HX)
    return response, ['<li class="card" data-page-start tabindex="-1">', "Vedtak nummer", "!decision-list"]


def _actions_page_two(w):
    """issue 16: "show more" of the action items answers with the next rows only."""
    db.session.add_all(ActionItem(agenda_item_id=w.decided.id, meeting_id=w.past.id, what=f"Gjøremål nummer {n}",
                                  assignee_name="Vaktmester") for n in range(30))
    db.session.commit()
    response = w.client("resident").get("/moter/oppfolging?status=all&side=2", headers=HX)
    return response, ['data-page-start tabindex="-1"', "Gjøremål nummer", "!action-list"]


def _archive_page_two(w):
    """issue 16: "show more" of the meetings archive answers with the next meetings only."""
    db.session.add_all(Meeting(starts_at=utcnow() - timedelta(days=90 + n), place=f"Rom nummer {n}",
                               status=MeetingStatus.HELD) for n in range(30))
    db.session.commit()
    response = w.client("resident").get("/moter/?side=2", headers=HX)
    return response, ['<li class="card" data-page-start tabindex="-1">', "Rom nummer", "!id=\"archive\""]


def _past_events_page_two(w):
    """issue 16: "show more" of the past events answers with the next events only."""
    now = utcnow()
    db.session.add_all(Event(title=f"Fest nummer {n}", starts_at=now - timedelta(days=n + 1, hours=3),
                             ends_at=now - timedelta(days=n + 1)) for n in range(30))
    db.session.commit()
    response = w.client("resident").get("/arrangementer/?side=2", headers=HX)
    return response, ['data-page-start tabindex="-1"', "Fest nummer", "!Sommerfest"]


def _notifications_page_two(w):
    """issue 16: "show more" of the notifications answers with the next rows only."""
    db.session.add_all(Notification(user_id=w.resident.id, kind="issue_reply", subject_type="issue",
                                    subject_id=w.issue.id) for _ in range(30))
    db.session.commit()
    response = w.client("resident").get("/varsler/?side=2", headers=HX)
    return response, ['<li class="card unread" data-page-start tabindex="-1">', "Støy i bakgården",
                      "!notification-rows"]


def _report_queue_page_two(w):
    """issue 16: "show more" of the staff's closed reports answers with the next rows of that list only."""
    now = utcnow()
    db.session.add_all(SituationReport(category=ReportCategory.NOISE, text=f"Lukket nummer {n}", status="closed",
                                       reporter_id=w.resident.id, closed_at=now - timedelta(hours=n))
                       for n in range(30))
    db.session.commit()
    response = w.client("staff").get("/meld-fra/ko?lukket_side=2", headers=HX)
    return response, ['<li class="card" data-page-start tabindex="-1">', "Lukket nummer", "!queue-closed",
                      "!Høy musikk"]


def _dialogues_page_two(w):
    """issue 19: "show more" of the dialogue meetings answers with the next rows only (the staff see them all)."""
    db.session.add_all(DialogueMeeting(title=f"Dialogmøte nummer {n}", place="Fellesrommet",
                                       starts_at=utcnow() + timedelta(days=n)) for n in range(30))
    db.session.commit()
    response = w.client("staff").get("/dialogmote/?side=2", headers=HX)
    return response, ['<li class="card" data-page-start tabindex="-1">', "Dialogmøte nummer", "!id=\"dialogues\""]


def _notifications_read_all(w):
    db.session.add(Notification(user_id=w.resident.id, kind="issue_reply", subject_type="issue",
                                subject_id=w.issue.id))
    db.session.commit()
    client = w.client("resident")
    assert 'class="count"' in client.get("/varsler/antall").data.decode()  # one unread before
    response = client.post("/varsler/les-alle", headers=HX)
    assert db.session.scalar(select(Notification.read_at)) is not None
    return response, ['id="varsler"', "!" + 'class="count"']


def _signup_changed(w):
    """A sign-up answers with its region and, where names are shown, "Who is coming" out of band."""
    w.event.show_participants = True
    db.session.commit()
    response = w.client("resident").post(f"/arrangementer/{w.event.id}/pamelding", data={"guests": "1"}, headers=HX)
    return response, ['id="signup"', 'id="cancel-signup-form"', '<hx-partial hx-target="#attendees"',
                      'id="attendees"']


CASES = {
    "errors/_alert.html": lambda w: (w.client("resident").get("/saker/999999", headers=HX),
                                     ['id="alert-message"']),
    "events/_past_rows.html": _past_events_page_two,
    "events/_signup.html": lambda w: (w.client("resident").post(f"/arrangementer/{w.event.id}/pamelding",
                                                                data={"guests": "5"}, headers=HX),
                                      ['id="signup"', 'id="guests-error"']),
    "events/_signup_changed.html": _signup_changed,
    "events/_tasks.html": lambda w: (w.client("resident").post(
        f"/arrangementer/{w.event.id}/oppgaver/{w.task.id}/ta", headers=HX), ['id="tasks"', "Bake kake"]),
    "issues/_follow.html": lambda w: (w.client("resident").post(f"/saker/{w.issue.id}/folg", headers=HX),
                                      ['id="follow"', "slutt-a-folge"]),
    "issues/_items.html": _issues_page_two,
    "issues/_list.html": lambda w: (w.client("resident").get("/saker/?q=bakgården", headers=HX),
                                    ['id="issue-list"', "Støy i bakgården"]),
    "issues/_reply.html": lambda w: (w.client("chair").post(
        f"/saker/{w.issue.id}/svar/{w.reply.id}/skjul", data={"reason": "Personangrep"}, headers=HX),
        [f'id="svar-{w.reply.id}"', "Personangrep"]),
    "issues/_reply_deleted.html": lambda w: (w.client("resident").post(
        f"/saker/{w.issue.id}/svar/{w.reply.id}/slett", headers=HX), ['class="reply-deleted"', 'role="status"']),
    "issues/_reply_edit.html": lambda w: (w.client("resident").get(
        f"/saker/{w.issue.id}/svar/{w.reply.id}/rediger", headers=HX),
        [f'id="svar-{w.reply.id}"', f'data-draft="edit-{w.reply.id}"', "Enig, det er ille."]),
    "issues/_reply_form.html": lambda w: (w.client("resident").post(
        f"/saker/{w.issue.id}/svar", data={"body": ""}, headers=HX), ['id="reply-form"', 'id="body-error"']),
    "issues/_reply_posted.html": lambda w: (w.client("resident").post(
        f"/saker/{w.issue.id}/svar", data={"body": "Jeg har ringt vaktmesteren.", "form_token": "f1"}, headers=HX),
        ['id="reply-form"', '<hx-partial hx-target="#replies"', "Jeg har ringt vaktmesteren."]),
    "meetings/_action.html": lambda w: (w.client("staff").post(
        f"/moter/oppfolging/{w.action.id}/ferdig", data={"note": "Bestilt"}, headers=HX),
        [f'id="tiltak-{w.action.id}"', "✓", "Bestilt"]),
    "meetings/_action_list.html": lambda w: (w.client("resident").get("/moter/oppfolging?status=all", headers=HX),
                                             ['id="action-list"', "Bestille kasser"]),
    "meetings/_action_rows.html": _actions_page_two,
    "meetings/_agenda.html": lambda w: (w.client("chair").post(f"/moter/punkt/{w.proposal.id}/godta", headers=HX),
                                        ['id="agenda-region"', "Benk ved lekeplassen"]),
    "meetings/_archive.html": lambda w: (w.client("resident").get("/moter/?q=", headers=HX),
                                         ['id="archive"', "Gamle møterommet"]),
    "meetings/_archive_rows.html": _archive_page_two,
    "meetings/_decision_list.html": lambda w: (w.client("resident").get("/moter/vedtak?q=søppelkasser", headers=HX),
                                               ['id="decision-list"', "Vi kjøper nye søppelkasser."]),
    "meetings/_decision_rows.html": _decisions_page_two,
    "meetings/_minutes_actions.html": lambda w: (w.client("chair").post(
        f"/moter/punkt/{w.item.id}/oppfolging", data={"what": "Skifte pære", "assignee_name": "Vaktmester",
                                                      "notes": "Mørkt i porten", "form_token": "f1"}, headers=HX),
        ['id="minutes-actions"', "Skifte pære", "autofocus", "!Mørkt i porten"]),
    # The notes came back (here: the wording prompt) while an action item was added: the whole form is swapped.
    "meetings/_minutes_form.html": lambda w: (w.client("chair").post(
        f"/moter/punkt/{w.item.id}/oppfolging", data={"what": "Skifte pære", "assignee_name": "Vaktmester",
                                                      "notes": "Narkisene i porten", "form_token": "f2"}, headers=HX),
        ['id="minutes-form"', 'id="notes-wording"', "Skifte pære", "Narkisene i porten"]),
    "meetings/_rsvp.html": lambda w: (w.client("resident").post(f"/moter/{w.meeting.id}/svar",
                                                                data={"answer": "yes"}, headers=HX),
                                      ['id="rsvp"', 'aria-pressed="true"']),
    "meetings/_screen_agenda.html": lambda w: (w.client("chair").get(f"/moter/{w.meeting.id}/skjerm", headers=HX),
                                               ['id="screen-agenda"', "Belysning i porten"]),
    "notifications/_rows.html": _notifications_page_two,
    "notifications/_badge.html": _notifications_read_all,
    "premeeting/_comment_form.html": lambda w: (w.client("resident").post(
        f"/beboermote/sak/{w.pre_item.id}/kommentar", data={"body": ""}, headers=HX),
        [f'id="kommentarskjema-{w.pre_item.id}"', f'id="body-{w.pre_item.id}-error"']),
    "premeeting/_comment_posted.html": lambda w: (w.client("resident").post(
        f"/beboermote/sak/{w.pre_item.id}/kommentar", data={"body": "Det lukter", "form_token": "c1"}, headers=HX),
        [f'id="kommentarskjema-{w.pre_item.id}"', f'hx-target="#kommentarer-{w.pre_item.id}"', "Det lukter"]),
    "premeeting/_raise.html": lambda w: (w.client("resident").post(f"/beboermote/sak/{w.pre_item.id}/ta-opp",
                                                                   headers=HX),
                                         [f'id="raise-{w.pre_item.id}"', "Beboerne vil ta dette opp i naborådet."]),
    "premeeting/_rsvp.html": lambda w: (w.client("resident").post(f"/beboermote/{w.premeeting.id}/svar",
                                                                  data={"coming": "yes"}, headers=HX),
                                        ['id="pm-rsvp"', 'aria-pressed="true"']),
    "reports/_progress.html": lambda w: (w.client("resident").get(f"/meld-fra/{w.report.id}/status",
                                                                          headers=HX),
                                         ['id="report-progress"', 'id="report-state"', 'id="report-handling"']),
    "reports/_handled.html": lambda w: (w.client("staff").post(f"/meld-fra/{w.report.id}/sett", headers=HX),
                                        ['id="report-handling"', 'id="acknowledged"',
                                         f'id="report-status-{w.report.id}" hx-swap-oob="true"']),
    "reports/_text_hint.html": lambda w: (w.client("resident").post(
        "/meld-fra/ordlyd", data={"text": "Fyllefantene ved bussen igjen", "category": "noise"}, headers=HX),
        ['id="text-wording-live"', 'aria-live="polite"', 'id="text-wording"', "«Fyllefantene»"]),
    "reports/_queue_rows.html": _report_queue_page_two,
    "dialogue/_rows.html": _dialogues_page_two,
    "direct/_conversation.html": lambda w: (w.client("resident").post(f"/direkte/{w.conversation.id}/ferdig",
                                                                     headers=HX),
                                            ['id="conversation"', "Ferdig, takk.", "Musikken er litt høy"]),
    "direct/_message_form.html": lambda w: (w.client("chair").post(f"/direkte/medlem/{w.resident.id}",
                                                                   data={"body": ""}, headers=HX),
                                            ['id="message-form"', 'id="body-error"']),
    "reports/_handling.html": lambda w: (w.client("staff").post(f"/meld-fra/{w.report.id}/varsel-sett", headers=HX),
                                         ['id="report-handling"', "!hx-swap-oob"]),
    # Issue 19, item 4: the conversation on a report.
    "reports/_staff_news.html": lambda w: (w.client("staff").get(f"/meld-fra/{w.report.id}/status?apen=0",
                                                                 headers=HX),
                                           ['id="report-conversation"', 'hx-trigger="every',
                                            f'id="report-status-{w.report.id}" hx-swap-oob="true"',
                                            'id="report-queue-counts" hx-swap-oob="true"',
                                            'id="staff-actions" class="card staff-actions" hx-swap-oob="true"']),
    "reports/_reply.html": lambda w: (w.client("resident").post(f"/meld-fra/{w.report.id}/melding",
                                                                data={"kind": "message", "text": " "}, headers=HX),
                                      ['id="report-reply"', 'id="text-error"', 'id="still-happening"']),
    "reports/_replied.html": lambda w: (w.client("resident").post(
        f"/meld-fra/{w.report.id}/melding", data={"kind": "message", "text": "Det holder på ennå", "form_token": "m1"},
        headers=HX), ['id="report-reply"', 'id="report-progress" class="report-progress" hx-swap-oob="true"',
                      "Det holder på ennå", "autofocus"]),
}
# The root element each fragment must start with (its stable id), where it has one.
ROOTS = {
    "errors/_alert.html": "alert-message", "events/_signup.html": "signup", "events/_tasks.html": "tasks",
    "events/_signup_changed.html": "signup",
    "issues/_follow.html": "follow", "issues/_list.html": "issue-list", "issues/_reply_form.html": "reply-form",
    "issues/_reply_posted.html": "reply-form", "meetings/_action_list.html": "action-list",
    "meetings/_agenda.html": "agenda-region", "meetings/_archive.html": "archive",
    "meetings/_decision_list.html": "decision-list", "meetings/_minutes_actions.html": "minutes-actions",
    "meetings/_minutes_form.html": "minutes-form", "meetings/_rsvp.html": "rsvp",
    "meetings/_screen_agenda.html": "screen-agenda", "notifications/_badge.html": "varsler",
    "premeeting/_rsvp.html": "pm-rsvp", "reports/_handled.html": "report-handling",
    "reports/_handling.html": "report-handling", "reports/_progress.html": "report-progress",
    "reports/_text_hint.html": "text-wording-live",
    "direct/_conversation.html": "conversation", "direct/_message_form.html": "message-form",
    "reports/_staff_news.html": "report-conversation", "reports/_reply.html": "report-reply",
    "reports/_replied.html": "report-reply",
}


@pytest.mark.parametrize("fragment", sorted(CASES))
def test_fragment_is_answered_to_htmx_with_its_content(world, rendered, fragment):
    response, markers = CASES[fragment](world)
    html = response.get_data(as_text=True)
    assert rendered and rendered[-1] == fragment, rendered
    assert "HX-Request" in response.headers.get("Vary", "")
    assert "<main" not in html and "<html" not in html
    for marker in markers:
        if marker.startswith("!"):
            assert marker[1:] not in html, marker
        else:
            assert marker in html, marker
    if fragment in ROOTS:
        assert root_id(html) == ROOTS[fragment], html[:200]


def test_every_fragment_template_is_requested():
    files = {p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("_*.html") if p.parent.name != "_macros"}
    never_requested = files - set(CASES) - set(INCLUDED_ONLY)
    assert not never_requested, f"fragments no test requests with HX-Request (add a case, or to INCLUDED_ONLY): " \
                                f"{sorted(never_requested)}"
    assert not (set(CASES) | set(INCLUDED_ONLY)) - files, "a case or INCLUDED_ONLY names a template that is gone"
    assert not set(CASES) & set(INCLUDED_ONLY)
    assert set(ROOTS) <= set(CASES)


def test_included_only_partials_are_never_rendered_by_a_view():
    sources = "\n".join(p.read_text() for p in (ROOT / "naborad").rglob("*.py"))
    rendered_by_code = [name for name in INCLUDED_ONLY if f'"{name}"' in sources]
    assert not rendered_by_code, f"a view renders these, so they need a case in CASES: {rendered_by_code}"


# -- an invalid form answers 422 with its errors, beside the fields --------------------------------

def error_text(html: str, field_id: str) -> str | None:
    """The error shown for the input `field_id` (field() and the hand-written inputs write the same)."""
    match = re.search(rf'<p class="error" id="{re.escape(field_id)}-error">([^<]+)</p>', html)
    return match.group(1).strip() if match else None


def described_by_error(html: str, field_id: str) -> bool:
    """The input (or fieldset) points to its error with aria-describedby."""
    return re.search(rf'aria-describedby="[^"]*\b{re.escape(field_id)}-error\b', html) is not None


# Forms that post with htmx: who posts, where, what, the fragment htmx gets, and the id of the input whose
# error shows (the same in the fragment and in the page a plain POST gets, unless a pair is given).
HTMX_FORMS = {
    "events.sign_up": lambda w: ("resident", f"/arrangementer/{w.event.id}/pamelding", {"guests": "5"},
                                 "events/_signup.html", "guests"),
    "events.add_task": lambda w: ("staff", f"/arrangementer/{w.event.id}/oppgaver", {"title": "", "slots": "1"},
                                  "events/_tasks.html", "title"),
    "issues.reply": lambda w: ("resident", f"/saker/{w.issue.id}/svar", {"body": " "}, "issues/_reply_form.html",
                               "body"),
    "issues.edit_reply": lambda w: ("resident", f"/saker/{w.issue.id}/svar/{w.reply.id}/rediger", {"body": ""},
                                    "issues/_reply_edit.html", "body"),
    "issues.hide_reply": lambda w: ("chair", f"/saker/{w.issue.id}/svar/{w.reply.id}/skjul", {"reason": ""},
                                    "issues/_reply.html", f"hide-reason-{w.reply.id}"),
    "meetings.rsvp": lambda w: ("resident", f"/moter/{w.meeting.id}/svar", {"answer": "perhaps"},
                                "meetings/_rsvp.html", "rsvp"),
    "meetings.item_settings": lambda w: ("chair", f"/moter/punkt/{w.item.id}/innstillinger",
                                         {"minutes_planned": "999"}, "meetings/_agenda.html",
                                         (f"minutes-{w.item.id}", "minutes_planned")),
    "meetings.move": lambda w: ("chair", f"/moter/punkt/{w.proposal.id}/flytt", {"meeting_id": "999999"},
                                "meetings/_agenda.html", f"move-{w.proposal.id}"),
    "meetings.mark_done": lambda w: ("staff", f"/moter/oppfolging/{w.action.id}/ferdig", {"note": "x" * 301},
                                     "meetings/_action.html", f"note-{w.action.id}"),
    "premeeting.comment": lambda w: ("resident", f"/beboermote/sak/{w.pre_item.id}/kommentar", {"body": ""},
                                     "premeeting/_comment_form.html", f"body-{w.pre_item.id}"),
    "premeeting.rsvp": lambda w: ("resident", f"/beboermote/{w.premeeting.id}/svar", {},
                                  "premeeting/_rsvp.html", "pm-rsvp"),
    "reports.respond": lambda w: ("staff", f"/meld-fra/{w.report.id}/svar", {"response": ""},
                                  "reports/_handling.html", "response"),
    "reports.close": lambda w: ("staff", f"/meld-fra/{w.report.id}/lukk", {"outcome": ""},
                                "reports/_handling.html", "outcome"),
    "direct.answer": lambda w: ("resident", f"/direkte/{w.conversation.id}/svar", {"body": "x" * 501},
                                "direct/_conversation.html", "body"),
    "direct.member": lambda w: ("chair", f"/direkte/medlem/{w.resident.id}", {"body": ""},
                                "direct/_message_form.html", "body"),
    "reports.reply": lambda w: ("resident", f"/meld-fra/{w.report.id}/melding", {"kind": "message", "text": ""},
                                "reports/_reply.html", "text"),
}


@pytest.mark.parametrize("endpoint", sorted(HTMX_FORMS))
def test_invalid_htmx_form_answers_422_with_its_errors(world, rendered, endpoint):
    who, url, data, fragment, field_id = HTMX_FORMS[endpoint](world)
    fragment_field, page_field = field_id if isinstance(field_id, tuple) else (field_id, field_id)
    client = world.client(who)

    swapped = client.post(url, data=data, headers=HX)
    html = swapped.get_data(as_text=True)
    assert swapped.status_code == 422 and "<main" not in html
    assert rendered[-1] == fragment and "HX-Request" in swapped.headers["Vary"]
    assert error_text(html, fragment_field) and described_by_error(html, fragment_field), html

    page = client.post(url, data=data)  # without JavaScript: the page, with the same error
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "<main" in html
    assert error_text(html, page_field) and described_by_error(html, page_field), html


# Forms that post without htmx (a page of their own): the page comes back with 422 and the errors.
PAGE_FORMS = {
    "issues.new": lambda w: ("resident", "/saker/ny", {"title": "", "body": "", "category": "noise"}, "title"),
    "issues.set_status": lambda w: ("chair", f"/saker/{w.issue.id}/status", {"status": "nonsense"}, "status"),
    "meetings.propose": lambda w: ("resident", f"/moter/{w.meeting.id}/foresla", {"title": ""}, "title"),
    "meetings.cancel": lambda w: ("chair", f"/moter/{w.meeting.id}/avlys", {"message": ""}, "message"),
    "meetings.decline": lambda w: ("chair", f"/moter/punkt/{w.proposal.id}/avvis", {"reason": ""}, "reason"),
    "events.add_participant": lambda w: ("staff", f"/arrangementer/{w.event.id}/deltakere", {"name": ""}, "name"),
    "premeeting.propose": lambda w: ("resident", f"/beboermote/{w.premeeting.id}/foresla", {"title": ""}, "title"),
    "reports.new": lambda w: ("resident", "/meld-fra/", {"category": "noise", "text": ""}, "text"),
    "meetings.drop": lambda w: ("chair", f"/moter/{w.meeting.id}/videreforing/{w.decided.id}/slipp", {"reason": ""},
                                "reason"),
    "meetings.pause": lambda w: ("staff", "/moter/pause", {"message": ""}, "message"),
}


@pytest.mark.parametrize("endpoint", sorted(PAGE_FORMS))
def test_invalid_page_form_answers_422_with_its_errors(world, endpoint):
    who, url, data, field_id = PAGE_FORMS[endpoint](world)
    response = world.client(who).post(url, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<main" in html
    assert error_text(html, field_id) and described_by_error(html, field_id), html
