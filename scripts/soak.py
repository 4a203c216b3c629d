"""A bounded soak (issue 23, item 7): members reading, replying, signing up and reporting against gunicorn on
PostgreSQL for a set time; prints the errors (must be 0), p50/p99 latency after the warm-up, and each worker's
memory at the start (after the warm-up) and at the end.

    make soak SOAK_SECONDS=600                       # or:
    PYTHONPATH=$PWD .venv/bin/python scripts/soak.py --seconds 600 --database postgresql://postgres@127.0.0.1/naborad_soak

The database named by --database is dropped and made anew (never point it at real data): the migrations, the
demo council, MEMBERS more neighbours and an event to sign up for. gunicorn runs as production does
(deploy/gunicorn.conf.py), with --workers sync workers and without worker recycling (so memory growth shows).
Every client is a thread with a few members of its own, logged in through the login form; each request is one
of: a page read (overview, issues, an issue, events, meetings), a reply to an issue, a sign-up or its cancel,
a situation report (at most REPORTS_PER_MEMBER_HOUR a member an hour, below the app's limit). An error is an
unexpected status, a failed connection or timeout, or a traceback in the server's log. Bounded in time and
count; only 127.0.0.1. Exits 1 on an error, or when --max-growth is given and a worker grew more than that.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

PASSWORD = "soak-password-2026"
REPORTS_PER_MEMBER_HOUR = 12  # the app allows 20 an hour per member (REPORT_LIMIT)
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
FORM_TOKEN = re.compile(r'name="form_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="form_token"')
REPLIES = ["Takk for at du tok det opp, jeg ser det samme.", "Kan vi ta dette på neste møte?",
           "Jeg kan hjelpe til på lørdag.", "Det er bedre nå enn i forrige uke."]
REPORTS = ["Høy musikk fra bakgården etter midnatt.", "Knust glass ved sykkelstativet.",
           "Søppelsekker ved porten igjen."]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_database(url: str) -> None:
    """Drop and create the database named in `url` (on the same server)."""
    parsed = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    if parsed.get_backend_name() != "postgresql":
        raise SystemExit("--database must be a postgresql:// URL")
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def prepare(env: dict, members: int) -> dict:
    """The demo council, `members` more neighbours, an event to sign up for; -> {"logins", "event"}."""
    from flask_migrate import upgrade

    from naborad import create_app
    from naborad.cli import load_demo_data
    from naborad.extensions import db
    from naborad.models import Event, Role, User, utcnow
    from naborad.passwords import hash_password
    app = create_app({"DATABASE_URL": env["NABORAD_DATABASE_URL"], "SECRET_KEY": env["NABORAD_SECRET_KEY"]})
    with app.app_context():
        upgrade(revision="heads")
        load_demo_data(PASSWORD)
        password = hash_password(PASSWORD)
        for i in range(members):
            db.session.add(User(username=f"soak{i}", display_name=f"Nabo {i}", role=Role.NEIGHBOUR,
                                password_hash=password))
        event = Event(title="Dugnad i bakgården", description="Vi rydder.", place="Bakgården",
                      starts_at=utcnow() + timedelta(days=30), ends_at=utcnow() + timedelta(days=30, hours=3))
        db.session.add(event)
        db.session.commit()
        logins = ["nabo", "beboer", *[f"soak{i}" for i in range(members)]]
        result = {"logins": logins, "event": event.id}
        db.session.remove()
        db.engine.dispose()
    return result


class Member:
    """One member's browser: a cookie jar, no redirects followed."""

    def __init__(self, base: str, login: str):
        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None
        self.base, self.login = base, login
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  NoRedirect)
        self.reports: list[float] = []
        self.signed_up = False

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def log_in(self) -> None:
        status, html = self.request("/logg-inn")
        status, _ = self.request("/logg-inn", {"csrf_token": _token(TOKEN, html), "login": self.login,
                                               "password": PASSWORD})
        if status != 303:
            raise SystemExit(f"{self.login} could not log in ({status})")


def _token(pattern, html: str) -> str:
    match = pattern.search(html)
    return (match.group(1) or match.group(2)) if match else ""


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: list[tuple[float, float]] = []  # (when, seconds)
        self.errors: Counter = Counter()
        self.actions: Counter = Counter()

    def add(self, action: str, started: float, seconds: float, ok: bool, what: str = "") -> None:
        with self.lock:
            self.latencies.append((started, seconds))
            self.actions[action] += 1
            if not ok:
                self.errors[what] += 1


def timed(stats: Stats, member: Member, action: str, path: str, expect: int, data: dict | None = None) -> str:
    started = time.monotonic()
    try:
        status, body = member.request(path, data)
    except OSError as error:  # refused, reset, timed out
        stats.add(action, started, time.monotonic() - started, False, f"{action}: {type(error).__name__}")
        return ""
    stats.add(action, started, time.monotonic() - started, status == expect, f"{action}: {status}")
    return body


