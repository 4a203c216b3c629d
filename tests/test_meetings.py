"""Council meetings: scheduling, proposals, moderation, publishing, RSVP, minutes, approval, action items."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from naborad.extensions import db
from naborad.models import (
    ActionItem,
    AgendaItem,
    ChairSeat,
    IssueEvent,
    IssueStatus,
    ItemState,
    Meeting,
    MeetingResponse,
    MeetingStatus,
    Role,
    StandingKind,
    search_key,
    utcnow,
)

from .helpers import HX, count, count_queries, queries_for


@pytest.fixture
def make_meeting():
    def make(status=MeetingStatus.PLANNED, days=10, **fields):
        meeting = Meeting(starts_at=utcnow() + timedelta(days=days), place="Fellesrommet", status=status, **fields)
        db.session.add(meeting)
        db.session.flush()
        for kind, position in ((StandingKind.AGENDA, 0), (StandingKind.AOB, 10_000)):
            db.session.add(AgendaItem(meeting_id=meeting.id, title=kind.value, standing=kind,
                                      state=ItemState.ACCEPTED, position=position))
        db.session.commit()
        return meeting
    return make


def add_item(meeting, title="Støy", state=ItemState.ACCEPTED, position=5, **fields):
    item = AgendaItem(meeting_id=meeting.id, title=title, state=state, position=position,
                      search_text=search_key(title, fields.get("decision")), **fields)
    db.session.add(item)
    db.session.commit()
    return item



def test_scheduling_adds_standing_items_once(client, login_as):
    login_as(Role.CHAIR)
    data = {"starts_at": "2030-03-05T18:00", "place": "Fellesrommet", "form_token": "once"}
    first, second = client.post("/moter/ny", data=data), client.post("/moter/ny", data=data)
    assert first.status_code == 303 and first.headers["Location"] == second.headers["Location"]
    meeting = db.session.scalar(select(Meeting))
    assert meeting.starts_at.hour == 17  # 18:00 in Oslo (CET) is 17:00 UTC
    kinds = set(db.session.scalars(select(AgendaItem.standing).where(AgendaItem.meeting_id == meeting.id)))
    assert kinds == {StandingKind.AGENDA, StandingKind.MINUTES, StandingKind.ACTIONS, StandingKind.AOB}


def test_scheduling_with_bad_input_is_422(client, login_as):
    login_as(Role.STAFF)
    response = client.post("/moter/ny", data={"starts_at": "tomorrow", "place": "", "video_url": "not a url"})
    assert response.status_code == 422
    html = response.data.decode()
    assert 'id="starts_at-error"' in html and 'id="place-error"' in html and 'id="video_url-error"' in html
    assert count(Meeting) == 0


def test_member_proposes_and_sees_the_decline_reason(app, client, login_as, make_meeting, client_for):
    meeting = make_meeting()
    member, proposer = client_for()
    response = member.post(f"/moter/{meeting.id}/foresla", data={"title": "Lys i porten", "why": "Mørkt",
                                                                 "form_token": "p"})
    assert response.status_code == 303
    item = db.session.scalar(select(AgendaItem).where(AgendaItem.title == "Lys i porten"))
    assert item.state == ItemState.PROPOSED and item.proposer_id == proposer.id
    login_as(Role.CHAIR)
    assert client.post(f"/moter/punkt/{item.id}/avvis", data={"reason": ""}).status_code == 422
    assert client.post(f"/moter/punkt/{item.id}/avvis", data={"reason": "Tas i epost"}).status_code == 303
    html = member.get(f"/moter/{meeting.id}").data.decode()
    assert "Lys i porten" in html and "Tas i epost" in html


def test_draft_agenda_is_hidden_until_published(app, client, login_as, make_meeting, client_for, make_issue):
    meeting = make_meeting()
    issue = make_issue(None, "Parkering", category="traffic")
    add_item(meeting, "Hemmelig utkast", issue_id=issue.id)
    member, _ = client_for(Role.RESIDENT)
    assert "Hemmelig utkast" not in member.get(f"/moter/{meeting.id}").data.decode()
    assert member.get(f"/moter/{meeting.id}/skjerm").status_code == 404
    assert member.get(f"/moter/{meeting.id}/utskrift").status_code == 404
    login_as(Role.STAFF)
    assert client.post(f"/moter/{meeting.id}/publiser").status_code == 303
    assert "Hemmelig utkast" in member.get(f"/moter/{meeting.id}").data.decode()
    assert member.get(f"/moter/{meeting.id}/skjerm").status_code == 200
    db.session.refresh(issue)
    assert issue.status == IssueStatus.DISCUSSING
    assert count(IssueEvent, IssueEvent.issue_id == issue.id, IssueEvent.kind == "agenda") == 1


def test_accept_with_htmx_returns_the_agenda_region(client, login_as, make_meeting):
    login_as(Role.CHAIR)
    meeting = make_meeting()
    item = add_item(meeting, "Forslag", state=ItemState.PROPOSED)
    response = client.post(f"/moter/punkt/{item.id}/godta", headers=HX)
    assert response.status_code == 200 and response.data.lstrip().startswith(b'<div id="agenda-region"')
    assert "HX-Request" in response.headers["Vary"]
    db.session.refresh(item)
    assert item.state == ItemState.ACCEPTED
    aob = db.session.scalar(select(AgendaItem).where(AgendaItem.standing == StandingKind.AOB))
    assert item.position < aob.position  # new items go before "any other business"


def test_reorder_up_and_down(client, login_as, make_meeting):
    login_as(Role.CHAIR)
    meeting = make_meeting()
    first, second = add_item(meeting, "A", position=1), add_item(meeting, "B", position=2)
    assert client.post(f"/moter/punkt/{second.id}/opp").status_code == 303
    db.session.refresh(first)
    db.session.refresh(second)
    assert second.position < first.position
    response = client.post(f"/moter/punkt/{second.id}/ned", headers=HX)
    assert response.status_code == 200 and response.data.lstrip().startswith(b'<div id="agenda-region"')
    db.session.refresh(first)
    db.session.refresh(second)
    assert first.position < second.position


def test_moving_an_item_takes_a_fixed_number_of_queries(client, login_as, make_meeting, make_user):
    """Issue 16: up or down on an agenda of two items costs what it costs on one of forty."""
    login_as(Role.CHAIR)
    small, big = make_meeting(), make_meeting(days=20)
    moved = {}
    for meeting, n in ((small, 2), (big, 40)):
        for k in range(n):
            item = add_item(meeting, f"Punkt {k}", position=k + 1)
            db.session.add(ActionItem(agenda_item_id=item.id, meeting_id=meeting.id, what=f"Gjøre {k}",
                                      assignee_id=make_user(Role.NEIGHBOUR).id))
        db.session.commit()
        moved[meeting.id] = item.id  # the last one

    def sent(item_id, way) -> int:
        with count_queries() as ran:
            assert client.post(f"/moter/punkt/{item_id}/{way}", headers=HX).status_code == 200
        return len(ran)
    # the member, the item with its meeting, the agenda to renumber, the new positions, then the agenda region:
    # items, action items, open action items, later meetings, items to carry over
    assert [sent(item_id, way) for way in ("opp", "ned") for item_id in moved.values()] == [9] * 4


def test_move_to_a_later_meeting(client, login_as, make_meeting):
    login_as(Role.STAFF)
    now, later = make_meeting(days=5), make_meeting(days=40)
    item = add_item(now, "Flytt meg", state=ItemState.PROPOSED)
    assert client.post(f"/moter/punkt/{item.id}/flytt", data={"meeting_id": later.id}).status_code == 303
    db.session.refresh(item)
    assert item.meeting_id == later.id and item.state == ItemState.PROPOSED
    client.post(f"/moter/punkt/{item.id}/flytt", data={"meeting_id": 999999})  # not a choice: nothing changes
    db.session.refresh(item)
    assert item.meeting_id == later.id


def test_move_to_a_meeting_that_is_no_choice_is_422_with_the_error_beside_the_select(client, login_as, make_meeting):
    login_as(Role.CHAIR)
    now = make_meeting(days=5)
    make_meeting(days=40)  # a later meeting exists: the move form is there
    item = add_item(now, "Flytt meg", state=ItemState.PROPOSED)
    page = client.post(f"/moter/punkt/{item.id}/flytt", data={"meeting_id": 999999})
    html = page.data.decode()
    assert page.status_code == 422 and "<main" in html
    assert f'<p class="error" id="move-{item.id}-error">Ikke et gyldig valg</p>' in html
    assert f'aria-describedby="move-{item.id}-error"' in html
    fragment = client.post(f"/moter/punkt/{item.id}/flytt", data={"meeting_id": 999999}, headers=HX)
    html = fragment.data.decode()
    assert fragment.status_code == 422 and html.lstrip().startswith('<div id="agenda-region"')
    assert f'<p class="error" id="move-{item.id}-error">Ikke et gyldig valg</p>' in html
    db.session.refresh(item)
    assert item.meeting_id == now.id


def test_invalid_time_and_stage_is_422_with_the_error_beside_the_field(client, login_as, make_meeting):
    login_as(Role.CHAIR)
    item = add_item(make_meeting(), "Punkt", minutes_planned=10)
    page = client.post(f"/moter/punkt/{item.id}/innstillinger", data={"minutes_planned": "999"})
    assert page.status_code == 422 and "Tall må være mellom 1 og 240." in page.data.decode()
    fragment = client.post(f"/moter/punkt/{item.id}/innstillinger", data={"minutes_planned": "999"}, headers=HX)
    html = fragment.data.decode()
    assert fragment.status_code == 422 and html.lstrip().startswith('<div id="agenda-region"')
    assert f'<p class="error" id="minutes-{item.id}-error">Tall må være mellom 1 og 240.</p>' in html
    assert 'value="999"' in html and f'aria-describedby="minutes-{item.id}-error"' in html  # what was typed stays
    db.session.refresh(item)
    assert item.minutes_planned == 10
    assert client.post(f"/moter/punkt/{item.id}/innstillinger", data={"minutes_planned": "20"},
                       headers=HX).status_code == 200
    db.session.refresh(item)
    assert item.minutes_planned == 20


def test_members_cannot_moderate(app, make_meeting, client_for):
    meeting = make_meeting(status=MeetingStatus.PUBLISHED)
    visible = add_item(meeting, "Offentlig")
    draft_meeting = make_meeting()
    hidden = add_item(draft_meeting, "Utkast")
    member, _ = client_for()
    assert member.post(f"/moter/punkt/{visible.id}/godta").status_code == 403
    assert member.post(f"/moter/punkt/{hidden.id}/godta").status_code == 404
    assert member.post(f"/moter/{meeting.id}/avholdt").status_code == 403
    assert member.get("/moter/ny").status_code == 404


def test_rsvp_with_htmx_and_counts_for_moderators(app, client, login_as, make_meeting, client_for):
    meeting = make_meeting()
    member, user = client_for()
    response = member.post(f"/moter/{meeting.id}/svar", data={"answer": "maybe"}, headers=HX)
    assert response.status_code == 200 and response.data.lstrip().startswith(b'<div id="rsvp"')
    member.post(f"/moter/{meeting.id}/svar", data={"answer": "yes"})
    assert count(MeetingResponse) == 1
    assert db.session.scalar(select(MeetingResponse.answer)).value == "yes"
    assert member.post(f"/moter/{meeting.id}/svar", data={"answer": "perhaps"}).status_code == 422
    login_as(Role.CHAIR)
    assert user.display_name in client.get(f"/moter/{meeting.id}").data.decode()


def test_minutes_are_hidden_until_the_chair_approves(app, client, login_as, make_meeting, client_for, make_issue):
    meeting = make_meeting(status=MeetingStatus.PUBLISHED, days=-1)
    issue = make_issue(None, "Støy")
    item = add_item(meeting, "Støy", issue_id=issue.id)
    neighbour, _ = client_for(Role.NEIGHBOUR)
    assignee_client, assignee = client_for(Role.RESIDENT)
    staff_client, _ = client_for(Role.STAFF)
    assert staff_client.post(f"/moter/{meeting.id}/avholdt", data={"confirm": "yes"}).status_code == 303
    staff_client.post(f"/moter/punkt/{item.id}/referat", data={"notes": "Hemmelige notater",
                                                               "decision": "Ro etter klokka 23"})
    staff_client.post(f"/moter/punkt/{item.id}/oppfolging", data={"what": "Henge opp plakat",
                                                                  "assignee_id": str(assignee.id), "form_token": "x"})
    page = neighbour.get(f"/moter/{meeting.id}").data.decode()
    assert "Hemmelige notater" not in page and "Ro etter klokka 23" not in page and "Henge opp plakat" not in page
    assert "Ro etter" not in neighbour.get("/moter/vedtak").data.decode()
    assert "Henge opp plakat" not in neighbour.get("/moter/oppfolging").data.decode()
    assert "Ro etter" not in neighbour.get(f"/saker/{issue.id}").data.decode()
    # The person given the action item sees their own at once.
    assert "Henge opp plakat" in assignee_client.get("/moter/oppfolging").data.decode()
    assert "Henge opp plakat" in assignee_client.get(f"/moter/{meeting.id}").data.decode()
    # Staff may not approve; the chair does.
    assert staff_client.post(f"/moter/{meeting.id}/godkjenn").status_code == 403
    login_as(Role.CHAIR)
    assert client.post(f"/moter/{meeting.id}/godkjenn", data={"confirm": "yes"}).status_code == 303
    page = neighbour.get(f"/moter/{meeting.id}").data.decode()
    assert "Hemmelige notater" in page and "Ro etter klokka 23" in page
    assert "Ro etter klokka 23" in neighbour.get("/moter/vedtak?q=KLOKKA").data.decode()
    assert "Ro etter klokka 23" in neighbour.get(f"/saker/{issue.id}").data.decode()
    assert client.post(f"/moter/punkt/{item.id}/referat", data={"notes": "endret"}).status_code == 403  # locked


def test_deputy_chair_can_approve(client, login_as, make_meeting, make_user):
    make_user(Role.CHAIR, "chair")
    login_as(Role.CHAIR, seat=ChairSeat.DEPUTY)
    meeting = make_meeting(status=MeetingStatus.HELD, days=-2)
    assert client.post(f"/moter/{meeting.id}/godkjenn", data={"confirm": "yes"}).status_code == 303
    db.session.refresh(meeting)
    assert meeting.status == MeetingStatus.APPROVED


def test_approving_the_minutes_asks_first_and_a_reload_of_the_step_is_no_405(client, login_as, make_meeting):
    login_as(Role.CHAIR)
    meeting = make_meeting(status=MeetingStatus.HELD, days=-2)
    add_item(meeting, "Benker", decision="Vi kjøper to benker")
    page = client.get(f"/moter/{meeting.id}").get_data(as_text=True)
    assert f'href="/moter/{meeting.id}/godkjenn"' in page  # a link to the step, not a one-tap POST
    response = client.post(f"/moter/{meeting.id}/godkjenn")  # a POST without confirm: to the step
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/moter/{meeting.id}/godkjenn")
    step = client.get(f"/moter/{meeting.id}/godkjenn")
    assert step.status_code == 200 and "Vi kjøper to benker" in step.get_data(as_text=True)
    db.session.refresh(meeting)
    assert meeting.status == MeetingStatus.HELD
    assert client.post(f"/moter/{meeting.id}/godkjenn", data={"confirm": "yes"}).status_code == 303
    db.session.refresh(meeting)
    assert meeting.status == MeetingStatus.APPROVED
    again = client.get(f"/moter/{meeting.id}/godkjenn")  # a reload after approval: back to the meeting
    assert again.status_code == 303 and again.headers["Location"].endswith(f"/moter/{meeting.id}")


def test_marking_as_held_asks_first_and_is_refused_before_the_meeting_starts(client, login_as, make_meeting):
    login_as(Role.CHAIR)
    future = make_meeting(status=MeetingStatus.PUBLISHED, days=12)
    page = client.get(f"/moter/{future.id}").get_data(as_text=True)
    assert f"/moter/{future.id}/avholdt" not in page and "når det har startet" in page
    refused = client.post(f"/moter/{future.id}/avholdt", data={"confirm": "yes"})
    assert refused.status_code == 403 and "har ikke begynt ennå" in refused.get_data(as_text=True)
    assert client.get(f"/moter/{future.id}/avholdt").status_code == 303  # back to the meeting, with the reason
    db.session.refresh(future)
    assert future.status == MeetingStatus.PUBLISHED
    started = make_meeting(status=MeetingStatus.PUBLISHED, days=-0.05)
    assert f'href="/moter/{started.id}/avholdt"' in client.get(f"/moter/{started.id}").get_data(as_text=True)
    assert client.get(f"/moter/{started.id}/avholdt").status_code == 200
    assert client.post(f"/moter/{started.id}/avholdt").headers["Location"].endswith(f"/moter/{started.id}/avholdt")
    assert client.post(f"/moter/{started.id}/avholdt", data={"confirm": "yes"}).status_code == 303
    db.session.refresh(started)
    assert started.status == MeetingStatus.HELD


def test_reloading_the_publish_warning_shows_it_again_not_405(client, login_as, make_meeting):
    login_as(Role.CHAIR)
    meeting = make_meeting()
    add_item(meeting, "Røyking ved inngangen", concerns_residents=True)
    response = client.post(f"/moter/{meeting.id}/publiser")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/moter/{meeting.id}/publiser")
    step = client.get(f"/moter/{meeting.id}/publiser")
    assert step.status_code == 200 and "Røyking ved inngangen" in step.get_data(as_text=True)
    assert client.post(f"/moter/{meeting.id}/publiser", data={"confirm": "yes"}).status_code == 303
    db.session.refresh(meeting)
    assert meeting.status == MeetingStatus.PUBLISHED
    again = client.get(f"/moter/{meeting.id}/publiser")
    assert again.status_code == 303 and again.headers["Location"].endswith(f"/moter/{meeting.id}")


def test_after_approval_the_chair_sees_no_empty_moderation_box(client, login_as, make_meeting):
    login_as(Role.CHAIR)
    approved = make_meeting(status=MeetingStatus.APPROVED, days=-20)
    assert "moderate-heading" not in client.get(f"/moter/{approved.id}").get_data(as_text=True)
    assert "moderate-heading" in client.get(f"/moter/{make_meeting().id}").get_data(as_text=True)


def test_the_meeting_list_says_upcoming_meetings(client, login_as, make_meeting):
    login_as(Role.NEIGHBOUR)
    page = client.get("/moter/").get_data(as_text=True)
    assert "Kommende møter" in page and "Neste møter" not in page


def test_the_projector_view_has_no_site_chrome_and_no_seconds(client, login_as, make_meeting):
    login_as(Role.CHAIR)
    meeting = make_meeting(status=MeetingStatus.PUBLISHED)
    meeting.starts_at = datetime(2030, 3, 5, 17, 0, tzinfo=timezone.utc)  # 18:00 in Oslo
    item = add_item(meeting, "Benker i parken")
    meeting.current_item_id = item.id
    db.session.commit()
    page = client.get(f"/moter/{meeting.id}/skjerm").get_data(as_text=True)
    assert "18:00" in page and "18:00:00" not in page
    assert "<nav" not in page and "<header" not in page and "<footer" not in page
    assert page.count("<h1") == 1 and page.count("<main") == 1
    assert 'class="current" aria-current="step"' in page


def test_action_item_needs_someone_responsible(client, login_as, make_meeting):
    login_as(Role.STAFF)
    meeting = make_meeting(status=MeetingStatus.HELD, days=-1)
    item = add_item(meeting)
    response = client.post(f"/moter/punkt/{item.id}/oppfolging", data={"what": "Noe", "form_token": "y"})
    assert response.status_code == 422 and b'id="assignee_name-error"' in response.data
    response = client.post(f"/moter/punkt/{item.id}/oppfolging",
                           data={"what": "Skilt", "assignee_name": "Drammen kommune, bydrift",
                                 "due": "2030-01-01", "form_token": "z"})
    assert response.status_code == 303
    action = db.session.scalar(select(ActionItem))
    assert action.assignee_name == "Drammen kommune, bydrift" and action.due == date(2030, 1, 1)


def test_adding_an_action_item_without_javascript_saves_the_notes_typed_with_it(client, login_as, make_meeting):
    """The minutes page is one form: "Add the action item" (formaction) carries the notes and the decision."""
    login_as(Role.CHAIR)
    item = add_item(make_meeting(status=MeetingStatus.HELD, days=-1))
    typed = {"notes": "Alle var enige", "decision": "Vi kjøper benker", "what": "Bestille benker",
             "assignee_name": "Vaktmester", "form_token": "a1"}
    response = client.post(f"/moter/punkt/{item.id}/oppfolging", data=typed)
    assert response.status_code == 303 and response.headers["Location"].endswith(
        f"/moter/punkt/{item.id}/referat#minutes-actions")
    db.session.refresh(item)
    assert (item.notes, item.decision) == ("Alle var enige", "Vi kjøper benker")
    page = client.get(f"/moter/punkt/{item.id}/referat").get_data(as_text=True)
    assert "Alle var enige" in page and "Bestille benker" in page
    # The action item is refused (nobody responsible): the page comes back with everything as typed.
    response = client.post(f"/moter/punkt/{item.id}/oppfolging",
                           data={**typed, "notes": "Endret notat", "assignee_name": "", "form_token": "a2"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Endret notat" in page and 'id="assignee_name-error"' in page


def test_saving_the_minutes_with_an_action_item_typed_adds_it_too(client, login_as, make_meeting):
    """Enter in an action item's field submits with "Save the minutes": the typed action item is not dropped."""
    login_as(Role.CHAIR)
    item = add_item(make_meeting(status=MeetingStatus.HELD, days=-1))
    response = client.post(f"/moter/punkt/{item.id}/referat", data={
        "notes": "Notat", "decision": "", "what": "Ringe kommunen", "assignee_name": "Leder", "form_token": "b1"})
    assert response.status_code == 303
    db.session.refresh(item)
    assert item.notes == "Notat" and db.session.scalar(select(ActionItem.what)) == "Ringe kommunen"
    assert client.post(f"/moter/punkt/{item.id}/referat", data={"notes": "Bare notat"}).status_code == 303
    assert count(ActionItem) == 1


