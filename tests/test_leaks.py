"""Names and titles that must not show where their source is not yet readable (issue 14, items 13, 14)."""
from datetime import timedelta

from naborad.extensions import db
from naborad.models import ActionItem, AgendaItem, ItemState, Meeting, MeetingStatus, Role, utcnow


def _meeting(status, days):
    meeting = Meeting(starts_at=utcnow() + timedelta(days=days), place="Fellesrommet", status=status)
    db.session.add(meeting)
    db.session.flush()
    item = AgendaItem(meeting_id=meeting.id, title="Støy", state=ItemState.ACCEPTED, position=1)
    db.session.add(item)
    db.session.flush()
    return meeting, item


def test_the_action_item_filter_names_only_people_with_visible_items(client, make_user, login_as):
    held, held_item = _meeting(MeetingStatus.HELD, -1)  # minutes written, not approved
    approved, approved_item = _meeting(MeetingStatus.APPROVED, -30)
    hidden = make_user(Role.NEIGHBOUR, "skjult", display_name="Skjult Person")
    shown = make_user(Role.NEIGHBOUR, "synlig", display_name="Synlig Person")
    db.session.add_all([ActionItem(agenda_item_id=held_item.id, meeting_id=held.id, what="x", assignee_id=hidden.id),
                        ActionItem(agenda_item_id=approved_item.id, meeting_id=approved.id, what="y",
                                   assignee_id=shown.id)])
    db.session.commit()
    login_as(Role.NEIGHBOUR)
    page = client.get("/moter/oppfolging?status=all").get_data(as_text=True)
    assert "Synlig Person" in page
    assert "Skjult Person" not in page
    client.post("/logg-ut")
    login_as(Role.CHAIR)
    assert "Skjult Person" in client.get("/moter/oppfolging?status=all").get_data(as_text=True)
