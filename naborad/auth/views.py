"""Views for login, logout, password reset, accepting an invitation and the own profile."""

from flask import current_app, flash, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import NotFound

from ..access import MEMBERS, allow, public, safe_next
from ..extensions import client_ip, db, limiter
from ..forms import form_status
from ..htmx import redirect_to, render
from ..models import HouseholdCode
from ..start import service as households
from ..tokens import display_code
from . import bp, email_change, service
from .account import export_download, save_profile
from .forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    DeleteAccountForm,
    ForgotPasswordForm,
    InvitationCodeForm,
    LoginForm,
    ProfileForm,
    ResetPasswordForm,
)
from .sessions import end_session


def _login_limit():
    return current_app.config["LOGIN_IP_LIMIT"]


def _wait(seconds: int, errors: list, template: str, **ctx):
    """429 with Retry-After: too many wrong passwords from here for this account."""
    errors.append(_("Too many failed attempts. Wait %(minutes)s minute(s) and try again.",
                    minutes=max(1, round(seconds / 60))))
    response = render(template, status=429, **ctx)
    response.headers["Retry-After"] = str(seconds)
    return response


@bp.route("/logg-inn", methods=["GET", "POST"])
@public(form_csrf=True)
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect_to(url_for("pages.dashboard"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        attempt = service.attempt_login(form.login.data, form.password.data, client_ip())
        if attempt.wait:
            return _wait(attempt.wait, form.form_errors, "auth/login.html", form=form)
        if attempt.pending:  # the second factor is still to come
            return redirect_to(url_for("auth.two_factor_code", next=safe_next(request.args.get("next"))))
        if attempt.user is not None:
            return redirect_to(safe_next(request.args.get("next")) or url_for("pages.dashboard"))
        form.form_errors.append(_("Wrong username, email or password."))
        status = 422
    elif request.method == "POST":
        status = 422
    return render("auth/login.html", form=form, status=status)


@bp.route("/logg-ut", methods=["POST"])
@allow(MEMBERS)
def logout():
    end_session(current_user._get_current_object())
    db.session.commit()
    flash(_("You are logged out."), "success")
    return redirect_to(url_for("auth.login"))


@bp.route("/glemt-passord", methods=["GET", "POST"])
@public(form_csrf=True)
@limiter.limit(lambda: current_app.config["RESET_REQUEST_LIMIT"], methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        service.request_reset(form.email.data, str(get_locale()))
        # The same answer whether or not the address exists.
        flash(_("If that address belongs to a member, a link to choose a new password is on its way. "
                "It works for one hour."), "success")
        return redirect_to(url_for("auth.login"))
    return render("auth/forgot_password.html", form=form, status=form_status())


@bp.route("/nytt-passord/<token>", methods=["GET", "POST"])
@public(form_csrf=True)
def reset_password(token):
    reset = service.valid_reset(token)
    if reset is None:
        return render("auth/link_invalid.html", invitation=False, status=404)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        if service.use_reset(reset, form.password.data) is None:
            return render("auth/link_invalid.html", invitation=False, status=404)
        flash(_("Your new password is saved. Log in with it."), "success")
        return redirect_to(url_for("auth.login"))
    return render("auth/reset_password.html", form=form, status=form_status())


@bp.route("/invitasjon", methods=["GET", "POST"])
@public(form_csrf=True)
def invitation():
    form = InvitationCodeForm()
    if form.validate_on_submit():
        return redirect_to(url_for("auth.accept_invitation", code=display_code(form.code.data)))
    return render("auth/invitation_code.html", form=form, status=form_status())


@bp.route("/invitasjon/<code>", methods=["GET", "POST"])
@public(form_csrf=True)
@limiter.limit(lambda: current_app.config["ACCEPT_INVITATION_LIMIT"])
def accept_invitation(code):
    invitation = service.open_invitation(code) or households.open_household(code)  # a household letter's code
    if invitation is None:
        return render("auth/link_invalid.html", invitation=True, status=404)
    if current_user.is_authenticated:
        flash(_("You are already logged in. Log out first to accept an invitation for someone else."), "info")
        return redirect_to(url_for("pages.dashboard"))
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        accept = households.accept_household if isinstance(invitation, HouseholdCode) else service.accept_invitation
        user = accept(invitation, username=form.username.data, display_name=form.display_name.data,
                      password=form.password.data, locale=str(get_locale()))
        if user is None:
            return render("auth/link_invalid.html", invitation=True, status=404)
        flash(_("Welcome to the neighbourhood council, %(name)s!", name=user.display_name), "success")
        session["welcome"] = True  # the overview explains where things are until the member hides it
        return redirect_to(url_for("pages.dashboard"))
    return render("auth/accept_invitation.html", form=form, invitation=invitation, code=code,
                  status=form_status())


@bp.route("/velkommen/skjul", methods=["POST"])
@allow(MEMBERS)
def hide_welcome():
    """A new member has read the overview's welcome (pages/_welcome.html): it goes for this session."""
    session.pop("welcome", None)
    return redirect_to(url_for("pages.dashboard"))


@bp.route("/profil", methods=["GET", "POST"])
@allow(MEMBERS, form_csrf=True)
def profile():
    user = current_user._get_current_object()
    form = ProfileForm(obj=user)
    if form.validate_on_submit():
        link_sent = save_profile(user, display_name=form.display_name.data, full_name=form.full_name.data,
                                 email=form.email.data, phone=form.phone.data, locale=form.locale.data)
        session.pop("lang", None)
        flash(_("Your profile is saved."), "success")
        if link_sent:  # the same answer whether or not another account uses the address
            flash(_("We sent a link to the new address; the change takes effect when you open it."), "success")
        return redirect_to(url_for("auth.profile"))
    return render("auth/profile.html", form=form, pending=email_change.pending(user), status=form_status())


@bp.route("/profil/epost/<token>", methods=["GET", "POST"])
@allow(MEMBERS)
def confirm_email(token):
    """The link mailed to a new address: a page with a button (opening it changes nothing); the POST
    applies the address, or says neutrally that it could not be used."""
    change = email_change.for_link(current_user, token)
    if change is None:
        error = NotFound()
        error.naborad_message = _("This link does not work: it was used, a newer one was sent, or it has expired. "
                                  "Open it while logged in as the member who asked for it.")
        raise error
    if request.method == "POST":
        if email_change.confirm(change):
            flash(_("Your new email address is saved."), "success")
            return redirect_to(url_for("auth.profile"))
        return render("auth/confirm_email.html", change=None, status=409)
    return render("auth/confirm_email.html", change=change)


@bp.route("/profil/passord", methods=["GET", "POST"])
@allow(MEMBERS, form_csrf=True)
def change_password():
    user = current_user._get_current_object()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        check = service.check_current_password(user, form.current.data, client_ip())
        if check.wait:
            return _wait(check.wait, form.current.errors, "auth/change_password.html", form=form)
        if check.user is None:
            form.current.errors.append(_("That is not your current password."))
        else:
            service.change_password(user, form.password.data)
            flash(_("Your password is changed. You were logged out everywhere else."), "success")
            return redirect_to(url_for("auth.profile"))
    return render("auth/change_password.html", form=form, status=form_status())


@bp.route("/profil/eksport", methods=["GET", "POST"])
@allow(MEMBERS)
def export():
    """Download everything the app holds that you wrote or that is about you (JSON): the page offers the
    button, the POST gives the file (and is audited)."""
    if request.method == "POST":
        return export_download(current_user._get_current_object())
    return render("auth/export.html")


@bp.route("/profil/slett", methods=["GET", "POST"])
@allow(MEMBERS, form_csrf=True)
def delete_account():
    """Delete your own account. What you wrote stays, shown as by a former member."""
    user = current_user._get_current_object()
    form = DeleteAccountForm()
    last_staff = service.is_last_staff(user)
    if form.validate_on_submit():
        if last_staff:
            form.password.errors.append(_("You are the last staff member. Invite another before you leave."))
        elif (check := service.check_current_password(user, form.password.data, client_ip())).wait:
            return _wait(check.wait, form.password.errors, "auth/delete_account.html", form=form,
                         last_staff=last_staff)
        elif check.user is None:
            form.password.errors.append(_("That is not your password."))
        else:
            service.delete_account(user)
            flash(_("Your account is deleted. Thank you for your time in the council."), "success")
            return redirect_to(url_for("auth.login"))
    return render("auth/delete_account.html", form=form, last_staff=last_staff,
                  status=422 if request.method == "POST" else 200)
