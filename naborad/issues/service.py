"""The rules of issues: the thread's timeline (and, as it grows, posting, replies and moderation)."""
from __future__ import annotations

from ..extensions import db
from ..models import Issue, IssueEvent, IssueEventKind, IssueStatus, utcnow


def record_event(issue_id: int, kind: IssueEventKind, actor_id: int | None, value: str | None = None,
                 reason: str | None = None) -> IssueEvent:
    """Add one line to an issue's timeline (the caller commits)."""
    event = IssueEvent(issue_id=issue_id, actor_id=actor_id, kind=kind, value=value,
                       reason=reason[:300] if reason else None)
    db.session.add(event)
    return event


def on_published_agenda(issue: Issue, meeting_id: int, actor_id: int | None) -> None:
    """The issue is on a published council agenda: a timeline line, and a new issue is now being discussed."""
    record_event(issue.id, IssueEventKind.AGENDA, actor_id, value=str(meeting_id))
    if issue.status == IssueStatus.NEW:
        issue.status = IssueStatus.DISCUSSING
        record_event(issue.id, IssueEventKind.STATUS, actor_id, value=IssueStatus.DISCUSSING.value)
    issue.last_activity_at = utcnow()
