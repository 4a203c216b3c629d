"""The meeting rules called directly (no HTTP): publish, approval, carry-over, agenda order, create-once."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from naborad.extensions import db
from naborad.meetings import service
from naborad.models import (
    ActionItem,
    AgendaItem,
    IssueEvent,
    IssueEventKind,
    IssueStatus,
    ItemState,
    Meeting,
    MeetingStatus,
    Notification,
    Role,
    StandingKind,
    utcnow,
)

from .helpers import count


@pytest.fixture
def chair(make_user):
    return make_user(Role.CHAIR)


@pytest.fixture
def scheduled():
    """A planned meeting with its standing items, `days` from now."""
    def make(days=10, status=MeetingStatus.PLANNED):
        meeting, _created = service.schedule(starts_at=utcnow() + timedelta(days=days), place="Fellesrommet")
        meeting.status = status
        db.session.commit()
        return meeting
    return make


def put_on_agenda(meeting, title="Støy", state=ItemState.ACCEPTED, **fields):
    item = AgendaItem(meeting_id=meeting.id, title=title, state=state, position=service.append_position(meeting.id),
                      **fields)
    db.session.add(item)
    db.session.commit()
    return item


def timeline(issue, kind):
    return db.session.scalars(select(IssueEvent).where(IssueEvent.issue_id == issue.id, IssueEvent.kind == kind)
                              .order_by(IssueEvent.id)).all()


def test_publish_moves_linked_issues_to_discussing_and_tells_the_members(app, scheduled, chair, make_user, make_issue):
    member = make_user(Role.NEIGHBOUR)
    meeting = scheduled()
    new, resolved = make_issue(None, "Parkering"), make_issue(None, "Lys", status=IssueStatus.RESOLVED)
    put_on_agenda(meeting, "Parkering", issue_id=new.id)
    put_on_agenda(meeting, "Lys", issue_id=resolved.id)
    put_on_agenda(meeting, "Forslag", ItemState.PROPOSED, issue_id=make_issue(None, "Forslag").id)

    service.publish(meeting, chair)

    db.session.refresh(meeting)
    assert meeting.status == MeetingStatus.PUBLISHED and meeting.published_at is not None
    db.session.refresh(new)
    db.session.refresh(resolved)
    assert new.status == IssueStatus.DISCUSSING and resolved.status == IssueStatus.RESOLVED
    assert [e.value for e in timeline(new, IssueEventKind.AGENDA)] == [str(meeting.id)]
    assert [e.value for e in timeline(new, IssueEventKind.STATUS)] == [IssueStatus.DISCUSSING.value]
    assert len(timeline(resolved, IssueEventKind.AGENDA)) == 1 and not timeline(resolved, IssueEventKind.STATUS)
    assert count(IssueEvent, IssueEvent.kind == IssueEventKind.AGENDA) == 2  # not the proposal's issue
    told = set(db.session.scalars(select(Notification.user_id).where(Notification.kind == "agenda_published")))
    assert told == {member.id}  # every member but the one who published


def test_an_agenda_is_published_once(app, scheduled, chair, make_issue):
    meeting = scheduled()
    issue = make_issue(None, "Støy")
    put_on_agenda(meeting, issue_id=issue.id)
    service.publish(meeting, chair)
    with pytest.raises(service.NotAllowed):
        service.publish(meeting, chair)
    assert len(timeline(issue, IssueEventKind.AGENDA)) == 1
    for status in (MeetingStatus.HELD, MeetingStatus.APPROVED, MeetingStatus.CANCELLED):
        with pytest.raises(service.NotAllowed):
            service.publish(scheduled(status=status), chair)


def test_publishing_unheard_resident_items_needs_a_confirmation(app, scheduled, chair):
    meeting = scheduled()
    unheard = put_on_agenda(meeting, "Røyking ved porten", concerns_residents=True)
    put_on_agenda(meeting, "Hørt", concerns_residents=True, residents_heard=True)
    with pytest.raises(service.ResidentsNotHeard) as raised:
        service.publish(meeting, chair)
    assert raised.value.items == [unheard]
    db.session.refresh(meeting)
    assert meeting.status == MeetingStatus.PLANNED
    service.publish(meeting, chair, confirmed=True)
    assert meeting.status == MeetingStatus.PUBLISHED


def test_approval_writes_decisions_and_action_items_into_the_issues(app, scheduled, chair, make_issue):
    meeting = scheduled(days=-1, status=MeetingStatus.HELD)
    issue, other = make_issue(None, "Støy"), make_issue(None, "Søppel")
    decided = put_on_agenda(meeting, "Støy", issue_id=issue.id, decision="Ro etter klokka 23")
    put_on_agenda(meeting, "Søppel", issue_id=other.id)  # no decision, no action item
    unlinked = put_on_agenda(meeting, "Eventuelt uten sak", decision="Ingen sak")
    for item, what in ((decided, "Henge opp plakat"), (unlinked, "Ringe kommunen")):
        db.session.add(ActionItem(agenda_item_id=item.id, meeting_id=meeting.id, what=what))
    db.session.commit()

    service.approve(meeting, chair)

    db.session.refresh(meeting)
    assert meeting.status == MeetingStatus.APPROVED and meeting.approved_by_id == chair.id
    assert [(e.value, e.reason) for e in timeline(issue, IssueEventKind.DECISION)] == \
        [(str(meeting.id), "Ro etter klokka 23")]
    assert [e.reason for e in timeline(issue, IssueEventKind.ACTION)] == ["Henge opp plakat"]
    assert not timeline(other, IssueEventKind.DECISION) and not timeline(other, IssueEventKind.ACTION)
    assert count(IssueEvent) == 2


@pytest.mark.parametrize("status", [MeetingStatus.PLANNED, MeetingStatus.PUBLISHED, MeetingStatus.APPROVED,
                                    MeetingStatus.CANCELLED])
def test_only_the_minutes_of_a_held_meeting_are_approved(app, scheduled, chair, status, make_issue):
    meeting = scheduled(days=-1, status=status)
    put_on_agenda(meeting, issue_id=make_issue(None, "Støy").id, decision="Vedtak")
    with pytest.raises(service.NotAllowed):
        service.approve(meeting, chair)
    db.session.refresh(meeting)
    assert meeting.status == status and count(IssueEvent) == 0


def test_carry_over_adds_an_unresolved_issue_once(app, scheduled, chair, make_issue):
    last = scheduled(days=-20, status=MeetingStatus.HELD)
    open_issue = make_issue(None, "Søppel", status=IssueStatus.DISCUSSING)
    done = make_issue(None, "Lys", status=IssueStatus.RESOLVED)
    old = put_on_agenda(last, "Søppel", issue_id=open_issue.id)
    put_on_agenda(last, "Lys", issue_id=done.id)
    upcoming = scheduled(days=10)
    assert service.carry_over_candidates(upcoming) == [old]

    first = service.carry_over(upcoming, old, chair)
    again = service.carry_over(upcoming, old, chair)

    assert again.id == first.id
    assert count(AgendaItem, AgendaItem.meeting_id == upcoming.id, AgendaItem.issue_id == open_issue.id) == 1
    assert first.state == ItemState.ACCEPTED and first.carried_from_id == old.id
    assert service.carry_over_candidates(upcoming) == []
    assert not timeline(open_issue, IssueEventKind.AGENDA)  # the agenda is not published yet


def test_carry_over_only_into_a_meeting_that_takes_items(app, scheduled, chair, make_issue):
    last = scheduled(days=-20, status=MeetingStatus.HELD)
    old = put_on_agenda(last, "Søppel", issue_id=make_issue(None, "Søppel", status=IssueStatus.DISCUSSING).id)
    held = scheduled(days=-1, status=MeetingStatus.HELD)
    assert service.carry_over_candidates(held) == []
    with pytest.raises(service.NotAllowed):
        service.carry_over(held, old, chair)


def test_an_accepted_item_goes_before_any_other_business(app, scheduled, chair):
    meeting = scheduled()
    aob = db.session.scalar(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id,
                                                     AgendaItem.standing == StandingKind.AOB))
    aob.position = 3  # right behind the standing items: it must make room
    proposal = AgendaItem(meeting_id=meeting.id, title="Benk", state=ItemState.PROPOSED, position=0)
    db.session.add(proposal)
    db.session.commit()

    service.accept(proposal, chair)

    accepted = service.agenda(chair, meeting)
    assert [i.standing for i in accepted] == [StandingKind.AGENDA, StandingKind.MINUTES, StandingKind.ACTIONS,
                                              None, StandingKind.AOB]
    assert accepted[3].id == proposal.id and proposal.position == 3 and aob.position == 4


def test_a_locked_agenda_takes_no_changes_and_standing_items_stay(app, scheduled, chair):
    locked = scheduled(days=-30, status=MeetingStatus.APPROVED)
    late = put_on_agenda(locked, "For sent", ItemState.PROPOSED)
    with pytest.raises(service.NotAllowed):
        service.accept(late, chair)
    meeting, later = scheduled(), scheduled(days=40)
    standing = service.agenda(chair, meeting)[0]
    with pytest.raises(service.NotAllowed):
        service.decline(standing, chair, "Nei")
    with pytest.raises(service.NotAllowed):
        service.move(standing, later)
    db.session.refresh(late)
    db.session.refresh(standing)
    assert late.state == ItemState.PROPOSED and standing.state == ItemState.ACCEPTED


def test_a_meeting_is_marked_held_only_once_it_has_started(app, scheduled):
    for status in (MeetingStatus.PLANNED, MeetingStatus.PUBLISHED):
        ahead = scheduled(days=12, status=status)
        assert not ahead.can_mark_held()
        with pytest.raises(service.NotStartedYet):
            service.mark_held(ahead)
        db.session.refresh(ahead)
        assert ahead.status == status
    begun = scheduled(days=-0.01, status=MeetingStatus.PUBLISHED)
    service.mark_held(begun)
    assert begun.status == MeetingStatus.HELD
    with pytest.raises(service.NotAllowed):  # once
        service.mark_held(begun)


def test_an_action_item_is_created_once_per_form_token(app, scheduled, chair, make_user):
    assignee = make_user(Role.RESIDENT, email="beboer@example.org")
    meeting = scheduled(days=-1, status=MeetingStatus.HELD)
    item = put_on_agenda(meeting)

    first = service.add_action(item, chair, what="Henge opp plakat", assignee_id=assignee.id, due=date(2030, 1, 1),
                               form_token="once")
    second = service.add_action(item, chair, what="Henge opp plakat", assignee_id=assignee.id, form_token="once")
    service.add_action(item, chair, what="Noe annet", assignee_name="Drammen kommune", form_token="other")

    assert second.id == first.id
    assert count(ActionItem) == 2
    assert count(Notification, Notification.kind == "action_assigned", Notification.user_id == assignee.id) == 1


def test_scheduling_is_once_per_form_token_with_the_standing_items(app):
    when = utcnow() + timedelta(days=30)
    meeting, created = service.schedule(starts_at=when, place="Fellesrommet", form_token="t")
    again, created_again = service.schedule(starts_at=when, place="Fellesrommet", form_token="t")
    assert created and not created_again and again.id == meeting.id
    assert count(Meeting) == 1
    assert count(AgendaItem, AgendaItem.meeting_id == meeting.id) == len(StandingKind)
