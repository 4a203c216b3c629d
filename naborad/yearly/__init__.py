"""The yearly report (issue 20, item 2): a calendar year of the council's work, printable and as CSV."""
from flask import Blueprint

bp = Blueprint("yearly", __name__, url_prefix="/arsrapport")

from . import views  # noqa: E402,F401