def one_step(member: Member, stats: Stats, issues: list[int], event: int, rng: random.Random) -> None:
    roll = rng.random()
    if roll < 0.12 and issues:  # a reply: the thread, then the form
        issue = rng.choice(issues)
        html = timed(stats, member, "read issue", f"/saker/{issue}", 200)
        if html:
            timed(stats, member, "reply", f"/saker/{issue}/svar", 303,
                  {"csrf_token": _token(TOKEN, html), "form_token": _token(FORM_TOKEN, html),
                   "body": rng.choice(REPLIES)})
    elif roll < 0.22:  # sign up, or cancel the sign-up
        html = timed(stats, member, "read event", f"/arrangementer/{event}", 200)
        if html:
            token = _token(TOKEN, html)
            if member.signed_up:
                timed(stats, member, "cancel sign-up", f"/arrangementer/{event}/avmelding", 303,
                      {"csrf_token": token})
            else:
                timed(stats, member, "sign up", f"/arrangementer/{event}/pamelding", 303,
                      {"csrf_token": token, "guests": "0"})
            member.signed_up = not member.signed_up
    elif roll < 0.28 and len([t for t in member.reports if t > time.monotonic() - 3600]) < REPORTS_PER_MEMBER_HOUR:
        html = timed(stats, member, "read report form", "/meld-fra/", 200)
        if html:
            member.reports.append(time.monotonic())
            timed(stats, member, "report", "/meld-fra/", 303,
                  {"csrf_token": _token(TOKEN, html), "form_token": _token(FORM_TOKEN, html), "category": "noise",
                   "text": rng.choice(REPORTS), "place": "Bakgården", "contact_way": "in_app"})
    else:
        path = rng.choice(["/", "/saker/", f"/saker/{rng.choice(issues)}" if issues else "/saker/",
                           "/arrangementer/", "/moter/", "/varsler/"])
        timed(stats, member, "read", path, 200)


def worker_pids(master: int) -> list[int]:
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    return sorted(int(pid) for pid in children)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=600, help="how long the members work (warm-up included)")
    parser.add_argument("--warmup", type=float, default=None,
                        help="seconds before latencies and the start memory are measured (default: a sixth, ≤ 60)")
    parser.add_argument("--database", default="postgresql://postgres@127.0.0.1:5432/naborad_soak",
                        help="PostgreSQL database to drop and make anew")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (threads)")
    parser.add_argument("--members", type=int, default=24, help="neighbours besides the demo council's")
    parser.add_argument("--think", type=float, default=0.05, help="seconds a client waits between requests")
    parser.add_argument("--max-growth", type=float, default=None, help="fail if a worker's memory grew more (%%)")
    args = parser.parse_args(argv)
    warmup = args.warmup if args.warmup is not None else min(60.0, args.seconds / 6)

    fresh_database(args.database)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "NABORAD_DATABASE_URL": args.database, "NABORAD_SECRET_KEY": "soak-secret-" + "x" * 40,
           "NABORAD_BASE_URL": base, "NABORAD_TWO_FACTOR_REQUIRED": "false", "PYTHONPATH": str(ROOT),
           "NABORAD_LOGIN_IP_LIMIT": "100000 per minute"}
    print(f"Preparing {args.database} ...", flush=True)
    council = prepare(env, args.members)
    log = tempfile.NamedTemporaryFile("w+", prefix="naborad-soak-", suffix=".log", delete=False)
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "--workers",
                               str(args.workers), "--max-requests", "0", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(600):
            try:
                if Member(base, "-").request("/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("gunicorn did not start")
        members = [Member(base, login) for login in council["logins"]]
        for member in members:
            member.log_in()
        reader = members[0]
        issues = [int(i) for i in dict.fromkeys(re.findall(r'href="/saker/(\d+)"', reader.request("/saker/")[1]))]
        issues = [i for i in issues if f"/saker/{i}/svar" in reader.request(f"/saker/{i}")[1]][:10]
        stats = Stats()
        started = time.monotonic()
        deadline = started + args.seconds
        memory: dict[str, dict[int, float]] = {}

        def client(n: int) -> None:
            rng = random.Random(n)
            mine = members[n::args.clients]
            while time.monotonic() < deadline:
                one_step(rng.choice(mine), stats, issues, council["event"], rng)
                time.sleep(args.think)

        threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(args.clients)]
        for thread in threads:
            thread.start()
        print(f"{len(members)} members on {args.clients} clients for {args.seconds:.0f} s "
              f"(warm-up {warmup:.0f} s), gunicorn with {args.workers} workers ...", flush=True)
        time.sleep(max(0.0, min(warmup, args.seconds)))
        pids = worker_pids(server.pid)
        memory["start"] = {pid: rss_mib(pid) for pid in pids}
        for thread in threads:
            thread.join(args.seconds + 60)
        memory["end"] = {pid: rss_mib(pid) for pid in worker_pids(server.pid)}
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
    log.seek(0)
    server_log = log.read()
    log.close()
    tracebacks = server_log.count("Traceback")

    measured = [seconds * 1000 for when, seconds in stats.latencies if when >= started + warmup]
    errors = sum(stats.errors.values()) + tracebacks
    print(f"requests: {len(stats.latencies)} ({', '.join(f'{n} {a}' for a, n in stats.actions.most_common())})")
    print(f"errors: {errors}" + (f" ({dict(stats.errors)}, {tracebacks} traceback(s) in the server log)"
                                 if errors else ""))
    print(f"latency after warm-up: p50 {percentile(measured, 0.5):.0f} ms, p99 {percentile(measured, 0.99):.0f} ms, "
          f"mean {statistics.fmean(measured) if measured else 0:.0f} ms over {len(measured)} requests")
    growth = 0.0
    for pid, before in memory.get("start", {}).items():
        after = memory.get("end", {}).get(pid)
        if after is None:
            print(f"worker {pid}: {before:.1f} MiB at the start, gone at the end (restarted?)")
            errors += 1
            continue
        change = (after - before) / before * 100 if before else 0.0
        growth = max(growth, change)
        print(f"worker {pid}: {before:.1f} MiB at the start, {after:.1f} MiB at the end ({change:+.1f} %)")
    if tracebacks:
        print(server_log[server_log.index("Traceback"):][:3000])
    if errors:
        print(f"server log: {log.name}")
    else:
        os.unlink(log.name)
    if errors:
        return 1
    if args.max_growth is not None and growth > args.max_growth:
        print(f"memory grew {growth:.1f} % (more than {args.max_growth} %)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
