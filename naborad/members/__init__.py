"""Members: the list, invitations, roles, deactivation and staff-issued reset links."""
from flask import Blueprint

# cli_group=None: its command (create-user) sits at the top level of `flask`.
bp = Blueprint("members", __name__, url_prefix="/medlemmer", cli_group=None)

from . import cli, two_factor_views, views  # noqa: E402,F401
