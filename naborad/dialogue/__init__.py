"""Dialogue meetings (issue 19, item 5): a small meeting with the people involved in a repeated situation, seen
by its invitees and staff only, never in the council's meeting lists, calendar feeds or statistics."""
from flask import Blueprint

# cli_group=None: the purge command is `flask --app naborad purge-dialogues`, not grouped.
bp = Blueprint("dialogue", __name__, url_prefix="/dialogmote", cli_group=None)

from . import cli, views  # noqa: E402,F401
