"""Demo data: a residents' pre-meeting before the next council meeting."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from ..extensions import db
from ..i18n import OSLO
from ..models import (
    AgendaItem,
    ItemState,
    Meeting,
    MeetingStatus,
    PreItemState,
    PreMeeting,
    PreMeetingComment,
    PreMeetingItem,
    PreMeetingResponse,
    utcnow,
)


def load_demo(users: dict) -> None:
    users["beboer"].is_residents_rep = True
    meeting = db.session.scalar(select(Meeting).where(Meeting.status == MeetingStatus.PLANNED)
                                .order_by(Meeting.starts_at).limit(1))
    if meeting is None:
        return
    day = (meeting.starts_at - timedelta(days=5)).astimezone(OSLO).date()
    premeeting = PreMeeting(meeting_id=meeting.id, place="Stua på botiltaket",
                            starts_at=datetime(day.year, day.month, day.day, 13, 0, tzinfo=OSLO).astimezone(timezone.utc),
                            agenda_ready_at=utcnow())
    db.session.add(premeeting)
    db.session.flush()
    council = db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id,
                                                          AgendaItem.state == ItemState.ACCEPTED,
                                                          AgendaItem.standing.is_(None))).all()
    position = 0
    for item in council:
        position += 1
        item.concerns_residents = True
        pre = PreMeetingItem(premeeting_id=premeeting.id, agenda_item_id=item.id, title=item.title,
                             state=PreItemState.ACCEPTED, position=position,
                             summary="Beboerne ønsker et nytt lokk og bedre skilting om sortering.")
        db.session.add(pre)
        db.session.flush()
        db.session.add_all([
            PreMeetingComment(item_id=pre.id, author_id=users["beboer"].id, show_name=True,
                              body="Lokket har vært ødelagt lenge. Det lukter når det er varmt."),
            PreMeetingComment(item_id=pre.id, author_id=users["beboer2"].id, show_name=False,
                              body="Jeg kan hjelpe til med å rydde en gang i uka."),
        ])
    db.session.add(PreMeetingItem(premeeting_id=premeeting.id, title="Vaskerommet i kjelleren",
                                  text="Vaskemaskinen er ofte opptatt. Kan vi lage en liste?",
                                  state=PreItemState.ACCEPTED, position=position + 1,
                                  proposer_id=users["beboer3"].id))
    db.session.add(PreMeetingItem(premeeting_id=premeeting.id, title="Julebord for beboerne",
                                  proposer_id=users["beboer2"].id))
    db.session.add_all([PreMeetingResponse(premeeting_id=premeeting.id, user_id=users["beboer"].id, coming=True),
                        PreMeetingResponse(premeeting_id=premeeting.id, user_id=users["beboer3"].id, coming=True)])
