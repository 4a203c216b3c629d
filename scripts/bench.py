"""What each page costs with one year and with ten years of data, beside a plain reference page (issue 16).

    make bench                                  # or: PYTHONPATH=$PWD .venv/bin/python scripts/bench.py
    PYTHONPATH=$PWD .venv/bin/python scripts/bench.py --quick     # SQLite only, fewer repetitions

Builds (once; cached by a name that carries the years and a fingerprint of the generator, the models and
the migrations) a council of 1 year and one of 10 years with naborad.bench_data (`flask bench-data`), on
SQLite in instance/ and, when PostgreSQL answers at BENCH_PG_URL (default
postgresql://postgres@127.0.0.1:5432/naborad_bench; databases <name>_1y and <name>_10y are made there), on
PostgreSQL too. Then every main page and htmx fragment, as each role that may see it (resident, neighbour,
staff, chair: logged in once each through the real login form), goes through the whole WSGI stack
(Flask's test client) in its own app and request context, as a production request does:

- queries per request: every statement the app's engine sends (an SQLAlchemy before_cursor_execute
  listener), the most frequent count over the measured requests;
- CPU per request: time.process_time() (not wall time) around each request; the median of each batch,
  then the median of the batches;
- bytes: raw, and gzip level 6; for a page its first load too (the page and the static files it links).

The reference (scripts/bench_reference.py: plain Flask + Flask-SQLAlchemy + Jinja, 30 posts and their
authors from 2 queries, no login, nothing cached; and a bare "hello" route) is measured in the same
process, a batch of it before every batch of the app, so the machine's load falls on both alike. Other
processes' CPU during the run is read from /proc and printed. The goals of issue 16 end the report as
PASS/FAIL lines. A report, not a test: it exits 0 whatever the figures.
"""
import argparse
import gzip
import hashlib
import logging
import os
import re
import statistics
import sys
import time
from collections import Counter
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_reference import create_reference_app  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, event, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from naborad import bench_data, create_app  # noqa: E402
from naborad.cli import DEMO_PASSWORD  # noqa: E402
from naborad.extensions import db  # noqa: E402
from naborad.markdown import RENDERER_VERSION  # noqa: E402
from naborad.models import (  # noqa: E402
    AgendaItem,
    Event,
    Issue,
    ItemState,
    Meeting,
    MeetingStatus,
    PreMeeting,
    utcnow,
)

SIZES = (1, 10)  # years: the small council and the ten-year one
ROLES = {"resident": "beboer", "neighbour": "nabo", "staff": "ansatt", "chair": "leder"}
SECRET = "bench-secret-key-not-for-production-0123456789abcdef"
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/naborad_bench"
BUDGET_PAGE_KB, BUDGET_FRAGMENT_KB = 25, 4


@dataclass(frozen=True)
class Row:
    """A page or fragment: `requests` (method, path, form) are sent in turn, a POST's pair keeps the data as
    it was (sign up / cancel, up / down)."""
    name: str
    requests: tuple
    fragment: bool = False
    kind: str = "page"  # page | thread | search

    def htmx(self) -> bool:
        return self.fragment


def get(path):
    return ("GET", path, None)


def post(path, **form):
    return ("POST", path, form)


