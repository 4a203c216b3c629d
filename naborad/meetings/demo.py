"""Demo data: a year of council meetings with agendas, minutes, decisions and action items."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from ..extensions import db
from ..i18n import OSLO
from ..models import (
    ActionItem,
    AgendaItem,
    Issue,
    ItemPhase,
    ItemState,
    Meeting,
    MeetingResponse,
    MeetingStatus,
    RsvpAnswer,
    utcnow,
)
from ..models.meetings import refresh_search_text, standing_items

# Topics of past meetings: (title, phase, notes, decision, [(what, assignee username or free text, days)])
TOPICS = [
    ("Støy fra bakgården om kvelden", ItemPhase.MAP, "Naboer og beboere fortalte hvordan de opplever kveldene.",
     None, [("Samle erfaringer fra beboermøtet", "ansatt", 21)]),
    ("Støy fra bakgården om kvelden", ItemPhase.DECIDE, "Forslagene fra forrige møte ble gått gjennom.",
     "Musikk skrus ned klokka 22 på hverdager og 23 i helgene. Vakta minner om tidene.",
     [("Henge opp oppslag om ro-tider i bakgården", "ansatt", 14)]),
    ("Parkering på snuplassen", ItemPhase.PROPOSE, "Besøkende parkerer der bussen snur.",
     "Vi ber kommunen om skilt for besøksparkering.",
     [("Sende brev til kommunen om skilt", "leder", 30), ("Sette opp skilt for besøksparkering",
                                                          "Drammen kommune, bydrift", 60)]),
    ("Lys på gangveien mot skolen", ItemPhase.DECIDE, "Flere føler seg utrygge når det er mørkt.",
     "Naborådet ber om to nye lyktestolper.", [("Melde behovet til kommunen", "nestleder", 20)]),
    ("Sommerfesten", ItemPhase.DECIDE, "God stemning; mange vil ha fest i år også.",
     "Sommerfest siste lørdag i juni. Botiltaket dekker maten.", [("Bestille grill og telt", "ansatt2", 40)]),
    ("Søppel ved containeren", ItemPhase.MAP, "Lokket på containeren er ødelagt.", None,
     [("Melde fra om ødelagt lokk", "ansatt", -10)]),
]


def load_demo(users: dict) -> None:
    now = utcnow()
    issues = {i.title: i for i in db.session.scalars(select(Issue))}
    link = {"Støy fra bakgården om kvelden": "Høy musikk sent på kvelden",
            "Parkering på snuplassen": "Biler som står på snuplassen",
            "Lys på gangveien mot skolen": "Bedre lys på gangveien",
            "Søppel ved containeren": "Søppel ved containeren",
            "Sommerfesten": "Sommerfest i år også?"}
    # Six meetings over the past year, every other month, at 18:00 Oslo time; the last is held, not approved.
    for n, topic in enumerate(TOPICS):
        day = (now - timedelta(days=330 - 60 * n)).astimezone(OSLO).date()
        starts = datetime(day.year, day.month, day.day, 18, 0, tzinfo=OSLO).astimezone(timezone.utc)
        held_only = n == len(TOPICS) - 1
        meeting = Meeting(starts_at=starts, place="Fellesrommet på botiltaket",
                          status=MeetingStatus.HELD if held_only else MeetingStatus.APPROVED,
                          published_at=starts - timedelta(days=7),
                          approved_at=None if held_only else starts + timedelta(days=3),
                          approved_by_id=None if held_only else users["leder"].id, created_at=starts - timedelta(days=20))
        if not held_only:  # attendance per group, entered with the minutes (the held one waits for the chair)
            meeting.attended_neighbours, meeting.attended_residents, meeting.attended_staff = 7 + n, 3 + n % 2, 2
        db.session.add(meeting)
        db.session.flush()
        _standing(meeting)
        title, phase, notes, decision, actions = topic
        issue = issues.get(link.get(title, ""))
        item = AgendaItem(meeting_id=meeting.id, title=title, phase=phase, state=ItemState.ACCEPTED, position=3,
                          minutes_planned=20, notes=notes, decision=decision, issue_id=issue.id if issue else None,
                          proposer_id=users["nabo"].id, created_at=meeting.created_at)
        refresh_search_text(item)
        db.session.add(item)
        db.session.flush()
        for what, who, days in actions:
            member = users.get(who)
            done = (not held_only) and days < 25
            db.session.add(ActionItem(
                agenda_item_id=item.id, meeting_id=meeting.id, what=what,
                assignee_id=member.id if member else None, assignee_name=None if member else who,
                due=(starts + timedelta(days=days)).date(),
                done_at=starts + timedelta(days=days - 2) if done else None,
                done_note="Gjort." if done else None, done_by_id=member.id if done and member else None))
    # The next meeting: planned, with a draft agenda, proposals and answers.
    day = (now + timedelta(days=12)).astimezone(OSLO).date()
    upcoming = Meeting(starts_at=datetime(day.year, day.month, day.day, 18, 0, tzinfo=OSLO).astimezone(timezone.utc),
                       place="Fellesrommet på botiltaket", status=MeetingStatus.PLANNED)
    db.session.add(upcoming)
    db.session.flush()
    _standing(upcoming)
    db.session.add(AgendaItem(meeting_id=upcoming.id, title="Søppel ved containeren", phase=ItemPhase.FOLLOW_UP,
                              state=ItemState.ACCEPTED, position=3, minutes_planned=15,
                              issue_id=issues["Søppel ved containeren"].id if "Søppel ved containeren" in issues
                              else None, search_text="søppel ved containeren"))
    db.session.add(AgendaItem(meeting_id=upcoming.id, title="Julefest for hele nabolaget",
                              why="Skal vi invitere hele nabolaget i år?", proposer_id=users["beboer"].id,
                              search_text="julefest for hele nabolaget"))
    db.session.add(AgendaItem(meeting_id=upcoming.id, title="Trafikk ved skolen om morgenen",
                              why="Mange biler kjører fort forbi.", proposer_id=users["nabo2"].id,
                              search_text="trafikk ved skolen om morgenen"))
    for username, answer in (("leder", RsvpAnswer.YES), ("nabo", RsvpAnswer.YES), ("beboer", RsvpAnswer.MAYBE)):
        db.session.add(MeetingResponse(meeting_id=upcoming.id, user_id=users[username].id, answer=answer))


def _standing(meeting: Meeting) -> None:
    db.session.add_all(standing_items(meeting))
