"""Meetings, the agenda (proposals, moderation, ordering), minutes and action items (HTTP only)."""
from flask import Response, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..access import (
    MEMBERS,
    MODERATORS,
    STAFF,
    agenda_visible,
    allow,
    get_agenda_item_or_404,
    get_meeting_or_404,
    holds_chair_seat,
    is_moderator,
    minutes_visible,
    require,
)
from ..calendar import meeting_calendar
from ..forms import form_status, with_token
from ..htmx import after_change, invalid, redirect_to, render, wants_fragment
from ..models import RsvpAnswer, next_open_meeting
from ..paging import fragment, kept_args, page_number
from ..premeeting import outflows
from ..search import int_arg, parse_id
from . import bp, service
from .forms import (
    CancelForm,
    ItemSettingsForm,
    MeetingForm,
    MoveForm,
    ProposalForm,
    ReasonForm,
    RsvpForm,
    SearchForm,
)
from .series import proposed_first_meeting


def _meeting_url(meeting_id, anchor=None) -> str:
    return url_for("meetings.show", meeting_id=meeting_id, _anchor=anchor)


# -- list -------------------------------------------------------------------------

@bp.route("/")
@allow(MEMBERS)
def index():
    form = SearchForm(request.args)
    page = service.archive(current_user, form.q.data if form.validate() else None, page_number())
    return render("meetings/index.html", fragment(page, "meetings/_archive.html", "meetings/_archive_rows.html"),
                  upcoming=[] if wants_fragment() else service.upcoming(current_user),  # htmx: the archive alone
                  archive=page, form=form, args=kept_args("q"))


# -- schedule, edit, cancel --------------------------------------------------------

@bp.route("/ny", methods=["GET", "POST"])
@allow(MODERATORS, form_csrf=True)
def new():
    form = with_token(MeetingForm())
    if request.method == "GET" and request.args.get("forslag"):  # after a pause: the first meeting (issue 21)
        form.starts_at.data, form.place.data = proposed_first_meeting()
    if form.validate_on_submit():
        meeting, created = service.schedule(starts_at=form.starts_at.data, place=form.place.data,
                                            video_url=form.video_url.data, form_token=form.form_token.data)
        return after_change(None, _meeting_url(meeting.id),
                            created and _("The meeting is scheduled. Standing items are on the agenda already."))
    return render("meetings/form.html", form=form, meeting=None, status=form_status())


@bp.route("/<int:meeting_id>/rediger", methods=["GET", "POST"])
@allow(MEMBERS, acts=MODERATORS, form_csrf=True)
def edit(meeting_id):
    meeting = get_meeting_or_404(meeting_id)
    form = MeetingForm(obj=meeting)
    if form.validate_on_submit():
        service.change(meeting, starts_at=form.starts_at.data, place=form.place.data,
                       video_url=form.video_url.data)
        return after_change(None, _meeting_url(meeting.id), _("The meeting is changed."))
    return render("meetings/form.html", form=form, meeting=meeting, status=form_status())


@bp.route("/<int:meeting_id>/avlys", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS, form_csrf=True)
def cancel(meeting_id):
    meeting = get_meeting_or_404(meeting_id)
    require(meeting.can_cancel())
    form = CancelForm()
    if not form.validate_on_submit():
        return invalid("meetings/show.html", **_page_ctx(meeting, cancel_form=form))
    service.cancel(meeting, form.message.data)
    return after_change(None, _meeting_url(meeting.id), _("The meeting is cancelled."))


# -- the meeting page ----------------------------------------------------------------

def _rsvp_context(meeting, form=None) -> dict:
    """What the RSVP region (_rsvp.html) needs; `form`: one that came back with errors."""
    mine, counts, responses = service.rsvp_summary(current_user, meeting)
    return dict(meeting=meeting, my_rsvp=mine, rsvp_counts=counts, responses=responses,
                rsvp_form=form or RsvpForm(formdata=None, answer=(mine or RsvpAnswer.YES).value),
                is_moderator=is_moderator(current_user))


def _agenda_ctx(meeting, failed_settings=None, failed_moves=None, focus_item=None) -> dict:
    """What the agenda region (_agenda.html) needs; `failed_settings`/`failed_moves`: agenda item id ->
    its time-and-stage or move form that came back with errors; `focus_item`: the item that focus moves to
    after the swap (an answered proposal, whose buttons are gone)."""
    return {**service.agenda_context(current_user, meeting), "failed_settings": failed_settings or {},
            "failed_moves": failed_moves or {}, "focus_item": focus_item}


def _page_ctx(meeting, cancel_form=None, rsvp_form=None, **failed) -> dict:
    """What the meeting page needs; a form passed in comes back with its errors."""
    ctx = {**_rsvp_context(meeting, rsvp_form), **_agenda_ctx(meeting, **failed)}
    return dict(ctx, show_agenda=agenda_visible(current_user, meeting), can_approve=holds_chair_seat(current_user),
                cancel_form=cancel_form or CancelForm(formdata=None))


