"""Contact page (public), printable card, and staff editing of contact points and guidance."""
from flask import abort, current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import STAFF, allow, public
from ..extensions import db
from ..forms import form_status
from ..htmx import redirect_to, render
from ..models import ContactPoint, Guidance, Role
from ..qr import qr_svg
from . import bp, service
from .forms import ChairContactForm, ContactPointForm, GuidanceForm

CHAIR = frozenset({Role.CHAIR})


@bp.route("")
@public
def index():
    points = service.ordered_points()
    return render("contact/index.html", on_duty=service.on_duty(), regular=[p for p in points if not p.is_emergency],
                  emergency=[p for p in points if p.is_emergency], chairs=service.visible_chair_contacts(),
                  guidance=service.guidance())


@bp.route("/kort")
@public
def card():
    url = current_app.config["BASE_URL"].rstrip("/") + url_for("contact.index")
    return render("contact/card.html", on_duty=service.on_duty(), url=url,
                  qr=qr_svg(url, _("QR code: the contact page")))


# -- staff editing --------------------------------------------------------------

@bp.route("/rediger")
@allow(STAFF)
def manage():
    return render("contact/manage.html", points=service.ordered_points(), guidance=service.guidance(),
                  chairs=service.visible_chair_contacts())


def _get_point(point_id) -> ContactPoint:
    point = db.session.get(ContactPoint, point_id)
    if point is None:
        abort(404)
    return point


@bp.route("/punkter/ny", methods=["GET", "POST"])
@allow(STAFF, form_csrf=True)
def new_point():
    form = ContactPointForm()
    if form.validate_on_submit():
        service.save_point(None, form.details(), by=current_user)
        flash(_("The contact point is added."), "success")
        return redirect_to(url_for("contact.manage"))
    return render("contact/point_form.html", form=form, point=None, status=form_status())


@bp.route("/punkter/<int:point_id>", methods=["GET", "POST"])
@allow(STAFF, form_csrf=True)
def edit_point(point_id):
    point = _get_point(point_id)
    form = ContactPointForm(obj=point)
    if form.validate_on_submit():
        service.save_point(point, form.details(), by=current_user)
        flash(_("The contact point is saved."), "success")
        return redirect_to(url_for("contact.manage"))
    return render("contact/point_form.html", form=form, point=point, status=form_status())


@bp.route("/punkter/<int:point_id>/slett", methods=["POST"])
@allow(STAFF)
def delete_point(point_id):
    service.delete_point(_get_point(point_id), by=current_user)
    flash(_("The contact point is removed."), "success")
    return redirect_to(url_for("contact.manage"))


def _get_guidance(guidance_id) -> Guidance:
    item = db.session.get(Guidance, guidance_id)
    if item is None:
        abort(404)
    return item


def _save_guidance(form, item):
    chosen = form.contact_point_id.data
    service.save_guidance(item, situation=form.situation.data, advice=form.advice.data,
                          contact_point_id=int(chosen) if chosen else None, position=form.position.data)


@bp.route("/rad/ny", methods=["GET", "POST"])
@allow(STAFF, form_csrf=True)
def new_guidance():
    form = GuidanceForm()
    if form.validate_on_submit():
        _save_guidance(form, None)
        flash(_("The advice is added."), "success")
        return redirect_to(url_for("contact.manage"))
    return render("contact/guidance_form.html", form=form, item=None, status=form_status())


@bp.route("/rad/<int:guidance_id>", methods=["GET", "POST"])
@allow(STAFF, form_csrf=True)
def edit_guidance(guidance_id):
    item = _get_guidance(guidance_id)
    form = GuidanceForm(obj=item)
    if request.method == "GET":
        form.contact_point_id.data = str(item.contact_point_id or "")
    if form.validate_on_submit():
        _save_guidance(form, item)
        flash(_("The advice is saved."), "success")
        return redirect_to(url_for("contact.manage"))
    return render("contact/guidance_form.html", form=form, item=item, status=form_status())


@bp.route("/rad/<int:guidance_id>/slett", methods=["POST"])
@allow(STAFF)
def delete_guidance(guidance_id):
    service.delete_guidance(_get_guidance(guidance_id))
    flash(_("The advice is removed."), "success")
    return redirect_to(url_for("contact.manage"))


# -- the chair's own number (only with consent) --------------------------------------

@bp.route("/mitt-nummer", methods=["GET", "POST"])
@allow(CHAIR, form_csrf=True)
def my_number():
    mine = service.chair_contact_of(current_user)
    form = ChairContactForm(obj=mine)
    if request.method == "GET" and mine is None:
        form.phone.data = current_user.phone
        form.label.data = _("Chair of the neighbourhood council")
    if form.validate_on_submit():
        service.show_my_number(current_user, label=form.label.data, phone=form.phone.data, email=form.email.data,
                               hours=form.hours.data)
        flash(_("Your number is shown on the contact page."), "success")
        return redirect_to(url_for("contact.index"))
    return render("contact/my_number.html", form=form, mine=mine, status=form_status())


@bp.route("/mitt-nummer/trekk-tilbake", methods=["POST"])
@allow(CHAIR)
def withdraw_my_number():
    service.withdraw_my_number(current_user)
    flash(_("Your number is no longer shown."), "success")
    return redirect_to(url_for("contact.my_number"))
