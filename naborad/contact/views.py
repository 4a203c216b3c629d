"""Contact page (public), printable card, and staff editing of contact points and guidance."""
from flask import abort, current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import STAFF, allow, public
from ..council_health import service as agreement
from ..extensions import db
from ..forms import form_status
from ..htmx import redirect_to, render
from ..models import ContactPoint, Guidance, Role, RotaMember, RotaSlot
from ..qr import qr_svg
from . import bp, service
from .forms import ChairContactForm, ContactPointForm, GuidanceForm, RotaMemberForm, RotaSlotForm

CHAIR = frozenset({Role.CHAIR})


@bp.route("")
@public
def index():
    points, loaded = service.ordered_points(), service.load_rota()
    return render("contact/index.html", on_duty=loaded.on_duty(), rota_lines=loaded.lines(), regular=[p for p in points if not p.is_emergency],
                  emergency=[p for p in points if p.is_emergency], chairs=service.visible_chair_contacts(),
                  guidance=service.guidance(), agreement=agreement.public_items())


@bp.route("/kort")
@public
def card():
    url = current_app.config["BASE_URL"].rstrip("/") + url_for("contact.index")
    loaded = service.load_rota()
    return render("contact/card.html", on_duty=loaded.on_duty(), rota_lines=loaded.lines(), fallback=loaded.fallback,
                  url=url,
                  qr=qr_svg(url, _("QR code: the contact page")))


# -- staff editing --------------------------------------------------------------

@bp.route("/rediger")
@allow(STAFF)
def manage():
    return render("contact/manage.html", points=service.ordered_points(), guidance=service.guidance(),
                  chairs=service.visible_chair_contacts(), rota_warnings=service.load_rota().warnings())


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
    if form.validate_on_submit() and not _problems(form, service.point_problems(point, form.details())):
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


# -- the on-duty rota (staff) -------------------------------------------------------------------

@bp.route("/vaktliste")
@allow(STAFF)
def rota():
    loaded = service.load_rota()
    return render("contact/rota.html", loaded=loaded, on_duty=loaded.on_duty(), warnings=loaded.warnings(),
                  describe_slot=service.describe_slot)


def _get_member(member_id) -> RotaMember:
    member = db.session.get(RotaMember, member_id)
    if member is None:
        abort(404)
    return member


def _get_slot(slot_id) -> RotaSlot:
    slot = db.session.get(RotaSlot, slot_id)
    if slot is None:
        abort(404)
    return slot


def _problems(form, problems: dict) -> bool:
    """Puts the service's messages beside their fields; True if there were any."""
    for name, message in problems.items():
        form[name].errors = [*form[name].errors, message]
    return bool(problems)


def _member_form(member: RotaMember | None):
    form = RotaMemberForm(obj=member)
    if request.method == "GET" and member is not None:
        form.contact_point_id.data = str(member.contact_point_id)
        form.user_id.data = str(member.user_id or "")
    if form.validate_on_submit() and not _problems(form, service.member_problems(form.details(), member)):
        service.save_member(member, form.details(), by=current_user)
        flash(_("The chain is saved."), "success")
        return redirect_to(url_for("contact.rota"))
    return render("contact/rota_member_form.html", form=form, member=member, status=form_status())


@bp.route("/vaktliste/ledd/ny", methods=["GET", "POST"])
@allow(STAFF, form_csrf=True)
def new_member():
    return _member_form(None)


@bp.route("/vaktliste/ledd/<int:member_id>", methods=["GET", "POST"])
@allow(STAFF, form_csrf=True)
def edit_member(member_id):
    return _member_form(_get_member(member_id))


@bp.route("/vaktliste/ledd/<int:member_id>/slett", methods=["POST"])
@allow(STAFF)
def delete_member(member_id):
    service.delete_member(_get_member(member_id), by=current_user)
    flash(_("The contact point is removed from the chain."), "success")
    return redirect_to(url_for("contact.rota"))


def _slot_form(slot: RotaSlot | None):
    form = RotaSlotForm(obj=slot)
    if request.method == "GET" and slot is not None:
        form.member_id.data, form.days.data = str(slot.member_id), slot.days.value
    if form.validate_on_submit() and not _problems(form, service.slot_problems(form.details(), slot)):
        service.save_slot(slot, form.details(), by=current_user)
        flash(_("The hours are saved."), "success")
        return redirect_to(url_for("contact.rota"))
    return render("contact/rota_slot_form.html", form=form, slot=slot, status=form_status())


@bp.route("/vaktliste/vakter/ny", methods=["GET", "POST"])
@allow(STAFF, form_csrf=True)
def new_slot():
    return _slot_form(None)


@bp.route("/vaktliste/vakter/<int:slot_id>", methods=["GET", "POST"])
@allow(STAFF, form_csrf=True)
def edit_slot(slot_id):
    return _slot_form(_get_slot(slot_id))


@bp.route("/vaktliste/vakter/<int:slot_id>/slett", methods=["POST"])
@allow(STAFF)
def delete_slot(slot_id):
    service.delete_slot(_get_slot(slot_id), by=current_user)
    flash(_("The hours are removed."), "success")
    return redirect_to(url_for("contact.rota"))
