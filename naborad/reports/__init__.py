"""Situation reports ("meld fra"): members report, staff acknowledge, respond and close; the council sees numbers."""
from flask import Blueprint

# cli_group=None: the purge command is `flask --app naborad purge-reports`, not grouped.
bp = Blueprint("reports", __name__, url_prefix="/meld-fra", cli_group=None)

from . import cli, views  # noqa: E402,F401
