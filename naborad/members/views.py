"""Member list and administration (staff), invitations and staff-issued reset links."""
from datetime import timedelta

from flask import abort, current_app, flash, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import case, select
from sqlalchemy.exc import IntegrityError

from ..access import MEMBERS, STAFF, allow, get_invitation_or_404, get_member_or_404
from ..auth.sessions import end_all_sessions
from ..auth.views import RESET_VALID
from ..extensions import db
from ..htmx import redirect_to, render
from ..mail import queue_mail
from ..models import ChairSeat, Invitation, PasswordReset, Role, User, audit, role_from_choice, utcnow
from ..qr import qr_svg
from ..forms import form_status, with_token
from ..tokens import code_hash, new_code, new_token, sha256
from . import bp
from .forms import EmptyForm, InvitationForm, RoleForm

INVITATION_VALID = timedelta(days=14)
ROLE_ORDER = case({Role.CHAIR.value: 0, Role.STAFF.value: 1, Role.NEIGHBOUR.value: 2, Role.RESIDENT.value: 3},
                  value=User.role)


def absolute(path: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + path


def _remember_secret(kind: str, object_id: int, secret: str) -> None:
    """Keep a just-made code in this staff member's session so it can be printed once."""
    secrets = {k: v for k, v in session.get(kind, {}).items()}
    secrets[str(object_id)] = secret
    session[kind] = dict(list(secrets.items())[-5:])


@bp.route("/")
@allow(MEMBERS)
def index():
    stmt = select(User).order_by(ROLE_ORDER, User.chair_seat, User.display_name)
    if not current_user.is_staff:
        stmt = stmt.where(User.is_active_member.is_(True))
    members = db.session.scalars(stmt).all()
    return render("members/index.html", members=members)


@bp.route("/<int:user_id>")
@allow(STAFF)
def show(user_id):
    member = get_member_or_404(user_id)
    return render("members/show.html", member=member, role_form=RoleForm(role=member.role_choice),
                  action_form=EmptyForm())


def _seat_holder(seat: ChairSeat) -> User | None:
    return db.session.scalar(select(User).where(User.chair_seat == seat))


@bp.route("/<int:user_id>/rolle", methods=["POST"])
@allow(STAFF, form_csrf=True)
def change_role(user_id):
    member = get_member_or_404(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        return render("members/show.html", member=member, role_form=form, action_form=EmptyForm(), status=422)
    if member.id == current_user.id:
        form.role.errors.append(_("You cannot change your own role. Ask another staff member."))
        return render("members/show.html", member=member, role_form=form, action_form=EmptyForm(), status=422)
    wanted = form.role.data
    new_role, seat = role_from_choice(wanted)
    previous = _seat_holder(seat) if seat else None
    if previous is member:
        previous = None
    if seat and form.confirm.data != "yes":
        # Handing over the chair (or deputy seat) is confirmed on its own page.
        return render("members/confirm_role.html", member=member, form=form, seat=seat, previous=previous)
    if previous is not None:
        previous.role, previous.chair_seat = Role.NEIGHBOUR, None
        audit("role_changed", actor=current_user, target=previous, detail=f"{seat.value} -> neighbour (handover)")
        db.session.flush()
    old = member.role_choice
    member.role, member.chair_seat = new_role, seat
    audit("role_changed", actor=current_user, target=member, detail=f"{old} -> {wanted}")
    db.session.commit()
    flash(_("The role of %(name)s is changed.", name=member.display_name), "success")
    return redirect_to(url_for("members.show", user_id=member.id))


@bp.route("/<int:user_id>/deaktiver", methods=["POST"])
@allow(STAFF)
def deactivate(user_id):
    member = get_member_or_404(user_id)
    if member.id == current_user.id:
        abort(403)
    if member.is_active_member:
        member.is_active_member = False
        if member.chair_seat:  # the seat is free at once
            member.role, member.chair_seat = Role.NEIGHBOUR, None
        end_all_sessions(member)
        audit("deactivated", actor=current_user, target=member)
        db.session.commit()
    flash(_("%(name)s is deactivated and logged out everywhere.", name=member.display_name), "success")
    return redirect_to(url_for("members.show", user_id=member.id))


@bp.route("/<int:user_id>/aktiver", methods=["POST"])
@allow(STAFF)
def reactivate(user_id):
    member = get_member_or_404(user_id)
    if not member.is_active_member:
        member.is_active_member = True
        audit("reactivated", actor=current_user, target=member)
        db.session.commit()
    flash(_("%(name)s is active again.", name=member.display_name), "success")
    return redirect_to(url_for("members.show", user_id=member.id))


@bp.route("/<int:user_id>/representant", methods=["POST"])
@allow(STAFF)
def toggle_rep(user_id):
    """Mark a resident as a residents' representative; other members see a badge by the name."""
    member = get_member_or_404(user_id)
    if member.role != Role.RESIDENT:
        abort(403)
    member.is_residents_rep = not member.is_residents_rep
    audit("residents_rep_changed", actor=current_user, target=member, detail=str(member.is_residents_rep).lower())
    db.session.commit()
    return redirect_to(url_for("members.show", user_id=member.id))


@bp.route("/<int:user_id>/tilbakestill", methods=["GET", "POST"])
@allow(STAFF)
def reset_link(user_id):
    """A printable password reset link for a member without email."""
    member = get_member_or_404(user_id)
    if not member.is_active_member:
        abort(404)
    if request.method == "POST":
        token = new_token()
        db.session.add(PasswordReset(token_hash=sha256(token), user_id=member.id,
                                     expires_at=utcnow() + RESET_VALID))
        audit("password_reset_issued", actor=current_user, target=member)
        db.session.commit()
        _remember_secret("reset_tokens", member.id, token)
        return redirect_to(url_for("members.reset_link", user_id=member.id))
    token = session.get("reset_tokens", {}).get(str(member.id))
    link = absolute(url_for("auth.reset_password", token=token)) if token else None
    return render("members/reset_link.html", member=member, link=link, form=EmptyForm(),
                  qr=qr_svg(link, _("QR code for the link")) if link else None)


@bp.route("/invitasjoner")
@allow(STAFF)
def invitations():
    rows = db.session.scalars(select(Invitation).order_by(Invitation.created_at.desc()).limit(200)).all()
    return render("members/invitations.html", invitations=rows)


def _send_invitation(invitation: Invitation, code: str) -> None:
    if invitation.email:
        queue_mail(invitation.email, "invitation", role=invitation.role.value,
                   path=url_for("auth.accept_invitation", code=code), code=code,
                   expires=invitation.expires_at.isoformat())


@bp.route("/inviter", methods=["GET", "POST"])
@allow(STAFF, form_csrf=True)
def invite():
    form = InvitationForm()
    if form.validate_on_submit():
        token = form.form_token.data or None
        existing = token and db.session.scalar(select(Invitation).where(Invitation.form_token == token))
        if existing:  # a double submit: answer like the first
            return redirect_to(url_for("members.invitation", invitation_id=existing.id))
        code = new_code()
        invitation = Invitation(code_hash=code_hash(code), role=Role(form.role.data), email=form.email.data,
                                label=form.label.data, created_by_id=current_user.id,
                                expires_at=utcnow() + INVITATION_VALID, form_token=token)
        db.session.add(invitation)
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            existing = db.session.scalar(select(Invitation).where(Invitation.form_token == token))
            return redirect_to(url_for("members.invitation", invitation_id=existing.id))
        _send_invitation(invitation, code)
        audit("invitation_created", actor=current_user, detail=f"#{invitation.id} role={invitation.role.value}")
        db.session.commit()
        _remember_secret("invitation_codes", invitation.id, code)
        flash(_("The invitation is ready."), "success")
        return redirect_to(url_for("members.invitation", invitation_id=invitation.id))
    with_token(form)
    return render("members/invite.html", form=form, status=form_status(form))


@bp.route("/invitasjoner/<int:invitation_id>")
@allow(STAFF)
def invitation(invitation_id):
    invitation = get_invitation_or_404(invitation_id)
    code = session.get("invitation_codes", {}).get(str(invitation.id)) if invitation.state == "open" else None
    link = absolute(url_for("auth.accept_invitation", code=code)) if code else None
    show_print = link and invitation.role != Role.STAFF
    return render("members/invitation.html", invitation=invitation, code=code, link=link, form=EmptyForm(),
                  qr=qr_svg(link, _("QR code for the invitation link")) if show_print else None)


@bp.route("/invitasjoner/<int:invitation_id>/trekk-tilbake", methods=["POST"])
@allow(STAFF)
def withdraw_invitation(invitation_id):
    invitation = get_invitation_or_404(invitation_id)
    if invitation.state == "open":
        invitation.withdrawn_at = utcnow()
        audit("invitation_withdrawn", actor=current_user, detail=f"#{invitation.id}")
        db.session.commit()
        flash(_("The invitation is withdrawn; its link no longer works."), "success")
    return redirect_to(url_for("members.invitation", invitation_id=invitation.id))


@bp.route("/invitasjoner/<int:invitation_id>/ny-kode", methods=["POST"])
@allow(STAFF)
def renew_invitation(invitation_id):
    """A new code (the old one stops working) and 14 more days."""
    invitation = get_invitation_or_404(invitation_id)
    if invitation.accepted_at or invitation.withdrawn_at:
        abort(403)
    code = new_code()
    invitation.code_hash = code_hash(code)
    invitation.expires_at = utcnow() + INVITATION_VALID
    _send_invitation(invitation, code)
    audit("invitation_renewed", actor=current_user, detail=f"#{invitation.id}")
    db.session.commit()
    _remember_secret("invitation_codes", invitation.id, code)
    flash(_("The invitation has a new code; the old one no longer works."), "success")
    return redirect_to(url_for("members.invitation", invitation_id=invitation.id))
