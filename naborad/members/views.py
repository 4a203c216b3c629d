"""Member list and administration (staff), invitations and staff-issued reset links (HTTP only; the rules
are in service.py)."""
from flask import abort, current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import case, select

from ..access import MEMBERS, STAFF, allow, get_invitation_or_404, get_member_or_404
from ..auth.sessions import keep_secret, shown_secret
from ..council_health import handover
from ..direct import service as direct
from ..extensions import db
from ..forms import form_status, with_token
from ..htmx import invalid, redirect_to, render
from ..models import Invitation, Role, User, role_from_choice
from ..qr import qr_svg
from . import bp, service
from .forms import AccessEndForm, EmptyForm, InvitationForm, MoveOutForm, RoleForm

ROLE_ORDER = case({Role.CHAIR.value: 0, Role.STAFF.value: 1, Role.NEIGHBOUR.value: 2, Role.RESIDENT.value: 3},
                  value=User.role)


def absolute(path: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + path


def _remember_secret(kind: str, object_id: int, secret: str) -> None:
    """Keep a just-made code with this staff member's login session (server-side, never in the cookie)
    so its page can show and print it for a while."""
    keep_secret(current_user, kind, object_id, secret)
    db.session.commit()


@bp.route("/")
@allow(MEMBERS)
def index():
    stmt = select(User).order_by(ROLE_ORDER, User.chair_seat, User.display_name)
    if not current_user.is_staff:
        stmt = stmt.where(User.is_active_member.is_(True))
    members = db.session.scalars(stmt).all()
    # Only members who chose to be reached by this visitor show a way to reach them (the direct line).
    return render("members/index.html", members=members, reach=direct.contact_options(current_user))


@bp.route("/<int:user_id>")
@allow(STAFF)
def show(user_id):
    member = get_member_or_404(user_id)
    return render("members/show.html", member=member, role_form=RoleForm(role=member.role_choice),
                  action_form=EmptyForm(), **_over_time_forms(member))


def _over_time_forms(member, **forms):
    """The access-end and moving-out forms of the member page (issue 22)."""
    return {"access_form": forms.get("access_form") or AccessEndForm(ends_on=member.access_ends_on),
            "move_form": MoveOutForm()}


def _role_refused(member, form):
    return invalid("members/show.html", member=member, role_form=form, action_form=EmptyForm(),
                   **_over_time_forms(member))


@bp.route("/<int:user_id>/rolle", methods=["POST"])
@allow(STAFF, form_csrf=True)
def change_role(user_id):
    member = get_member_or_404(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        return _role_refused(member, form)
    if not service.may_administer(current_user, member):
        form.role.errors.append(_("You cannot change your own role. Ask another staff member."))
        return _role_refused(member, form)
    seat = role_from_choice(form.role.data)[1]
    if seat and form.confirm.data != "yes":
        # Handing over the chair (or deputy seat) is confirmed on its own page.
        return render("members/confirm_role.html", member=member, form=form, seat=seat,
                      previous=service.seat_holder(seat, other_than=member))
    offers_handover = handover.concerns(member, form.role.data)
    service.change_role(member, form.role.data, by=current_user)
    flash(_("The role of %(name)s is changed.", name=member.display_name), "success")
    if offers_handover:
        flash(_("Go through the handover checklist with the one taking over: the link is under “Change role”."),
              "success")
    return redirect_to(url_for("members.show", user_id=member.id))


@bp.route("/<int:user_id>/deaktiver", methods=["POST"])
@allow(STAFF)
def deactivate(user_id):
    member = get_member_or_404(user_id)
    service.deactivate(member, by=current_user)  # NotAllowed answers 403
    flash(_("%(name)s is deactivated and logged out everywhere.", name=member.display_name), "success")
    return redirect_to(url_for("members.show", user_id=member.id))


@bp.route("/<int:user_id>/aktiver", methods=["POST"])
@allow(STAFF)
def reactivate(user_id):
    member = get_member_or_404(user_id)
    service.reactivate(member, by=current_user)
    flash(_("%(name)s is active again.", name=member.display_name), "success")
    return redirect_to(url_for("members.show", user_id=member.id))


@bp.route("/<int:user_id>/representant", methods=["POST"])
@allow(STAFF)
def toggle_rep(user_id):
    """Mark a resident as a residents' representative; other members see a badge by the name."""
    member = get_member_or_404(user_id)
    service.toggle_residents_rep(member, by=current_user)  # NotAllowed answers 403
    return redirect_to(url_for("members.show", user_id=member.id))


@bp.route("/<int:user_id>/tilbakestill", methods=["GET", "POST"])
@allow(STAFF)
def reset_link(user_id):
    """A printable password reset link for a member without email."""
    member = get_member_or_404(user_id)
    if not member.is_active_member:
        abort(404)
    if request.method == "POST":
        _remember_secret("reset_tokens", member.id, service.issue_reset_link(member, by=current_user))
        return redirect_to(url_for("members.reset_link", user_id=member.id))
    token = shown_secret(current_user, "reset_tokens", member.id)
    link = absolute(url_for("auth.reset_password", token=token)) if token else None
    return render("members/reset_link.html", member=member, link=link, form=EmptyForm(),
                  qr=qr_svg(link, _("QR code for the link")) if link else None)


def _remember_printable(invitation, code: str) -> None:
    """A staff account's code goes by mail alone and is never shown; other codes are kept to be printed."""
    if invitation.role != Role.STAFF:
        _remember_secret("invitation_codes", invitation.id, code)


@bp.route("/invitasjoner")
@allow(STAFF)
def invitations():
    rows = db.session.scalars(select(Invitation).order_by(Invitation.created_at.desc()).limit(200)).all()
    return render("members/invitations.html", invitations=rows)


@bp.route("/inviter", methods=["GET", "POST"])
@allow(STAFF, form_csrf=True)
def invite():
    form = InvitationForm()
    if form.validate_on_submit():
        invitation, code = service.invite(current_user, role=form.role.data, email=form.email.data,
                                          label=form.label.data, form_token=form.form_token.data or None)
        if code:  # not a double submit, which answers like the first
            _remember_printable(invitation, code)
            flash(_("The invitation is ready."), "success")
        return redirect_to(url_for("members.invitation", invitation_id=invitation.id))
    with_token(form)
    return render("members/invite.html", form=form, status=form_status())


@bp.route("/invitasjoner/<int:invitation_id>")
@allow(STAFF)
def invitation(invitation_id):
    invitation = get_invitation_or_404(invitation_id)
    code = shown_secret(current_user, "invitation_codes", invitation.id) if invitation.state == "open" else None
    link = absolute(url_for("auth.accept_invitation", code=code)) if code else None
    return render("members/invitation.html", invitation=invitation, code=code, link=link, form=EmptyForm(),
                  qr=qr_svg(link, _("QR code for the invitation link")) if link else None)


@bp.route("/invitasjoner/<int:invitation_id>/trekk-tilbake", methods=["POST"])
@allow(STAFF)
def withdraw_invitation(invitation_id):
    invitation = get_invitation_or_404(invitation_id)
    if service.withdraw_invitation(invitation, by=current_user):
        flash(_("The invitation is withdrawn; its link no longer works."), "success")
    return redirect_to(url_for("members.invitation", invitation_id=invitation.id))


@bp.route("/invitasjoner/<int:invitation_id>/ny-kode", methods=["POST"])
@allow(STAFF)
def renew_invitation(invitation_id):
    """A new code (the old one stops working) and 14 more days."""
    invitation = get_invitation_or_404(invitation_id)
    code = service.renew_invitation(invitation, by=current_user)  # NotAllowed answers 403
    _remember_printable(invitation, code)
    flash(_("The invitation has a new code; the old one no longer works."), "success")
    return redirect_to(url_for("members.invitation", invitation_id=invitation.id))


# -- members over time (issue 22) -------------------------------------------------------------

@bp.route("/<int:user_id>/tilgang-slutter", methods=["POST"])
@allow(STAFF, form_csrf=True)
def set_access_end(user_id):
    """The day a member's access ends, extended, or taken away."""
    member = get_member_or_404(user_id)
    form = AccessEndForm()
    if not form.validate_on_submit():
        return invalid("members/show.html", member=member, role_form=RoleForm(role=member.role_choice),
                       action_form=EmptyForm(), **_over_time_forms(member, access_form=form))
    service.set_access_end(member, form.ends_on.data, by=current_user)  # NotAllowed answers 403
    flash(_("The access end date is saved.") if form.ends_on.data else _("The access has no end date now."),
          "success")
    return redirect_to(url_for("members.show", user_id=member.id))


@bp.route("/<int:user_id>/flytter", methods=["POST"])
@allow(STAFF)
def move_out(user_id):
    """The member moves away: the account ends, their posts stay (as by a former member)."""
    member = get_member_or_404(user_id)
    form = MoveOutForm()
    form.validate()
    name = member.display_name
    service.move_out(member, by=current_user, anonymise=bool(form.anonymise.data))  # NotAllowed answers 403
    flash(_("%(name)s has moved out: the account is ended.", name=name), "success")
    if form.anonymise.data:
        return redirect_to(url_for("members.index"))
    return redirect_to(url_for("members.show", user_id=member.id))
