"""Error pages in the layout; for htmx, a small alert retargeted to the page's alert region."""
import logging

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import db
from .htmx import is_htmx
from .ops.request_log import request_id

log = logging.getLogger(__name__)


class NotAllowed(Exception):
    """A rule refuses this change in the thing's present state (a meeting already published, an event
    past its deadline, one's own role): services raise it before writing, and it answers 403."""


class Gone(LookupError):
    """The thing was removed while the request waited for it (a sign-up deleted before the lock): 404."""

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back and try again.")),
    403: (_l("Not allowed"), _l("You do not have permission to do that.")),
    404: (_l("Page not found"), _l("The page does not exist, or you do not have access to it.")),
    405: (_l("Not allowed"), _l("That action is not available here.")),
    422: (_l("Could not be saved"), _l("Check what you entered and try again.")),
    429: (_l("Too many attempts"), _l("Please wait a little before you try again.")),
    500: (_l("Something went wrong"), _l("An error occurred on our side. Nothing was saved; try again shortly.")),
}


def error_response(code: int, message=None):
    title, default_message = MESSAGES.get(code, MESSAGES[500])
    message = message or default_message
    if is_htmx():
        response = render_template("errors/_alert.html", title=title, message=message), code
        headers = {"HX-Retarget": "#alerts", "HX-Reswap": "innerHTML", "Vary": "HX-Request"}
        return response[0], code, headers
    try:
        return render_template("errors/error.html", code=code, title=title, message=message), code
    except Exception:  # the layout itself failed: still never a traceback
        log.exception("Error page failed to render")
        return f"{title}. {message}", code, {"Content-Type": "text/plain; charset=utf-8"}


def register_error_handlers(app):
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return error_response(400, _l("The form has expired. Reload the page and try again."))

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code is None or error.code < 400:
            return error
        message = getattr(error, "naborad_message", None)
        response = error_response(error.code if error.code in MESSAGES else 400, message)
        if error.code == 429 and getattr(error, "retry_after", None):
            body, code, *rest = response
            headers = rest[0] if rest else {}
            headers["Retry-After"] = str(error.retry_after)
            return body, code, headers
        return response

    @app.errorhandler(NotAllowed)
    def not_allowed(error):
        db.session.rollback()
        return error_response(403)

    @app.errorhandler(Gone)
    def gone(error):
        db.session.rollback()
        return error_response(404)

    @app.errorhandler(Exception)
    def unhandled(error):
        if isinstance(error, HTTPException):
            return http_error(error)
        log.exception("Unhandled error (request id=%s, endpoint=%s)", request_id(), request.endpoint,
                      exc_info=error)
        db.session.rollback()
        return error_response(500)

    @app.errorhandler(InternalServerError)
    def server_error(error):
        return error_response(500)
