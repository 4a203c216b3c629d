"""After a meeting (HTTP only): the minutes per item and their action items, and across meetings the
action-item list (marking one done) and the decision log."""
from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import (
    CHAIR_SEAT,
    MEMBERS,
    MODERATORS,
    allow,
    get_action_item_or_404,
    get_meeting_or_404,
    may_mark_done,
    require,
)
from ..errors import error_response
from ..forms import form_status, with_token
from ..htmx import after_change, invalid, redirect_to, render, wants_fragment
from ..paging import Page, fragment, kept_args, page_number
from ..search import int_arg
from . import bp, service
from .forms import ActionForm, DoneForm, MinutesForm, SearchForm
from .views import _editable_item, _item_url, _meeting_url

# -- the minutes of one item, and its action items --------------------------------

def _minutes_ctx(item, form, action_form, added=False) -> dict:
    """The minutes page is one form: the notes and the decision, and the fields of a new action item
    (_minutes_actions.html, swapped by htmx after an add; `added`: focus back in its first field)."""
    return dict(item=item, form=form, action_form=action_form, added=added,
                actions=service.actions_by_item(current_user, item.meeting).get(item.id, []))


def _reason_given(item, form) -> bool:
    """False, with the error beside the field, when the decision typed needs a reason why the residents were
    not heard and has none (service.reason_missing; save_minutes and add_action refuse it too). Asked beside
    the form's other checks, so every error shows at once."""
    if service.reason_missing(item, form.decision.data, form.unheard_reason.data):
        form.unheard_reason.errors.append(_("Say why the council decides before the residents are heard."))
        return False
    return True


@bp.route("/punkt/<int:item_id>/referat", methods=["GET", "POST"])
@allow(MEMBERS, acts=MODERATORS, form_csrf=True)
def minutes(item_id):
    item = _editable_item(item_id)
    form, action_form = MinutesForm(obj=item), with_token(ActionForm())
    if request.method == "POST" and not action_form.is_empty():  # an action item typed: added, not dropped
        return _add_action(item, form, action_form)
    if request.method == "POST":
        valid = form.validate_on_submit()
        if _reason_given(item, form) and valid:
            service.save_minutes(item, notes=form.notes.data, decision=form.decision.data,
                                 unheard_reason=form.unheard_reason.data, followup_result=form.followup_result.data)
            return after_change(None, _item_url(item), _("The minutes for the item are saved."))
    return render("meetings/minutes.html", **_minutes_ctx(item, form, action_form), status=form_status())


@bp.route("/punkt/<int:item_id>/oppfolging", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS, form_csrf=True)
def add_action(item_id):
    item = _editable_item(item_id)
    return _add_action(item, MinutesForm(obj=item), with_token(ActionForm()))


def _add_action(item, form, action_form):
    """Add the action item; the notes and the decision sent with it (the same form) are saved too."""
    with_minutes = "notes" in request.form or "decision" in request.form
    valid = action_form.validate_on_submit()
    minutes_valid = True
    if with_minutes:
        minutes_valid = form.validate()
        minutes_valid = _reason_given(item, form) and minutes_valid
    if minutes_valid and valid:
        service.add_action(item, current_user, what=action_form.what.data, assignee_id=action_form.assignee_id.data,
                           assignee_name=action_form.assignee_name.data, due=action_form.due.data,
                           form_token=action_form.form_token.data,
                           minutes=dict(notes=form.notes.data, decision=form.decision.data,
                                        unheard_reason=form.unheard_reason.data,
                                        followup_result=form.followup_result.data) if with_minutes else None)
        return after_change("meetings/_minutes_actions.html",
                            url_for("meetings.minutes", item_id=item.id, _anchor="minutes-actions"),
                            _("The action item is added."),
                            context=lambda: _minutes_ctx(item, form, with_token(ActionForm(formdata=None)), added=True))
    if not minutes_valid:  # the notes, the decision or its reason came back: htmx gets the whole form
        response = invalid("meetings/minutes.html", "meetings/_minutes_form.html", **_minutes_ctx(item, form, action_form))
        if wants_fragment():
            response.headers["HX-Retarget"], response.headers["HX-Reswap"] = "#minutes-form", "outerHTML"
        return response
    return invalid("meetings/minutes.html", "meetings/_minutes_actions.html", **_minutes_ctx(item, form, action_form))


