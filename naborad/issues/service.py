"""The rules of issues: opening one, replies and the reply count, moderation, following, the timeline,
and what a thread shows.

The functions that change a thread do the whole change and commit, so a test can call them without HTTP.
`record_event` and `on_published_agenda` are the exceptions: other features call them inside their own
change, and commit it themselves.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property, lru_cache

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import bindparam, delete, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload

from ..access import may_change_reply, may_reply, visible_issues
from ..database import commit_and_keep
from ..errors import NotAllowed  # noqa: F401  (re-exported for the views and the CLI)
from ..extensions import db
from ..forms import by_token, create_once
from ..labels import category_label
from ..models import (
    Issue,
    IssueCategory,
    IssueEvent,
    IssueEventKind,
    IssueFollow,
    IssueStatus,
    Reply,
    User,
    search_key,
    utcnow,
)
from ..notifications.service import notify
from ..paging import Page, paginate
from ..search import matches, word_variants

EDIT_WINDOW = timedelta(minutes=15)


# -- search ---------------------------------------------------------------------

def _category_words() -> dict[IssueCategory, set[str]]:
    """Each category's label, folded, in every language of the UI ("støy", "noise", ...)."""
    words = {}
    for language in current_app.config["LANGUAGES"]:
        with force_locale(language):
            for category in IssueCategory:
                words.setdefault(category, set()).add(search_key(category_label(category)))
    return words


def _names_category(word: str, label: str) -> bool:
    """A query word names a category: it is part of the label ("trafikk"), or starts with one of the label's
    words ("støyen")."""
    return word in label or any(word.startswith(w) for w in label.split() if len(w) >= 4)


ISSUES_PER_PAGE = 20  # the issue list's page (its cards are taller than the other lists' rows)


def issue_page(user, *, status: str | None = None, category: str | None = None, q: str | None = None,
               page: int = 1) -> Page:
    """One page of the issues this member may read, the most recently active first, narrowed by status,
    category and search words."""
    stmt = visible_issues(user)
    if status:
        stmt = stmt.where(Issue.status == IssueStatus(status))
    if category:
        stmt = stmt.where(Issue.category == category)
    stmt = stmt.where(*search_conditions(q))
    return paginate(stmt.options(joinedload(Issue.author))
                    .order_by(Issue.last_activity_at.desc(), Issue.id.desc()), page, size=ISSUES_PER_PAGE)


def search_conditions(q: str | None) -> list:
    """Conditions for the issue list's search: every word must be in the title, text or place, or name the
    issue's category (in Norwegian or English). Spelling without æ/ø/å finds them (see naborad.search)."""
    labels = _category_words()

    def in_category(word):
        if len(word) < 3:  # "og" is in "Trafikk og parkering" but names nothing
            return None
        named = [c for c, keys in labels.items()
                 if any(_names_category(v, key) for v in word_variants(word) for key in keys)]
        return Issue.category.in_(named) if named else None
    return matches(Issue.search_text, q, also=in_category)



@dataclass
class Posted:
    """What a post gave: the row, new or the first one made by the same form token. (The wording prompt
    comes before: the forms ask it, naborad/forms.py.)"""
    row: Issue | Reply
    created: bool = False


# -- the timeline ------------------------------------------------------------------------

def record_event(issue_id: int, kind: IssueEventKind, actor_id: int | None, value: str | None = None,
                 reason: str | None = None) -> IssueEvent:
    """Add one line to an issue's timeline (the caller commits)."""
    event = IssueEvent(issue_id=issue_id, actor_id=actor_id, kind=kind, value=value,
                       reason=reason[:300] if reason else None)
    db.session.add(event)
    return event


def on_published_agenda(issue: Issue, meeting_id: int, actor_id: int | None) -> None:
    """The issue is on a published council agenda: a timeline line, and a new issue is now being discussed."""
    record_event(issue.id, IssueEventKind.AGENDA, actor_id, value=str(meeting_id))
    if issue.status == IssueStatus.NEW:
        issue.status = IssueStatus.DISCUSSING
        record_event(issue.id, IssueEventKind.STATUS, actor_id, value=IssueStatus.DISCUSSING.value)
    issue.last_activity_at = utcnow()


# -- opening an issue ------------------------------------------------------------------

