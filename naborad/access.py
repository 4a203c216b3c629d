"""Who may read and act: roles, the per-endpoint policy, visibility queries and object loaders.

PERMISSIONS.md (shared) is the contract; tests/test_access.py walks every endpoint as every kind of
visitor and checks that these declarations agree with it.

Every endpoint declares who may use it with one of the decorators below; an endpoint without a
declaration answers 404 (fail closed). `@allow(READERS, acts=ACTORS)` says two things:

- a logged-in member whose role is not among READERS gets 404 at once;
- a reader who is not among ACTORS may load the object (a visitor who may not *see* it gets 404,
  so a draft agenda item never becomes a 403 that reveals it exists) and then gets 403. The check
  runs in the object loaders below (`get_*_or_404`), right after the visibility check; a view
  whose actors were not checked by a loader can neither commit nor answer (fail closed).
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from flask import abort, current_app, g, has_request_context, request, url_for
from flask_login import current_user
from sqlalchemy import bindparam, event, false, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from .extensions import db
from .htmx import redirect_to
from .models import (
    ActionItem,
    AgendaItem,
    AgreementItem,
    ChairSeat,
    Conversation,
    DialogueInvitee,
    DialogueMeeting,
    Event,
    Invitation,
    Issue,
    ItemState,
    Meeting,
    MeetingGuest,
    MeetingSeries,
    MeetingStatus,
    PreItemState,
    PreMeeting,
    PreMeetingComment,
    PreMeetingItem,
    Reply,
    Role,
    SituationReport,
    User,
)

MEMBERS = frozenset(Role)
MODERATORS = frozenset({Role.CHAIR, Role.STAFF})
# Events are organised by the chair and the staff.
ORGANISERS = MODERATORS
STAFF = frozenset({Role.STAFF})
# The residents' pre-meeting is the residents' own room: residents and staff, nobody else (404).
PREMEETING = frozenset({Role.RESIDENT, Role.STAFF})


# -- who a member is (the predicates every feature, template and notification check uses) -------

def is_moderator(user) -> bool:
    """Chair and staff moderate issues and the council agenda."""
    return user.is_authenticated and user.role in MODERATORS


def is_organiser(user) -> bool:
    """Chair and staff create and change events and see participant lists."""
    return user.is_authenticated and user.role in ORGANISERS


def is_staff(user) -> bool:
    return user.is_authenticated and user.role == Role.STAFF


def holds_chair_seat(user) -> bool:
    """The chair or the deputy chair (the deputy has exactly the chair's rights)."""
    return (user.is_authenticated and user.role == Role.CHAIR
            and user.chair_seat in (ChairSeat.CHAIR, ChairSeat.DEPUTY))


def in_premeeting(user) -> bool:
    """Residents and staff, the only members who know the residents' pre-meeting exists."""
    return user.is_authenticated and user.role in PREMEETING


# -- the per-endpoint policy ---------------------------------------------------------

@dataclass(frozen=True)
class Actors:
    """Who may act: roles, and optionally a further test of the member (e.g. holds the chair seat)."""
    roles: frozenset
    test: Callable | None = None

    def admit(self, user) -> bool:
        return user.role in self.roles and (self.test is None or self.test(user))


# Approving minutes: the chair or the deputy, holding the seat.
CHAIR_SEAT = Actors(frozenset({Role.CHAIR}), holds_chair_seat)


@dataclass(frozen=True)
class Policy:
    kind: str  # "public", "secret_link" or "roles"
    roles: frozenset = field(default_factory=frozenset)
    # Who may act once the object is loaded; None: every reader.
    acts: Actors | None = None
    # A form view checks CSRF itself (so an expired token re-renders the form).
    form_csrf: bool = False

    @property
    def actor_roles(self) -> frozenset:
        return self.roles if self.acts is None else self.acts.roles


def _mark(policy: Policy):
    def decorator(view):
        view.access_policy = policy
        return view
    return decorator


def public(view=None, *, form_csrf: bool = False):
    """Anyone, logged in or not."""
    mark = _mark(Policy("public", form_csrf=form_csrf))
    return mark(view) if view is not None else mark


def secret_link(view):
    """Checks a token in the URL itself and answers 404 to a wrong one."""
    return _mark(Policy("secret_link"))(view)


def _roles(groups) -> frozenset:
    return frozenset(r for group in groups for r in ((group,) if isinstance(group, Role) else group))


def allow(*roles, acts=None, form_csrf: bool = False):
    """Logged-in members of these roles may read; `acts` (roles or Actors) may act, the other readers get 403."""
    readers = _roles(roles)
    actors = None if acts is None else acts if isinstance(acts, Actors) else Actors(_roles([acts]))
    policy = Policy("roles", readers, actors, form_csrf)

    def decorator(view):
        if actors is None:
            return _mark(policy)(view)

        @functools.wraps(view)
        def guarded(*args, **kwargs):
            g.acts_unchecked = not actors.admit(current_user)
            try:
                response = view(*args, **kwargs)
                if g.get("acts_unchecked"):  # no loader checked the actor: fail closed
                    db.session.rollback()
                    abort(403)
                return response
            finally:
                g.pop("acts_unchecked", None)
        return _mark(policy)(guarded)
    return decorator


def check_acts():
    """After an object is loaded and visible: a reader who may not act on it gets 403."""
    if g.pop("acts_unchecked", False):
        abort(403)


@event.listens_for(Session, "before_commit")
def _refuse_unchecked_commit(session):
    """A view whose actors were not checked never writes (see `allow`)."""
    if has_request_context() and g.get("acts_unchecked"):
        abort(403)


# Endpoints that Flask itself registers.
BUILTIN_PUBLIC = {"static"}


def policy_for(endpoint: str | None) -> Policy | None:
    if endpoint in BUILTIN_PUBLIC:
        return Policy("public")
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access_policy", None)


def enforce_policy():
    """before_request: apply the endpoint's policy."""
    if request.endpoint is None:
        return None  # routing failed; Flask answers 404/405 itself
    policy = policy_for(request.endpoint)
    if policy is None:
        abort(404)
    if policy.kind in ("public", "secret_link"):
        return None
    if not current_user.is_authenticated:
        # A session that waits for the second factor is no login: it may use the code page alone.
        login = "auth.two_factor_code" if g.get("second_factor_pending") else "auth.login"
        return redirect_to(url_for(login, next=_next_target()))
    if current_user.role in policy.roles:
        return _enrolment_first()
    abort(404)


# What a member who must have a second factor but has none yet may use (besides the public pages).
ENROLMENT_ENDPOINTS = frozenset({"auth.two_factor", "auth.two_factor_start", "auth.logout"})


def _enrolment_first():
    """The chair and staff (where TWO_FACTOR_REQUIRED) set up their second factor before anything else."""
    from .auth.second_factor import must_enrol  # cycle: auth -> notifications.service -> access

    if request.endpoint in ENROLMENT_ENDPOINTS or not must_enrol(current_user):
        return None
    return redirect_to(url_for("auth.two_factor", next=_next_target()))


def _next_target() -> str | None:
    """Where to go back to after logging in: this page, or for htmx the page the request came from."""
    if request.headers.get("HX-Request") == "true":
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        if current.netloc == request.host and current.path:
            return safe_next(current.path + (f"?{current.query}" if current.query else ""))
        return None
    if request.method != "GET":
        return None
    return safe_next(request.full_path if request.query_string else request.path)


# Anything a browser might read as the start of another host, or that breaks a header.
_UNSAFE_IN_NEXT = re.compile(r"[\x00-\x20\x7f\\]")


def safe_next(target: str | None) -> str | None:
    """A redirect target from the visitor (`next`, HX-Current-URL): only a path on this site, written in
    printable ASCII with no whitespace, control character or backslash, with no scheme or host, and no
    path that starts with two slashes even once percent-decoded ("/%2F/evil.example"). Else None."""
    if not target or not target.isascii() or _UNSAFE_IN_NEXT.search(target):
        return None
    parts = urlsplit(target)
    path = unquote(parts.path)
    if (target.startswith("//") or parts.scheme or parts.netloc or not path.startswith("/") or path.startswith("//")
            or _UNSAFE_IN_NEXT.search(path)):
        return None
    return target


def require(condition: bool, *, visible: bool = True):
    """In a view: 403 when the thing is visible but the action is not allowed, else 404."""
    if not condition:
        abort(403 if visible else 404)


def _found(thing):
    """The common end of every loader: 404 if not visible, then the actors check."""
    if thing is None:
        abort(404)
    check_acts()
    return thing


# -- visibility of things, and the one loader per kind of thing ---------------------------

def visible_issues(user):
    """Every member reads every issue thread (PERMISSIONS.md: issues R for all members). get_issue_or_404
    builds its statement from this once, as it holds nothing of the user: a rule per user must change that."""
    return select(Issue)


@functools.lru_cache(maxsize=1)
def _issue_statement():
    # Built once (the thread page's hot path); visible_issues takes no user part today (every member reads
    # every issue): should it ever, this must be built per user again.
    return visible_issues(None).where(Issue.id == bindparam("issue_id")).options(joinedload(Issue.author))


def get_issue_or_404(issue_id: int) -> Issue:
    return _found(db.session.scalar(_issue_statement(), {"issue_id": issue_id}))


def get_issue_view_or_404(issue_id: int, read):
    """The issue as its thread page reads it, with whether the member follows it, in one query: `read(issue_id,
    member)` is issues.service.issue_view (columns, not an ORM object, for the page that is read most; built on
    visible_issues). Passed in rather than imported: this module may not import a module that writes council
    rows (tests/test_premeeting_boundary.py). 404 as get_issue_or_404."""
    return _found(read(issue_id, current_user))


def get_reply_or_404(issue: Issue, reply_id: int) -> Reply:
    return _found(db.session.scalar(select(Reply).where(Reply.id == reply_id, Reply.issue_id == issue.id)
                                    .options(joinedload(Reply.author), joinedload(Reply.hidden_by))))


def may_change_reply(user, reply: Reply) -> bool:
    """Edit or delete a reply: its author only (moderators hide, they do not rewrite)."""
    return reply.author_id == user.id


def may_reply(user, issue: Issue) -> bool:
    """A locked thread takes replies from moderators only."""
    return not issue.locked or is_moderator(user)


def visible_events(user):
    """Every member reads every event (PERMISSIONS.md: events R for all members)."""
    return select(Event)


def get_event_or_404(event_id: int, *options) -> Event:
    return _found(db.session.scalar(visible_events(current_user).where(Event.id == event_id).options(*options)))


def visible_meetings(user):
    """Every member sees that a meeting is planned; what is in it is filtered below."""
    return select(Meeting)


def get_meeting_or_404(meeting_id: int) -> Meeting:
    return _found(db.session.scalar(visible_meetings(current_user).where(Meeting.id == meeting_id)))


def agenda_visible(user, meeting) -> bool:
    """The agenda as a whole (projector, print): moderators always, members once it is published."""
    return meeting.agenda_public or is_moderator(user)


def _published(meeting):
    """The condition on a meeting's agenda items that every member may read: accepted, once published."""
    return AgendaItem.state == ItemState.ACCEPTED if meeting.agenda_public else false()


def visible_agenda_items(user, meeting):
    """Moderators see the draft and the proposals; members the published agenda and their own proposals."""
    stmt = select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
    if is_moderator(user):
        return stmt
    return stmt.where(or_(_published(meeting), AgendaItem.proposer_id == user.id))


def published_agenda_items(meeting):
    """What any member may read of an agenda, whoever reads it (a print for a notice board): the accepted
    items once the agenda is published; nobody's own proposals."""
    return select(AgendaItem).where(AgendaItem.meeting_id == meeting.id, _published(meeting))


def get_agenda_item_or_404(item_id: int) -> AgendaItem:
    item = db.session.scalar(select(AgendaItem).where(AgendaItem.id == item_id)
                             .options(joinedload(AgendaItem.meeting)))
    if item is None:
        abort(404)
    if is_moderator(current_user):  # visible_agenda_items: every item of the meeting, so no query to ask
        return _found(item)
    visible = db.session.scalar(visible_agenda_items(current_user, item.meeting)
                                .where(AgendaItem.id == item.id).with_only_columns(AgendaItem.id))
    return _found(item if visible is not None else None)


def minutes_visible(user, meeting) -> bool:
    """Notes, decisions and action items: moderators always, members once the minutes are approved."""
    return is_moderator(user) or meeting.minutes_public


def visible_action_items(user):
    """Action items of approved minutes, plus the ones given to this member (seen at once)."""
    stmt = select(ActionItem).join(ActionItem.meeting)
    if is_moderator(user):
        return stmt
    return stmt.where(or_(Meeting.status == MeetingStatus.APPROVED, ActionItem.assignee_id == user.id))


def get_action_item_or_404(action_id: int) -> ActionItem:
    return _found(db.session.scalar(visible_action_items(current_user).where(ActionItem.id == action_id)
                                    .options(joinedload(ActionItem.assignee), joinedload(ActionItem.meeting))))


def may_mark_done(user, action: ActionItem) -> bool:
    """The person given the action item, or a moderator."""
    return action.assignee_id == user.id or is_moderator(user)


def visible_premeetings(user):
    """Residents and staff only; everyone else gets nothing (and the views answer 404)."""
    stmt = select(PreMeeting)
    return stmt if in_premeeting(user) else stmt.where(false())


def get_premeeting_or_404(premeeting_id: int) -> PreMeeting:
    return _found(db.session.scalar(visible_premeetings(current_user).where(PreMeeting.id == premeeting_id)))


def visible_premeeting_items(user, premeeting):
    """Staff see every item; residents the accepted ones and their own proposals."""
    stmt = select(PreMeetingItem).where(PreMeetingItem.premeeting_id == premeeting.id)
    if is_staff(user):
        return stmt
    if not in_premeeting(user):
        return stmt.where(false())
    return stmt.where(or_(PreMeetingItem.state == PreItemState.ACCEPTED, PreMeetingItem.proposer_id == user.id))


def get_premeeting_item_or_404(item_id: int) -> PreMeetingItem:
    item = db.session.scalar(select(PreMeetingItem).where(PreMeetingItem.id == item_id)
                             .options(joinedload(PreMeetingItem.premeeting)))
    if item is None or not in_premeeting(current_user):
        abort(404)
    visible = db.session.scalar(visible_premeeting_items(current_user, item.premeeting)
                                .where(PreMeetingItem.id == item.id).with_only_columns(PreMeetingItem.id))
    return _found(item if visible is not None else None)


def get_premeeting_comment_or_404(comment_id: int) -> tuple[PreMeetingComment, PreMeetingItem]:
    """A comment, with its item: visible where its item is."""
    comment = db.session.get(PreMeetingComment, comment_id) if in_premeeting(current_user) else None
    if comment is None:
        abort(404)
    return comment, get_premeeting_item_or_404(comment.item_id)


def visible_reports(user):
    """Staff see every situation report; a member sees their own."""
    stmt = select(SituationReport)
    return stmt if is_staff(user) else stmt.where(SituationReport.reporter_id == user.id)


def get_report_or_404(report_id: int) -> SituationReport:
    """Someone else's report does not exist to a member (404)."""
    return _found(db.session.scalar(
        visible_reports(current_user).where(SituationReport.id == report_id)
        .options(joinedload(SituationReport.reporter), joinedload(SituationReport.acknowledged_by),
                 joinedload(SituationReport.closed_by))))


def get_member_or_404(user_id: int) -> User:
    """A member's own record (contact details, role): staff only, by the endpoints' policy."""
    return _found(db.session.get(User, user_id))


def get_invitation_or_404(invitation_id: int) -> Invitation:
    return _found(db.session.get(Invitation, invitation_id))


def visible_conversations(user):
    """A direct-line conversation is its two members' own; staff also read one that either of them reported
    (PERMISSIONS.md: the direct line). Anyone else: it does not exist (404)."""
    mine = or_(Conversation.starter_id == user.id, Conversation.receiver_id == user.id)
    if is_staff(user):
        mine = or_(mine, Conversation.reported_at.is_not(None))
    return select(Conversation).where(mine)


def get_conversation_or_404(conversation_id: int, *, act: bool = False) -> Conversation:
    """A conversation the visitor may read; `act` (answer, done, block, report): one of the two only, so
    staff reading a reported one get 403."""
    conversation = _found(db.session.scalar(
        visible_conversations(current_user).where(Conversation.id == conversation_id)
        .options(joinedload(Conversation.starter), joinedload(Conversation.receiver))))
    if act:
        require(conversation.has(current_user))
    return conversation


# -- the good-neighbour agreement (issue 20) ----------------------------------------------

def visible_agreement_items(user):
    """Every member reads the whole agreement (PERMISSIONS.md); chair and staff change it, by the policy."""
    return select(AgreementItem)


def get_agreement_item_or_404(item_id: int) -> AgreementItem:
    return _found(db.session.scalar(visible_agreement_items(current_user).where(AgreementItem.id == item_id)))


def visible_dialogues(user):
    """A dialogue meeting (issue 19): staff see every one; a member the ones they are invited to. To anyone
    else it does not exist (404), and no council list, feed or statistic reads this model."""
    stmt = select(DialogueMeeting)
    if is_staff(user):
        return stmt
    return stmt.where(DialogueMeeting.id.in_(select(DialogueInvitee.dialogue_id)
                                             .where(DialogueInvitee.user_id == user.id)))


def get_dialogue_or_404(dialogue_id: int) -> DialogueMeeting:
    """An invitee reads it, staff change it (403 to an invitee who tries), 404 to everyone else."""
    return _found(db.session.scalar(visible_dialogues(current_user).where(DialogueMeeting.id == dialogue_id)
                                    .options(selectinload(DialogueMeeting.invitees))))


def get_guest_or_404(guest_id: int) -> MeetingGuest:
    """A guest link of a meeting (issue 22): the chair and staff, by the endpoints' policy."""
    return _found(db.session.get(MeetingGuest, guest_id))


def get_series_or_404(series_id: int) -> MeetingSeries:
    """A meeting series (issue 21): the chair and staff manage them; the view's @allow(MODERATORS) keeps
    everyone else out before this runs."""
    return _found(db.session.get(MeetingSeries, series_id))
