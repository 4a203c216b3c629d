"""The member's own data: the profile, export it, or delete the account (GDPR articles 15, 17 and 20)."""
import json

from flask import Response
from sqlalchemy import select

from ..dialogue.service import export as dialogue_export
from ..direct.service import export as direct_export
from ..extensions import db
from ..models import (
    AgendaItem,
    DirectConsent,
    EmailChange,
    Issue,
    MeetingResponse,
    Notification,
    NotificationSetting,
    PreMeetingComment,
    Reply,
    Signup,
    SituationReport,
    User,
    audit,
    utcnow,
)
from ..pulse.service import export as pulse_export
from ..reports.service import export as report_export
from .email_change import request_change


def export_data(user: User) -> bytes:
    """Everything the app holds that this member wrote or that is about them, as JSON."""
    def rows(stmt, *fields):
        return [{f: _plain(getattr(r, f)) for f in fields} for r in db.session.scalars(stmt)]

    data = {
        "exported_at": utcnow().isoformat(),
        "profile": {f: _plain(getattr(user, f)) for f in ("username", "display_name", "full_name", "email",
                                                           "phone", "role", "locale", "created_at")},
        "issues": rows(select(Issue).where(Issue.author_id == user.id), "id", "title", "body", "place",
                       "created_at"),
        "replies": rows(select(Reply).where(Reply.author_id == user.id), "id", "issue_id", "body", "created_at"),
        "proposals": rows(select(AgendaItem).where(AgendaItem.proposer_id == user.id), "id", "meeting_id", "title",
                          "why", "created_at"),
        "meeting_answers": rows(select(MeetingResponse).where(MeetingResponse.user_id == user.id), "meeting_id",
                                "answer", "updated_at"),
        "event_signups": rows(select(Signup).where(Signup.user_id == user.id), "event_id", "guests",
                              "dietary_note", "created_at"),
        "situation_reports": rows(select(SituationReport).where(SituationReport.reporter_id == user.id), "id",
                                  "category", "text", "place", "created_at"),
        "residents_meeting_comments": rows(select(PreMeetingComment).where(PreMeetingComment.author_id == user.id),
                                           "id", "item_id", "body", "created_at"),
        "notification_settings": rows(select(NotificationSetting).where(NotificationSetting.user_id == user.id),
                                      "kind", "mode"),
        "notifications": rows(select(Notification).where(Notification.user_id == user.id), "kind",
                              "subject_type", "subject_id", "created_at", "read_at"),
        "direct_line_consent": rows(select(DirectConsent).where(DirectConsent.user_id == user.id), "by_message",
                                    "by_phone", "scope", "given_at", "lapsed_at"),
        "direct_line_conversations": direct_export(user),
        "neighbourhood_pulse": pulse_export(user),
        "dialogue_meetings": dialogue_export(user),
        "email_change_waiting": rows(select(EmailChange).where(EmailChange.user_id == user.id), "new_email",
                                     "created_at", "expires_at"),
        "situation_report_conversations": report_export(user),
        # Members over time (issue 22): the day access ends, and the role held before a chair seat.
        "membership": {f: _plain(getattr(user, f)) for f in ("access_ends_on", "role_before_chair")},
    }
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def _plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    return value


def export_download(user: User) -> Response:
    """The member's data as a JSON download (asked for with a POST: a GET never writes); the audit log
    records that it was taken. Commits."""
    audit("data_exported", actor=user, target=user)
    db.session.commit()
    return Response(export_data(user), mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="naborad-mine-data.json"'})


def save_profile(user: User, *, display_name: str, full_name: str | None, email: str | None, phone: str | None,
                 locale: str) -> bool:
    """Save the own profile at once, except a new email address: that waits until the link mailed to it
    is opened (email_change.request_change), so the answer is the same whoever uses the address. Removing
    the address needs no link. The audit log names the changed fields. Returns whether a link was sent.
    Commits."""
    changed = [name for name, value in (("display_name", display_name), ("full_name", full_name),
                                        ("phone", phone)) if getattr(user, name) != value]
    user.display_name, user.full_name, user.phone, user.locale = display_name, full_name, phone, locale
    link_sent = False
    if email is None and user.email is not None:
        user.email = None
        changed.append("email")
    elif email is not None and email != user.email:
        request_change(user, email, locale)
        link_sent = True
    if changed:
        audit("profile_changed", actor=user, target=user, detail=", ".join(changed))
    db.session.commit()
    return link_sent
