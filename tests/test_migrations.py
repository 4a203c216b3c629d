"""The migrations build exactly the schema the models describe (what `flask db migrate` would find is nothing)."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import text

from naborad import create_app
from naborad.extensions import db
from naborad.search import include_in_autogenerate

from .conftest import BASE_CONFIG


def test_the_migrations_match_the_models(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                         "include_name": include_in_autogenerate})
        differences = compare_metadata(context, db.metadata)
    assert not differences, differences


def test_the_stale_representative_marks_are_cleared(tmp_path):
    """0061: a mark left on a former resident (issue 14, item 1) is gone after the upgrade; a resident's stays."""
    app = create_app({**BASE_CONFIG, "DATABASE_URL": f"sqlite:///{tmp_path / 'm.sqlite3'}"})
    with app.app_context():
        upgrade(revision="0060")
        with db.engine.begin() as conn:
            for name, role in (("former", "neighbour"), ("still", "resident")):
                conn.execute(text("INSERT INTO \"user\" (username, display_name, role, is_active_member, "
                                  "is_residents_rep, created_at) VALUES (:n, :n, :r, true, true, '2026-01-01')"),
                             {"n": name, "r": role})
        upgrade(revision="0061")
        with db.engine.connect() as conn:
            marks = dict(conn.execute(text("SELECT username, is_residents_rep FROM \"user\"")).all())
        db.engine.dispose()
    assert marks == {"former": False, "still": True}


def test_the_search_keys_are_folded(tmp_path):
    """0075: stored search keys are rebuilt with æ/ø/å folded, so "soppel" finds "Søppel" (issue 15, item 4)."""
    app = create_app({**BASE_CONFIG, "DATABASE_URL": f"sqlite:///{tmp_path / 'm.sqlite3'}"})
    with app.app_context():
        upgrade(revision="0070")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO \"user\" (username, display_name, role, is_active_member, "
                              "is_residents_rep, created_at) VALUES ('a', 'A', 'neighbour', true, false, '2026-01-01')"))
            conn.execute(text("INSERT INTO issue (title, body, category, place, status, author_id, created_at, "
                              "last_activity_at, reply_count, search_text) VALUES ('Søppel', 'Lokket er ødelagt', "
                              "'litter', 'Bakgården', 'new', 1, '2026-01-01', '2026-01-01', 0, 'søppel')"))
        upgrade(revision="0075")
        with db.engine.connect() as conn:
            key = conn.execute(text("SELECT search_text FROM issue")).scalar()
        db.engine.dispose()
    assert key == "soppel lokket er odelagt bakgarden"


def test_the_answers_given_become_the_first_staff_messages(tmp_path):
    """0086: each staff answer saved before the conversation existed is its report's first staff message, from
    whoever acknowledged it, at the time it was given (issue 19, item 4); the answer itself stays too."""
    app = create_app({**BASE_CONFIG, "DATABASE_URL": f"sqlite:///{tmp_path / 'm.sqlite3'}"})
    with app.app_context():
        upgrade(revision="0085")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO \"user\" (username, display_name, role, is_active_member, "
                              "is_residents_rep, created_at) VALUES ('s', 'S', 'staff', true, false, '2026-01-01')"))
            for text_, response in (("Bråk", "Vi kommer."), ("Søppel", None)):
                conn.execute(text("INSERT INTO situation_report (category, text, happened_at, contact_way, status, "
                                  "created_at, acknowledged_by_id, response, responded_at) VALUES ('noise', :t, "
                                  "'2026-01-01', 'none', 'acknowledged', '2026-01-01', 1, :r, '2026-01-02')"),
                             {"t": text_, "r": response})
        upgrade(revision="0086")
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT report_id, author_id, from_staff, kind, text FROM report_message")).all()
            kept = conn.execute(text("SELECT response FROM situation_report WHERE id = 1")).scalar()
        db.engine.dispose()
    assert [tuple(r) for r in rows] == [(1, 1, True, "message", "Vi kommer.")] and kept == "Vi kommer."
