"""The layout's counts come with the login's query and are forgotten at the first commit of the request."""
from sqlalchemy import event

from naborad.extensions import db
from naborad.models import Notification
from naborad.notifications.service import unread_count
from naborad.preloaded import recall, remember


def test_remembered_counts_last_until_a_commit(app, make_user):
    member = make_user("neighbour")
    member_id = member.id
    with app.test_request_context("/"):
        member = db.session.get(type(member), member_id)
        remember(member.id, unread=7, alerts=0)
        assert recall(member.id, "unread") == 7
        assert recall(member.id + 1, "unread") is None  # another member's count is never taken
        assert unread_count(member) == 7
        db.session.add(Notification(user_id=member.id, kind="reply", subject_type="issue", subject_id=1))
        db.session.commit()
        assert recall(member.id, "unread") is None
        assert unread_count(member) == 1  # read again after the commit


def test_a_page_reads_the_badge_with_the_login(client, login_as, app):
    member = login_as("neighbour")
    db.session.add(Notification(user_id=member.id, kind="reply", subject_type="issue", subject_id=1))
    db.session.commit()
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        page = client.get("/personvern")
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert page.status_code == 200
    assert '<span class="count">1</span>' in page.get_data(as_text=True)
    assert not any(s.lstrip().upper().startswith("SELECT COUNT") for s in statements), statements
