"""A chair's consented number leaves with them: a handover or deactivation deletes it in the same transaction."""
from sqlalchemy import delete, event, inspect
from sqlalchemy.orm import Session

from ..models import ChairContact, Role, User


@event.listens_for(Session, "before_flush")
def drop_consent_of_former_chairs(session, flush_context, instances):
    leaving = []
    for obj in session.dirty:
        if not isinstance(obj, User):
            continue
        state = inspect(obj)
        role, active = state.attrs.role.history, state.attrs.is_active_member.history
        if (role.has_changes() and obj.role != Role.CHAIR) or (active.has_changes() and not obj.is_active_member):
            leaving.append(obj.id)
    if leaving:
        # Autoflush is off while flushing, so this runs as a plain statement in the same transaction.
        session.execute(delete(ChairContact).where(ChairContact.user_id.in_(leaving)))
