"""The residents' pre-meeting ("beboermøte"): residents and staff only."""
from flask import Blueprint

bp = Blueprint("premeeting", __name__, url_prefix="/beboermote")

from . import views  # noqa: E402,F401