def open_issue(by: User, *, title: str, body: str, category: str, place: str | None = None,
               happened_at: datetime | None = None, form_token: str | None = None) -> Posted:
    """Open an issue once per form token (a repeated token gives back the first issue). The author
    follows the new issue. Commits."""
    existing = by_token(Issue, form_token)
    if existing is not None:
        return Posted(existing)
    issue, created = create_once(Issue, form_token, lambda: Issue(
        title=title, body=body, category=category, place=place, author_id=by.id, happened_at=happened_at,
        search_text=search_key(title, body, place)))
    if created:
        db.session.add(IssueFollow(issue_id=issue.id, user_id=by.id))
        db.session.commit()
    return Posted(issue, created)


# -- replies ---------------------------------------------------------------------------

def _replies_changed(issue_id: int, change: int, *, activity: bool = False) -> None:
    """The one place that keeps `reply_count` (visible replies) and `last_activity_at` in step.
    An UPDATE with arithmetic in SQL, so two replies at once both count."""
    values = {"reply_count": Issue.reply_count + change}
    if activity:
        values["last_activity_at"] = utcnow()
    db.session.execute(update(Issue).where(Issue.id == issue_id).values(**values))


def post_reply(issue: Issue, by: User, body: str, *, form_token: str | None = None) -> Posted:
    """Reply once per form token (a double submit gives back the first reply). A new reply counts once
    and is the issue's latest activity, its writer follows the issue, and the other followers are told. Raises NotAllowed in a
    locked thread (moderators only). Commits."""
    if not may_reply(by, issue):
        raise NotAllowed
    reply, created = create_once(Reply, form_token, lambda: Reply(issue_id=issue.id, author_id=by.id, body=body))
    if created:
        _replies_changed(issue.id, +1, activity=True)
        following = followers(issue)  # read once: whether the writer follows already, and whom to tell
        if all(user.id != by.id for user in following):
            db.session.add(IssueFollow(issue_id=issue.id, user_id=by.id))
        notify(following, "issue_reply", "issue", issue.id, exclude=by)
        commit_and_keep()  # the answer shows the reply, its writer and the issue as just written
    return Posted(reply, created)


def may_edit(user, reply: Reply) -> bool:
    """Edit or delete a reply: its author (access.may_change_reply), within 15 minutes, while it is not hidden."""
    return (may_change_reply(user, reply) and reply.hidden_at is None
            and utcnow() - reply.created_at <= EDIT_WINDOW)


def edit_reply(reply: Reply, by: User, body: str) -> None:
    """Change the text of one's own reply (see may_edit, else NotAllowed) and mark it edited. Commits."""
    if not may_edit(by, reply):
        raise NotAllowed
    if body != reply.body:
        reply.body, reply.edited_at = body, utcnow()
        db.session.commit()


def delete_reply(reply: Reply, by: User) -> None:
    """Delete one's own reply (see may_edit, else NotAllowed); the issue counts one reply fewer. Commits."""
    if not may_edit(by, reply):
        raise NotAllowed
    db.session.delete(reply)
    _replies_changed(reply.issue_id, -1)
    db.session.commit()


# -- moderation (the views let moderators only through) ---------------------------------------

def hide_reply(reply: Reply, by: User, reason: str) -> bool:
    """Hide a reply, recording who and why (members see the reason in its place); the issue counts one
    visible reply fewer. Nothing changes if it is hidden already. Commits."""
    if reply.hidden_at is not None:
        return False
    reply.hidden_at, reply.hidden_by_id, reply.hidden_reason = utcnow(), by.id, reason
    _replies_changed(reply.issue_id, -1)
    db.session.commit()
    return True


def unhide_reply(reply: Reply, by: User) -> bool:
    """Show a hidden reply again; it counts again. Commits."""
    if reply.hidden_at is None:
        return False
    reply.hidden_at = reply.hidden_by_id = reply.hidden_reason = None
    _replies_changed(reply.issue_id, +1)
    db.session.commit()
    return True


def set_status(issue: Issue, by: User, status: IssueStatus, reason: str | None = None) -> bool:
    """Change the status (with an optional reason): a timeline line, the issue's latest activity, and the
    followers are told. Nothing changes if the status is the same. Commits."""
    if status == issue.status:
        return False
    issue.status, issue.status_reason, issue.last_activity_at = status, reason, utcnow()
    record_event(issue.id, IssueEventKind.STATUS, by.id, value=status.value, reason=reason)
    notify(followers(issue), "issue_status", "issue", issue.id, exclude=by)
    db.session.commit()
    return True


