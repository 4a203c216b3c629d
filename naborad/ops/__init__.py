"""Operations: the health check (/healthz), the request log, backup and restore (issue 23)."""
from flask import Blueprint

bp = Blueprint("ops", __name__)

from . import views  # noqa: E402,F401
