"""The pulse's pages: answering a round (no JavaScript needed), the results, and the free text for staff
(HTTP only; the rules are in service.py)."""
from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import MEMBERS, STAFF, allow
from ..forms import form_status
from ..htmx import after_change, invalid, redirect_to, render
from ..paging import page_number, paginate
from . import bp, service
from .forms import GROUP_LABELS, PulseForm


@bp.route("", methods=["GET", "POST"])
@allow(MEMBERS, form_csrf=True)
def answer():
    """The three questions of the open round. This request writes no audit row and no log line and leaves the
    session's last-seen time alone (naborad/untraced.py)."""
    current = service.open_round()
    answered = current is not None and service.has_answered(current, current_user)
    form = PulseForm()
    if request.method == "POST" and (current is None or answered):
        return redirect_to(url_for("pulse.answer"))  # closed meanwhile, or a second click: nothing to do
    if current is not None and form.validate_on_submit():
        service.answer(current, current_user._get_current_object(), **form.values())
        return after_change(None, url_for("pulse.answer"), _("Thank you. Your answer is saved without your name."))
    if form.errors:
        return invalid("pulse/answer.html", round=current, answered=answered, form=form)
    return render("pulse/answer.html", round=current, answered=answered, form=form, status=form_status())


@bp.route("/resultater")
@allow(MEMBERS)
def results():
    """Results of the closed rounds, per group only where every answering group has enough answers."""
    rounds, current = service.results(), service.open_round()
    return render("pulse/results.html", rounds=rounds, charts=service.trend(rounds), minimum=service.MIN_ANSWERS,
                  average=service.average, current=current, group_labels=GROUP_LABELS,
                  answered=current is not None and service.has_answered(current, current_user))


@bp.route("/kommentarer")
@allow(STAFF)
def comments():
    """The free-text lines, for staff only (no name, no group, no time beyond the round)."""
    page = paginate(service.comments(), page_number(), scalars=False)
    return render("pulse/comments.html", page=page)
