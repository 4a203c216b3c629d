"""Security headers, CSRF checking and cache rules applied to every response."""
from flask import current_app, g, request
from flask_wtf.csrf import CSRFError

from .access import policy_for
from .extensions import csrf

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


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