@bp.route("/<int:meeting_id>")
@allow(MEMBERS)
def show(meeting_id):
    return render("meetings/show.html", **_page_ctx(get_meeting_or_404(meeting_id)))


@bp.route("/<int:meeting_id>/skjerm")
@allow(MEMBERS)
def screen(meeting_id):
    """A clean view of the published agenda for a projector; the current item is highlighted."""
    meeting = get_meeting_or_404(meeting_id)
    require(agenda_visible(current_user, meeting), visible=False)
    return render("meetings/screen.html", "meetings/_screen_agenda.html", meeting=meeting,
                  agenda=service.agenda(current_user, meeting))


@bp.route("/<int:meeting_id>/utskrift")
@allow(MEMBERS)
def printable(meeting_id):
    meeting = get_meeting_or_404(meeting_id)
    require(agenda_visible(current_user, meeting), visible=False)
    return render("meetings/print.html", meeting=meeting, agenda=service.agenda(current_user, meeting),
                  actions=service.actions_by_item(current_user, meeting),
                  show_minutes=minutes_visible(current_user, meeting))


@bp.route("/<int:meeting_id>.ics")
@allow(MEMBERS)
def ics(meeting_id):
    meeting = get_meeting_or_404(meeting_id)
    body = meeting_calendar(meeting, url_for("meetings.show", meeting_id=meeting.id, _external=True))
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="naborad-mote-{meeting.id}.ics"'})


@bp.route("/<int:meeting_id>/svar", methods=["POST"])
@allow(MEMBERS, form_csrf=True)
def rsvp(meeting_id):
    meeting = get_meeting_or_404(meeting_id)
    require(meeting.can_rsvp())
    form = RsvpForm()
    if not form.validate_on_submit():
        return invalid("meetings/show.html", "meetings/_rsvp.html", **_rsvp_context(meeting, form),
                       page_context=lambda: _page_ctx(meeting, rsvp_form=form))
    service.answer_rsvp(meeting, current_user, form.answer.data)
    return after_change("meetings/_rsvp.html", _meeting_url(meeting.id), _("Your answer is saved."),
                        context=lambda: _rsvp_context(meeting))


# -- proposals ------------------------------------------------------------------------

@bp.route("/foresla")
@allow(MEMBERS)
def propose_next():
    """"Propose for the next meeting", e.g. from an issue's page."""
    meeting = next_open_meeting()
    if meeting is None:
        flash(_("No meeting is planned yet. Ask the chair or the staff to schedule one."), "info")
        return redirect_to(url_for("meetings.index"))
    return redirect_to(url_for("meetings.propose", meeting_id=meeting.id, sak=int_arg(request.args, "sak") or None))


@bp.route("/<int:meeting_id>/foresla", methods=["GET", "POST"])
@allow(MEMBERS, form_csrf=True)
def propose(meeting_id):
    meeting = get_meeting_or_404(meeting_id)
    require(meeting.open_for_proposals)
    form = with_token(ProposalForm())
    issue = service.find_issue(int_arg(request.args, "sak") or parse_id(form.issue_id.data))
    if issue and request.method == "GET":
        form.issue_id.data, form.title.data = str(issue.id), issue.title
    if form.validate_on_submit():
        _item, created = service.propose(meeting, current_user, title=form.title.data, why=form.why.data,
                                         issue=issue, form_token=form.form_token.data)
        return after_change(None, _meeting_url(meeting.id, "forslag"),
                            created and _("Thank you! The chair and the staff will look at your proposal."))
    return render("meetings/propose.html", meeting=meeting, form=form, issue=issue, status=form_status())


# -- moderation of agenda items -----------------------------------------------------

def _item_url(item) -> str:
    return _meeting_url(item.meeting_id, f"punkt-{item.id}")


def _editable_item(item_id, leaving=False):
    """An item whose agenda may still change (403 once the minutes are approved or the meeting cancelled);
    `leaving`: to be declined or moved, which a standing item never is (403)."""
    item = get_agenda_item_or_404(item_id)
    require(item.can_decline_or_move() if leaving else item.meeting.agenda_editable)
    return item


@bp.route("/punkt/<int:item_id>/godta", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS)
def accept(item_id):
    item = _editable_item(item_id)
    service.accept(item, current_user)
    return after_change("meetings/_agenda.html", _item_url(item),
                        context=lambda: _agenda_ctx(item.meeting, focus_item=item.id))


@bp.route("/punkt/<int:item_id>/avvis", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS, form_csrf=True)
def decline(item_id):
    item = _editable_item(item_id, leaving=True)
    form = ReasonForm()
    if not form.validate_on_submit():
        return invalid("meetings/decline.html", item=item, form=form)
    service.decline(item, current_user, form.reason.data)
    return after_change("meetings/_agenda.html", _item_url(item), context=lambda: _agenda_ctx(item.meeting))


