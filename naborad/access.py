"""Roles and the per-endpoint access policy (see shared PERMISSIONS.md).

Every endpoint declares who may use it with one of the decorators below; an
endpoint without a declaration answers 404 (fail closed), and
tests/test_access.py fails on it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort, current_app, request, url_for
from flask_login import current_user

from .models import Role

MEMBERS = frozenset(Role)
MODERATORS = frozenset({Role.CHAIR, Role.STAFF})
STAFF = frozenset({Role.STAFF})
# The residents' pre-meeting is the residents' own room: residents and staff, nobody else (404).
PREMEETING = frozenset({Role.RESIDENT, Role.STAFF})


@dataclass(frozen=True)
class Policy:
    kind: str  # "public", "secret_link" or "roles"
    roles: frozenset = field(default_factory=frozenset)
    # Roles that may read the thing but not do this action: they get 403, not 404.
    readers: frozenset = field(default_factory=frozenset)
    # A form view checks CSRF itself (so an expired token re-renders the form).
    form_csrf: bool = False


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


def allow(*roles: Role, readers=frozenset(), form_csrf: bool = False):
    """Logged-in members of these roles; `readers` get 403 instead of 404."""
    flat = frozenset(r for group in roles for r in ((group,) if isinstance(group, Role) else group))
    return _mark(Policy("roles", flat, frozenset(readers), form_csrf))


# Endpoints that Flask itself registers.
BUILTIN_PUBLIC = {"static"}


def policy_for(endpoint: str | None) -> Policy | None:
    if endpoint in BUILTIN_PUBLIC:
        return Policy("public")
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access_policy", None)


def enforce_policy():
    """before_request: apply the endpoint's policy."""
    from .htmx import redirect_to

    if request.endpoint is None:
        return None  # routing failed; Flask answers 404/405 itself
    policy = policy_for(request.endpoint)
    if policy is None:
        abort(404)
    if policy.kind in ("public", "secret_link"):
        return None
    if not current_user.is_authenticated:
        return redirect_to(url_for("auth.login", next=_next_target()))
    if current_user.role in policy.roles:
        return None
    if current_user.role in policy.readers:
        abort(403)
    abort(404)


def _next_target() -> str | None:
    """Where to go back to after logging in: this page, or for htmx the page the request came from."""
    if request.headers.get("HX-Request") == "true":
        from urllib.parse import urlsplit
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        if current.netloc == request.host and current.path:
            return current.path + (f"?{current.query}" if current.query else "")
        return None
    if request.method != "GET":
        return None
    path = request.full_path if request.query_string else request.path
    return path


