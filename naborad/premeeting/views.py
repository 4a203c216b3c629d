"""The residents' pre-meeting over HTTP: its pages and forms. The rules are in service.py; what leaves
the room goes through outflows.py."""
from datetime import time

from flask import request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..access import (
    PREMEETING,
    STAFF,
    allow,
    get_premeeting_comment_or_404,
    get_premeeting_item_or_404,
    get_premeeting_or_404,
    is_staff,
    require,
)
from ..forms import form_status, with_token
from ..htmx import after_change, invalid, render
from ..i18n import datetime_filter
from ..models import open_meetings
from ..search import int_arg
from . import bp, outflows, service
from .forms import CommentForm, ItemForm, PreMeetingForm, RaiseForm, ReasonForm, SeriesPlanForm, SummaryForm


def _page_url(premeeting_id) -> str:
    return url_for("premeeting.show", premeeting_id=premeeting_id)


def _item_url(item) -> str:
    return url_for("premeeting.show", premeeting_id=item.premeeting_id, _anchor=f"sak-{item.id}")


def _page_context(premeeting, failed_form=None, failed_item_id=None, rsvp_error=False):
    """What the pre-meeting page needs; `failed_form`: a comment form with errors, under item `failed_item_id`;
    `rsvp_error`: the answer came without a choice."""
    return dict(service.page_data(premeeting, current_user), item_form=with_token(ItemForm(formdata=None)),
                failed_form=failed_form, failed_item_id=failed_item_id, rsvp_error=rsvp_error)


@bp.route("/")
@allow(PREMEETING)
def index():
    upcoming, earlier = service.overview(current_user)
    return render("premeeting/index.html", upcoming=upcoming, earlier=earlier)


def _meeting_choices():
    return [SelectChoice("", _("None"))] + [SelectChoice(str(m.id), datetime_filter(m.starts_at, "short"))
                                            for m in open_meetings(limit=10)]


@bp.route("/ny", methods=["GET", "POST"])
@allow(STAFF, form_csrf=True)
def new():
    form = with_token(PreMeetingForm())
    form.meeting_id.choices = _meeting_choices()
    if request.method == "GET" and int_arg(request.args, "mote"):
        form.meeting_id.data = int_arg(request.args, "mote")
    if form.validate_on_submit():
        premeeting = service.schedule(starts_at=form.starts_at.data, place=form.place.data,
                                      title=form.title.data, meeting_id=form.meeting_id.data,
                                      form_token=form.form_token.data, by=current_user)
        return after_change(None, _page_url(premeeting.id), _("The pre-meeting is created. Prepare its agenda."))
    return render("premeeting/form.html", form=form, status=form_status())


@bp.route("/<int:premeeting_id>")
@allow(PREMEETING)
def show(premeeting_id):
    premeeting = get_premeeting_or_404(premeeting_id)
    return render("premeeting/show.html", **_page_context(premeeting))


@bp.route("/<int:premeeting_id>/utskrift")
@allow(PREMEETING)
def printable(premeeting_id):
    """Large print for the notice board at the facility."""
    premeeting = get_premeeting_or_404(premeeting_id)
    agenda = service.page_data(premeeting, current_user)["agenda"]
    # For the notice board: council titles only as every member may read them, whoever prints it.
    return render("premeeting/print.html", premeeting=premeeting, agenda=agenda,
                  council=service.council_links(premeeting, agenda, current_user, notice_board=True))


@bp.route("/<int:premeeting_id>/svar", methods=["POST"])
@allow(PREMEETING)
def rsvp(premeeting_id):
    premeeting = get_premeeting_or_404(premeeting_id)
    coming = request.form.get("coming")
    if coming not in ("yes", "no"):
        return invalid("premeeting/show.html", "premeeting/_rsvp.html", **_page_context(premeeting, rsvp_error=True))
    row = service.answer(premeeting, current_user, coming == "yes")
    return after_change("premeeting/_rsvp.html", _page_url(premeeting.id), _("Your answer is saved."),
                        premeeting=premeeting, my_answer=row.coming, rsvp_error=False)


