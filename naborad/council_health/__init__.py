"""Council health (issue 20): key-person warnings, the handover checklist and the good-neighbour agreement."""
from flask import Blueprint

bp = Blueprint("council_health", __name__)

from . import views  # noqa: E402,F401
