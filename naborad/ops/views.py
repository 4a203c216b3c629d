"""GET /healthz: for the load balancer and monitoring. No login; status fields only."""
from flask import jsonify

from ..access import public
from . import bp
from .service import health


@bp.route("/healthz")
@public
def healthz():
    healthy, report = health()
    response = jsonify(status="ok" if healthy else "unavailable", **report)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