@bp.route("/<int:premeeting_id>/hent-saksliste", methods=["POST"])
@allow(PREMEETING, acts=STAFF)
def import_agenda(premeeting_id):
    """One click: the council meeting's current agenda items, each linked to its council item."""
    premeeting = get_premeeting_or_404(premeeting_id)
    added = service.import_council_agenda(premeeting)
    return after_change(None, _page_url(premeeting.id), ngettext(
        "%(num)d item was added from the council agenda.", "%(num)d items were added from the council agenda.", added))


@bp.route("/<int:premeeting_id>/foresla", methods=["GET", "POST"])
@allow(PREMEETING, form_csrf=True)
def propose(premeeting_id):
    premeeting = get_premeeting_or_404(premeeting_id)
    form = with_token(ItemForm())
    if form.validate_on_submit():
        service.propose(premeeting, title=form.title.data, text=form.text.data, by=current_user,
                        form_token=form.form_token.data, from_meeting=bool(form.from_meeting.data))
        return after_change(None, _page_url(premeeting.id), _("The item is on the agenda.") if is_staff(current_user)
                            else _("Thank you! The staff will put it on the agenda."))
    return render("premeeting/propose.html", premeeting=premeeting, form=form, status=form_status())


@bp.route("/sak/<int:item_id>/godta", methods=["POST"])
@allow(PREMEETING, acts=STAFF)
def accept(item_id):
    item = get_premeeting_item_or_404(item_id)
    service.accept(item)
    return after_change(None, _item_url(item))