def safe_next(target: str | None) -> str | None:
    """Only same-site relative paths are followed after login."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def require(condition: bool, *, visible: bool = True):
    """In a view: 403 when the thing is visible but the action is not allowed, else 404."""
    if not condition:
        abort(403 if visible else 404)


def staff_or_self(user) -> bool:
    return current_user.is_authenticated and (current_user.is_staff or current_user.id == user.id)




# -- visibility of things --------------------------------------------------------

def visible_issues(user):
    """Every member reads every issue thread (PERMISSIONS.md: issues R for all members)."""
    from sqlalchemy import select
    from .models import Issue
    return select(Issue)


def get_issue_or_404(issue_id: int, for_edit: bool = False):
    from sqlalchemy.orm import joinedload
    from .extensions import db
    from .models import Issue
    issue = db.session.scalar(visible_issues(current_user).where(Issue.id == issue_id)
                              .options(joinedload(Issue.author)))
    if issue is None:
        abort(404)
    if for_edit and current_user.role not in MODERATORS:
        abort(403)
    return issue


def visible_events(user):
    """Every member reads every event (PERMISSIONS.md: events R for all members)."""
    from sqlalchemy import select
    from .models import Event
    return select(Event)


def visible_meetings(user):
    """Every member sees that a meeting is planned; what is in it is filtered below."""
    from sqlalchemy import select
    from .models import Meeting
    return select(Meeting)


def get_meeting_or_404(meeting_id: int):
    from .extensions import db
    from .models import Meeting
    meeting = db.session.scalar(visible_meetings(current_user).where(Meeting.id == meeting_id))
    if meeting is None:
        abort(404)
    return meeting


def visible_agenda_items(user, meeting):
    """Moderators see the draft and the proposals; members the published agenda and their own proposals."""
    from sqlalchemy import or_, select
    from .models import AgendaItem, ItemState
    stmt = select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
    if user.role in MODERATORS:
        return stmt
    own = AgendaItem.proposer_id == user.id
    if meeting.agenda_public:
        return stmt.where(or_(AgendaItem.state == ItemState.ACCEPTED, own))
    return stmt.where(own)


def get_agenda_item_or_404(item_id: int, for_edit: bool = False):
    from sqlalchemy.orm import joinedload
    from .extensions import db
    from .models import AgendaItem
    item = db.session.scalar(db.select(AgendaItem).where(AgendaItem.id == item_id)
                             .options(joinedload(AgendaItem.meeting)))
    if item is None:
        abort(404)
    visible = db.session.scalar(visible_agenda_items(current_user, item.meeting)
                                .where(AgendaItem.id == item.id).with_only_columns(AgendaItem.id))
    if visible is None:
        abort(404)
    if for_edit and current_user.role not in MODERATORS:
        abort(403)
    return item


def minutes_visible(user, meeting) -> bool:
    """Notes, decisions and action items: moderators always, members once the minutes are approved."""
    return user.role in MODERATORS or meeting.minutes_public


def visible_action_items(user):
    """Action items of approved minutes, plus the ones given to this member (seen at once)."""
    from sqlalchemy import or_, select
    from .models import ActionItem, Meeting, MeetingStatus
    stmt = select(ActionItem).join(ActionItem.meeting)
    if user.role in MODERATORS:
        return stmt
    return stmt.where(or_(Meeting.status == MeetingStatus.APPROVED, ActionItem.assignee_id == user.id))


def visible_premeetings(user):
    """Residents and staff only; everyone else gets nothing (and the views answer 404)."""
    from sqlalchemy import false, select
    from .models import PreMeeting
    stmt = select(PreMeeting)
    return stmt if user.role in PREMEETING else stmt.where(false())


def get_premeeting_or_404(premeeting_id: int):
    from .extensions import db
    from .models import PreMeeting
    premeeting = db.session.scalar(visible_premeetings(current_user).where(PreMeeting.id == premeeting_id))
    if premeeting is None:
        abort(404)
    return premeeting


def visible_premeeting_items(user, premeeting):
    """Staff see every item; residents the accepted ones and their own proposals."""
    from sqlalchemy import false, or_, select
    from .models import PreItemState, PreMeetingItem
    stmt = select(PreMeetingItem).where(PreMeetingItem.premeeting_id == premeeting.id)
    if user.role == Role.STAFF:
        return stmt
    if user.role != Role.RESIDENT:
        return stmt.where(false())
    return stmt.where(or_(PreMeetingItem.state == PreItemState.ACCEPTED, PreMeetingItem.proposer_id == user.id))


def get_premeeting_item_or_404(item_id: int, for_edit: bool = False):
    from sqlalchemy.orm import joinedload
    from .extensions import db
    from .models import PreMeetingItem
    item = db.session.scalar(db.select(PreMeetingItem).where(PreMeetingItem.id == item_id)
                             .options(joinedload(PreMeetingItem.premeeting)))
    if item is None or current_user.role not in PREMEETING:
        abort(404)
    visible = db.session.scalar(visible_premeeting_items(current_user, item.premeeting)
                                .where(PreMeetingItem.id == item.id).with_only_columns(PreMeetingItem.id))
    if visible is None:
        abort(404)
    if for_edit and current_user.role != Role.STAFF:
        abort(403)
    return item
