"""The neighbourhood pulse (issue 20, item 1): rounds, one anonymous answer per member, the 5-answer rule,
no last-seen, audit or log trace of answering, the free text for staff, retention and the export."""
import json
import logging
import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, inspect, select, text

from naborad.extensions import db
from naborad.jobs import JOBS
from naborad.meetings import service as meetings
from naborad.models import (
    AgendaItem,
    AuditEvent,
    ItemState,
    Meeting,
    MeetingStatus,
    Notification,
    PulseAnswer,
    PulseAnswered,
    PulseComment,
    PulseRound,
    Role,
    StandingKind,
    UserSession,
    utcnow,
)
from naborad.pulse import service

from .conftest import log_in
from .helpers import count, queries_for

ANSWER = {"safe": "4", "heard": "0", "relations": "5"}


def make_round(days_ago=0, open_days=14):
    opened = utcnow() - timedelta(days=days_ago)
    round_ = PulseRound(opened_at=opened, closes_at=opened + timedelta(days=open_days))
    db.session.add(round_)
    db.session.commit()
    return round_


def answer_as(make_user, round_, role, n=1, values=(4, None, 5), **more):
    for _ in range(n):
        assert service.answer(round_, make_user(role), safe=values[0], heard=values[1], relations=values[2],
                              now=round_.opened_at + timedelta(hours=1), **more)


# -- anonymous by construction --------------------------------------------------------------

def test_no_column_can_join_an_answer_to_a_member(app):
    inspector = inspect(db.engine)
    for table in ("pulse_answer", "pulse_comment"):
        columns = {c["name"]: c for c in inspector.get_columns(table)}
        assert not [n for n in columns if "user" in n or "member" in n or n.endswith("_at") or n == "id"], table
        assert not [c for c in columns.values() if "DATE" in str(c["type"]).upper() or "TIME" in str(c["type"]).upper()]
        assert inspector.get_pk_constraint(table)["constrained_columns"] == ["key"]
        assert str(columns["key"]["type"]).upper().startswith("VARCHAR")  # a random key, not a sequence
        foreign = {fk["referred_table"] for fk in inspector.get_foreign_keys(table)}
        assert foreign == {"pulse_round"}, table
    answered = {c["name"] for c in inspector.get_columns("pulse_answered")}
    assert answered == {"key", "round_id", "user_id"}  # that a member answered, never when or what


def test_the_storage_order_says_nothing_about_who_answered_when(app, make_user):
    round_ = make_round()
    for n in range(6):
        answer_as(make_user, round_, Role.NEIGHBOUR, values=(n % 5 + 1, None, 3), comment=f"linje {n}")
    keys = db.session.scalars(select(PulseAnswer.key).order_by(PulseAnswer.key)).all()
    if db.engine.dialect.name == "sqlite":
        stored = db.session.scalars(text("SELECT key FROM pulse_answer ORDER BY rowid")).all()
        comments = db.session.scalars(text("SELECT key FROM pulse_comment ORDER BY rowid")).all()
    else:
        stored = db.session.scalars(text("SELECT key FROM pulse_answer ORDER BY ctid")).all()
        comments = db.session.scalars(text("SELECT key FROM pulse_comment ORDER BY ctid")).all()
        writers = db.session.scalars(text("SELECT DISTINCT xmin::text FROM pulse_answer")).all()
        assert len(writers) == 1  # every answer of the round was written by the last answer's transaction
    assert stored == keys and comments == sorted(comments)


# -- answering ------------------------------------------------------------------------------