@bp.route("/sak/<int:item_id>/avvis", methods=["POST"])
@allow(PREMEETING, acts=STAFF, form_csrf=True)
def decline(item_id):
    item = get_premeeting_item_or_404(item_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return invalid("premeeting/decline.html", item=item, form=form)
    service.decline(item, form.reason.data)
    return after_change(None, _item_url(item))


@bp.route("/sak/<int:item_id>/opp", methods=["POST"])
@allow(PREMEETING, acts=STAFF)
def move_up(item_id):
    item = get_premeeting_item_or_404(item_id)
    service.move(item, -1)
    return after_change(None, _item_url(item))


@bp.route("/sak/<int:item_id>/ned", methods=["POST"])
@allow(PREMEETING, acts=STAFF)
def move_down(item_id):
    item = get_premeeting_item_or_404(item_id)
    service.move(item, +1)
    return after_change(None, _item_url(item))


@bp.route("/sak/<int:item_id>/kommentar", methods=["POST"])
@allow(PREMEETING, form_csrf=True)
def comment(item_id):
    item = get_premeeting_item_or_404(item_id)
    require(item.on_agenda)
    form = CommentForm()
    if not form.validate_on_submit():
        return invalid("premeeting/show.html", "premeeting/_comment_form.html", item=item, form=form,
                       page_context=lambda: _page_context(item.premeeting, failed_form=form, failed_item_id=item.id))
    posted = service.add_comment(item, by=current_user, body=form.body.data, show_name=bool(form.show_name.data),
                                 form_token=form.form_token.data, from_meeting=bool(form.from_meeting.data))
    return after_change("premeeting/_comment_posted.html",
                        url_for("premeeting.show", premeeting_id=item.premeeting_id, _anchor=f"kommentar-{posted.id}"),
                        item=item, comment=posted, is_staff=is_staff(current_user),
                        form=with_token(CommentForm(formdata=None, show_name=form.show_name.data,
                                                    from_meeting=form.from_meeting.data)))


@bp.route("/kommentar/<int:comment_id>/skjul", methods=["POST"])
@allow(PREMEETING, acts=STAFF, form_csrf=True)
def hide_comment(comment_id):
    comment, item = get_premeeting_comment_or_404(comment_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return invalid("premeeting/hide_comment.html", comment=comment, item=item, form=form)
    service.hide_comment(comment, form.reason.data)
    return after_change(None, _item_url(item))


@bp.route("/sak/<int:item_id>/oppsummering", methods=["GET", "POST"])
@allow(PREMEETING, acts=STAFF, form_csrf=True)
def summary(item_id):
    item = get_premeeting_item_or_404(item_id)
    form = SummaryForm(obj=item)
    if form.validate_on_submit():
        outflows.save_summary(item, form.summary.data)
        return after_change(None, _item_url(item), _("The summary is saved."))
    council = service.council_item_for(item)
    return render("premeeting/summary.html", item=item, form=form, council=council,
                  frozen=service.is_frozen(council), status=form_status())


@bp.route("/sak/<int:item_id>/del", methods=["POST"])
@allow(PREMEETING, acts=STAFF)
def share(item_id):
    """Outflow 1: the summary, attributed to the pre-meeting, onto the council agenda item."""
    item = get_premeeting_item_or_404(item_id)
    outflows.share_summary(item)
    return after_change(None, _item_url(item), _("The summary is shared with the council."))


@bp.route("/sak/<int:item_id>/trekk-tilbake", methods=["POST"])
@allow(PREMEETING, acts=STAFF)
def unshare(item_id):
    item = get_premeeting_item_or_404(item_id)
    outflows.withdraw_summary(item)
    return after_change(None, _item_url(item), _("The summary is withdrawn from the council."))


@bp.route("/sak/<int:item_id>/ta-opp", methods=["POST"])
@allow(PREMEETING)
def want_raise(item_id):
    """Residents mark an item "we want to raise this in the council"."""
    item = get_premeeting_item_or_404(item_id)
    service.toggle_raise_wanted(item)
    return after_change("premeeting/_raise.html", _item_url(item), item=item, is_staff=is_staff(current_user))


@bp.route("/sak/<int:item_id>/til-naboradet", methods=["GET", "POST"])
@allow(PREMEETING, acts=STAFF, form_csrf=True)
def raise_item(item_id):
    """Outflow 2: staff propose the item to the council agenda, in words they write for it."""
    item = get_premeeting_item_or_404(item_id)
    form = with_token(RaiseForm())
    if form.validate_on_submit():
        outflows.raise_to_council(item, title=form.title.data, why=form.why.data, form_token=form.form_token.data)
        return after_change(None, _item_url(item),
                            _("The item is proposed to the council agenda, from the residents' pre-meeting."))
    require(outflows.may_raise(item))
    if request.method == "GET":
        form.title.data = item.title
    return render("premeeting/raise.html", item=item, form=form, status=form_status())


@bp.route("/<int:premeeting_id>/klar", methods=["POST"])
@allow(PREMEETING, acts=STAFF)
def ready(premeeting_id):
    premeeting = get_premeeting_or_404(premeeting_id)
    service.mark_agenda_ready(premeeting, by=current_user)
    return after_change(None, _page_url(premeeting.id), _("The residents can see that the agenda is ready."))


# -- pre-meetings for a council meeting series (issue 21): staff only --------------------------

def _plan_form(series_id, plan) -> SeriesPlanForm:
    """The form of one series (prefixed: one page holds a form per series)."""
    if plan is None:
        return SeriesPlanForm(formdata=None, prefix=f"serie{series_id}")
    hour, minute = (int(part) for part in plan.at.split(":"))
    return SeriesPlanForm(formdata=None, prefix=f"serie{series_id}", enabled=True, days_before=plan.days_before,
                          at=time(hour, minute), place=plan.place)


@bp.route("/serier")
@allow(STAFF)
def series_plans(failed=None):
    rows = [(series_id, place, failed[1] if failed and failed[0] == series_id else _plan_form(series_id, plan))
            for series_id, place, plan in service.series_plans()]
    return render("premeeting/series.html", rows=rows, status=422 if failed else 200)


@bp.route("/serier/<int:series_id>", methods=["POST"])
@allow(STAFF, form_csrf=True)
def series_plan(series_id):
    """Staff choose whether (and when) a council meeting series brings residents' pre-meetings."""
    require(series_id in {row[0] for row in service.series_plans()}, visible=False)
    form = SeriesPlanForm(prefix=f"serie{series_id}")
    if not form.validate_on_submit():
        return series_plans(failed=(series_id, form))
    service.plan_for_series(series_id, days_before=form.days_before.data if form.enabled.data else None,
                            at=form.at.data.strftime("%H:%M") if form.enabled.data else None, place=form.place.data)
    return after_change(None, url_for("premeeting.series_plans", _anchor=f"serie-{series_id}"),
                        _("Saved. The pre-meetings of the series' planned meetings are made."))
