"""Demo data: a residents' pre-meeting before the next council meeting; and for `flask bench-data`, one before
every generated meeting."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from ..bulk import evening, insert_rows, rendered
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


def generate(meetings: list[tuple], residents: list[int], topics: list[str], rng, now: datetime) -> dict[str, int]:
    """For `flask bench-data`: a pre-meeting five days before each meeting, given as (id, starts_at, created_at),
    with four items (three on its agenda, each with three comments), and who of `residents` comes."""
    pre_rows = [{"meeting_id": meeting_id, "title": None, "starts_at": evening(starts - timedelta(days=5), 13),
                 "place": "Stua på botiltaket", "agenda_ready_at": min(now, starts - timedelta(days=8)),
                 "cancelled_at": None, "created_at": created, "form_token": None}
                for meeting_id, starts, created in meetings]
    pre_ids = insert_rows(PreMeeting, pre_rows, returning=True)
    item_rows = []
    for pre_id, pre in zip(pre_ids, pre_rows, strict=True):
        for k in range(4):
            item_rows.append(rendered(PreMeetingItem, {
                "premeeting_id": pre_id, "agenda_item_id": None, "title": topics[(pre_id + k) % len(topics)],
                "text": "Vaskemaskinen er ofte opptatt. Kan vi lage en **liste**?",
                "proposer_id": rng.choice(residents), "state": "accepted" if k < 3 else "proposed",
                "decline_reason": None, "position": k + 1, "summary": "Beboerne ønsker faste tider." if k == 0 else None,
                "summary_shared": k == 0, "raise_wanted": k == 1, "raised_item_id": None,
                "created_at": pre["created_at"], "form_token": None}))
    item_ids = insert_rows(PreMeetingItem, item_rows, returning=True)
    comment_rows = [rendered(PreMeetingComment, {
        "item_id": item_id, "author_id": residents[(item_id + c) % len(residents)],
        "body": ["Det har vært slik lenge. *Det må gjøres noe.*", "Jeg kan hjelpe til en gang i uka.",
                 "Enig med de andre."][c], "show_name": c != 1, "hidden_at": None, "hidden_reason": None,
        "created_at": item["created_at"] + timedelta(days=1, hours=c), "form_token": None})
        for item_id, item in zip(item_ids, item_rows, strict=True) if item["state"] == "accepted" for c in range(3)]
    insert_rows(PreMeetingComment, comment_rows)
    insert_rows(PreMeetingResponse, [{"premeeting_id": pre_id, "user_id": user_id, "coming": user_id % 2 == 0,
                                      "updated_at": pre["created_at"]}
                                     for pre_id, pre in zip(pre_ids, pre_rows, strict=True) for user_id in residents[:10]])
    return {"premeetings": len(pre_ids), "premeeting_items": len(item_ids), "premeeting_comments": len(comment_rows)}
