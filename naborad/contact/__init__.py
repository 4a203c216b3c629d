"""The public contact page, "what do I do if...", the printable contact card, and their editing."""
from flask import Blueprint

bp = Blueprint("contact", __name__, url_prefix="/kontakt")

from . import consent, views  # noqa: E402,F401
