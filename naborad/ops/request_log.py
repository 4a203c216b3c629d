"""One log line per request: request id, method, endpoint, status, duration and at most a daily pseudonym.

What a line never holds: a member's id, username or name (a member is shown as a pseudonym, an HMAC of their
id and today's date under SECRET_KEY: the same all day, another tomorrow, and nobody without the key can tell
whose it is), the path (some paths carry a token: a calendar link, a reset link) or the query string (search
terms). The endpoint's name stands for the path. The request id comes from the proxy's X-Request-ID when it
looks like one, else it is made here; the response carries it, so a member's "it failed at 14:02" can be
found, and gunicorn's access line (deploy/gunicorn.conf.py) prints the same id.

Answering the neighbourhood pulse (naborad/untraced.py) writes no line at all: it is anonymous by
construction, and a line beside the member's other lines would say when they answered.

Unhandled errors are logged with their traceback by naborad/errors.py, under the same request id.
"""
import hashlib
import hmac
import logging
import re
import secrets
import time
from datetime import date

from flask import current_app, g, request

from ..untraced import UNTRACED_ENDPOINTS

log = logging.getLogger("naborad.request")

REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


def pseudonym(user_id: int, day: date | None = None) -> str:
    """A member as the log shows them: the same string all day, another tomorrow; not reversible without
    SECRET_KEY, and no id or name in it."""
    day = day or date.today()
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"log:{day.isoformat()}:{user_id}".encode(), hashlib.sha256).hexdigest()[:12]


def request_id() -> str:
    """This request's id (made at its start)."""
    return g.get("request_id") or "-"


def start():
    """before_request (registered first, so it runs before every other hook)."""
    g.request_started = time.perf_counter()
    offered = request.headers.get("X-Request-ID", "")
    g.request_id = offered if REQUEST_ID.fullmatch(offered) else secrets.token_hex(8)


def finish(response):
    """after_request: the request's one line, and its id on the response."""
    rid = request_id()
    response.headers["X-Request-ID"] = rid
    if request.endpoint in UNTRACED_ENDPOINTS:
        return response  # answering the pulse leaves no trace of who or when (issue 20): no line at all
    if not log.isEnabledFor(logging.INFO):
        return response  # nothing is logged: no pseudonym to work out
    started = g.get("request_started")
    duration = (time.perf_counter() - started) * 1000 if started is not None else 0.0
    # Only a member this request loaded anyway: loading one here would touch the session.
    user = g.get("_login_user")
    who = pseudonym(user.id) if user is not None and getattr(user, "is_authenticated", False) else "-"
    log.info("request id=%s method=%s endpoint=%s status=%s ms=%.1f who=%s",
             rid, request.method, request.endpoint or "-", response.status_code, duration, who)
    return response


def init_app(app) -> None:
    app.before_request_funcs.setdefault(None, []).insert(0, start)
    # after_request hooks run last-registered first: at the front, it runs after all of them (compression too).
    app.after_request_funcs.setdefault(None, []).insert(0, finish)