# -- held and approved: each after a confirmation step --------------------------------

def _confirm_step(meeting, endpoint: str, template: str, possible: bool, **ctx):
    """A step that asks before a change that cannot be undone. A GET (a reload too) shows it while the
    change is possible, else goes back to the meeting; a POST without `confirm=yes` is sent to it."""
    if request.method == "POST":
        return redirect_to(url_for(endpoint, meeting_id=meeting.id))
    if not possible:
        return redirect_to(_meeting_url(meeting.id))
    return render(template, meeting=meeting, **ctx)


def _confirmed() -> bool:
    return request.method == "POST" and request.form.get("confirm") == "yes"


@bp.errorhandler(service.NotStartedYet)
def _not_started(error):
    return error_response(403, _("The meeting has not started yet. Mark it as held once it has begun."))


@bp.route("/<int:meeting_id>/avholdt", methods=["GET", "POST"])
@allow(MEMBERS, acts=MODERATORS)
def mark_held(meeting_id):
    meeting = get_meeting_or_404(meeting_id)
    if _confirmed():
        service.mark_held(meeting)
        return after_change(None, _meeting_url(meeting.id),
                            _("The meeting is marked as held. Write the minutes per item."))
    if request.method == "GET" and meeting.can_cancel() and not meeting.has_started:
        flash(_("The meeting has not started yet. Mark it as held once it has begun."), "info")
    return _confirm_step(meeting, "meetings.mark_held", "meetings/confirm_held.html", meeting.can_mark_held())


@bp.route("/<int:meeting_id>/godkjenn", methods=["GET", "POST"])
@allow(MEMBERS, acts=CHAIR_SEAT)
def approve(meeting_id):
    """The chair (or deputy) approves the minutes: locked, and visible to every member. Not while a decision
    made without the residents heard lacks its reason (the step lists those items instead)."""
    meeting = get_meeting_or_404(meeting_id)
    if _confirmed():
        try:
            service.approve(meeting, current_user)
        except service.ReasonNeeded:
            return redirect_to(url_for("meetings.approve", meeting_id=meeting.id))
        return after_change(None, _meeting_url(meeting.id),
                            _("The minutes are approved and locked. Every member can read them now."))
    agenda = service.agenda(current_user, meeting)
    return _confirm_step(meeting, "meetings.approve", "meetings/confirm_approve.html", meeting.can_approve(),
                         agenda=agenda, unreasoned=service.unreasoned_decisions(agenda),
                         actions=service.actions_by_item(current_user, meeting))


# -- action items and decisions across meetings ------------------------------------

@bp.route("/oppfolging")
@allow(MEMBERS)
def actions():
    status = request.args.get("status", "open")
    person = current_user.id if request.args.get("mine") else int_arg(request.args, "person")
    page = service.action_list(current_user, status, person, page_number())
    return render("meetings/actions.html", fragment(page, "meetings/_action_list.html", "meetings/_action_rows.html"),
                  actions=page, status_filter=status, person=person, done_form=DoneForm(formdata=None),
                  args={"status": status, **({"person": person} if person else {})},
                  people=service.assignees(current_user))


@bp.route("/oppfolging/<int:action_id>/ferdig", methods=["POST"])
@allow(MEMBERS, form_csrf=True)
def mark_done(action_id):
    action = get_action_item_or_404(action_id)
    require(may_mark_done(current_user, action))
    form = DoneForm()
    if not form.validate_on_submit():  # the page lists this one action, with the errors
        return invalid("meetings/actions.html", "meetings/_action.html", action=action, done_form=form,
                       actions=Page([action], 1, False), args={}, status_filter="all", person=None, people=[])
    service.mark_done(action, current_user, form.note.data)
    back = request.referrer if (request.referrer or "").startswith(request.host_url) else url_for("meetings.actions")
    return after_change("meetings/_action.html", back, _("The action item is marked as done."), action=action,
                        done_form=DoneForm(formdata=None))


@bp.route("/vedtak")
@allow(MEMBERS)
def decisions():
    form = SearchForm(request.args)
    page = service.decisions(form.q.data if form.validate() else None, page_number())
    return render("meetings/decisions.html", fragment(page, "meetings/_decision_list.html", "meetings/_decision_rows.html"),
                  decisions=page, form=form, args=kept_args("q"))
