"""The audit log: staff read it; nothing edits or deletes it."""
from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/logg")

from . import views  # noqa: E402,F401
