"""The notification list, the unread badge, mail settings and the personal calendar feed."""
from flask import Response, abort, current_app, flash, make_response, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ..access import MEMBERS, allow, in_premeeting, public, secret_link
from ..auth.sessions import forget_secret, keep_secret, shown_secret
from ..extensions import db
from ..htmx import after_change, invalid, redirect_to, render
from ..models import CalendarFeed, Notification, NotificationSetting, User, UserSession, utcnow
from ..paging import page_number, paginate
from ..tokens import new_token, sha256
from . import bp
from .calendar_feed import build_feed
from .service import (
    MAIL_WORDING,
    MODES,
    NAMED,
    kinds_for,
    listed,
    mark_all_read,
    names_premeeting_in_mail,
    readable,
    set_mail_wording,
)
from .targets import target_url


@bp.route("/varsler/")
@allow(MEMBERS)
def index():
    page = paginate(listed(current_user), page_number())
    # "Show more" asks for the next page's rows alone.
    return render("notifications/index.html", None if page.first else "notifications/_rows.html", page=page,
                  items=readable(current_user, page.rows))


@bp.route("/varsler/<int:notification_id>/apne", methods=["POST"])
@allow(MEMBERS)
def open_one(notification_id):
    notification = db.session.scalar(select(Notification).where(Notification.id == notification_id,
                                                                Notification.user_id == current_user.id))
    if notification is None or not readable(current_user, [notification]):
        abort(404)
    notification.read_at = notification.read_at or utcnow()
    db.session.commit()
    return redirect_to(target_url(notification))


@bp.route("/varsler/les-alle", methods=["POST"])
@allow(MEMBERS)
def read_all():
    mark_all_read(current_user)
    db.session.commit()
    return after_change("notifications/_badge.html", url_for("notifications.index"), unread=0)


@bp.route("/varsler/antall")
@public
def count():
    """The unread badge, polled by htmx: one query, and it neither extends the session's idle time
    nor ever redirects (a page with a draft in it stays as it is when the session has ended)."""
    token = session.get("_user_id")
    unread, locale = 0, None
    if token:
        cfg = current_app.config
        now = utcnow()
        unread_count = select(func.count(Notification.id)).where(
            Notification.user_id == User.id, Notification.read_at.is_(None)).scalar_subquery()
        row = db.session.execute(
            select(unread_count, User.locale).select_from(UserSession).join(User, User.id == UserSession.user_id)
            .where(UserSession.token_hash == sha256(token), User.is_active_member.is_(True),
                   UserSession.second_factor_pending.is_(False),  # no login until the second factor
                   UserSession.last_seen_at > now - cfg["SESSION_IDLE_TIMEOUT"],
                   UserSession.created_at > now - cfg["SESSION_ABSOLUTE_TIMEOUT"])).first()
        if row is not None:
            unread, locale = row
    with force_locale(locale or session.get("lang") or current_app.config["DEFAULT_LANGUAGE"]):
        # Rendered straight from the Jinja environment: Flask's context processors would load the
        # user (Flask-Login's current_user) and so cost queries and touch the session.
        html = current_app.jinja_env.get_template("notifications/_badge.html").render(unread=unread)
    response = make_response(html)
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Cookie")
    return response


# -- settings and the calendar feed -----------------------------------------------------

@bp.route("/varsler/innstillinger", methods=["GET", "POST"])
@allow(MEMBERS)
def settings():
    kinds = kinds_for(current_user)
    if request.method == "POST":
        chosen = {k.name: request.form.get(k.name) for k in kinds if k.name in request.form}
        if any(mode not in MODES for mode in chosen.values()):
            return invalid("notifications/settings.html", **_settings_context(kinds, chosen))
        existing = {s.kind: s for s in db.session.scalars(select(NotificationSetting).where(
            NotificationSetting.user_id == current_user.id))}
        for kind, mode in chosen.items():
            row = existing.get(kind)
            if row is None:
                db.session.add(NotificationSetting(user_id=current_user.id, kind=kind, mode=mode))
            else:
                row.mode = mode
        if in_premeeting(current_user):
            set_mail_wording(current_user, request.form.get(MAIL_WORDING) == NAMED)
        db.session.commit()
        flash(_("Your notification settings are saved."), "success")
        return redirect_to(url_for("notifications.settings"))
    return render("notifications/settings.html", **_settings_context(kinds))


def _settings_context(kinds, chosen=None):
    saved = dict(db.session.execute(select(NotificationSetting.kind, NotificationSetting.mode).where(
        NotificationSetting.user_id == current_user.id)).all())
    modes = {k.name: (chosen or {}).get(k.name) or saved.get(k.name, k.default) for k in kinds}
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == current_user.id))
    token = shown_secret(current_user, "feed_token", current_user.id) if feed else None
    feed_url = url_for("notifications.feed", token=token, _external=True) if token and \
        feed.token_hash == sha256(token) else None
    named = request.form.get(MAIL_WORDING) == NAMED if chosen is not None else names_premeeting_in_mail(current_user)
    return dict(kinds=kinds, modes=modes, feed=feed, feed_url=feed_url, errors=chosen is not None,
                can_include_premeetings=in_premeeting(current_user), names_premeeting=named)


@bp.route("/varsler/kalender/ny-lenke", methods=["POST"])
@allow(MEMBERS)
def reset_feed():
    """Make (or remake) the secret calendar link; the old one stops working at once."""
    token = new_token()
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == current_user.id))
    if feed is None:
        feed = CalendarFeed(user_id=current_user.id, token_hash=sha256(token))
        db.session.add(feed)
    feed.token_hash = sha256(token)
    if in_premeeting(current_user) and "include_premeetings" in request.form:
        feed.include_premeetings = request.form.get("include_premeetings") == "y"
    keep_secret(current_user, "feed_token", current_user.id, token)  # shown on the settings page, to this session
    db.session.commit()
    flash(_("Your calendar link is ready. Any older link no longer works."), "success")
    return redirect_to(url_for("notifications.settings", _anchor="kalender"))


@bp.route("/varsler/kalender/valg", methods=["POST"])
@allow(MEMBERS)
def feed_options():
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == current_user.id))
    if feed is None:  # nothing to change yet: make a link first
        return redirect_to(url_for("notifications.settings", _anchor="kalender"))
    feed.include_premeetings = in_premeeting(current_user) and request.form.get("include_premeetings") == "y"
    db.session.commit()
    flash(_("Your calendar settings are saved."), "success")
    return redirect_to(url_for("notifications.settings", _anchor="kalender"))


@bp.route("/varsler/kalender/slett", methods=["POST"])
@allow(MEMBERS)
def delete_feed():
    db.session.query(CalendarFeed).filter_by(user_id=current_user.id).delete()
    forget_secret(current_user, "feed_token", current_user.id)
    db.session.commit()
    flash(_("Your calendar link is deleted."), "success")
    return redirect_to(url_for("notifications.settings", _anchor="kalender"))


@bp.route("/kalender/<token>.ics")
@secret_link
def feed(token):
    """The personal feed: only what its owner may read now; 404 for a wrong, reset or dead link."""
    row = db.session.execute(select(CalendarFeed, User).join(User, User.id == CalendarFeed.user_id)
                             .where(CalendarFeed.token_hash == sha256(token))).first()
    if row is None or not row[1].is_active_member:
        abort(404)
    feed, user = row
    with force_locale(user.locale or current_app.config["DEFAULT_LANGUAGE"]):
        body = build_feed(user, include_premeetings=feed.include_premeetings)
    response = Response(body, mimetype="text/calendar")
    response.headers["Cache-Control"] = "private, max-age=900"
    return response


