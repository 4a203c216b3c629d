"""Council meetings: agenda moderated by the chair, minutes, decisions and action items."""
from flask import Blueprint

bp = Blueprint("meetings", __name__, url_prefix="/moter")

from . import followup_views, rhythm_views, service, views  # noqa: E402,F401