def lock(issue: Issue, by: User, reason: str) -> bool:
    """Lock the thread (only moderators may reply then), with the reason members see, and a timeline
    line. Nothing changes if it is locked already. Commits."""
    if issue.locked:
        return False
    issue.locked_reason = reason
    record_event(issue.id, IssueEventKind.LOCKED, by.id, reason=reason)
    db.session.commit()
    return True


def unlock(issue: Issue, by: User) -> bool:
    """Open a locked thread for replies again, with a timeline line. Commits."""
    if not issue.locked:
        return False
    issue.locked_reason = None
    record_event(issue.id, IssueEventKind.UNLOCKED, by.id)
    db.session.commit()
    return True


# -- reading a thread ------------------------------------------------------------------

SHOWN_REPLIES = 100  # a long thread opens with its latest replies; the rest are one link away


class Person:
    """A reply's author, hider or an event's actor as a thread shows them (display name, role badge, former
    member): the columns alone, not a User (issue 16: a thread's read path loads no ORM objects)."""
    __slots__ = ("display_name", "role", "chair_seat", "is_residents_rep", "moved_out_at")

    def __init__(self, display_name, role, chair_seat, is_residents_rep, moved_out_at):
        self.display_name, self.role, self.chair_seat = display_name, role, chair_seat
        self.is_residents_rep, self.moved_out_at = is_residents_rep, moved_out_at

    residents_rep_shown = User.residents_rep_shown


class ThreadReply:
    """A reply as the thread shows it (the attributes of Reply that templates/issues/_rows.html, stored_html
    and may_edit read)."""
    __slots__ = ("id", "issue_id", "author_id", "body", "body_html", "html_version", "created_at", "edited_at",
                 "hidden_at", "hidden_reason", "hidden_by_id", "author", "hidden_by")


class ThreadEvent:
    """A timeline line as the thread shows it."""
    __slots__ = ("id", "kind", "value", "reason", "created_at", "actor")


def _person_columns(user):
    return (user.id, user.display_name, user.role, user.chair_seat, user.is_residents_rep, user.moved_out_at)


def _person(row, start: int) -> Person | None:
    return None if row[start] is None else Person(*row[start + 1:start + 6])


_author, _hider, _actor = aliased(User), aliased(User), aliased(User)
REPLY_COLUMNS = (Reply.id, Reply.author_id, Reply.body, Reply.body_html, Reply.html_version, Reply.created_at,
                 Reply.edited_at, Reply.hidden_at, Reply.hidden_reason, Reply.hidden_by_id)
_REPLY_FIELDS = ("id", "author_id", "body", "body_html", "html_version", "created_at", "edited_at", "hidden_at",
                 "hidden_reason", "hidden_by_id")
# Where a reply row and an event row hold what naborad/row_cache.py reads of them.
R_ID, R_AUTHOR_ID, R_CREATED, R_HIDDEN = 0, 1, 5, 7
E_CREATED = 4


@lru_cache(maxsize=4)
def _thread_statements(everything: bool, since: bool):
    """The two selects of a thread (built once; the issue and the time are bound parameters)."""
    replies = (select(*REPLY_COLUMNS, *_person_columns(_author), _hider.role, _hider.chair_seat)
               .outerjoin(_author, _author.id == Reply.author_id).outerjoin(_hider, _hider.id == Reply.hidden_by_id)
               .where(Reply.issue_id == bindparam("issue_id")))
    if everything:
        replies = replies.order_by(Reply.created_at, Reply.id)
    else:  # the thread's whole length comes with its last replies (one query)
        replies = (replies.add_columns(func.count().over())
                   .order_by(Reply.created_at.desc(), Reply.id.desc()).limit(SHOWN_REPLIES))
    events = (select(IssueEvent.id, IssueEvent.kind, IssueEvent.value, IssueEvent.reason, IssueEvent.created_at,
                     _actor.id, _actor.display_name, _actor.moved_out_at)
              .outerjoin(_actor, _actor.id == IssueEvent.actor_id)
              .where(IssueEvent.issue_id == bindparam("issue_id")))
    if since:
        events = events.where(IssueEvent.created_at >= bindparam("since"))
    return replies, events.order_by(IssueEvent.created_at, IssueEvent.id)


class IssueView:
    """An issue as its thread page reads it: the columns the page shows, its author as a Person and whether
    the member reading follows it, from one query (issue_view), not an ORM object."""
    __slots__ = ("id", "title", "body", "body_html", "html_version", "category", "place", "happened_at", "status",
                 "status_reason", "locked_reason", "created_at", "author", "following")

    locked = Issue.locked


