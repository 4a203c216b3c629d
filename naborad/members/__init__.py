"""Members: the list, invitations, roles, deactivation and staff-issued reset links."""
from flask import Blueprint

bp = Blueprint("members", __name__, url_prefix="/medlemmer")

from . import views  # noqa: E402,F401
from . import two_factor_views  # noqa: E402,F401
