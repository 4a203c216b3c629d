"""After a meeting (HTTP only): the minutes per item and their action items, and across meetings the
action-item list (marking one done) and the decision log."""
from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import MEMBERS, MODERATORS, allow, get_action_item_or_404, may_mark_done, require
from ..forms import form_status, with_token
from ..htmx import after_change, invalid, render
from ..search import int_arg
from . import bp, service
from .forms import ActionForm, DoneForm, MinutesForm, SearchForm
from .views import _editable_item, _item_url

# -- the minutes of one item, and its action items --------------------------------

def _minutes_ctx(item, form, action_form) -> dict:
    return dict(item=item, form=form, action_form=action_form,
                actions=service.actions_by_item(current_user, item.meeting).get(item.id, []))


@bp.route("/punkt/<int:item_id>/referat", methods=["GET", "POST"])
@allow(MEMBERS, acts=MODERATORS, form_csrf=True)
def minutes(item_id):
    item = _editable_item(item_id)
    form = MinutesForm(obj=item)
    if form.validate_on_submit():
        service.save_minutes(item, notes=form.notes.data, decision=form.decision.data)
        return after_change(None, _item_url(item), _("The minutes for the item are saved."))
    return render("meetings/minutes.html", **_minutes_ctx(item, form, with_token(ActionForm(formdata=None))),
                  status=form_status())


@bp.route("/punkt/<int:item_id>/oppfolging", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS, form_csrf=True)
def add_action(item_id):
    item = _editable_item(item_id)
    form = with_token(ActionForm())
    if not form.validate_on_submit():
        return invalid("meetings/minutes.html", **_minutes_ctx(item, MinutesForm(obj=item), form))
    service.add_action(item, current_user, what=form.what.data, assignee_id=form.assignee_id.data,
                       assignee_name=form.assignee_name.data, due=form.due.data, form_token=form.form_token.data)
    return after_change(None, url_for("meetings.minutes", item_id=item.id), _("The action item is added."))


# -- action items and decisions across meetings ------------------------------------

@bp.route("/oppfolging")
@allow(MEMBERS)
def actions():
    status = request.args.get("status", "open")
    person = current_user.id if request.args.get("mine") else int_arg(request.args, "person")
    return render("meetings/actions.html", "meetings/_action_list.html",
                  actions=service.action_list(current_user, status, person), status_filter=status,
                  person=person, people=service.assignees(current_user), done_form=DoneForm(formdata=None))


@bp.route("/oppfolging/<int:action_id>/ferdig", methods=["POST"])
@allow(MEMBERS, form_csrf=True)
def mark_done(action_id):
    action = get_action_item_or_404(action_id)
    require(may_mark_done(current_user, action))
    form = DoneForm()
    if not form.validate_on_submit():  # the page lists this one action, with the errors
        return invalid("meetings/actions.html", "meetings/_action.html", action=action, done_form=form,
                       actions=[action], status_filter="all", person=None, people=[])
    service.mark_done(action, current_user, form.note.data)
    back = request.referrer if (request.referrer or "").startswith(request.host_url) else url_for("meetings.actions")
    return after_change("meetings/_action.html", back, _("The action item is marked as done."), action=action,
                        done_form=DoneForm(formdata=None))


@bp.route("/vedtak")
@allow(MEMBERS)
def decisions():
    form = SearchForm(request.args)
    return render("meetings/decisions.html", "meetings/_decision_list.html",
                  decisions=service.decisions(form.q.data if form.validate() else None), form=form)