_ISSUE_FIELDS = IssueView.__slots__[:12]


@lru_cache(maxsize=1)
def _issue_view_statement():
    """issue_view's query (built once): the visible issue (access.visible_issues, which holds nothing of the
    user), its author, and whether the member follows it."""
    author = aliased(User)
    following = exists().where(IssueFollow.issue_id == Issue.id, IssueFollow.user_id == bindparam("user_id"))
    return (visible_issues(None).with_only_columns(*(getattr(Issue, name) for name in _ISSUE_FIELDS),
                                                   *_person_columns(author), following)
            .outerjoin(author, author.id == Issue.author_id).where(Issue.id == bindparam("issue_id")))


def issue_view(issue_id: int, user) -> IssueView | None:
    """The issue as its thread page reads it (see IssueView), or None when there is none to read."""
    row = db.session.connection().execute(_issue_view_statement(), {"issue_id": issue_id, "user_id": user.id}).first()
    if row is None:
        return None
    view = IssueView()
    for name, value in zip(_ISSUE_FIELDS, row):
        setattr(view, name, value)
    start = len(_ISSUE_FIELDS)
    view.author = _person(row, start)
    view.following = bool(row[-1])
    return view


@dataclass
class Thread:
    """What a thread shows: `replies` and `events` as the database gave them (rows of columns: what
    naborad.row_cache keys the rendered list by), how many earlier replies are left out, and `timeline`, the
    replies and timeline lines in time order as ("reply" | "event", time, row) for the template."""
    issue_id: int
    replies: list
    events: list
    earlier: int

    @cached_property
    def timeline(self) -> list[tuple]:
        items = []
        for row in self.replies:
            reply = ThreadReply()
            for name, value in zip(_REPLY_FIELDS, row):
                setattr(reply, name, value)
            reply.issue_id = self.issue_id
            reply.author = _person(row, len(REPLY_COLUMNS))
            hider = row[len(REPLY_COLUMNS) + 6:len(REPLY_COLUMNS) + 8]
            reply.hidden_by = None if reply.hidden_by_id is None else Person(None, *hider, False, None)
            items.append(("reply", reply.created_at, reply))
        for row in self.events:
            event = ThreadEvent()
            event.id, event.kind, event.value, event.reason, event.created_at = row[:5]
            event.actor = None if row[5] is None else Person(row[6], None, None, False, row[7])
            items.append(("event", event.created_at, event))
        return sorted(items, key=lambda item: item[1])


def thread(issue: Issue, everything: bool = False) -> Thread:
    """What a thread shows (see Thread): a fixed number of queries, whatever the length of the thread, and
    columns only, no ORM objects."""
    connection = db.session.connection()
    replies_stmt, _ = _thread_statements(everything, False)
    replies = connection.execute(replies_stmt, {"issue_id": issue.id}).all()
    if everything:
        earlier = 0
    else:
        earlier = replies[0][-1] - len(replies) if replies else 0
        replies.reverse()
    _, events_stmt = _thread_statements(everything, bool(earlier))
    params = {"issue_id": issue.id}
    if earlier:
        params["since"] = replies[0][R_CREATED]
    return Thread(issue.id, replies, connection.execute(events_stmt, params).all(), earlier)


# -- following -------------------------------------------------------------------------

def followers(issue: Issue) -> list[User]:
    return db.session.scalars(select(User).join(IssueFollow, IssueFollow.user_id == User.id)
                              .where(IssueFollow.issue_id == issue.id)).all()


@lru_cache(maxsize=1)
def _following_statement():
    return select(exists().where(IssueFollow.issue_id == bindparam("issue_id"),
                                 IssueFollow.user_id == bindparam("user_id")))


def is_following(issue: Issue, user: User) -> bool:
    return bool(db.session.connection().scalar(_following_statement(), {"issue_id": issue.id, "user_id": user.id}))


def follow(issue: Issue, user: User) -> None:
    """Follow an issue (told of replies and status changes); following twice keeps one row. Commits."""
    if is_following(issue, user):
        return
    db.session.add(IssueFollow(issue_id=issue.id, user_id=user.id))
    try:
        db.session.commit()
    except IntegrityError:  # followed twice at once: one row is all we want
        db.session.rollback()


def unfollow(issue: Issue, user: User) -> None:
    """Stop following an issue. Commits."""
    db.session.execute(delete(IssueFollow).where(IssueFollow.issue_id == issue.id, IssueFollow.user_id == user.id))
    db.session.commit()
