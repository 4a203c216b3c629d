"""Security headers, CSRF checking and cache rules applied to every response; who owns the drafts in a page."""
import hashlib
import hmac
from functools import lru_cache

from flask import current_app, g, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from .access import policy_for
from .extensions import csrf

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# The way into a session: a draft typed before the session ended waits here for its writer to log in again.
LOGIN_JOURNEY = frozenset({"auth.login", "auth.two_factor_code"})


def check_csrf():
    """before_request: every state change carries the token (forms and htmx alike).

    Form views (policy form_csrf) validate it in the form itself, so an expired token
    re-renders the form with what was typed instead of an error page.
    """
    if request.method not in UNSAFE_METHODS or not current_app.config["WTF_CSRF_ENABLED"]:
        return
    policy = policy_for(request.endpoint)
    try:
        csrf.protect()
    except CSRFError:
        if policy is not None and policy.form_csrf and request.method == "POST":
            g.csrf_failed = True
            return
        raise


def add_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    headers["X-Frame-Options"] = "DENY"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    # Look at the user only if the request loaded one: loading it here would touch the session
    # (the unread-count poll must not extend the idle timeout).
    user = g.get("_login_user")
    authenticated = bool(user is not None and user.is_authenticated)
    if request.endpoint != "static" and (authenticated or response.mimetype == "text/html"):
        # Pages hold personal data or tokens: never store them in a shared or back-button cache.
        headers["Cache-Control"] = "no-store"
    return response


def draft_owner(user) -> str:
    """The value static/app.js keys a member's drafts by: the same in every session of that member (a draft
    comes back after logging in again), neither the id nor the name, and not derivable without SECRET_KEY."""
    return _draft_owner(current_app.config["SECRET_KEY"], user.id)


@lru_cache(maxsize=1024)
def _draft_owner(secret: str, user_id: int) -> str:
    return hmac.new(secret.encode(), f"draft-owner:{user_id}".encode(), hashlib.sha256).hexdigest()[:32]


def page_draft_owner() -> str | None:
    """What base.html tells static/app.js about the drafts in this tab (a shared PC): the logged-in member's
    draft_owner (the drafts of anyone else are dropped), "" where nobody is logged in (all are dropped), or
    None on the way into a session, where the owner is not known yet (the drafts are kept)."""
    if current_user.is_authenticated:
        return draft_owner(current_user)
    return None if request.endpoint in LOGIN_JOURNEY else ""