def test_adding_an_action_item_with_htmx_answers_its_region_only(client, login_as, make_meeting):
    login_as(Role.CHAIR)
    item = add_item(make_meeting(status=MeetingStatus.HELD, days=-1))
    response = client.post(f"/moter/punkt/{item.id}/oppfolging", headers=HX, data={
        "notes": "Skrevet", "decision": "", "what": "Kjøpe pærer", "assignee_name": "Vaktmester", "form_token": "c1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith('<section id="minutes-actions"')
    assert "Kjøpe pærer" in html and "autofocus" in html and 'name="notes"' not in html
    db.session.refresh(item)
    assert item.notes == "Skrevet"
    response = client.post(f"/moter/punkt/{item.id}/oppfolging", headers=HX, data={"what": "", "form_token": "c2"})
    assert response.status_code == 422 and 'id="what-error"' in response.get_data(as_text=True)


def test_assignee_marks_done_others_get_403(app, make_meeting, client_for):
    meeting = make_meeting(status=MeetingStatus.APPROVED, days=-30)
    item = add_item(meeting)
    owner_client, owner = client_for(Role.RESIDENT)
    other_client, _ = client_for(Role.NEIGHBOUR)
    action = ActionItem(agenda_item_id=item.id, meeting_id=meeting.id, what="Rydde", assignee_id=owner.id,
                        due=date(2020, 1, 1))
    db.session.add(action)
    db.session.commit()
    assert "overdue" in owner_client.get("/moter/oppfolging").data.decode()
    assert other_client.post(f"/moter/oppfolging/{action.id}/ferdig", data={"note": "x"}).status_code == 403
    response = owner_client.post(f"/moter/oppfolging/{action.id}/ferdig", data={"note": "Ryddet"}, headers=HX)
    assert response.status_code == 200 and response.data.lstrip().startswith(b'<li class="card action')
    db.session.refresh(action)
    assert action.done_at and action.done_note == "Ryddet"


def test_unresolved_issue_is_offered_as_carry_over(client, login_as, make_meeting, make_issue):
    login_as(Role.CHAIR)
    issue = make_issue(None, "Søppel", category="litter", status=IssueStatus.DISCUSSING)
    last = make_meeting(status=MeetingStatus.HELD, days=-20)
    old = add_item(last, "Søppel", issue_id=issue.id)
    upcoming = make_meeting(days=10)
    assert f"/moter/{upcoming.id}/videreforing/{old.id}" in client.get(f"/moter/{upcoming.id}").data.decode()
    assert client.post(f"/moter/{upcoming.id}/videreforing/{old.id}").status_code == 303
    assert client.post(f"/moter/{upcoming.id}/videreforing/{old.id}").status_code == 303  # twice: once
    assert count(AgendaItem, AgendaItem.meeting_id == upcoming.id, AgendaItem.issue_id == issue.id) == 1


def test_propose_from_an_issue_goes_to_the_next_meeting(client, login_as, make_meeting, make_issue):
    login_as(Role.RESIDENT)
    make_meeting(days=40)
    nearest = make_meeting(days=5)
    issue = make_issue(None, "Benk ved porten", category="other")
    response = client.get(f"/moter/foresla?sak={issue.id}")
    assert response.headers["Location"] == f"/moter/{nearest.id}/foresla?sak={issue.id}"
    html = client.get(response.headers["Location"]).data.decode()
    assert "Benk ved porten" in html
    assert f'<a href="/saker/{issue.id}" id="back-link">← Tilbake til saken</a>' in html  # issue 15: back to the issue


def test_ics_download(client, login_as, make_meeting):
    login_as(Role.NEIGHBOUR)
    meeting = make_meeting()
    response = client.get(f"/moter/{meeting.id}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert b"BEGIN:VEVENT" in response.data and b"Fellesrommet" in response.data


def test_cancel_needs_a_message(client, login_as, make_meeting):
    login_as(Role.STAFF)
    meeting = make_meeting()
    assert client.post(f"/moter/{meeting.id}/avlys", data={"message": ""}).status_code == 422
    assert client.post(f"/moter/{meeting.id}/avlys", data={"message": "Sykdom"}).status_code == 303
    db.session.refresh(meeting)
    assert meeting.status == MeetingStatus.CANCELLED


def test_meeting_pages_use_a_fixed_number_of_queries(client, login_as, make_meeting, make_user):
    user = login_as(Role.STAFF)
    small, big = make_meeting(), make_meeting(days=20)
    for n in range(40):
        item = add_item(big, f"Punkt {n}", position=n + 1, decision=f"Vedtak {n}")
        db.session.add(ActionItem(agenda_item_id=item.id, meeting_id=big.id, what=f"Gjøre {n}",
                                  assignee_id=make_user(Role.NEIGHBOUR).id))
        db.session.add(AgendaItem(meeting_id=big.id, title=f"Forslag {n}", proposer_id=user.id))
    db.session.commit()

    assert queries_for(client, f"/moter/{small.id}") == queries_for(client, f"/moter/{big.id}")
    few = queries_for(client, "/moter/oppfolging?status=all")
    for n in range(30):
        item = add_item(small, f"Mer {n}")
        db.session.add(ActionItem(agenda_item_id=item.id, meeting_id=small.id, what="x",
                                  assignee_id=make_user(Role.RESIDENT).id))
    db.session.commit()
    assert queries_for(client, "/moter/oppfolging?status=all") == few
    assert queries_for(client, "/moter/") == queries_for(client, "/moter/")
