"""Guest links for one meeting: inviting and withdrawing (chair and staff), and the guest's own page (HTTP only;
the rules are in service.py)."""
from flask import abort, current_app, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import MODERATORS, allow, get_guest_or_404, get_meeting_or_404, secret_link
from ..auth.sessions import keep_secret, shown_secret
from ..compression import send_uncompressed
from ..extensions import db
from ..forms import form_status, with_token
from ..htmx import invalid, redirect_to, render
from ..qr import qr_svg
from . import bp, service
from .forms import GuestForm


def _page(meeting, form, status=200):
    guests = service.guests_of(meeting)
    links = {}
    for guest in guests:
        token = shown_secret(current_user, "guest_links", guest.id) if guest.valid else None
        if token:
            link = current_app.config["BASE_URL"].rstrip("/") + url_for("guests.show", token=token)
            links[guest.id] = (link, qr_svg(link, _("QR code for the guest link")))
    context = {"meeting": meeting, "guests": guests, "links": links, "form": form,
               "may_invite": service.may_invite(meeting)}
    if status == 422:
        return invalid("guests/manage.html", **context)
    return render("guests/manage.html", **context)


@bp.route("/moter/<int:meeting_id>/gjester", methods=["GET", "POST"])
@allow(MODERATORS, form_csrf=True)
def manage(meeting_id):
    """The meeting's guest links, and the form that makes one."""
    meeting = get_meeting_or_404(meeting_id)
    form = GuestForm()
    if form.validate_on_submit():
        guest, token = service.invite(meeting, current_user, label=form.label.data,
                                      form_token=form.form_token.data or None)  # NotAllowed answers 403
        if token:
            keep_secret(current_user, "guest_links", guest.id, token)
            db.session.commit()
            flash(_("The guest link is ready. Copy it or print it now: it is shown to you for a while only."),
                  "success")
        return redirect_to(url_for("guests.manage", meeting_id=meeting.id, _anchor=f"gjest-{guest.id}"))
    with_token(form)
    return _page(meeting, form, status=form_status())


@bp.route("/moter/gjester/<int:guest_id>/trekk-tilbake", methods=["POST"])
@allow(MODERATORS)
def withdraw(guest_id):
    guest = get_guest_or_404(guest_id)
    if service.withdraw(guest, current_user):
        flash(_("The guest link is withdrawn; it no longer works."), "success")
    return redirect_to(url_for("guests.manage", meeting_id=guest.meeting_id))


@bp.route("/gjest/<token>")
@secret_link
def show(token):
    """The guest's page: one meeting, names replaced by groups; 404 for a wrong, withdrawn or expired link."""
    guest = service.guest_by_token(token)
    if guest is None:
        abort(404)
    send_uncompressed()  # the page's URL is the secret
    return render("guests/show.html", view=service.guest_view(guest))
