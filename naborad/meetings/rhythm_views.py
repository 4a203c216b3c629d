"""The council's rhythm (HTTP only; issue 21): unfinished items dropped from carry-over, meeting series,
and pausing and resuming the council's meetings."""
from flask_babel import gettext as _

from ..access import MEMBERS, MODERATORS, allow, get_agenda_item_or_404, get_meeting_or_404, require
from ..htmx import after_change, invalid
from . import bp, service
from .forms import ReasonForm
from .views import _agenda_ctx, _meeting_url

# -- carry-over: drop an unfinished item, with a reason ---------------------------------


@bp.route("/<int:meeting_id>/videreforing/<int:item_id>/slipp", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS, form_csrf=True)
def drop(meeting_id, item_id):
    """No longer offer an unfinished item of an earlier meeting for this meeting's agenda (nor any later one)."""
    source = get_agenda_item_or_404(item_id)
    meeting = get_meeting_or_404(meeting_id)
    require(source.meeting.status in service.HELD_STATES and source.standing is None)
    form = ReasonForm()
    if not form.validate_on_submit():
        return invalid("meetings/drop.html", item=source, meeting=meeting, form=form)
    service.drop(source, form.reason.data)
    return after_change("meetings/_agenda.html", _meeting_url(meeting.id, "saksliste"),
                        _("The item is no longer offered."), context=lambda: _agenda_ctx(meeting))
