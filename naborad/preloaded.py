"""Counts the layout shows on every page (unread notifications; a staff member's unseen report alerts), read
by the login's own query instead of one query each.

load_user() selects them with the session and the member and remembers them for the request. They are true
until the request commits: any commit (a notification marked read, an alert seen, a new one made) forgets
them, and the next ask queries again. A page that only reads uses them as they came with the login.
"""
from flask import g, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session


def remember(user_id: int, **counts: int) -> None:
    g.preloaded_counts = (user_id, counts)


def recall(user_id: int, name: str) -> int | None:
    """The count as the login read it, or None (another member, none read, or forgotten by a commit)."""
    found = g.get("preloaded_counts") if has_request_context() else None
    if found is None or found[0] != user_id:
        return None
    return found[1].get(name)


@event.listens_for(Session, "after_commit")
def _forget(session) -> None:
    if has_request_context():
        g.pop("preloaded_counts", None)
