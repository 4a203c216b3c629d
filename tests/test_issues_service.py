"""The rules of issues, called without HTTP: posting once per token, the reply count, moderation, timeline."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from naborad.extensions import db
from naborad.issues import service
from naborad.models import (
    Issue,
    IssueEvent,
    IssueEventKind,
    IssueFollow,
    IssueStatus,
    Notification,
    Reply,
    Role,
    utcnow,
)

from .helpers import count


def fresh(issue) -> Issue:
    db.session.expire_all()
    return db.session.get(Issue, issue.id)


def test_opening_an_issue_once_per_token_and_the_author_follows(app, make_user):
    author = make_user(Role.RESIDENT)
    fields = {"title": "Støy ved ÅPEN port", "body": "Det smeller.", "category": "noise", "place": "Porten",
              "form_token": "open-1"}
    first = service.open_issue(author, **fields)
    second = service.open_issue(author, **fields)
    assert first.created and not second.created and second.row.id == first.row.id
    assert count(Issue) == 1
    assert count(IssueFollow, IssueFollow.user_id == author.id) == 1
    assert fresh(first.row).search_text == "stoy ved apen port det smeller. porten"  # folded (naborad.search)


def test_reply_counts_once_even_for_a_double_submit_with_the_same_token(app, make_issue, make_user):
    author = make_user(Role.NEIGHBOUR)
    issue = make_issue(author=author, last_activity_at=utcnow() - timedelta(days=3))
    db.session.add(IssueFollow(issue_id=issue.id, user_id=author.id))
    db.session.commit()
    writer = make_user(Role.RESIDENT)
    first = service.post_reply(issue, writer, "Enig!", form_token="twice")
    second = service.post_reply(issue, writer, "Enig!", form_token="twice")
    assert first.created and not second.created and second.row.id == first.row.id
    issue = fresh(issue)
    assert count(Reply) == 1 and issue.reply_count == 1
    assert utcnow() - issue.last_activity_at < timedelta(minutes=1)
    assert count(IssueFollow, IssueFollow.user_id == writer.id) == 1  # the writer follows now
    # The author is told once; the writer is not told of their own reply.
    assert db.session.scalars(select(Notification.user_id).where(Notification.kind == "issue_reply")).all() \
        == [author.id]


def test_a_reply_racing_its_double_counts_once(app, make_issue, make_user, monkeypatch):
    """Two submits at once: neither saw the other before inserting; the unique token keeps the first."""
    import naborad.forms
    issue, writer = make_issue(), make_user(Role.RESIDENT)
    first = service.post_reply(issue, writer, "Samtidig", form_token="race")
    real, calls = naborad.forms.by_token, []

    def not_yet_committed(model, token):  # the first look misses the other request's row
        calls.append(token)
        return None if len(calls) == 1 else real(model, token)
    monkeypatch.setattr(service, "by_token", lambda model, token: None)
    monkeypatch.setattr(naborad.forms, "by_token", not_yet_committed)
    second = service.post_reply(issue, writer, "Samtidig", form_token="race")
    assert not second.created and second.row.id == first.row.id
    assert count(Reply) == 1 and fresh(issue).reply_count == 1


def test_deleting_a_reply_counts_one_fewer(app, make_issue, make_user):
    issue = make_issue()
    writer = make_user(Role.NEIGHBOUR)
    reply = service.post_reply(issue, writer, "Skrivefeil", form_token="d").row
    assert fresh(issue).reply_count == 1
    service.delete_reply(reply, writer)
    assert count(Reply) == 0 and fresh(issue).reply_count == 0


def test_only_the_author_changes_a_reply_and_only_for_15_minutes(app, make_issue, make_user):
    issue = make_issue()
    writer, other = make_user(Role.NEIGHBOUR), make_user(Role.NEIGHBOUR)
    reply = service.post_reply(issue, writer, "Første", form_token="e").row
    with pytest.raises(service.NotAllowed):
        service.edit_reply(reply, other, "Andres")
    with pytest.raises(service.NotAllowed):
        service.delete_reply(reply, other)
    service.edit_reply(reply, writer, "Rettet")
    assert reply.body == "Rettet" and reply.edited_at is not None
    reply.created_at = utcnow() - timedelta(minutes=16)
    with pytest.raises(service.NotAllowed):
        service.delete_reply(reply, writer)
    assert fresh(issue).reply_count == 1


def test_hiding_records_who_and_why_and_counts_visible_replies_only(app, make_issue, make_user):
    issue = make_issue()
    reply = service.post_reply(issue, make_user(Role.NEIGHBOUR), "Uthenging", form_token="h").row
    chair = make_user(Role.CHAIR)
    assert service.hide_reply(reply, chair, "Navngir en person")
    assert (reply.hidden_by_id, reply.hidden_reason) == (chair.id, "Navngir en person") and reply.hidden_at
    assert not service.hide_reply(reply, chair, "Igjen")  # hidden already: nothing changes
    assert fresh(issue).reply_count == 0 and reply.hidden_reason == "Navngir en person"
    assert service.unhide_reply(reply, chair)
    assert reply.hidden_at is None and reply.hidden_by_id is None and fresh(issue).reply_count == 1


def test_set_status_writes_a_timeline_line_and_tells_followers(app, make_issue, make_user):
    follower = make_user(Role.RESIDENT)
    issue = make_issue()
    db.session.add(IssueFollow(issue_id=issue.id, user_id=follower.id))
    db.session.commit()
    staff = make_user(Role.STAFF)
    assert service.set_status(issue, staff, IssueStatus.CLOSED, "Løst på møtet")
    line = db.session.scalar(select(IssueEvent))
    assert (line.kind, line.value, line.reason, line.actor_id) == (IssueEventKind.STATUS, "closed", "Løst på møtet",
                                                                     staff.id)
    assert fresh(issue).status == IssueStatus.CLOSED and fresh(issue).status_reason == "Løst på møtet"
    assert count(Notification, Notification.kind == "issue_status", Notification.user_id == follower.id) == 1
    assert not service.set_status(fresh(issue), staff, IssueStatus.CLOSED)  # the same status: no new line
    assert count(IssueEvent) == 1


def test_a_locked_thread_takes_replies_from_moderators_only(app, make_issue, make_user):
    issue = make_issue()
    staff, neighbour = make_user(Role.STAFF), make_user(Role.NEIGHBOUR)
    assert service.lock(issue, staff, "Vi tar det på møtet")
    assert not service.lock(issue, staff, "Igjen")
    with pytest.raises(service.NotAllowed):
        service.post_reply(issue, neighbour, "Hei", form_token="l1")
    assert service.post_reply(issue, staff, "Saken står på sakslista.", form_token="l2").created
    assert service.unlock(issue, staff)
    kinds = db.session.scalars(select(IssueEvent.kind).order_by(IssueEvent.id)).all()
    assert kinds == [IssueEventKind.LOCKED, IssueEventKind.UNLOCKED]
    assert service.post_reply(issue, neighbour, "Takk", form_token="l3").created


def test_following_twice_keeps_one_row_and_unfollow_removes_it(app, make_issue, make_user):
    issue, member = make_issue(), make_user(Role.RESIDENT)
    service.follow(issue, member)
    service.follow(issue, member)
    assert service.is_following(issue, member) and count(IssueFollow) == 1
    service.unfollow(issue, member)
    assert not service.is_following(issue, member)
