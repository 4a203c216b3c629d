"""The follow-up across meetings (HTTP only): action items (the list, marking one done) and the decision log."""
from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import MEMBERS, allow, get_action_item_or_404, may_mark_done, require
from ..htmx import after_change, invalid, render
from ..search import int_arg
from . import bp, service
from .forms import DoneForm, SearchForm


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
