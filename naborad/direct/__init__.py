"""The direct line (issue 18): a friendly word between members who chose to be reached, by consent."""
from flask import Blueprint

# cli_group=None: the purge command is `flask --app naborad purge-conversations`, not grouped.
bp = Blueprint("direct", __name__, cli_group=None)

from . import cli, views  # noqa: E402,F401
