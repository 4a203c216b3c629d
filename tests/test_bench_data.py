"""`flask bench-data`: a generated council of N years (issue 16), for the bench and for trying the app at scale."""
from sqlalchemy import func, select

from naborad.extensions import db
from naborad.markdown import RENDERER_VERSION, render_markdown
from naborad.models import (
    AgendaItem,
    Event,
    Issue,
    Meeting,
    MeetingStatus,
    Notification,
    PreMeetingComment,
    Reply,
    Role,
    Signup,
    SituationReport,
    User,
    search_key,
)

from .conftest import log_in


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_one_year_is_a_tenth_of_the_issues_scale(runner):
    result = runner.invoke(args=["bench-data", "--years", "1", "--password", "bench password 1"])
    assert result.exit_code == 0, result.output
    assert count(User) == 100
    assert {role for (role,) in db.session.execute(select(User.role))} == set(Role)
    assert count(Issue) == 300
    assert count(Reply) == 300 * 20 + 10  # the newest issue has 30 replies: the bench's thread
    assert db.session.scalar(select(func.count()).select_from(Issue).where(Issue.reply_count == 30)) == 1
    assert count(Meeting) == 12 and count(AgendaItem) == 120
    assert count(Event) == 20 and count(Signup) == 800
    assert count(Notification) == 2000
    assert count(SituationReport) == 80
    assert count(PreMeetingComment) > 0
    assert db.session.scalar(select(func.count()).select_from(Meeting)
                             .where(Meeting.status == MeetingStatus.PLANNED)) == 1


def test_text_is_stored_rendered_and_searchable(runner):
    assert runner.invoke(args=["bench-data", "--years", "1"]).exit_code == 0
    for model in (Issue, Reply, AgendaItem, Event, PreMeetingComment):
        stale = db.session.scalar(select(func.count()).select_from(model).where(
            (model.html_version.is_(None)) | (model.html_version != RENDERER_VERSION)))
        assert stale == 0, model.__tablename__
    reply = db.session.scalar(select(Reply).where(Reply.body.contains("**tre**")).limit(1))
    assert reply.body_html == str(render_markdown(reply.body))
    assert "<strong>tre</strong>" in reply.body_html
    issue = db.session.scalar(select(Issue).limit(1))
    assert issue.search_text == search_key(issue.title, issue.body, issue.place)
    item = db.session.scalar(select(AgendaItem).where(AgendaItem.decision.is_not(None)).limit(1))
    assert item.search_text == search_key(item.title, item.decision)


def test_the_thread_shows_its_30_replies_to_a_demo_login(runner, client):
    assert runner.invoke(args=["bench-data", "--years", "1", "--password", "bench password 1"]).exit_code == 0
    assert log_in(client, "nabo", "bench password 1").status_code == 303
    thread = db.session.scalar(select(Issue).where(Issue.reply_count == 30))
    page = client.get(f"/saker/{thread.id}").get_data(as_text=True)
    assert page.count("<strong>tre</strong>") + page.count("neste møte") >= 10
    assert client.get("/saker/?q=stoy").status_code == 200


def test_refuses_a_database_with_data_unless_forced(runner, make_user):
    make_user(Role.STAFF, "someone")
    result = runner.invoke(args=["bench-data", "--years", "1"])
    assert result.exit_code != 0
    assert "--force" in result.output
    assert count(Issue) == 0
    result = runner.invoke(args=["bench-data", "--years", "1", "--force"])
    assert result.exit_code == 0, result.output
    assert count(Issue) == 300
    assert db.session.scalar(select(User.username).where(User.username == "someone")) == "someone"
