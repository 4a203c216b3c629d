"""Council health over HTTP: the handover checklist and the good-neighbour agreement. The rules are in
service.py (the agreement), warnings.py and handover.py."""
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import MEMBERS, MODERATORS, allow, get_agreement_item_or_404
from ..forms import form_status, with_token
from ..htmx import after_change, render
from . import bp, service
from . import handover as checklist
from .forms import ChangeAgreementItemForm, NewAgreementItemForm


@bp.route("/overlevering")
@allow(MODERATORS)
def handover():
    return render("council_health/handover.html", **checklist.checklist(current_user))


@bp.route("/naboavtale/")
@allow(MEMBERS)
def agreement():
    return render("council_health/agreement.html", items=service.items())


@bp.route("/naboavtale/<int:item_id>")
@allow(MEMBERS)
def agreement_item(item_id):
    get_agreement_item_or_404(item_id)
    return render("council_health/item.html", item=service.item_with_history(item_id))


def _refused(form, error):
    form.decision_id.errors = [*form.decision_id.errors, str(error)]


@bp.route("/naboavtale/ny", methods=["GET", "POST"])
@allow(MODERATORS, form_csrf=True)
def new_item():
    form = with_token(NewAgreementItemForm())
    if form.validate_on_submit():
        try:
            item = service.propose(text=form.text.data, responsible=form.responsible.data,
                                   review_date=form.review_date.data, public=form.public.data,
                                   decision_id=form.decision_id.data, note=form.note.data, by=current_user,
                                   form_token=form.form_token.data)
        except service.NoDecision as error:
            _refused(form, error)
        else:
            return after_change(None, url_for("council_health.agreement", _anchor=f"avtale-{item.id}"),
                                _("The commitment is added to the agreement."))
    return render("council_health/form.html", form=form, item=None, status=form_status())


@bp.route("/naboavtale/<int:item_id>/endre", methods=["GET", "POST"])
@allow(MODERATORS, form_csrf=True)
def change_item(item_id):
    item = get_agreement_item_or_404(item_id)
    form = ChangeAgreementItemForm(obj=item, decision_id=None, note=None)
    if form.validate_on_submit():
        try:
            service.change(item, text=form.text.data, responsible=form.responsible.data, status=form.status.data,
                           review_date=form.review_date.data, public=form.public.data,
                           decision_id=form.decision_id.data, note=form.note.data, by=current_user)
        except service.NoDecision as error:
            _refused(form, error)
        else:
            return after_change(None, url_for("council_health.agreement_item", item_id=item.id),
                                _("The agreement is changed, with the decision linked."))
    return render("council_health/form.html", form=form, item=item, status=form_status())
