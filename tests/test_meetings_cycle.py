"""The council's rhythm, part 1 (issue 21): the two-meeting cycle and carry-over that misses nothing."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from naborad.extensions import db
from naborad.meetings import service
from naborad.models import (
    ActionItem,
    AgendaItem,
    CycleResult,
    IssueEvent,
    IssueEventKind,
    IssueStatus,
    ItemPhase,
    ItemState,
    MeetingStatus,
    Role,
    utcnow,
)

from .helpers import count


@pytest.fixture
def chair(make_user):
    return make_user(Role.CHAIR)


def schedule(days, status=MeetingStatus.PLANNED):
    meeting, _created = service.schedule(starts_at=utcnow() + timedelta(days=days), place="Fellesrommet")
    meeting.status = status
    db.session.commit()
    return meeting


def on_agenda(meeting, title="Støy", **fields):
    item = AgendaItem(meeting_id=meeting.id, title=title, state=ItemState.ACCEPTED,
                      position=service.append_position(meeting.id), **fields)
    db.session.add(item)
    db.session.commit()
    return item


def proposals(meeting):
    return db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id,
                                                       AgendaItem.state == ItemState.PROPOSED)).all()


def test_the_cycle_from_mapping_to_solutions_to_a_decision_to_did_it_work_and_back(app, chair, make_issue):
    issue = make_issue(None, "Mørk sti til bussen", status=IssueStatus.DISCUSSING)
    first = schedule(-2, MeetingStatus.PUBLISHED)
    second, third, fourth = schedule(14), schedule(42), schedule(70)
    mapped = on_agenda(first, issue.title, issue_id=issue.id, phase=ItemPhase.MAP)

    # 1. Mapping at a held meeting: "solutions" is proposed for the next meeting, once.
    service.mark_held(first)
    [solutions] = proposals(second)
    assert (solutions.phase, solutions.issue_id, solutions.carried_from_id) == (ItemPhase.PROPOSE, issue.id, mapped.id)
    assert service.offer_cycle_items() == [] and len(proposals(second)) == 1
    assert service.carry_over_candidates(second) == []  # the cycle took it on; nothing to carry by hand
    assert service.cycle_of(issue).step == ItemPhase.MAP

    # 2. Solutions accepted, the meeting held, a decision with an action item due before the fourth meeting.
    service.accept(solutions, chair)
    second.starts_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    service.mark_held(second)
    service.save_minutes(solutions, notes="Tre forslag", decision="Be kommunen om gatelys")
    service.add_action(solutions, chair, what="Skrive til kommunen", assignee_name="Leder",
                       due=(utcnow() + timedelta(days=50)).date())
    assert proposals(third) == []  # no follow-up before the minutes are approved
    service.approve(second, chair)
    assert service.cycle_of(issue).decided

    # 3. The follow-up comes at the first meeting after the action item is due: the fourth, not the third.
    assert proposals(third) == []
    [follow_up] = proposals(fourth)
    assert (follow_up.phase, follow_up.carried_from_id) == (ItemPhase.FOLLOW_UP, solutions.id)

    # 4. "Did it work?" - it did not: back to solutions at the next meeting, and the answer on the issue.
    service.accept(follow_up, chair)
    fifth = schedule(98)
    fourth.starts_at = utcnow() - timedelta(minutes=30)
    third.status = MeetingStatus.CANCELLED  # (the meetings are held out of order here; the next one is the fifth)
    db.session.commit()
    service.mark_held(fourth)
    service.save_minutes(follow_up, notes=None, decision=None, followup_result="did_not")
    [again] = proposals(fifth)
    assert (again.phase, again.carried_from_id) == (ItemPhase.PROPOSE, follow_up.id)
    service.approve(fourth, chair)
    events = db.session.scalars(select(IssueEvent).where(IssueEvent.issue_id == issue.id,
                                                         IssueEvent.kind == IssueEventKind.FOLLOW_UP)).all()
    assert [e.value for e in events] == ["did_not"]
    assert service.cycle_of(issue).result == CycleResult.DID_NOT
    assert len(proposals(fifth)) == 1  # approval does not propose it twice


def test_a_declined_cycle_proposal_stays_declined(app, chair, make_issue):
    issue = make_issue(None, "Benk", status=IssueStatus.DISCUSSING)
    first, second = schedule(-0.01, MeetingStatus.PUBLISHED), schedule(14)
    on_agenda(first, issue.title, issue_id=issue.id, phase=ItemPhase.MAP)
    service.mark_held(first)
    [solutions] = proposals(second)
    service.decline(solutions, chair, "Kommunen har allerede løst det")
    assert service.offer_cycle_items() == []
    assert count(AgendaItem, AgendaItem.meeting_id == second.id, AgendaItem.issue_id == issue.id) == 1


def test_a_meeting_scheduled_later_gets_what_the_cycle_has_waiting(app, make_issue):
    issue = make_issue(None, "Søppelkasser", status=IssueStatus.DISCUSSING)
    first = schedule(-0.01, MeetingStatus.PUBLISHED)
    on_agenda(first, issue.title, issue_id=issue.id, phase=ItemPhase.MAP)
    service.mark_held(first)  # no next meeting yet
    assert count(AgendaItem, AgendaItem.state == ItemState.PROPOSED) == 0
    later = schedule(30)
    assert [p.phase for p in proposals(later)] == [ItemPhase.PROPOSE]


def test_a_decision_without_action_items_is_followed_up_at_the_next_meeting(app, chair, make_issue):
    issue = make_issue(None, "Parkering", status=IssueStatus.DISCUSSING)
    held = schedule(-1, MeetingStatus.HELD)
    on_agenda(held, issue.title, issue_id=issue.id, phase=ItemPhase.DECIDE, decision="Skilt ved porten")
    upcoming = schedule(20)
    service.approve(held, chair)
    assert [p.phase for p in proposals(upcoming)] == [ItemPhase.FOLLOW_UP]


def test_carry_over_offers_every_unfinished_item_from_several_meetings_back(app, chair, make_issue):
    """Changed in issue 21: not only the last meeting's items, and items without an issue too."""
    old_issue = make_issue(None, "Hærverk", status=IssueStatus.DISCUSSING)
    three_back = schedule(-90, MeetingStatus.APPROVED)
    two_back = schedule(-60, MeetingStatus.APPROVED)
    last = schedule(-30, MeetingStatus.HELD)
    no_issue = on_agenda(three_back, "Lekeplassen")  # no issue, never finished
    with_issue = on_agenda(two_back, old_issue.title, issue_id=old_issue.id)
    on_agenda(two_back, "Avgjort", decision="Ja")  # decided: finished
    dropped = on_agenda(three_back, "Droppes")
    declined = on_agenda(last, "Trukket")
    declined.state = ItemState.DECLINED
    answered = on_agenda(last, "Virket det?", phase=ItemPhase.FOLLOW_UP, followup_result=CycleResult.WORKED)
    db.session.commit()
    upcoming = schedule(10)

    service.drop(dropped, "Ikke aktuelt lenger")
    offered = service.carry_over_candidates(upcoming)
    assert offered == [with_issue, no_issue]  # newest meeting first
    assert answered not in offered and declined not in offered

    carried = service.carry_over(upcoming, no_issue, chair)
    assert service.carry_over(upcoming, no_issue, chair).id == carried.id  # once
    assert carried.issue_id is None and carried.carried_from_id == no_issue.id
    assert service.carry_over_candidates(upcoming) == [with_issue]

    # Not decided at the upcoming meeting either: the carried item is offered for the next one, the first not.
    upcoming.starts_at = utcnow() - timedelta(hours=1)
    upcoming.status = MeetingStatus.HELD
    db.session.commit()
    after = schedule(40)
    assert service.carry_over_candidates(after) == [carried, with_issue]