@bp.route("/punkt/<int:item_id>/flytt", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS, form_csrf=True)
def move(item_id):
    item = _editable_item(item_id, leaving=True)
    later = {m.id: m for m in service.later_meetings(item.meeting, limit=None)}
    form = MoveForm()
    form.meeting_id.choices = [SelectChoice(m_id, str(m_id)) for m_id in later]
    if not form.validate_on_submit():
        return invalid("meetings/show.html", "meetings/_agenda.html",
                       **_agenda_ctx(item.meeting, failed_moves={item.id: form}),
                       page_context=lambda: _page_ctx(item.meeting, failed_moves={item.id: form}))
    source = item.meeting
    service.move(item, later[form.meeting_id.data])
    return after_change("meetings/_agenda.html", _item_url(item),  # htmx: the agenda it left; else the new one
                        _("The item is moved to a later meeting, as a proposal there."),
                        context=lambda: _agenda_ctx(source))


@bp.route("/punkt/<int:item_id>/opp", methods=["POST"], endpoint="move_up", defaults={"direction": -1})
@bp.route("/punkt/<int:item_id>/ned", methods=["POST"], endpoint="move_down", defaults={"direction": +1})
@allow(MEMBERS, acts=MODERATORS)
def swap(item_id, direction):
    """One place up or down on the agenda."""
    item = _editable_item(item_id)
    service.swap(item, direction)
    return after_change("meetings/_agenda.html", _item_url(item), context=lambda: _agenda_ctx(item.meeting))


@bp.route("/punkt/<int:item_id>/innstillinger", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS, form_csrf=True)
def item_settings(item_id):
    item = _editable_item(item_id)
    form = ItemSettingsForm()
    if not form.validate_on_submit():  # htmx: the agenda with the errors beside the item's fields
        return invalid("meetings/item_settings.html", "meetings/_agenda.html", item=item, form=form,
                       **_agenda_ctx(item.meeting, failed_settings={item.id: form}))
    service.change_settings(item, minutes_planned=form.minutes_planned.data, phase=form.phase.data)
    return after_change("meetings/_agenda.html", _item_url(item), context=lambda: _agenda_ctx(item.meeting))


@bp.route("/<int:meeting_id>/videreforing/<int:item_id>", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS)
def carry_over(meeting_id, item_id):
    source = get_agenda_item_or_404(item_id)
    meeting = get_meeting_or_404(meeting_id)
    require(meeting.open_for_proposals)
    service.carry_over(meeting, source, current_user)  # any unfinished item, with or without an issue (issue 21)
    return after_change(None, _meeting_url(meeting.id, "saksliste"))


@bp.route("/punkt/<int:item_id>/beboere", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS)
def toggle_concerns(item_id):
    item = _editable_item(item_id)
    service.toggle_concerns_residents(item)
    return after_change("meetings/_agenda.html", _item_url(item), context=lambda: _agenda_ctx(item.meeting))


@bp.route("/punkt/<int:item_id>/hort", methods=["POST"])
@allow(MEMBERS, acts=STAFF)
def toggle_heard(item_id):
    item = _editable_item(item_id)
    outflows.set_residents_heard(item, not item.residents_heard)  # outflow 3 of the pre-meeting
    return after_change("meetings/_agenda.html", _item_url(item), context=lambda: _agenda_ctx(item.meeting))


@bp.route("/<int:meeting_id>/gjeldende/<int:item_id>", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS)
def set_current(meeting_id, item_id):
    item = get_agenda_item_or_404(item_id)
    meeting = get_meeting_or_404(meeting_id)
    require(item.meeting_id == meeting.id, visible=False)
    service.set_current(item)
    return after_change(None, _item_url(item))


# -- publish (held and approval: followup_views.py) -----------------------------------

@bp.route("/<int:meeting_id>/publiser", methods=["GET", "POST"])
@allow(MEMBERS, acts=MODERATORS)
def publish(meeting_id):
    """Publish the agenda. When items that concern the residents were not heard, a POST without `confirm`
    is sent to the confirmation step (a GET: a reload shows it again, or goes back when nothing is left
    to confirm)."""
    meeting = get_meeting_or_404(meeting_id)
    if request.method == "POST":
        try:
            service.publish(meeting, current_user, confirmed=request.form.get("confirm") == "yes")
        except service.ResidentsNotHeard:
            return redirect_to(url_for("meetings.publish", meeting_id=meeting.id))
        return after_change(None, _meeting_url(meeting.id),
                            _("The agenda is published; every member can see it now."))
    unheard = service.unheard_items(meeting) if meeting.can_publish() else []
    if not unheard:
        return redirect_to(_meeting_url(meeting.id))
    return render("meetings/confirm_publish.html", meeting=meeting, unheard=unheard)
