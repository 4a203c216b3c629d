"""Views for two-factor sign-in: the code after the password, setting it up in the profile, new recovery
codes and turning it off (HTTP only; the rules are in second_factor.py)."""
from flask import current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import MEMBERS, allow, public, safe_next
from ..compression import send_uncompressed
from ..extensions import client_ip, limiter
from ..forms import form_status
from ..htmx import redirect_to, render
from ..qr import qr_svg
from . import bp, second_factor
from .sessions import pending_session
from .two_factor_forms import AppCodeForm, DisableForm, LoginCodeForm


def _next() -> str | None:
    return safe_next(request.args.get("next"))


def _too_many(seconds: int, field, respond):
    """429 with Retry-After: too many wrong codes (or passwords) from here for this account."""
    field.errors.append(_("Too many failed attempts. Wait %(minutes)s minute(s) and try again.",
                          minutes=max(1, round(seconds / 60))))
    response = respond(429)
    response.headers["Retry-After"] = str(seconds)
    return response


def _wrong(field) -> None:
    if field.name == "recovery_code":
        field.errors.append(_("That recovery code is not right, or it has been used."))
    else:
        field.errors.append(_("That code is not right. Check the code in your app and try again."))


@bp.route("/logg-inn/kode", methods=["GET", "POST"])
@public(form_csrf=True)
@limiter.limit(lambda: current_app.config["LOGIN_IP_LIMIT"], methods=["POST"])
def two_factor_code():
    """The second step of a login: the code from the app, or a recovery code."""
    if current_user.is_authenticated:
        return redirect_to(_next() or url_for("pages.dashboard"))
    pending = pending_session()
    if pending is None:
        flash(_("Log in again: the code must come within ten minutes of the password."), "info")
        return redirect_to(url_for("auth.login", next=_next()))
    form = LoginCodeForm()
    if form.validate_on_submit():
        check = second_factor.complete_login(pending, form.used.data, client_ip())
        if check.wait:
            return _too_many(check.wait, form.used,
                             lambda status: render("auth/two_factor_code.html", form=form, status=status))
        if check.ok:
            if check.recovery:
                flash(_("You logged in with a recovery code; %(count)s left. Make new ones under Profile, "
                        "Two-factor sign-in.", count=second_factor.recovery_codes_left(pending.user)), "info")
            return redirect_to(_next() or url_for("pages.dashboard"))
        _wrong(form.used)
    return render("auth/two_factor_code.html", form=form, status=form_status())


def _page(user, status=200, **forms):
    """The two-factor page in the profile: set it up (QR code and secret), or new codes and turning it off."""
    factor = second_factor.unconfirmed(user)
    enrolled = factor is None and second_factor.enrolled(user)
    ctx = dict(factor=factor, enrolled=enrolled, required=second_factor.required(user),
               code_form=forms.get("code_form") or AppCodeForm(formdata=None),
               disable_form=forms.get("disable_form") or DisableForm(formdata=None))
    if factor is not None:
        send_uncompressed()  # the key to type (BREACH)
        ctx.update(qr=qr_svg(second_factor.provisioning_uri(user, factor), _("QR code for your authenticator app")),
                   secret=second_factor.grouped(factor.secret))
    if enrolled:
        ctx["codes_left"] = second_factor.recovery_codes_left(user)
    return render("auth/two_factor.html", status=status, **ctx)


def _codes_page(codes: list[str]):
    """The recovery codes, in this one response (never stored in clear, never in the cookie), uncompressed."""
    send_uncompressed()
    return render("auth/two_factor_codes.html", codes=codes, next=_next())


@bp.route("/profil/to-trinn", methods=["GET", "POST"])
@allow(MEMBERS, form_csrf=True)
def two_factor():
    """Two-factor sign-in in the profile; a POST confirms the app with its first code."""
    user = current_user._get_current_object()
    if request.method == "GET":
        return _page(user)
    if second_factor.unconfirmed(user) is None:  # confirmed in another tab, or never started
        return redirect_to(url_for("auth.two_factor", next=_next()))
    return _codes_for_an_app_code(user, second_factor.confirm_enrolment)


def _codes_for_an_app_code(user, check_code):
    """A code from the app, checked by `check_code` (throttled): new recovery codes shown once, or the page
    again with the error (422, or 429 after too many wrong codes)."""
    form = AppCodeForm()
    if form.validate_on_submit():
        check = check_code(user, form.code.data, client_ip())
        if check.wait:
            return _too_many(check.wait, form.code, lambda status: _page(user, status, code_form=form))
        if check.ok:
            return _codes_page(check.codes)
        _wrong(form.code)
    return _page(user, status=422, code_form=form)


@bp.route("/profil/to-trinn/start", methods=["POST"])
@allow(MEMBERS)
def two_factor_start():
    """A new secret to scan (again): the page then shows its QR code."""
    second_factor.start_enrolment(current_user._get_current_object())
    return redirect_to(url_for("auth.two_factor", next=_next()))


@bp.route("/profil/to-trinn/nye-koder", methods=["POST"])
@allow(MEMBERS, form_csrf=True)
def two_factor_new_codes():
    """Ten new recovery codes for a code from the app; the old ones stop working."""
    user = current_user._get_current_object()
    if not second_factor.enrolled(user):
        return redirect_to(url_for("auth.two_factor"))
    return _codes_for_an_app_code(user, second_factor.renew_recovery_codes)


@bp.route("/profil/to-trinn/av", methods=["POST"])
@allow(MEMBERS, form_csrf=True)
def two_factor_disable():
    """Turn one's own second factor off, with the password (not where the role requires one: 403)."""
    user = current_user._get_current_object()
    if not second_factor.enrolled(user):
        return redirect_to(url_for("auth.two_factor"))
    form = DisableForm()
    if form.validate_on_submit():
        attempt = second_factor.disable(user, form.password.data, client_ip())
        if attempt.wait:
            return _too_many(attempt.wait, form.password, lambda status: _page(user, status, disable_form=form))
        if attempt.user is not None:
            flash(_("Two-factor sign-in is off. You log in with your password alone."), "success")
            return redirect_to(url_for("auth.two_factor"))
        form.password.errors.append(_("That is not your password."))
    return _page(user, status=422, disable_form=form)
