"""Starting a council (issue 22): the neighbourhood's public page, the guided start for staff, household letters."""
from flask import Blueprint

bp = Blueprint("start", __name__)

from . import views  # noqa: E402,F401