def test_a_member_answers_without_javascript_once(client, login_as):
    round_ = make_round()
    me = login_as(Role.RESIDENT)
    page = client.get("/puls")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="pulse-form"' in html
    assert html.count("<fieldset") == 3 and html.count('type="radio"') == 18 and "Vet ikke" in html
    assert "Helt enig" in html and "Svært godt" in html and "<legend>Jeg føler meg trygg i nabolaget</legend>" in html
    response = client.post("/puls", data={**ANSWER, "comment": "Fint med lys i gangveien"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/puls")
    again = client.post("/puls", data={**ANSWER, "safe": "1"})  # a double click, or the back button
    assert again.status_code == 303
    assert count(PulseAnswer) == 1 and count(PulseAnswered) == 1 and count(PulseComment) == 1
    row = db.session.scalar(select(PulseAnswer))
    assert (row.group, row.safe, row.heard, row.relations) == ("residents", 4, None, 5)
    assert db.session.scalar(select(PulseAnswered.user_id)) == me.id and row.round_id == round_.id
    assert "Du har svart på denne runden" in client.get("/puls").get_data(as_text=True)


def test_answering_twice_at_once_keeps_one_answer(app, make_user):
    round_ = make_round()
    member = make_user(Role.NEIGHBOUR)
    now = round_.opened_at + timedelta(hours=1)
    assert service.answer(round_, member, safe=3, heard=3, relations=3, now=now)
    assert not service.answer(round_, member, safe=1, heard=1, relations=1, now=now)
    assert count(PulseAnswer) == 1 and db.session.scalar(select(PulseAnswer.safe)) == 3


def test_the_unique_mark_stops_a_second_answer_in_the_schema(app, make_user):
    round_ = make_round()
    member = make_user(Role.NEIGHBOUR)
    db.session.add(PulseAnswered(round_id=round_.id, user_id=member.id))
    db.session.commit()
    db.session.add(PulseAnswered(round_id=round_.id, user_id=member.id))
    with pytest.raises(Exception, match="(?i)unique|duplicate"):
        db.session.commit()
    db.session.rollback()


def test_a_missing_answer_comes_back_with_the_error_beside_the_question(client, login_as):
    make_round()
    login_as(Role.NEIGHBOUR)
    response = client.post("/puls", data={"safe": "4", "relations": "9"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="heard-error"' in html and 'aria-describedby="heard-error"' in html and "Velg et svar" in html
    assert 'id="relations-error"' in html and count(PulseAnswer) == 0


def test_answering_leaves_no_last_seen_no_audit_row_and_no_log_line(client, login_as, caplog):
    make_round()
    me = login_as(Role.NEIGHBOUR)
    long_ago = utcnow() - timedelta(minutes=20)
    db.session.execute(UserSession.__table__.update().values(last_seen_at=long_ago))
    db.session.commit()
    audits = count(AuditEvent)
    with caplog.at_level(logging.DEBUG):
        assert client.get("/puls").status_code == 200
        assert client.post("/puls", data={**ANSWER, "comment": "Hei"}).status_code == 303
        assert client.get("/puls").status_code == 200
    seen = db.session.scalar(select(UserSession.last_seen_at).where(UserSession.user_id == me.id))
    assert abs((seen - long_ago).total_seconds()) < 1
    assert count(AuditEvent) == audits
    mentions = [r.getMessage() for r in caplog.records
                if me.username in r.getMessage() or re.search(rf"\b(user|member)[ _=:#]*{me.id}\b", r.getMessage())]
    assert not mentions and not [r for r in caplog.records if r.name.startswith("naborad")]
    client.get("/puls/resultater")  # any other page writes it as usual
    assert db.session.scalar(select(UserSession.last_seen_at).where(UserSession.user_id == me.id)) > long_ago


def test_no_round_open_the_page_says_so_and_a_post_goes_back(client, login_as):
    make_round(days_ago=20)
    login_as(Role.STAFF)
    assert "Ingen runde er åpen nå" in client.get("/puls").get_data(as_text=True)
    assert client.post("/puls", data=ANSWER).status_code == 303 and count(PulseAnswer) == 0


# -- rounds -------------------------------------------------------------------------------------

def held_meeting():
    meeting = Meeting(starts_at=utcnow() - timedelta(hours=2), place="Fellesrommet", status=MeetingStatus.PUBLISHED,
                      published_at=utcnow() - timedelta(days=3))
    db.session.add(meeting)
    db.session.flush()
    db.session.add(AgendaItem(meeting_id=meeting.id, title="agenda", standing=StandingKind.AGENDA,
                              state=ItemState.ACCEPTED, position=0))
    db.session.commit()
    return meeting


def test_a_round_opens_when_a_meeting_is_held_and_members_are_told(app, make_user):
    members = [make_user(role) for role in (Role.RESIDENT, Role.NEIGHBOUR, Role.STAFF)]
    meeting = held_meeting()
    meetings.mark_held(meeting)
    round_ = db.session.scalar(select(PulseRound))
    assert round_.meeting_id == meeting.id and round_.closes_at - round_.opened_at == service.OPEN_FOR
    told = db.session.scalars(select(Notification).where(Notification.kind == "pulse_round")).all()
    assert {n.user_id for n in told} == {m.id for m in members} and {n.mail_mode for n in told} == {"off"}
    second = held_meeting()  # while a round is open, no second one
    meetings.mark_held(second)
    assert count(PulseRound) == 1


def test_the_quarterly_job_opens_a_round_only_after_three_quiet_months(app):
    job = next(j for j in JOBS if j.name == "pulse-round")
    make_round(days_ago=60)
    job.run(utcnow())
    assert count(PulseRound) == 1
    db.session.execute(PulseRound.__table__.update().values(opened_at=utcnow() - timedelta(days=95),
                                                            closes_at=utcnow() - timedelta(days=81)))
    db.session.commit()
    assert "opened" in job.run(utcnow())
    assert count(PulseRound) == 2 and service.open_round() is not None
    assert "no pulse round" in job.run(utcnow())


# -- results: the 5-answer rule --------------------------------------------------------------

def shown(client):
    html = client.get("/puls/resultater").get_data(as_text=True)
    return html, set(re.findall(r'data-group="(\w+)"', html))


def test_groups_are_shown_only_when_every_answering_group_has_five(client, login_as, make_user):
    login_as(Role.NEIGHBOUR)
    few = make_round(days_ago=60)
    answer_as(make_user, few, Role.NEIGHBOUR, n=4)
    html, groups = shown(client)
    assert groups == {"none"} and "For få svar" in html and "Jeg føler meg trygg" not in html.split("pulse-table")[1]

    mixed = make_round(days_ago=40)
    answer_as(make_user, mixed, Role.NEIGHBOUR, n=5)
    answer_as(make_user, mixed, Role.RESIDENT, n=4, values=(1, 1, 1))  # 4 residents: no groups at all
    both = make_round(days_ago=20)
    answer_as(make_user, both, Role.NEIGHBOUR, n=5, values=(5, 5, 5))
    answer_as(make_user, both, Role.RESIDENT, n=5, values=(3, None, 3))
    results = {r.round.id: r for r in service.results()}
    assert results[few.id].all is None
    assert results[mixed.id].all.n == 9 and results[mixed.id].groups == {}
    assert results[mixed.id].all.means["safe"] == pytest.approx((5 * 4 + 4 * 1) / 9)
    assert set(results[both.id].groups) == {"neighbours", "residents"}
    assert results[both.id].groups["residents"].means == {"safe": 3, "heard": None, "relations": 3}
    html, _ = shown(client)
    rows = set(re.findall(r'data-round="(\d+)" data-group="(\w+)"', html))
    assert {(str(few.id), "none"), (str(mixed.id), "all"), (str(both.id), "all"), (str(both.id), "neighbours"),
            (str(both.id), "residents")} == rows
    assert "Beboere" in html and "Naboer" in html


def test_an_open_round_shows_no_results(client, login_as, make_user):
    open_now = make_round()
    answer_as(make_user, open_now, Role.NEIGHBOUR, n=6)
    login_as(Role.RESIDENT)
    html, groups = shown(client)
    assert groups == set() and "Ingen runde er avsluttet ennå" in html and 'id="pulse-open"' in html


def test_the_trend_chart_has_the_table_figures(client, login_as, make_user):
    for days, value in ((80, 2), (50, 4)):
        answer_as(make_user, make_round(days_ago=days), Role.NEIGHBOUR, n=5, values=(value, value, value))
    answer_as(make_user, make_round(days_ago=30), Role.NEIGHBOUR, n=2)
    login_as(Role.NEIGHBOUR)
    html = client.get("/puls/resultater").get_data(as_text=True)
    figure = html.split('id="pulse-safe"')[1].split("</figure>")[0]
    svg, table = figure.split("</svg>")
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg and "<polyline" in svg
    on_chart = re.findall(r'class="chart-value"[^>]*>([^<]*)<', svg)
    in_table = re.findall(r'<td class="num" data-name="[^"]+">([^<]*)<', table)
    assert on_chart == in_table == ["2,0", "4,0", "–"]


def test_the_free_text_is_for_staff_only(client, login_as, make_user):
    round_ = make_round(days_ago=20)
    answer_as(make_user, round_, Role.RESIDENT, n=1, comment="Lyset i gangveien er borte")
    login_as(Role.CHAIR)
    assert client.get("/puls/kommentarer").status_code == 404
    assert "Lyset i gangveien" not in client.get("/puls/resultater").get_data(as_text=True)
    client.post("/logg-ut")
    login_as(Role.STAFF)
    page = client.get("/puls/kommentarer")
    assert page.status_code == 200 and "Lyset i gangveien er borte" in page.get_data(as_text=True)


# -- retention and the export -------------------------------------------------------------------

def test_purge_deletes_marks_of_closed_rounds_and_old_lines(app, make_user, runner):
    old = make_round(days_ago=400)
    closed = make_round(days_ago=20)
    open_now = make_round()
    for round_ in (old, closed, open_now):
        answer_as(make_user, round_, Role.NEIGHBOUR, comment="en linje")
    result = runner.invoke(args=["purge-pulse"])
    assert result.exit_code == 0 and "2 answered mark(s) and 1 free-text line(s)" in result.output
    assert db.session.scalars(select(PulseAnswered.round_id)).all() == [open_now.id]
    assert set(db.session.scalars(select(PulseComment.round_id))) == {closed.id, open_now.id}
    assert count(PulseAnswer) == 3  # the anonymous answers stay for the statistics
    assert "purge-pulse" in {j.name for j in JOBS}


def test_the_export_says_answers_are_anonymous(client, login_as):
    round_ = make_round()
    login_as(Role.NEIGHBOUR)
    client.post("/puls", data=ANSWER)
    response = client.post("/profil/eksport")
    data = json.loads(response.get_data(as_text=True))["neighbourhood_pulse"]
    assert data["rounds_answered"] == [round_.id] and "anonymous" in data["answers"]
    assert "safe" not in json.dumps(data) and "relations" not in json.dumps(data)


def test_the_privacy_notice_names_the_pulse(client):
    html = client.get("/personvern").get_data(as_text=True)
    assert "Nabolagspulsen" in html and "uten navnet ditt" in html


def test_results_take_the_same_queries_whatever_the_data(client, login_as, make_user):
    login_as(Role.STAFF)
    answer_as(make_user, make_round(days_ago=40), Role.NEIGHBOUR, n=5)
    few = queries_for(client, "/puls/resultater")
    for days in (100, 70, 20):
        round_ = make_round(days_ago=days)
        answer_as(make_user, round_, Role.NEIGHBOUR, n=5)
        answer_as(make_user, round_, Role.RESIDENT, n=5)
    assert queries_for(client, "/puls/resultater") == few
    assert db.session.scalar(select(func.count()).select_from(PulseRound)) == 4


def test_members_answering_at_once_and_double_clicking_leave_one_answer_each(app, make_user):
    """Six members post their answer twice each, all at the same moment, each request in a thread of its own
    on the real database (SQLite file or PostgreSQL): each is answered once (the lock on the round, the unique
    mark), never a 500, and the round's answers stay whole while each answer writes them anew."""
    make_round()
    clients = []
    for role in (Role.RESIDENT, Role.NEIGHBOUR, Role.STAFF) * 2:
        client = app.test_client()
        assert log_in(client, make_user(role).username).status_code == 303
        clients.append(client)
    db.session.commit()  # the test holds no SQLite write lock while the requests run
    barrier = threading.Barrier(len(clients) * 2)
    statuses = []

    def post(client):
        with app.app_context():  # a thread of its own: its own app context and database session
            barrier.wait(30)
            statuses.append(client.post("/puls", data={**ANSWER, "comment": "Hei"}).status_code)
    threads = [threading.Thread(target=post, args=(c,)) for c in clients for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert statuses == [303] * len(threads)
    db.session.expire_all()
    assert count(PulseAnswered) == count(PulseAnswer) == count(PulseComment) == len(clients)
