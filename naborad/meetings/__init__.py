"""Council meetings: agenda moderated by the chair, minutes, decisions and action items."""
from flask import Blueprint

from ..errors import error_response

bp = Blueprint("meetings", __name__, url_prefix="/moter")

from . import followup_views, service, views  # noqa: E402,F401


@bp.errorhandler(service.NotAllowed)
def not_allowed(error):
    """The meeting's status does not allow the change: 403, as for any action the visitor may not take."""
    return error_response(403)
