"""The neighbourhood pulse (issue 20): a three-question check after each council meeting, anonymous by construction."""
from flask import Blueprint

# cli_group=None: `flask --app naborad purge-pulse` and `open-pulse-round`, not grouped.
bp = Blueprint("pulse", __name__, url_prefix="/puls", cli_group=None)

from . import cli, views  # noqa: E402,F401
