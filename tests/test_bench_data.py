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


def test_one_year_is_a_tenth_of_the_scale_stored_rendered_searchable_and_shown(runner, client):
    """One generated year (a few seconds to build, so it is built once here): its sizes, its text stored
    rendered and folded as the app writes it, and its 30-reply thread shown to a demo login."""
    result = runner.invoke(args=["bench-data", "--years", "1", "--password", "bench password 1"])
    assert result.exit_code == 0, result.output

    # A tenth of the issue's ten-year scale.
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

    # Text is stored rendered (with the renderer's version) and folded for search.
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

    # The thread shows its 30 replies to a demo login, and search answers.
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


def test_the_demos_history_has_distinct_norwegian_titles(app):
    """The demo's two years of history (issue 20) come from this generator; a browser test that finds a demo
    issue, meeting item or event by its name (Playwright matches a part of the name, ignoring case) must find
    exactly one, so no generated title holds a demo title, nor the other way round."""
    from naborad.cli import load_demo_data
    from naborad.issues import demo as issues_demo
    from naborad.meetings import demo as meetings_demo
    load_demo_data("demo password 1")
    demo = {t.casefold() for t in [i[1] for i in issues_demo.ISSUES] + [t[0] for t in meetings_demo.TOPICS]
            + ["Sommerfest i bakgården", "Julefest i fellesrommet", "Vårdugnad i nabolaget",
               "Julefest for hele nabolaget", "Trafikk ved skolen om morgenen"]}
    issues = db.session.scalars(select(Issue.title)).all()
    items = db.session.scalars(select(AgendaItem.title).where(AgendaItem.standing.is_(None))).all()
    events = db.session.scalars(select(Event.title)).all()
    generated = [t for t in issues + items + events if t.casefold() not in demo]
    assert len(generated) > 50
    for title in generated:
        assert not any(d in title.casefold() or title.casefold() in d for d in demo), title
    months = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
              "november", "desember")
    dated = [t for t in issues if "sak " in t]
    assert dated and all(any(f"({m} " in t for m in months) for t in dated)
    assert not any(m in " ".join(dated) for m in ("January", "March", "May", "October", "December"))


def test_the_demos_history_has_attendance_and_anonymous_pulse_rounds(app):
    from naborad.cli import load_demo_data
    from naborad.models import PulseAnswer, PulseAnswered, PulseRound
    load_demo_data("demo password 1")
    held = db.session.scalars(select(Meeting).where(Meeting.status == MeetingStatus.APPROVED)).all()
    assert sum(m.attendance_recorded for m in held) >= 20
    assert count(PulseRound) >= 6 and count(PulseAnswer) >= 30
    assert count(PulseAnswered) == 0  # the marks of closed rounds are gone, as after the pulse's purge
    assert count(User) == 10  # the demo's members, no generated ones
