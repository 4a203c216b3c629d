"""Small helpers and constants shared by the test modules (fixtures live in conftest.py)."""
import http.cookiejar
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from datetime import date, timedelta
from datetime import time as clock

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from naborad.extensions import db
from naborad.models import (
    ActionItem,
    AgendaItem,
    AgreementChange,
    AgreementItem,
    CalendarFeed,
    ContactPoint,
    Conversation,
    CouncilSetting,
    DialogueMeeting,
    DirectMessage,
    EmailChange,
    Event,
    Guidance,
    Invitation,
    Issue,
    ItemState,
    LetterRun,
    Meeting,
    MeetingGuest,
    MeetingSeries,
    MeetingStatus,
    Notification,
    PasswordReset,
    PreItemState,
    PreMeeting,
    PreMeetingComment,
    PreMeetingItem,
    Reply,
    Role,
    RotaDays,
    RotaMember,
    RotaSlot,
    Signup,
    SituationReport,
    VolunteerTask,
    utcnow,
)
from naborad.reports.patterns import pattern_key
from naborad.tokens import code_hash, sha256

HX = {"HX-Request": "true"}  # an htmx request that swaps part of the page
# A server started as a process of its own (gunicorn, flask run-jobs) hashes passwords as cheaply as the tests'
# own app: production's argon2 cost (about 0.3 s of CPU a login) would only slow the tests that log members in
# there, and a test member's cheap hash would be made anew at every login.
CHEAP_ARGON2_ENV = {"NABORAD_ARGON2_TIME_COST": "1", "NABORAD_ARGON2_MEMORY_COST": "8", "NABORAD_ARGON2_PARALLELISM": "1"}

# The secrets behind the sample invitation, password reset and calendar feed (build_samples).
INVITE_CODE = "ABCDE-FGHJK"
RESET_TOKEN = "r" * 43
FEED_TOKEN = "f" * 43
EMAIL_TOKEN = "e" * 43  # the sample member's waiting email change
GUEST_TOKEN = "g" * 43  # the sample guest link for one meeting (issue 22)


