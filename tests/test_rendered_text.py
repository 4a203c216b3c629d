"""User text is rendered to sanitised HTML when it is written, stored beside its source (issue 16, item 1)."""
import importlib.util
from pathlib import Path

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text, update

from naborad import create_app
from naborad.extensions import db
from naborad.issues import service as issues
from naborad.markdown import RENDERER_VERSION, RenderedText
from naborad.models import AgendaItem, Event, Guidance, Issue, PreMeetingComment, PreMeetingItem, Reply, Role

from .conftest import BASE_CONFIG
from .helpers import HX

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
NASTY = "**fet** <script>alert(1)</script> <img src=x onerror=alert(1)> [js](javascript:alert(1))"


def test_a_reply_is_stored_rendered_when_posted(make_issue, make_user):
    issue, author = make_issue(), make_user(Role.NEIGHBOUR)
    reply = issues.post_reply(issue, author, "Se **her**").row
    assert reply.body_html == "<p>Se <strong>her</strong></p>\n"
    assert reply.html_version == RENDERER_VERSION


def test_an_edited_reply_is_stored_rendered_anew(client, login_as, make_issue):
    user = login_as(Role.NEIGHBOUR)
    issue = make_issue()
    reply = Reply(issue_id=issue.id, author_id=user.id, body="Skrivefeil")
    db.session.add(reply)
    db.session.commit()
    assert "Skrivefeil" in reply.body_html
    response = client.post(f"/saker/{issue.id}/svar/{reply.id}/rediger", data={"body": "Rettet *nå*"}, headers=HX)
    assert response.status_code == 200 and b"Rettet <em>n" in response.data
    db.session.refresh(reply)
    assert reply.body_html == "<p>Rettet <em>nå</em></p>\n"


def test_stored_html_is_sanitised(make_issue, make_user):
    reply = Reply(issue_id=make_issue().id, author_id=make_user().id, body=NASTY)
    db.session.add(reply)
    db.session.commit()
    assert "<strong>fet</strong>" in reply.body_html
    assert "<script" not in reply.body_html and "<img" not in reply.body_html  # shown as text, never markup
    assert 'href="javascript' not in reply.body_html


def test_the_page_shows_the_stored_html(client, login_as, make_issue):
    user = login_as(Role.NEIGHBOUR)
    issue = make_issue()
    reply = Reply(issue_id=issue.id, author_id=user.id, body="Ekte tekst")
    db.session.add(reply)
    db.session.commit()
    db.session.execute(update(Reply).values(body_html="<p>Lagret HTML</p>"))  # what the page shows is what is stored
    assert "Lagret HTML" in client.get(f"/saker/{issue.id}").text


def test_a_row_stored_by_an_older_renderer_renders_on_read(client, login_as, make_issue):
    user = login_as(Role.NEIGHBOUR)
    issue = make_issue()
    db.session.add(Reply(issue_id=issue.id, author_id=user.id, body="Ny **tekst**"))
    db.session.commit()
    db.session.execute(update(Reply).values(body_html="<p>gammel</p>", html_version=RENDERER_VERSION - 1))
    page = client.get(f"/saker/{issue.id}").text
    assert "Ny <strong>tekst</strong>" in page and "gammel" not in page


def test_rerender_text_stores_only_the_stale_rows_anew(runner, make_issue, make_user):
    issue, author = make_issue(), make_user()
    db.session.add_all(Reply(issue_id=issue.id, author_id=author.id, body=f"Svar *{n}*") for n in range(3))
    db.session.commit()
    first = db.session.scalars(db.select(Reply).order_by(Reply.id)).first()
    db.session.execute(update(Reply).where(Reply.id == first.id).values(body_html="gammel", html_version=0))
    db.session.execute(update(Reply).where(Reply.id == first.id + 1).values(body_html=None, html_version=None))
    db.session.commit()
    result = runner.invoke(args=["rerender-text"])
    assert result.exit_code == 0, result.output
    assert "reply: 2 of 3 rendered anew" in result.output
    assert [r.body_html for r in db.session.scalars(db.select(Reply).order_by(Reply.id))] == \
        [f"<p>Svar <em>{n}</em></p>\n" for n in range(3)]
    assert "reply: 0 of 3 rendered anew" in runner.invoke(args=["rerender-text"]).output


