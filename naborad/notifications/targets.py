"""Where a notification leads."""
from flask import url_for
from sqlalchemy import select

from ..extensions import db
from ..models import AgendaItem


def target_url(notification, external: bool = False) -> str:
    kind, sid = notification.subject_type, notification.subject_id
    if kind == "issue":
        return url_for("issues.show", issue_id=sid, _external=external)
    if kind == "meeting":
        return url_for("meetings.show", meeting_id=sid, _external=external)
    if kind == "event":
        return url_for("events.show", event_id=sid, _external=external)
    if kind == "premeeting":
        return url_for("premeeting.show", premeeting_id=sid, _external=external)
    if kind == "action":
        return url_for("meetings.actions", mine=1, _external=external)
    if kind == "proposal":
        meeting_id = db.session.scalar(select(AgendaItem.meeting_id).where(AgendaItem.id == sid))
        return url_for("meetings.show", meeting_id=meeting_id, _anchor=f"punkt-{sid}", _external=external)
    if kind == "report":
        return url_for("reports.show", report_id=sid, _external=external)
    if kind == "user":
        return url_for("members.show", user_id=sid, _external=external)
    if kind == "conversation":
        return url_for("direct.show", conversation_id=sid, _external=external)
    if kind == "dialogue":
        return url_for("dialogue.show", dialogue_id=sid, _external=external)
    if kind == "direct_consent":
        return url_for("direct.consent", _external=external)
    if kind == "pulse":
        return url_for("pulse.answer", _external=external)
    if kind == "agreement":
        return url_for("council_health.agreement_item", item_id=sid, _external=external)
    if kind == "council":  # the council's meetings paused or resumed (issue 21)
        return url_for("meetings.index", _external=external)
    if kind == "account":
        return url_for("auth.two_factor", _external=external)
    return url_for("notifications.index", _external=external)
