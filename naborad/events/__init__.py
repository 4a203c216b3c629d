"""Events ("arrangementer"): the summer party, the Christmas party, the dugnad; sign-ups and volunteer tasks."""
from flask import Blueprint

# cli_group=None: the blueprint's commands (purge-dietary) sit at the top level of `flask`.
bp = Blueprint("events", __name__, url_prefix="/arrangementer", cli_group=None)

from . import cli, views  # noqa: E402,F401