EVERY_FIELD = [(Issue, "issue", "body"), (Reply, "reply", "body"), (AgendaItem, "item", "why"),
               (AgendaItem, "item", "notes"), (AgendaItem, "item", "residents_summary"),
               (PreMeetingItem, "pitem", "text"), (PreMeetingItem, "pitem", "summary"),
               (PreMeetingComment, "pcomment", "body"), (Event, "event", "description"),
               (Guidance, "guidance", "advice")]


def test_every_rendered_model_is_listed_here_and_in_the_migration():
    spec = importlib.util.spec_from_file_location("m0080", ROOT / "migrations/versions/0080_rendered_text.py")
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    models = {m.__tablename__: m.__rendered__ for m in RenderedText.__subclasses__()}
    assert models == migration.RENDERED
    assert {(m.__tablename__, f) for m, _, f in EVERY_FIELD} == {(t, f) for t, fs in models.items() for f in fs}


@pytest.mark.parametrize(("model", "sample", "field"), EVERY_FIELD, ids=[f"{m.__name__}.{f}" for m, _, f in EVERY_FIELD])
def test_every_text_is_stored_rendered_on_create_and_on_edit(samples, model, sample, field):
    row = db.session.get(model, samples[sample])
    source = getattr(row, field)
    assert row.html_version == RENDERER_VERSION
    assert getattr(row, f"{field}_html") == (f"<p>{source}</p>\n" if source else "")
    setattr(row, field, f"Endret *{field}* <script>x</script>")
    db.session.commit()
    assert getattr(row, f"{field}_html") == f"<p>Endret <em>{field}</em> &lt;script&gt;x&lt;/script&gt;</p>\n"


def test_the_migration_renders_the_existing_text(fresh_database_url):
    """0080: rows written before it get their HTML and the renderer's version (on either database)."""
    app = create_app({**BASE_CONFIG, "DATABASE_URL": fresh_database_url})
    with app.app_context():
        upgrade(revision="0075")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO \"user\" (username, display_name, role, is_active_member, "
                              "is_residents_rep, created_at) VALUES ('a', 'A', 'neighbour', true, false, '2026-01-01')"))
            conn.execute(text("INSERT INTO issue (title, body, category, status, author_id, created_at, "
                              "last_activity_at, reply_count, search_text) VALUES ('Støy', 'Bråk *i natt*', "
                              "'noise', 'new', 1, '2026-01-01', '2026-01-01', 1, 'stoy')"))
            conn.execute(text("INSERT INTO reply (issue_id, author_id, body, created_at) "
                              "VALUES (1, 1, 'Enig <script>x</script>', '2026-01-02')"))
        upgrade(revision="0080")
        with db.engine.connect() as conn:
            reply = conn.execute(text("SELECT body_html, html_version FROM reply")).one()
            issue = conn.execute(text("SELECT body_html, html_version FROM issue")).one()
        upgrade(revision="heads")
        downgrade(revision="0075")  # takes its columns away, and nothing else (no table copied and dropped)
        with db.engine.connect() as conn:
            kept = conn.execute(text("SELECT body FROM reply")).scalars().all()
        db.engine.dispose()
    assert kept == ["Enig <script>x</script>"]
    assert tuple(reply) == ("<p>Enig &lt;script&gt;x&lt;/script&gt;</p>\n", RENDERER_VERSION)
    assert tuple(issue) == ("<p>Bråk <em>i natt</em></p>\n", RENDERER_VERSION)


def test_templates_never_mark_text_safe_nor_render_on_read():
    offenders = [str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html")
                 if "|safe" in p.read_text().replace(" ", "") or "|markdown" in p.read_text().replace(" ", "")]
    assert offenders == []
