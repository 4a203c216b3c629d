"""Dashboard, accessibility statement, privacy notice, language switch."""
from flask import current_app, redirect, request, session, url_for
from flask_login import current_user

from ..access import MEMBERS, allow, public, safe_next
from ..extensions import db
from ..htmx import render
from . import bp
from .service import overview


@bp.route("/")
@allow(MEMBERS)
def dashboard():
    return render("pages/dashboard.html", **overview(current_user))


@bp.route("/tilgjengelighet")
@public
def accessibility():
    return render("pages/accessibility.html")


@bp.route("/personvern")
@public
def privacy():
    return render("pages/privacy.html")


@bp.route("/sprak", methods=["POST"])
@public
def set_language():
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated:
            current_user.locale = lang
            db.session.commit()
    return redirect(safe_next(request.form.get("next")) or url_for("pages.dashboard"), 303)
