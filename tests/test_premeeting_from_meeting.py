"""Residents who do not use the app are heard too (issue 17, item 6): staff enter comments and proposals
said at the residents' meeting "from the meeting", attributed to the meeting and never to a person: the
stored row names nobody, pages and fragments show no name; only the audit log (staff) holds who typed it."""
from sqlalchemy import select

from naborad.extensions import db
from naborad.models import AuditEvent, PreMeetingComment, PreMeetingItem, Role

from .helpers import HX, count

SAID = "Beboerne ønsker benker i hagen."


def test_a_comment_from_the_meeting_carries_no_person(client_for, samples):
    staff, typist = client_for(Role.STAFF, display_name="Tove Ansatt")
    posted = staff.post(f"/beboermote/sak/{samples['pitem']}/kommentar",
                        data={"body": SAID, "from_meeting": "y", "form_token": "m1"}, headers=HX)
    fragment = posted.get_data(as_text=True)
    assert posted.status_code == 200 and SAID in fragment
    comment = db.session.scalar(select(PreMeetingComment).where(PreMeetingComment.body == SAID))
    assert comment.author_id is None and comment.from_meeting and not comment.show_name
    assert "Tove Ansatt" not in fragment.split('hx-target="#kommentarer')[1]  # the appended comment: no name
    assert 'name="from_meeting" value="y" checked' in fragment  # the next entry is from the meeting too

    resident, _ = client_for(Role.RESIDENT)
    page = resident.get(f"/beboermote/{samples['premeeting']}").get_data(as_text=True)
    assert SAID in page and "Tove Ansatt" not in page
    staff_page = staff.get(f"/beboermote/{samples['premeeting']}").get_data(as_text=True)
    shown = staff_page.split(f'id="kommentar-{comment.id}"')[1].split("</li>")[0]
    assert "Tove Ansatt" not in shown and "name hidden" not in shown  # not to staff either: no one's name

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "premeeting_from_meeting"))
    assert event.actor_id == typist.id and event.detail == "comment"


def test_a_proposal_from_the_meeting_carries_no_person(client_for, samples):
    staff, typist = client_for(Role.STAFF, display_name="Tove Ansatt")
    response = staff.post(f"/beboermote/{samples['premeeting']}/foresla",
                          data={"title": "Benker i hagen", "text": SAID, "from_meeting": "y", "form_token": "p1"})
    assert response.status_code == 303
    item = db.session.scalar(select(PreMeetingItem).where(PreMeetingItem.title == "Benker i hagen"))
    assert item.proposer_id is None and item.from_meeting and item.on_agenda
    resident, _ = client_for(Role.RESIDENT)
    page = resident.get(f"/beboermote/{samples['premeeting']}").get_data(as_text=True)
    shown = page.split(f'id="sak-{item.id}"')[1].split("</li>")[0]
    assert "Benker i hagen" in shown and SAID in shown and "Tove Ansatt" not in page
    assert count(AuditEvent, AuditEvent.action == "premeeting_from_meeting", AuditEvent.actor_id == typist.id) == 1


def test_the_choice_is_on_the_staff_forms_only(client_for, samples):
    staff, _ = client_for(Role.STAFF)
    resident, _ = client_for(Role.RESIDENT)
    assert 'name="from_meeting"' in staff.get(f"/beboermote/{samples['premeeting']}/foresla").get_data(as_text=True)
    assert 'name="from_meeting"' in staff.get(f"/beboermote/{samples['premeeting']}").get_data(as_text=True)
    assert 'name="from_meeting"' not in resident.get(f"/beboermote/{samples['premeeting']}/foresla").get_data(
        as_text=True)
    assert 'name="from_meeting"' not in resident.get(f"/beboermote/{samples['premeeting']}").get_data(as_text=True)


def test_a_resident_cannot_speak_for_the_meeting(client_for, samples):
    resident, _ = client_for(Role.RESIDENT)
    comment = resident.post(f"/beboermote/sak/{samples['pitem']}/kommentar",
                            data={"body": SAID, "from_meeting": "y", "form_token": "r1"})
    proposal = resident.post(f"/beboermote/{samples['premeeting']}/foresla",
                             data={"title": "Benker", "from_meeting": "y", "form_token": "r2"})
    assert comment.status_code == 403 and proposal.status_code == 403
    assert count(PreMeetingComment, PreMeetingComment.body == SAID) == 0
    assert count(PreMeetingItem, PreMeetingItem.title == "Benker") == 0


def test_entries_from_the_meeting_stay_in_the_room(client_for, samples):
    staff, _ = client_for(Role.STAFF)
    staff.post(f"/beboermote/sak/{samples['pitem']}/kommentar", data={"body": SAID, "from_meeting": "y"})
    for role in (Role.NEIGHBOUR, Role.CHAIR):
        outsider, _ = client_for(role)
        assert outsider.get(f"/beboermote/{samples['premeeting']}").status_code == 404
        assert SAID not in outsider.get(f"/moter/{samples['meeting']}").get_data(as_text=True)