ROWS = [
    Row("overview", (get("/"),)),
    Row("issue list", (get("/saker/"),)),
    Row("issue search", (get("/saker/?q=støy"),), kind="search"),
    Row("thread, 30 replies", (get("/saker/{thread}"),), kind="thread"),
    Row("meetings + archive", (get("/moter/"),)),
    Row("archive search", (get("/moter/?q=parkering"),), kind="search"),
    Row("meeting: agenda", (get("/moter/{meeting}"),)),
    Row("meeting: minutes", (get("/moter/{past_meeting}"),)),
    Row("decision log", (get("/moter/vedtak"),)),
    Row("action items", (get("/moter/oppfolging?status=all"),)),
    Row("events", (get("/arrangementer/"),)),
    Row("event", (get("/arrangementer/{event}"),)),
    Row("notifications", (get("/varsler/"),)),
    Row("pre-meeting", (get("/beboermote/{premeeting}"),)),
    Row("report queue", (get("/meld-fra/ko"),)),
    Row("members", (get("/medlemmer/"),)),
    # htmx fragments
    Row("issue search", (get("/saker/?q=støy"),), fragment=True, kind="search"),
    Row("issue list, more", (get("/saker/?side=2"),), fragment=True),
    Row("archive search", (get("/moter/?q=parkering"),), fragment=True, kind="search"),
    Row("archive, more", (get("/moter/?side=2"),), fragment=True),
    Row("decision search", (get("/moter/vedtak?q=kommunen"),), fragment=True, kind="search"),
    Row("decision log, more", (get("/moter/vedtak?side=2"),), fragment=True),
    Row("action items, more", (get("/moter/oppfolging?status=all&side=2"),), fragment=True),
    Row("past events, more", (get("/arrangementer/?side=2"),), fragment=True),
    Row("notifications, more", (get("/varsler/?side=2"),), fragment=True),
    Row("notification badge", (get("/varsler/antall"),), fragment=True),
    Row("report queue, more", (get("/meld-fra/ko?lukket_side=2"),), fragment=True),
    Row("screen agenda", (get("/moter/{meeting}/skjerm"),), fragment=True),
    Row("reply posted", (post("/saker/{scratch}/svar", body="Enig. Vi tar det opp på **neste møte**."),),
        fragment=True),
    Row("rsvp", (post("/moter/{meeting}/svar", answer="yes"),), fragment=True),
    Row("agenda up/down", (post("/moter/punkt/{item}/opp"), post("/moter/punkt/{item}/ned")), fragment=True),
    Row("sign-up/cancel", (post("/arrangementer/{event}/avmelding"), post("/arrangementer/{event}/pamelding",
                                                                         guests="0")), fragment=True),
]


# -- the councils -----------------------------------------------------------------------------

def fingerprint() -> str:
    """Changes when what a generated council holds may change: the generator, the models, the migrations,
    the renderer."""
    digest = hashlib.sha256(str(RENDERER_VERSION).encode())
    files = [*(ROOT / "naborad" / name for name in ("bench_data.py", "bulk.py", "premeeting/demo.py",
                                                    "members/demo.py", "contact/demo.py")),
             *sorted((ROOT / "naborad" / "models").glob("*.py")),
             *sorted((ROOT / "migrations" / "versions").glob("*.py"))]
    for path in files:
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:10]


def app_for(url: str):
    return create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET, "TWO_FACTOR_REQUIRED": False,
                       "RATELIMIT_STORAGE_URL": "memory://"})


def build(url: str, years: int) -> None:
    started = time.perf_counter()
    app = app_for(url)
    with app.app_context():
        upgrade()
        bench_data.generate(years, DEMO_PASSWORD)
        db.engine.dispose()
    print(f"  built a council of {years} year(s) in {time.perf_counter() - started:.0f} s: {safe(url)}", flush=True)


def sqlite_council(years: int, fp: str) -> str:
    path = ROOT / "instance" / f"bench-{years}y-{fp}.sqlite3"
    if not path.exists():
        for old in path.parent.glob(f"bench-{years}y-*.sqlite3*"):
            old.unlink()
        partial = path.with_suffix(".building")
        for leftover in path.parent.glob(partial.name + "*"):
            leftover.unlink()
        build(f"sqlite:///{partial}", years)
        partial.rename(path)
    return f"sqlite:///{path}"


def pg_council(base_url: str, years: int, fp: str) -> str | None:
    """The council's PostgreSQL database (built when missing or of another fingerprint); None when
    PostgreSQL does not answer."""
    url = make_url(base_url)
    name = f"{url.database}_{years}y"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            note = conn.scalar(text("SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                                    "WHERE datname = :name"), {"name": name})
            exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name})
            if exists and note == f"naborad-bench {fp}":
                return url.set(database=name).render_as_string(hide_password=False)
            if exists:
                conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        council = url.set(database=name).render_as_string(hide_password=False)
        build(council, years)
        with admin.connect() as conn:
            conn.execute(text(f"COMMENT ON DATABASE \"{name}\" IS 'naborad-bench {fp}'"))
        return council
    except Exception as error:  # noqa: BLE001 - no PostgreSQL here: SQLite alone
        print(f"  PostgreSQL at {safe(base_url)} is not used: {type(error).__name__}: {str(error)[:120]}")
        return None
    finally:
        admin.dispose()