def count(model, *where) -> int:
    """Rows of a model (matching the conditions), read fresh."""
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@contextmanager
def count_queries():
    """Collect the SQL statements run inside the block, as the bench counts them: without BEGIN (ours on SQLite,
    none on PostgreSQL, whose driver begins by itself), so a count is the same on both databases."""
    queries = []

    def before(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith("BEGIN"):
            queries.append(statement)
    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield queries
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


@contextmanager
def lazy_loads():
    """Collect the lazy loads (an attribute read that runs a query of its own, as in a template's loop) of every
    session inside the block, as (class of the object read, the statement): a page that loads what it shows up
    front has none."""
    found = []

    def check(state):
        if state.lazy_loaded_from is not None:
            found.append((type(state.lazy_loaded_from.obj()).__name__, str(state.statement)))
    event.listen(Session, "do_orm_execute", check)
    try:
        yield found
    finally:
        event.remove(Session, "do_orm_execute", check)


def queries_for(client, url) -> int:
    """How many SQL statements a page (answering 200) takes; the request before it warms the session up."""
    client.get(url)
    with count_queries() as queries:
        assert client.get(url).status_code == 200, url
    return len(queries)


def free_port() -> int:
    """A local TCP port nobody listens on (yet)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_samples(make_user) -> dict:
    """One thing of every kind the matrix's paths name, none of them the visitor's own; returns their ids."""
    member = make_user(Role.NEIGHBOUR, "sample")
    invitation = Invitation(code_hash=code_hash(INVITE_CODE), role=Role.RESIDENT,
                            expires_at=utcnow() + timedelta(days=14))
    db.session.add(invitation)
    db.session.add(PasswordReset(token_hash=sha256(RESET_TOKEN), user_id=member.id,
                                 expires_at=utcnow() + timedelta(hours=1)))
    db.session.add(EmailChange(user_id=member.id, new_email="sample-new@example.org", token_hash=sha256(EMAIL_TOKEN),
                               expires_at=utcnow() + timedelta(hours=24)))
    issue = Issue(title="Sample", body="x", category="other", author_id=member.id, search_text="sample")
    db.session.add(issue)
    db.session.flush()
    reply = Reply(issue_id=issue.id, author_id=member.id, body="x")
    db.session.add(reply)
    contact_point = ContactPoint(label="Sample", phone="112")
    report = SituationReport(category="noise", text="x", reporter_id=member.id)
    db.session.add_all([contact_point, report])
    db.session.flush()
    guidance = Guidance(situation="Sample", advice="x", contact_point_id=contact_point.id)
    rota_member = RotaMember(position=1, contact_point_id=contact_point.id)
    db.session.add_all([guidance, rota_member])
    db.session.flush()
    rota_slot = RotaSlot(member_id=rota_member.id, days=RotaDays.WEEKDAYS, starts=clock(8), ends=clock(16))
    db.session.add(rota_slot)
    event = Event(title="Sample", starts_at=utcnow() + timedelta(days=7), ends_at=utcnow() + timedelta(days=7, hours=2))
    db.session.add(event)
    db.session.flush()
    event_task = VolunteerTask(event_id=event.id, title="Sample", slots=100)
    event_signup = Signup(event_id=event.id, user_id=member.id, status="confirmed")
    db.session.add_all([event_task, event_signup])
    db.session.flush()
    meeting = Meeting(starts_at=utcnow() + timedelta(days=10), place="Sample")  # meetings (issue 5)
    held = Meeting(starts_at=utcnow() - timedelta(days=1), place="Sample", status=MeetingStatus.HELD)
    approved = Meeting(starts_at=utcnow() - timedelta(days=60), place="Sample", status=MeetingStatus.APPROVED)
    db.session.add_all([meeting, held, approved])
    db.session.flush()
    item = AgendaItem(meeting_id=meeting.id, title="Draft item", state=ItemState.ACCEPTED, issue_id=issue.id)
    old_item = AgendaItem(meeting_id=approved.id, title="Old item", state=ItemState.ACCEPTED)
    db.session.add_all([item, old_item])
    db.session.flush()
    action = ActionItem(agenda_item_id=old_item.id, meeting_id=approved.id, what="x", assignee_id=member.id)
    db.session.add(action)
    resident = make_user(Role.RESIDENT, "sampleresident")
    premeeting = PreMeeting(meeting_id=meeting.id, starts_at=utcnow() + timedelta(days=5), place="Sample")
    db.session.add(premeeting)
    db.session.flush()
    pitem = PreMeetingItem(premeeting_id=premeeting.id, agenda_item_id=item.id, title="Sample",
                           state=PreItemState.ACCEPTED, summary="x")
    db.session.add(pitem)
    db.session.flush()
    pcomment = PreMeetingComment(item_id=pitem.id, author_id=resident.id, body="x")
    db.session.add(pcomment)
    notification = Notification(user_id=member.id, kind="issue_reply", subject_type="issue", subject_id=issue.id)
    db.session.add_all([notification, CalendarFeed(user_id=member.id, token_hash=sha256(FEED_TOKEN))])
    conversation = Conversation(starter_id=member.id, receiver_id=resident.id)  # the direct line (issue 18)
    db.session.add(conversation)
    db.session.flush()
    db.session.add(DirectMessage(conversation_id=conversation.id, author_id=member.id, body="x"))
    decision = AgendaItem(meeting_id=approved.id, title="Agreement", state=ItemState.ACCEPTED, decision="x")
    agreement_item = AgreementItem(text="Sample", responsible="council", review_date=date(2030, 1, 1))
    db.session.add_all([decision, agreement_item])  # the good-neighbour agreement (issue 20)
    db.session.flush()
    db.session.add(AgreementChange(item_id=agreement_item.id, decision_id=decision.id, proposed=True, text="Sample",
                                   responsible="council", status="kept", review_date=date(2030, 1, 1)))
    # Issue 19: a pattern of repeated reports (three of one category at one place), and a dialogue meeting that
    # invites nobody visiting (so only staff may read it).
    db.session.add_all([SituationReport(category="litter", text="x", place="Sample", reporter_id=member.id)
                        for _ in range(3)])
    dialogue = DialogueMeeting(title="Sample", starts_at=utcnow() + timedelta(days=3), place="Sample",
                               invitees=[member])
    db.session.add(dialogue)
    # Starting a council (issue 22): a guest link, a letter run, the guided start's two meetings.
    guest = MeetingGuest(meeting_id=meeting.id, token_hash=sha256(GUEST_TOKEN), label="Sample")
    letter_run = LetterRun(letters=1)
    db.session.add_all([guest, letter_run, CouncilSetting(key="start", value={"mapping": meeting.id,
                                                                             "proposals": meeting.id})])
    db.session.flush()
    series = MeetingSeries(rule="weeks", interval=6, weekday=1, at="18:00", starts_on=date.today(), place="Sample")
    db.session.add(series)  # a meeting series (issue 21), with no meetings made
    db.session.commit()
    return {"guest": guest.id, "letter_run": letter_run.id,
            "meeting": meeting.id, "item": item.id, "held": held.id, "action": action.id,
            "notification": notification.id,
            "resident": resident.id, "premeeting": premeeting.id, "pitem": pitem.id, "pcomment": pcomment.id,
            "event": event.id, "task": event_task.id, "signup": event_signup.id,
            "member": member.id, "invitation": invitation.id, "issue": issue.id, "reply": reply.id,
            "contact_point": contact_point.id, "guidance": guidance.id, "report": report.id,
            "rota_member": rota_member.id, "rota_slot": rota_slot.id, "conversation": conversation.id,
            "agreement_item": agreement_item.id,
            "dialogue": dialogue.id, "pattern": pattern_key("litter", "sample"),
            "old_item": old_item.id, "series": series.id}


# -- a real server: gunicorn with several worker processes, and a client that keeps cookies -------------

class Browser:
    """A tiny cookie-keeping HTTP client that does not follow redirects (it sees the 303 itself)."""

    def __init__(self, base):
        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  NoRedirect)

    def request(self, path, data=None):
        """(status, body) of a GET, or of a form POST when `data` is given."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


@contextmanager
def gunicorn(database_url: str, *, workers: int, threads: int = 1):
    """The app under gunicorn on a free port over `database_url`, as production runs it; -> its base URL.
    (CSRF stays on: a Browser fetches tokens like a real one.)"""
    from naborad import ROOT
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, **CHEAP_ARGON2_ENV, "NABORAD_DATABASE_URL": database_url,
           "NABORAD_SECRET_KEY": "test-secret-key-for-gunicorn",
           "NABORAD_BASE_URL": base, "NABORAD_RATELIMIT_STORAGE_URL": "memory://",
           "NABORAD_TWO_FACTOR_REQUIRED": "false"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", str(threads),
                               "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
                              cwd=str(ROOT), env=env)
    try:
        for _ in range(200):
            try:
                if Browser(base).request("/logg-inn")[0] == 200:
                    break
            except OSError:
                time.sleep(0.05)
        else:
            raise AssertionError("gunicorn did not start")
        yield base
    finally:
        server.terminate()
        try:
            server.wait(30)  # a loaded machine takes its time to stop the workers of a big app
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)

