""""Residents heard" where the decision is made (issue 17, item 5): a decision on an item that concerns the
residents, who were not heard in their pre-meeting, needs the chair's reason; the minutes and the decision
log show it, and the minutes are not approved while one lacks it."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from naborad.extensions import db
from naborad.meetings import service
from naborad.models import AgendaItem, ItemState, Meeting, MeetingStatus, Role, search_key, utcnow

from .helpers import HX

DECISION = "Vi setter opp lys i porten."
REASON = "lyset må opp før mørketida"


def _item(*, concerns=True, heard=False, status=MeetingStatus.HELD, decision=None):
    meeting = Meeting(starts_at=utcnow() - timedelta(days=1), place="Fellesrommet", status=status)
    db.session.add(meeting)
    db.session.flush()
    item = AgendaItem(meeting_id=meeting.id, title="Lys i porten", state=ItemState.ACCEPTED, position=1,
                      concerns_residents=concerns, residents_heard=heard, decision=decision,
                      search_text=search_key("Lys i porten", decision))
    db.session.add(item)
    db.session.commit()
    return item


def _fresh(item):
    db.session.expire_all()
    return db.session.get(AgendaItem, item.id)


def test_a_decision_without_the_residents_heard_needs_a_reason(client_for):
    item = _item()
    client, _ = client_for(Role.CHAIR)
    page = client.get(f"/moter/punkt/{item.id}/referat").get_data(as_text=True)
    assert 'name="unheard_reason"' in page and 'id="unheard-notice"' in page

    refused = client.post(f"/moter/punkt/{item.id}/referat", data={"notes": "Notat", "decision": DECISION})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'id="unheard_reason-error"' in html and 'aria-describedby="unheard_reason-hint unheard_reason-error"' in html
    assert DECISION in html and "Notat" in html  # everything typed is kept
    assert _fresh(item).decision is None and _fresh(item).notes is None

    saved = client.post(f"/moter/punkt/{item.id}/referat", data={"decision": DECISION, "unheard_reason": REASON})
    assert saved.status_code == 303
    assert (_fresh(item).decision, _fresh(item).unheard_reason) == (DECISION, REASON)


@pytest.mark.parametrize("concerns, heard", [(True, True), (False, False)])
def test_no_reason_is_asked_or_kept_when_the_residents_were_heard_or_not_concerned(client_for, concerns, heard):
    item = _item(concerns=concerns, heard=heard)
    client, _ = client_for(Role.STAFF)
    assert 'name="unheard_reason"' not in client.get(f"/moter/punkt/{item.id}/referat").get_data(as_text=True)
    response = client.post(f"/moter/punkt/{item.id}/referat", data={"decision": DECISION, "unheard_reason": REASON})
    assert response.status_code == 303
    assert _fresh(item).decision == DECISION and _fresh(item).unheard_reason is None


def test_notes_alone_need_no_reason(client_for):
    item = _item()
    client, _ = client_for(Role.CHAIR)
    assert client.post(f"/moter/punkt/{item.id}/referat", data={"notes": "Vi snakket om lys."}).status_code == 303


def test_adding_an_action_item_with_such_a_decision_asks_for_the_reason_in_the_whole_form(client_for):
    item = _item()
    client, _ = client_for(Role.CHAIR)
    data = {"decision": DECISION, "what": "Bestille lys", "assignee_name": "Vaktmesteren", "form_token": "a1"}
    swapped = client.post(f"/moter/punkt/{item.id}/oppfolging", data=data, headers=HX)
    html = swapped.get_data(as_text=True)
    assert swapped.status_code == 422 and "<main" not in html
    assert swapped.headers["HX-Retarget"] == "#minutes-form" and swapped.headers["HX-Reswap"] == "outerHTML"
    assert 'id="unheard_reason-error"' in html and "Bestille lys" in html
    assert _fresh(item).decision is None
    plain = client.post(f"/moter/punkt/{item.id}/oppfolging", data={**data, "unheard_reason": REASON})
    assert plain.status_code == 303 and _fresh(item).unheard_reason == REASON


def test_the_service_refuses_the_decision_without_the_reason(app):
    item = _item()
    with pytest.raises(service.ReasonNeeded):
        service.save_minutes(item, notes=None, decision=DECISION)
    with pytest.raises(service.ReasonNeeded):
        service.add_action(item, None, what="x", assignee_name="y", minutes={"notes": None, "decision": DECISION})
    assert _fresh(item).decision is None


def test_the_minutes_and_the_decision_log_show_the_reason(client_for):
    item = _item()
    chair, _ = client_for(Role.CHAIR)
    chair.post(f"/moter/punkt/{item.id}/referat", data={"decision": DECISION, "unheard_reason": REASON})
    step = chair.get(f"/moter/{item.meeting_id}/godkjenn").get_data(as_text=True)
    assert REASON in step and 'name="confirm"' in step
    assert chair.post(f"/moter/{item.meeting_id}/godkjenn", data={"confirm": "yes"}).status_code == 303

    neighbour, _ = client_for(Role.NEIGHBOUR)
    minutes = neighbour.get(f"/moter/{item.meeting_id}").get_data(as_text=True)
    assert 'class="meta unheard-reason"' in minutes and REASON in minutes
    log = neighbour.get("/moter/vedtak").get_data(as_text=True)
    assert 'class="unheard-reason"' in log and REASON in log and DECISION in log
    printed = neighbour.get(f"/moter/{item.meeting_id}/utskrift").get_data(as_text=True)
    assert REASON in printed


def test_a_decision_log_entry_made_with_the_residents_heard_is_not_marked(client_for):
    item = _item(heard=True)
    chair, _ = client_for(Role.CHAIR)
    chair.post(f"/moter/punkt/{item.id}/referat", data={"decision": DECISION})
    chair.post(f"/moter/{item.meeting_id}/godkjenn", data={"confirm": "yes"})
    log = chair.get("/moter/vedtak").get_data(as_text=True)
    assert DECISION in log and "unheard-reason" not in log


def test_the_minutes_are_not_approved_while_such_a_decision_lacks_its_reason(client_for):
    """Marked as concerning the residents after its decision was recorded: the approval step lists it."""
    item = _item(concerns=False, decision=DECISION)
    item.concerns_residents = True
    db.session.commit()
    chair, _ = client_for(Role.CHAIR)
    step = chair.get(f"/moter/{item.meeting_id}/godkjenn").get_data(as_text=True)
    assert 'id="unreasoned"' in step and f'/moter/punkt/{item.id}/referat' in step and 'name="confirm"' not in step
    refused = chair.post(f"/moter/{item.meeting_id}/godkjenn", data={"confirm": "yes"})
    assert refused.status_code == 303 and refused.headers["Location"].endswith(f"/moter/{item.meeting_id}/godkjenn")
    assert db.session.scalar(select(Meeting.status).where(Meeting.id == item.meeting_id)) == MeetingStatus.HELD
    chair.post(f"/moter/punkt/{item.id}/referat", data={"decision": DECISION, "unheard_reason": REASON})
    assert chair.post(f"/moter/{item.meeting_id}/godkjenn", data={"confirm": "yes"}).status_code == 303
    assert db.session.scalar(select(Meeting.status).where(Meeting.id == item.meeting_id)) == MeetingStatus.APPROVED