def safe(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


# -- measuring --------------------------------------------------------------------------------

class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith("BEGIN"):
            self.count += 1


TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"|name="csrf_token"[^>]*value="([^"]+)"')
STATIC = re.compile(r'(?:href|src)="(/static/[^"]+)"')


@dataclass
class Target:
    """One app (a council on a database, or the reference) and its logged-in clients by role."""
    label: str
    app: object
    counter: QueryCounter
    ids: dict = field(default_factory=dict)
    clients: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)


def csrf_token(html: str) -> str | None:
    match = TOKEN.search(html)
    return (match.group(1) or match.group(2)) if match else None


def council_target(label: str, url: str) -> Target:
    app = app_for(url)
    counter = QueryCounter()
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", counter)
        thread = db.session.scalar(select(Issue.id).where(Issue.reply_count == 30).order_by(Issue.id.desc()))
        scratch = db.session.scalar(select(Issue.id).where(Issue.reply_count == 20).order_by(Issue.id.desc()))
        meeting = db.session.scalar(select(Meeting.id).where(Meeting.status == MeetingStatus.PLANNED,
                                                             Meeting.starts_at > utcnow()).order_by(Meeting.starts_at))
        ids = {"thread": thread, "scratch": scratch, "meeting": meeting,
               "past_meeting": db.session.scalar(select(Meeting.id).where(Meeting.status == MeetingStatus.APPROVED)
                                                 .order_by(Meeting.starts_at.desc())),
               "item": db.session.scalar(select(AgendaItem.id).where(
                   AgendaItem.meeting_id == meeting, AgendaItem.state == ItemState.ACCEPTED,
                   AgendaItem.standing.is_(None), AgendaItem.position == 4)),
               "event": db.session.scalar(select(Event.id).where(Event.starts_at > utcnow()).order_by(Event.starts_at)),
               "premeeting": db.session.scalar(select(PreMeeting.id).where(PreMeeting.meeting_id == meeting))}
    target = Target(label, app, counter, ids)
    for role, login in ROLES.items():
        client = app.test_client()
        token = csrf_token(client.get("/logg-inn").get_data(as_text=True))
        response = client.post("/logg-inn", data={"login": login, "password": DEMO_PASSWORD, "csrf_token": token})
        assert response.status_code == 303, (label, role, response.status_code)
        target.clients[role] = client
        target.tokens[role] = csrf_token(client.get("/").get_data(as_text=True))
    return target


def send(target: Target, role: str, spec, htmx: bool):
    method, path, form = spec
    client = target.clients.get(role) or target.app.test_client()
    path = path.format(**target.ids)
    headers = {"HX-Request": "true"} if htmx else {}
    if method == "GET":
        return client.get(path, headers=headers)
    token = target.tokens[role]
    return client.post(path, data={**form, "csrf_token": token}, headers={**headers, "X-CSRFToken": token})


@dataclass
class Result:
    cpu: list = field(default_factory=list)  # one median per batch, seconds
    queries: Counter = field(default_factory=Counter)
    raw: int = 0
    gz: int = 0
    first_load_gz: int = 0    # the page and its static files, each gzipped here at level 6
    first_load_wire: int = 0  # the same as the app sends them to a browser that offers br and gzip
    status: int = 0

    @property
    def cpu_ms(self) -> float:
        return statistics.median(self.cpu) * 1000

    @property
    def query_count(self) -> int:
        return self.queries.most_common(1)[0][0]


def batch(target: Target, role: str, row: Row, reps: int, result: Result) -> None:
    """`reps` requests of the row (its requests in turn), each timed alone; the batch's median CPU."""
    times = []
    for n in range(reps):
        spec = row.requests[n % len(row.requests)]
        target.counter.count = 0
        start = time.process_time()
        response = send(target, role, spec, row.htmx())
        times.append(time.process_time() - start)
        result.queries[target.counter.count] += 1
        if response.status_code != result.status:
            raise SystemExit(f"{target.label} {row.name} as {role}: {response.status_code}, was {result.status}")
    result.cpu.append(statistics.median(times))


# What Chromium offers (the browser tests' and most members' browser); the app answers it with br.
BROWSER_ENCODINGS = {"Accept-Encoding": "gzip, deflate, br, zstd"}


def static_sizes(target: Target, html: str, cache: dict) -> tuple[int, int]:
    """(gzip level 6 bytes, bytes as sent to a browser) of the static files a page links (each once)."""
    gz = wire = 0
    client = target.app.test_client()
    for url in dict.fromkeys(STATIC.findall(html)):
        if url not in cache:
            url_ = url.replace("&amp;", "&")
            plain, sent = client.get(url_), client.get(url_, headers=BROWSER_ENCODINGS)
            cache[url] = ((len(gzip.compress(plain.data, 6)), len(sent.data)) if plain.status_code == 200
                          else (0, 0))
            plain.close()
            sent.close()
        gz += cache[url][0]
        wire += cache[url][1]
    return gz, wire


def warm_up(target: Target, role: str, row: Row, cache: dict) -> Result | None:
    """Two requests of each kind (compiles templates, fills caches); the status, sizes and first load.
    None when the role may not see it (4xx)."""
    result = Result()
    for _ in range(2):
        for spec in row.requests:
            response = send(target, role, spec, row.htmx())
    if response.status_code >= 400:
        return None
    result.status = response.status_code
    body = response.get_data()
    result.raw, result.gz = len(body), len(gzip.compress(body, 6))
    if not row.fragment:
        static_gz, static_wire = static_sizes(target, body.decode(), cache)
        result.first_load_gz = result.gz + static_gz
        method, path, _ = row.requests[-1]
        sent = (target.clients.get(role) or target.app.test_client()).get(path.format(**target.ids),
                                                                            headers=BROWSER_ENCODINGS)
        result.first_load_wire = len(sent.get_data()) + static_wire
    return result  # a pair (sign up / cancel) ran whole: the data is as it was


def cpu_jiffies() -> tuple[int, int]:
    """(busy jiffies of the whole machine, this process's jiffies)."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    busy = sum(values) - values[3] - values[4]  # minus idle and iowait
    with open("/proc/self/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return busy, int(fields[11]) + int(fields[12])


# -- the report -------------------------------------------------------------------------------

def ratio(a: float, b: float) -> str:
    return f"{a / b:5.2f}" if b else "  -  "


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="SQLite only, fewer repetitions (for development)")
    parser.add_argument("--batches", type=int, default=None)
    parser.add_argument("--reps", type=int, default=None, help="requests per batch")
    parser.add_argument("--only", metavar="REGEX", default=None,
                        help="measure only the pages and fragments whose name matches (e.g. 'thread|overview')")
    args = parser.parse_args()
    rows = [row for row in ROWS if args.only is None or re.search(args.only, row.name)]
    batches = args.batches or (3 if args.quick else 5)
    reps = args.reps or (4 if args.quick else 6)
    reps += reps % 2  # even: a pair of requests (up / down) leaves the data as it was
    logging.disable(logging.WARNING)  # the app's log lines (e.g. a last-seen write that waits) are not the report

    fp = fingerprint()
    print(f"Naboråd bench: councils of {SIZES[0]} and {SIZES[1]} years (generator fingerprint {fp})", flush=True)
    councils = {("sqlite", years): sqlite_council(years, fp) for years in SIZES}
    if not args.quick:
        pg_base = os.environ.get("BENCH_PG_URL", DEFAULT_PG)
        for years in SIZES:
            url = pg_council(pg_base, years, fp)
            if url is None:
                break
            councils[("postgresql", years)] = url
    databases = list(dict.fromkeys(name for name, _ in councils))
    targets = {key: council_target(f"{key[0]} {key[1]}y", url) for key, url in councils.items()}

    ref_app = create_reference_app(str(ROOT / "instance" / "bench-reference.sqlite3"))
    ref_counter = QueryCounter()
    with ref_app.app_context():
        event.listen(ref_app.extensions["bench_db"].engine, "before_cursor_execute", ref_counter)
    reference = Target("reference", ref_app, ref_counter, clients={None: ref_app.test_client()})
    ref_rows = {"reference thread": Row("reference thread", (get("/thread"),)),
                "hello": Row("hello", (get("/hello"),))}

    # Warm up every (council, row, role); keep those the role may see.
    static_cache = {}
    plan, results = [], {}
    for name, row in ref_rows.items():
        results[("reference", name)] = warm_up(reference, None, row, static_cache)
        plan.append((reference, None, row, ("reference", name)))
    for key, target in targets.items():
        for index, row in enumerate(rows):
            for role in ROLES:
                result = warm_up(target, role, row, static_cache)
                if result is not None:
                    results[(key, index, role)] = result
                    plan.append((target, role, row, (key, index, role)))
    print(f"  {len(plan)} page/fragment x role x council combinations, {batches} batches x {reps} requests each; "
          f"a reference batch before each", flush=True)

    busy0, own0 = cpu_jiffies()
    wall0 = time.perf_counter()
    ref_thread, ref_hello = ref_rows["reference thread"], ref_rows["hello"]
    for round_number in range(batches):
        print(f"  round {round_number + 1} of {batches} ({time.perf_counter() - wall0:.0f} s)", file=sys.stderr,
              flush=True)
        for target, role, row, key in plan:
            if target is reference:
                continue
            batch(reference, None, ref_thread, reps, results[("reference", "reference thread")])
            batch(reference, None, ref_hello, reps, results[("reference", "hello")])
            batch(target, role, row, reps, results[key])
    busy1, own1 = cpu_jiffies()
    wall = time.perf_counter() - wall0
    tick = os.sysconf("SC_CLK_TCK")
    others = (busy1 - busy0 - (own1 - own0)) / tick
    cores = os.cpu_count() or 1

    ref = results[("reference", "reference thread")]
    hello = results[("reference", "hello")]
    ref_ms = ref.cpu_ms
    print()
    print(f"Run: {wall:.0f} s on {cores} cores; this process {(own1 - own0) / tick:.0f} s CPU; other processes "
          f"{others:.0f} s CPU (on average {others / wall:.2f} of {cores} cores busy with others).")
    print(f"Reference thread page (30 posts, 2 queries): {ref_ms:.2f} ms CPU, {ref.query_count} queries, "
          f"{ref.raw / 1024:.1f} KB, {ref.gz / 1024:.1f} KB gzip (batches: "
          f"{', '.join(f'{v * 1000:.2f}' for v in ref.cpu[:12])}{', ...' if len(ref.cpu) > 12 else ''})")
    print(f"Bare hello route: {hello.cpu_ms:.3f} ms CPU ({len(hello.cpu)} batches)")
    print("CPU: median ms per request (process_time); x ref: / reference thread page; 10/1: ten years / one year;")
    print("q: queries per request; KB: 10-year response, raw and gzip; first: page + its static files, gzip KB;")
    print("wire: the same as the app sends them to a browser offering br and gzip (Chromium's Accept-Encoding).")

    goals = {"thread": [], "other": [], "search10": [], "queries": [], "growth": [], "first": [], "fragment": [],
             "not comparable": []}
    for database in databases:
        print()
        print(f"== {database}")
        head = (f"{'page':<22}{'frag':<5}{'role':<10}{'q 1y':>5}{'q 10y':>6}{'ms 1y':>7}{'ms 10y':>7}"
                f"{'xref 1y':>8}{'xref10y':>8}{'10/1':>6}{'KB':>7}{'KB gz':>7}{'first':>7}{'wire':>6}")
        print(head)
        print("-" * len(head))
        for index, row in enumerate(rows):
            for role in ROLES:
                small = results.get(((database, 1), index, role))
                large = results.get(((database, 10), index, role))
                if small is None or large is None:
                    continue
                label = f"{database} {row.name}{' (htmx)' if row.fragment else ''} as {role}"
                print(f"{row.name[:21]:<22}{'htmx' if row.fragment else '':<5}{role:<10}{small.query_count:>5}"
                      f"{large.query_count:>6}{small.cpu_ms:>7.2f}{large.cpu_ms:>7.2f}{ratio(small.cpu_ms, ref_ms):>8}"
                      f"{ratio(large.cpu_ms, ref_ms):>8}{ratio(large.cpu_ms, small.cpu_ms):>6}{large.raw / 1024:>7.1f}"
                      f"{large.gz / 1024:>7.1f}{(large.first_load_gz / 1024 if not row.fragment else 0):>7.1f}"
                      f"{(large.first_load_wire / 1024 if not row.fragment else 0):>6.1f}"
                      .replace("    0.0", "      -") + (" *" if max(small.raw, large.raw) > 2 * min(small.raw, large.raw)
                                                         else ""))
                worst = max(small.cpu_ms, large.cpu_ms) / ref_ms
                if row.kind == "thread":
                    goals["thread"].append((worst, label, 1.5))
                elif row.kind == "search":
                    goals["search10"].append((large.cpu_ms / ref_ms, label, 3))
                else:
                    goals["other"].append((worst, label, 3))
                most = 6 if row.kind == "thread" else 10
                if small.query_count != large.query_count or large.query_count > most:
                    goals["queries"].append((large.query_count, f"{label}: {small.query_count} at 1 year, "
                                             f"{large.query_count} at 10 (at most {most})", None))
                else:
                    goals["queries"].append((0, label, None))
                comparable = max(small.raw, large.raw) <= 2 * min(small.raw, large.raw)
                if row.kind != "search" and comparable:
                    goals["growth"].append((large.cpu_ms / small.cpu_ms, label, 1.2))
                elif row.kind != "search":  # e.g. "show more" of a list with no second page at one year
                    goals["not comparable"].append(label)
                if row.fragment:
                    goals["fragment"].append((max(small.gz, large.gz) / 1024, label, BUDGET_FRAGMENT_KB))
                else:
                    goals["first"].append((max(small.first_load_wire, large.first_load_wire) / 1024, label,
                                           BUDGET_PAGE_KB))

    print("* the two councils' answers differ more than 2x in size (e.g. a list that has no second page at one "
          "year): compare its 10/1 with care")
    print()
    print("Goals (issue 16)")

    def verdict(name, entries, text, unit="x"):
        failing = [e for e in entries if e[2] is not None and e[0] > e[2]]
        worst = max(entries, default=None, key=lambda e: e[0])
        status = "FAIL" if failing else "PASS"
        detail = f"worst {worst[0]:.2f}{unit}: {worst[1]}" if worst else "nothing measured"
        print(f"  {status}  {text}: {detail}" + (f" ({len(failing)} of {len(entries)} over)" if failing else ""))

    verdict("thread", goals["thread"], "thread with 30 replies CPU <= 1.5x reference")
    verdict("other", goals["other"], "every other page and fragment CPU <= 3x reference (both councils)")
    verdict("search10", goals["search10"], "search at ten years CPU <= 3x reference")
    bad = [e for e in goals["queries"] if e[0]]
    print(f"  {'FAIL' if bad else 'PASS'}  same query count at 1 and 10 years (<= 6 thread, <= 10 elsewhere)"
          + (f": {len(bad)} of {len(goals['queries'])} not, e.g. {bad[0][1]}" if bad else ""))
    for _, message, _ in bad[1:6]:
        print(f"          {message}")
    verdict("growth", goals["growth"], "CPU at 10 years <= 1.2x CPU at 1 year (search excepted)")
    if goals["not comparable"]:
        print(f"          not compared: {len(goals['not comparable'])} rows whose answers differ more than 2x in size "
              f"(*), e.g. {goals['not comparable'][0]}")
    verdict("first", goals["first"], "first load (page + static files, as sent to a browser) <= 25 KB", " KB")
    verdict("fragment", goals["fragment"], "every htmx fragment <= 4 KB gzip", " KB")
    print("  (the load test, 60 s x 50 connections on the thread page: `make load`)")
    for target in targets.values():
        with target.app.app_context(), suppress(Exception):
            db.engine.dispose()


if __name__ == "__main__":
    main()
