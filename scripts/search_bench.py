"""Issue search at ten years: LIKE '%word%' (before revision 0081) against the full-text index, side by side.

Builds a council with 3,000 issues twice: once with typical texts (120 words, about 800 characters), once
with long ones that hold 20 replies' worth of words each (800 words, 60,000 replies of text in all), then
times the issue list's search query (one page, as issues.service.issue_page asks it) with the old LIKE
conditions and with naborad.search's full-text conditions, and prints the median milliseconds per search
(SQL and loading the rows). Not a test: figures only. On PostgreSQL the table is analysed after loading,
as autovacuum would soon do.

    .venv/bin/python scripts/search_bench.py            # SQLite file in a temporary folder
    NABORAD_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench .venv/bin/python scripts/search_bench.py

The PostgreSQL database named is emptied first.
"""
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert, or_, select, text  # noqa: E402
from sqlalchemy.orm import joinedload  # noqa: E402

from naborad import create_app  # noqa: E402
from naborad.extensions import db  # noqa: E402
from naborad.issues import service  # noqa: E402
from naborad.models import Issue, IssueCategory, Role, User, search_key, utcnow  # noqa: E402
from naborad.search import word_variants  # noqa: E402

ISSUES = 3000
PROFILES = [("typical texts", 120), ("20 replies' worth each", 800)]  # words per issue
RUNS = 15
COMMON = ("søppel støy bakgården porten containeren lokket måkene parkering fortauet biler trapp lys gatelys "
          "beboer nabo kveld natt morgen helg fest musikk hund sykkel vinter snø strøing benk park lekeplass "
          "møte referat vedtak sak skole buss trafikk fartsdump ærlig åpen døra nøkkel vaskeri hage").split()
QUERIES = [("a common word", "søppel"), ("common, typed without ø", "soppel"), ("a category's name", "støy"),
           ("two words", "sopp lokk"), ("a rare word (3 issues)", "kirsebærtreet"),
           ("no match at all", "zqxvw"), ("eight words", "søppel lokk måkene porten natt kveld hund benk")]


def like_conditions(q):
    """The search as it was before revision 0081: LIKE '%word%' on the folded text (a copy of the old code)."""
    labels = service._category_words()
    conditions = []
    for word in search_key(q).split()[:8]:
        options = []
        for v in word_variants(word):
            escaped = v.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            options.append(Issue.search_text.like(f"%{escaped}%", escape="\\"))
        named = [c for c, keys in labels.items()
                 if len(word) >= 3 and any(service._names_category(v, key) for v in word_variants(word)
                                           for key in keys)]
        if named:
            options.append(Issue.category.in_(named))
        conditions.append(or_(*options))
    return conditions


def make_app(url):
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
    return app


def grow(app, body_words):
    rng = random.Random(16)
    rare = [f"ord{n}" for n in range(20_000)]  # a long tail of words, as real text has
    with app.app_context():
        author = User(username="skribent", display_name="Skribent", role=Role.NEIGHBOUR)
        db.session.add(author)
        db.session.flush()
        now = utcnow()
        rows = []
        for n in range(ISSUES):
            words = [rng.choice(COMMON) if rng.random() < 0.3 else rng.choice(rare)
                     for _ in range(body_words)]
            if n % 1000 == 7:
                words.append("kirsebærtreet")
            title, body = f"Sak {n}: {rng.choice(COMMON)}", " ".join(words)
            rows.append({"title": title, "body": body, "category": rng.choice(list(IssueCategory)).value,
                         "status": "new", "author_id": author.id, "search_text": search_key(title, body),
                         "created_at": now, "last_activity_at": now - timedelta(minutes=n), "reply_count": 20})
        start = time.perf_counter()
        for chunk in range(0, len(rows), 500):
            db.session.execute(insert(Issue), rows[chunk:chunk + 500])
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("ANALYZE issue"))
        size = sum(len(r["search_text"]) for r in rows)
        print(f"\n{ISSUES} issues, {size / 1e6:.1f} MB of folded text, inserted (and indexed) in "
              f"{time.perf_counter() - start:.1f} s")


def timed(stmt):
    db.session.execute(stmt).all()  # warm-up
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        rows = db.session.execute(stmt).unique().all()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, len(rows)


def main():
    url = os.environ.get("NABORAD_BENCH_DATABASE_URL")
    for profile, body_words in PROFILES:
        with tempfile.TemporaryDirectory() as folder:
            app = make_app(url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
            grow(app, body_words)
            with app.app_context():
                print(f"{db.engine.dialect.name}, {profile}: median of {RUNS} runs, one page (21 rows) of the list")
                print(f"{'search':<26} {'query':<48} {'LIKE ms':>8} {'FTS ms':>8} {'rows':>5}")
                for label, q in QUERIES:
                    before, before_rows = timed(page(like_conditions(q)))
                    after, after_rows = timed(page(service.search_conditions(q)))
                    found = f"{after_rows}" if after_rows == before_rows else f"{after_rows} (LIKE {before_rows})"
                    print(f"{label:<26} {q:<48} {before:8.2f} {after:8.2f} {found:>5}")
                db.session.remove()
                db.engine.dispose()


def page(conditions):
    return (select(Issue).where(*conditions).options(joinedload(Issue.author))
            .order_by(Issue.last_activity_at.desc(), Issue.id.desc()).limit(21))


if __name__ == "__main__":
    main()
