"""A bounded load test of the thread page (issue 16): wrk, 50 connections for 60 s, against gunicorn with 2 sync
workers (as `make run` serves it), logged in as a neighbour, on the ten-year council; on SQLite and on
PostgreSQL. Prints requests, errors (non-2xx answers, socket errors and timeouts) and latency percentiles.

    make load                       # or: PYTHONPATH=$PWD .venv/bin/python scripts/load.py [--seconds 60] [--connections 50]

The councils are the bench's (scripts/bench.py builds and caches them); PostgreSQL at BENCH_PG_URL is
skipped when it does not answer. wrk runs on this machine: Debian's `apt-get install wrk`.
"""
import argparse
import http.cookiejar
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench import DEFAULT_PG, SECRET, csrf_token, fingerprint, pg_council, safe, sqlite_council  # noqa: E402
from sqlalchemy import create_engine, select  # noqa: E402

from naborad.cli import DEMO_PASSWORD  # noqa: E402
from naborad.models import Issue  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def thread_id(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(select(Issue.id).where(Issue.reply_count == 30).order_by(Issue.id.desc()))
    finally:
        engine.dispose()


def log_in(base: str, login: str) -> str:
    """Through the login form, as a browser would; the session cookie as a Cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    token = csrf_token(opener.open(f"{base}/logg-inn").read().decode())
    form = urllib.parse.urlencode({"login": login, "password": DEMO_PASSWORD, "csrf_token": token}).encode()
    opener.open(f"{base}/logg-inn", form).read()
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
    assert "naborad_session" in cookies, "login failed"
    return cookies


def run(label: str, url: str, seconds: int, connections: int) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "NABORAD_DATABASE_URL": url, "NABORAD_SECRET_KEY": SECRET, "NABORAD_BASE_URL": base,
           "NABORAD_RATELIMIT_STORAGE_URL": "memory://", "NABORAD_TWO_FACTOR_REQUIRED": "false",
           "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryFile(mode="w+") as log:
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
                                   "--log-level", "warning", "wsgi:app"], cwd=str(ROOT), env=env,
                                  stdout=log, stderr=subprocess.STDOUT)
        try:
            for _ in range(300):
                try:
                    urllib.request.urlopen(f"{base}/logg-inn").read()
                    break
                except OSError:
                    time.sleep(0.1)
            path = f"/saker/{thread_id(url)}"
            cookie = log_in(base, "nabo")
            out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency",
                                  "-H", f"Cookie: {cookie}", base + path], capture_output=True, text=True,
                                 check=True).stdout
        finally:
            server.terminate()
            server.wait(15)
        log.seek(0)
        server_log = log.read()
    report(label, url, path, out, server_log, seconds, connections)


def report(label, url, path, out, server_log, seconds, connections) -> None:
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non_2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    sockets = [int(v) for v in socket_errors.groups()] if socket_errors else [0, 0, 0, 0]
    percentiles = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.M))
    tracebacks = server_log.count("Traceback")
    errors = non_2xx + sum(sockets)
    print(f"== {label}: {safe(url)}")
    print(f"  GET {path} (thread, 30 replies) as a neighbour; gunicorn 2 sync workers; wrk {connections} "
          f"connections, {seconds} s")
    print(f"  requests {requests} ({rate:.1f}/s); errors {errors} (non-2xx {non_2xx}; socket: connect {sockets[0]}, "
          f"read {sockets[1]}, write {sockets[2]}, timeout {sockets[3]}); tracebacks in the server log {tracebacks}")
    print("  latency " + ", ".join(f"p{p} {percentiles.get(p, '?')}" for p in ("50", "75", "90", "99")))
    print(f"  {'PASS' if errors == 0 and tracebacks == 0 else 'FAIL'}  0 errors under load", flush=True)
    if tracebacks:
        print("  " + server_log[server_log.index("Traceback"):][:1500].replace("\n", "\n  "))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk (make load does it when run as root)")
    logging.disable(logging.WARNING)  # the migrations' lines while a council is built
    fp = fingerprint()
    runs = []
    if args.only != "postgresql":
        runs.append(("sqlite", sqlite_council(args.years, fp)))
    if args.only != "sqlite":
        url = pg_council(os.environ.get("BENCH_PG_URL", DEFAULT_PG), args.years, fp)
        if url:
            runs.append(("postgresql", url))
    for label, url in runs:
        run(label, url, args.seconds, args.connections)


if __name__ == "__main__":
    main()