def test_an_item_is_dropped_only_from_a_held_meeting(app):
    item = on_agenda(schedule(10), "Ikke holdt ennå")
    with pytest.raises(service.NotAllowed):
        service.drop(item, "Nei")


def test_carry_over_and_drop_over_http(client, login_as, make_issue):
    login_as(Role.CHAIR)
    last = schedule(-30, MeetingStatus.HELD)
    upcoming = schedule(10)
    plain = on_agenda(last, "Lekeplassen")
    other = on_agenda(last, "Gammel idé")
    page = client.get(f"/moter/{upcoming.id}").data.decode()
    assert "Lekeplassen" in page and f"/moter/{upcoming.id}/videreforing/{plain.id}/slipp" in page
    assert client.post(f"/moter/{upcoming.id}/videreforing/{plain.id}").status_code == 303
    assert client.post(f"/moter/{upcoming.id}/videreforing/{other.id}/slipp", data={"reason": ""}).status_code == 422
    assert client.post(f"/moter/{upcoming.id}/videreforing/{other.id}/slipp",
                       data={"reason": "Ikke aktuelt"}).status_code == 303
    db.session.refresh(other)
    assert other.dropped_reason == "Ikke aktuelt"
    assert service.carry_over_candidates(upcoming) == []


def test_the_issue_page_shows_where_the_issue_is_in_the_cycle(client, login_as, make_issue):
    login_as(Role.NEIGHBOUR)
    issue = make_issue(None, "Mørk sti", status=IssueStatus.DISCUSSING)
    assert 'id="issue-cycle"' not in client.get(f"/saker/{issue.id}").data.decode()
    meeting = schedule(3, MeetingStatus.PUBLISHED)
    on_agenda(meeting, issue.title, issue_id=issue.id, phase=ItemPhase.MAP)
    page = client.get(f"/saker/{issue.id}").data.decode()
    assert 'id="issue-cycle"' in page and 'aria-current="step"' in page
    assert "Neste: løsninger på neste møte" in page


def test_did_it_work_is_asked_on_the_minutes_of_a_follow_up_item(client, login_as, make_issue):
    login_as(Role.CHAIR)
    held = schedule(-1, MeetingStatus.HELD)
    item = on_agenda(held, "Gatelys", issue_id=make_issue(None, "Gatelys").id, phase=ItemPhase.FOLLOW_UP)
    plain = on_agenda(held, "Annet")
    assert 'id="did-it-work"' in client.get(f"/moter/punkt/{item.id}/referat").data.decode()
    assert 'id="did-it-work"' not in client.get(f"/moter/punkt/{plain.id}/referat").data.decode()
    response = client.post(f"/moter/punkt/{item.id}/referat", data={"notes": "", "decision": "",
                                                                    "followup_result": "partly"})
    assert response.status_code == 303
    db.session.refresh(item)
    assert item.followup_result == CycleResult.PARTLY
    assert count(ActionItem) == 0
