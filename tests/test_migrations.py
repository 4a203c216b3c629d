"""The migrations build exactly the schema the models describe (what `flask db migrate` would find is nothing)."""
import re
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select, table, text

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
# -- issue 23: every migration both ways, with the demo council in the database ------------------------------

FTS_SHADOWS = ("_data", "_idx", "_docsize", "_config", "_content")


def _table_counts() -> dict[str, int]:
    """Rows per table (SQLite's FTS shadow tables left out: their rows are the index's own bookkeeping)."""
    names = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    names = {n for n in names if not any(n.endswith(s) and n[: -len(s)] in names for s in FTS_SHADOWS)}
    with db.engine.connect() as conn:
        return {n: conn.execute(select(func.count()).select_from(table(n))).scalar_one() for n in sorted(names)}


def _applied() -> set[str]:
    with db.engine.connect() as conn:
        return set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())


def _named_in(script) -> set[str]:
    """Every quoted name in a revision's source: the tables it creates, alters, fills or drops are among them."""
    return set(re.findall(r"""["']([A-Za-z_][A-Za-z0-9_]*)["']""", Path(script.path).read_text()))


def _untouched(before: dict, after: dict, named: set[str]) -> dict:
    """Tables in both states that the revision names nowhere (nor their search index, `<table>_search` on
    SQLite): -> {table: (before, after)}."""
    return {t: (before[t], after[t]) for t in before.keys() & after.keys()
            if t not in named and not any(t == f"{n}_search" for n in named)}


def test_every_migration_goes_down_and_up_again_with_the_demo_council(fresh_database_url):
    """From the head down to the first revision, as Alembic walks the history (branches and merges): each
    revision is downgraded alone and upgraded again, and the tables it does not touch keep their rows."""
    from naborad.cli import load_demo_data
    from naborad.ops.service import script_directory

    script = script_directory()
    order = [rev.revision for rev in script.walk_revisions()]  # heads first, base last
    app = create_app({**BASE_CONFIG, "DATABASE_URL": fresh_database_url})
    with app.app_context():
        upgrade(revision="heads")
        load_demo_data("demo-password-123")
        db.session.remove()
        walked = []
        while _applied():
            heads = _applied()
            revision = script.get_revision(min(heads, key=order.index))  # the newest applied head
            parents = [p for p in (revision.down_revision if isinstance(revision.down_revision, tuple)
                                   else (revision.down_revision,)) if p]
            # One step down: a merge goes to one of its parents (Alembic removes what depends on it: the merge
            # alone); a plain revision goes one step down its own branch; the first goes to the base.
            step = parents[0] if len(parents) > 1 else f"{revision.revision}@-1" if parents else "base"
            named = _named_in(revision)
            before = _table_counts()
            downgrade(revision=step)
            others = heads - {revision.revision}
            assert _applied() == others | {p for p in parents if not any(p in _ancestors(script, h) for h in others)}
            down = _table_counts()
            changed = {t: c for t, c in _untouched(before, down, named).items() if c[0] != c[1]}
            assert not changed, f"downgrading {revision.revision} changed tables it does not touch: {changed}"
            upgrade(revision=revision.revision)
            assert _applied() == heads
            up = _table_counts()
            changed = {t: c for t, c in _untouched(before, up, named).items() if c[0] != c[1]}
            assert not changed, f"{revision.revision} down and up again changed tables it does not touch: {changed}"
            downgrade(revision=step)
            walked.append(revision.revision)
        db.engine.dispose()
    assert sorted(walked) == sorted(order)


def _ancestors(script, revision_id: str) -> set[str]:
    return {rev.revision for rev in script.iterate_revisions(revision_id, "base")} - {revision_id}
