"""Contact page (public), printable card, and staff editing of contact points and guidance."""
from flask import abort, current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..access import STAFF, allow, public
from ..extensions import db
from ..forms import form_status
from ..htmx import redirect_to, render
from ..models import ChairContact, ContactPoint, Guidance, Role, User, audit
from ..qr import qr_svg
from . import bp
from .forms import ChairContactForm, ContactPointForm, GuidanceForm

CHAIR = frozenset({Role.CHAIR})


def ordered_points():
    """Contact points in their order, emergency numbers last."""
    return db.session.scalars(select(ContactPoint).order_by(ContactPoint.is_emergency, ContactPoint.position,
                                                            ContactPoint.id)).all()


def visible_chair_contacts():
    """A chair's own number only while they are an active chair (a handover hides it at once)."""
    return db.session.scalars(
        select(ChairContact).join(User, ChairContact.user_id == User.id)
        .where(User.role == Role.CHAIR, User.is_active_member.is_(True))
        .order_by(User.chair_seat, ChairContact.id)).all()


def on_duty_point() -> ContactPoint | None:
    return db.session.scalar(select(ContactPoint).where(ContactPoint.is_on_duty.is_(True))
                             .order_by(ContactPoint.position, ContactPoint.id).limit(1))


@bp.route("")
@public
def index():
    points = ordered_points()
    guidance = db.session.scalars(select(Guidance).options(joinedload(Guidance.contact_point))
                                  .order_by(Guidance.position, Guidance.id)).all()
    return render("contact/index.html", regular=[p for p in points if not p.is_emergency],
                  emergency=[p for p in points if p.is_emergency], chairs=visible_chair_contacts(),
                  guidance=guidance)


@bp.route("/kort")
@public
def card():
    url = current_app.config["BASE_URL"].rstrip("/") + url_for("contact.index")
    return render("contact/card.html", on_duty=on_duty_point(), url=url,
                  qr=qr_svg(url, _("QR code: the contact page")))


# -- staff editing --------------------------------------------------------------

@bp.route("/rediger")
@allow(STAFF)
def manage():
    guidance = db.session.scalars(select(Guidance).options(joinedload(Guidance.contact_point))
                                  .order_by(Guidance.position, Guidance.id)).all()
    return render("contact/manage.html", points=ordered_points(), guidance=guidance,
                  chairs=visible_chair_contacts())


def _get_point(point_id) -> ContactPoint:
    point = db.session.get(ContactPoint, point_id)
    if point is None:
        abort(404)
    return point


def _save_point(form, point):
    form.populate_obj(point)
    point.position = form.position.data or 0
    if point.is_on_duty:  # one on-duty phone at a time
        db.session.flush()
        for other in db.session.scalars(select(ContactPoint).where(ContactPoint.is_on_duty.is_(True),
                                                                   ContactPoint.id != point.id)):
            other.is_on_duty = False


@bp.route("/punkter/ny", methods=["GET", "POST"])
@allow(STAFF, form_csrf=True)
def new_point():
    form = ContactPointForm()
    if form.validate_on_submit():
        point = ContactPoint()
        db.session.add(point)
        _save_point(form, point)
        audit("contact_point_added", actor=current_user)
        db.session.commit()
        flash(_("The contact point is added."), "success")
        return redirect_to(url_for("contact.manage"))
    return render("contact/point_form.html", form=form, point=None, status=form_status(form))


@bp.route("/punkter/<int:point_id>", methods=["GET", "POST"])
@allow(STAFF, form_csrf=True)
def edit_point(point_id):
    point = _get_point(point_id)
    form = ContactPointForm(obj=point)
    if form.validate_on_submit():
        _save_point(form, point)
        audit("contact_point_changed", actor=current_user)
        db.session.commit()
        flash(_("The contact point is saved."), "success")
        return redirect_to(url_for("contact.manage"))
    return render("contact/point_form.html", form=form, point=point, status=form_status(form))


@bp.route("/punkter/<int:point_id>/slett", methods=["POST"])
@allow(STAFF)
def delete_point(point_id):
    db.session.delete(_get_point(point_id))
    audit("contact_point_deleted", actor=current_user)
    db.session.commit()
    flash(_("The contact point is removed."), "success")
    return redirect_to(url_for("contact.manage"))


def _get_guidance(guidance_id) -> Guidance:
    item = db.session.get(Guidance, guidance_id)
    if item is None:
        abort(404)
    return item


def _save_guidance(form, item):
    item.situation, item.advice = form.situation.data, form.advice.data
    item.position = form.position.data or 0
    chosen = form.contact_point_id.data
    item.contact_point_id = int(chosen) if chosen else None


@bp.route("/rad/ny", methods=["GET", "POST"])
@allow(STAFF, form_csrf=True)
def new_guidance():
    form = GuidanceForm()
    if form.validate_on_submit():
        item = Guidance()
        _save_guidance(form, item)
        db.session.add(item)
        db.session.commit()
        flash(_("The advice is added."), "success")
        return redirect_to(url_for("contact.manage"))
    return render("contact/guidance_form.html", form=form, item=None, status=form_status(form))


@bp.route("/rad/<int:guidance_id>", methods=["GET", "POST"])
@allow(STAFF, form_csrf=True)
def edit_guidance(guidance_id):
    item = _get_guidance(guidance_id)
    form = GuidanceForm(obj=item)
    if request.method == "GET":
        form.contact_point_id.data = str(item.contact_point_id or "")
    if form.validate_on_submit():
        _save_guidance(form, item)
        db.session.commit()
        flash(_("The advice is saved."), "success")
        return redirect_to(url_for("contact.manage"))
    return render("contact/guidance_form.html", form=form, item=item, status=form_status(form))


@bp.route("/rad/<int:guidance_id>/slett", methods=["POST"])
@allow(STAFF)
def delete_guidance(guidance_id):
    db.session.delete(_get_guidance(guidance_id))
    db.session.commit()
    flash(_("The advice is removed."), "success")
    return redirect_to(url_for("contact.manage"))


# -- the chair's own number (only with consent) --------------------------------------

@bp.route("/mitt-nummer", methods=["GET", "POST"])
@allow(CHAIR, form_csrf=True)
def my_number():
    mine = db.session.scalar(select(ChairContact).where(ChairContact.user_id == current_user.id))
    form = ChairContactForm(obj=mine)
    if request.method == "GET" and mine is None:
        form.phone.data = current_user.phone
        form.label.data = _("Chair of the neighbourhood council")
    if form.validate_on_submit():
        if mine is None:
            mine = ChairContact(user_id=current_user.id)
            db.session.add(mine)
        mine.label, mine.phone, mine.email, mine.hours = (form.label.data, form.phone.data, form.email.data,
                                                          form.hours.data)
        audit("chair_contact_consent", actor=current_user)
        db.session.commit()
        flash(_("Your number is shown on the contact page."), "success")
        return redirect_to(url_for("contact.index"))
    return render("contact/my_number.html", form=form, mine=mine, status=form_status(form))


@bp.route("/mitt-nummer/trekk-tilbake", methods=["POST"])
@allow(CHAIR)
def withdraw_my_number():
    db.session.query(ChairContact).filter_by(user_id=current_user.id).delete()
    audit("chair_contact_withdrawn", actor=current_user)
    db.session.commit()
    flash(_("Your number is no longer shown."), "success")
    return redirect_to(url_for("contact.my_number"))
