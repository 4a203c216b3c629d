"""Dashboard, accessibility statement, privacy notice, language switch."""
from flask import current_app, redirect, request, session, url_for
from flask_login import current_user

from ..access import MEMBERS, allow, public, safe_next
from ..extensions import db
from ..htmx import render
from . import bp


@bp.route("/")
@allow(MEMBERS)
def dashboard():
    from datetime import timedelta

    from sqlalchemy import func
    from sqlalchemy.orm import joinedload

    from ..access import in_premeeting, visible_action_items, visible_issues, visible_meetings, visible_premeetings
    from ..models import ActionItem, Issue, Meeting, MeetingStatus, PreMeeting, utcnow
    now = utcnow()
    next_meeting = db.session.scalar(visible_meetings(current_user).where(
        Meeting.starts_at > now - timedelta(hours=3), Meeting.status != MeetingStatus.CANCELLED)
        .order_by(Meeting.starts_at).limit(1))
    my_actions = db.session.scalar(visible_action_items(current_user)
                                   .where(ActionItem.assignee_id == current_user.id, ActionItem.done_at.is_(None))
                                   .with_only_columns(func.count(ActionItem.id)))
    recent = db.session.scalars(visible_issues(current_user).options(joinedload(Issue.author))
                                .order_by(Issue.last_activity_at.desc()).limit(5)).all()
    next_premeeting = None
    if in_premeeting(current_user):
        next_premeeting = db.session.scalar(visible_premeetings(current_user).where(
            PreMeeting.starts_at > now - timedelta(hours=3), PreMeeting.cancelled_at.is_(None))
            .order_by(PreMeeting.starts_at).limit(1))
    return render("pages/dashboard.html", next_meeting=next_meeting, my_actions=my_actions, recent=recent,
                  next_premeeting=next_premeeting)


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
