"""Council health (issue 20): the key-person warnings appear and disappear with their condition, the chair's
pages never depend on pre-meeting data, the handover checklist, and the good-neighbour agreement, which changes
only with a linked council decision."""
import re
from datetime import date, timedelta
from datetime import time as clock

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from naborad import labels
from naborad.council_health import service
from naborad.council_health.warnings import warnings_for
from naborad.extensions import db
from naborad.i18n import OSLO
from naborad.models import (
    ActionItem,
    AgendaItem,
    AgreementChange,
    AgreementItem,
    AgreementStatus,
    AuditEvent,
    ChairSeat,
    ContactPoint,
    ItemState,
    Meeting,
    MeetingStatus,
    Notification,
    PreMeeting,
    Responsible,
    Role,
    RotaDays,
    RotaMember,
    RotaSlot,
    utcnow,
)

from .helpers import count, count_queries


def a_meeting(days: float, status=MeetingStatus.PLANNED) -> Meeting:
    meeting = Meeting(starts_at=utcnow() + timedelta(days=days), place="Fellesrommet", status=status)
    db.session.add(meeting)
    db.session.commit()
    return meeting


def a_decision(days: float = -30, status=MeetingStatus.APPROVED, title="Ro etter 22") -> AgendaItem:
    meeting = a_meeting(days, status)
    item = AgendaItem(meeting_id=meeting.id, title=title, state=ItemState.ACCEPTED, decision="Vedtatt.")
    db.session.add(item)
    db.session.commit()
    return item


@pytest.fixture
def council(make_user):
    """A healthy council: chair and deputy, two staff, a meeting held last week and one planned; no rota yet."""
    people = dict(chair=make_user(Role.CHAIR, seat=ChairSeat.CHAIR),
                  deputy=make_user(Role.CHAIR, seat=ChairSeat.DEPUTY),
                  staff=make_user(Role.STAFF), staff2=make_user(Role.STAFF),
                  neighbour=make_user(Role.NEIGHBOUR), resident=make_user(Role.RESIDENT))
    people["held"] = a_meeting(-7, MeetingStatus.HELD)
    people["planned"] = a_meeting(20)
    return people


def keys(app, user) -> set[str]:
    with app.test_request_context():
        return {w.key for w in warnings_for(user)}


def test_a_healthy_council_has_no_warnings_and_members_get_none(app, council):
    assert keys(app, council["chair"]) == set()
    assert keys(app, council["staff"]) == set()
    for who in ("neighbour", "resident"):
        with app.test_request_context():
            assert warnings_for(council[who]) == []


def test_no_deputy_chair(app, council):
    deputy = council["deputy"]
    deputy.role, deputy.chair_seat = Role.NEIGHBOUR, None
    db.session.commit()
    assert "no-deputy" in keys(app, council["chair"]) and "no-deputy" in keys(app, council["staff"])
    deputy.role, deputy.chair_seat = Role.CHAIR, ChairSeat.DEPUTY
    db.session.commit()
    assert "no-deputy" not in keys(app, council["chair"])


def test_only_one_active_staff_member(app, council):
    council["staff2"].is_active_member = False
    db.session.commit()
    assert "one-staff" in keys(app, council["chair"]) and "one-staff" in keys(app, council["staff"])
    council["staff2"].is_active_member = True
    db.session.commit()
    assert "one-staff" not in keys(app, council["staff"])


def test_the_chair_or_deputy_not_logged_in_for_60_days(app, council):
    long_ago = utcnow() - timedelta(days=61)
    council["chair"].created_at = council["deputy"].created_at = long_ago
    db.session.add(AuditEvent(action="login", actor_id=council["deputy"].id, at=utcnow() - timedelta(days=59)))
    db.session.commit()
    assert keys(app, council["staff"]) == {"chair-away"}
    db.session.add(AuditEvent(action="login", actor_id=council["chair"].id, at=utcnow()))
    db.session.commit()
    assert keys(app, council["staff"]) == set()


def test_one_person_holds_more_than_half_of_the_open_action_items(app, council):
    held = council["held"]
    item = AgendaItem(meeting_id=held.id, title="Rydding", state=ItemState.ACCEPTED)
    db.session.add(item)
    db.session.flush()
    mine = [ActionItem(agenda_item_id=item.id, meeting_id=held.id, what=f"Oppgave {n}",
                       assignee_id=council["resident"].id) for n in range(3)]
    other = ActionItem(agenda_item_id=item.id, meeting_id=held.id, what="Annet", assignee_id=council["chair"].id)
    db.session.add_all([*mine, other])
    db.session.commit()
    with app.test_request_context(), force_locale("en"):
        message = str({w.key: w for w in warnings_for(council["chair"])}["action-load"].message)
    assert "3 of the 4" in message
    assert council["resident"].display_name not in message  # nobody is named
    mine[0].done_at = utcnow()
    db.session.commit()
    assert "action-load" in keys(app, council["chair"])  # 2 of 3
    mine[1].done_at = utcnow()
    db.session.commit()
    assert "action-load" not in keys(app, council["chair"])  # 1 of 2: too few to say anything


def test_no_council_meeting_in_90_days_and_none_planned(app, council):
    council["held"].starts_at = utcnow() - timedelta(days=91)
    council["planned"].status = MeetingStatus.CANCELLED
    db.session.commit()
    assert "no-meeting" in keys(app, council["chair"])
    a_meeting(30)
    assert "no-meeting" not in keys(app, council["chair"])


def test_gaps_in_the_rota(app, client_for, council):
    point = ContactPoint(label="Vakttelefon", phone="+47 32 00 00 00")
    db.session.add(point)
    db.session.flush()
    member = RotaMember(position=1, contact_point_id=point.id)
    db.session.add(member)
    db.session.flush()
    weekdays = RotaSlot(member_id=member.id, days=RotaDays.WEEKDAYS, starts=clock(8), ends=clock(8))
    weekend = RotaSlot(member_id=member.id, days=RotaDays.WEEKEND, starts=clock(8), ends=clock(16))
    db.session.add_all([weekdays, weekend])
    db.session.commit()
    assert "rota-gaps" in keys(app, council["chair"]) and "rota-gaps" in keys(app, council["staff"])
    client, _ = client_for(council["staff"])
    assert b'href="/kontakt/vaktliste"' in client.get("/").data  # staff fix it themselves
    weekend.ends = clock(8)
    db.session.commit()
    assert "rota-gaps" not in keys(app, council["staff"])


def test_staff_alone_are_told_of_no_pre_meeting_before_the_last_two_council_meetings(app, council):
    a_meeting(-40, MeetingStatus.APPROVED)
    assert "no-premeeting" in keys(app, council["staff"])
    assert "no-premeeting" not in keys(app, council["chair"])
    db.session.add(PreMeeting(meeting_id=council["held"].id, starts_at=utcnow() - timedelta(days=10), place="Stua"))
    db.session.commit()
    assert "no-premeeting" not in keys(app, council["staff"])


def test_the_chairs_warnings_never_read_the_pre_meeting(app, council):
    a_meeting(-40, MeetingStatus.APPROVED)
    for who, reads in (("chair", False), ("deputy", False), ("staff", True)):
        with app.test_request_context(), count_queries() as ran:
            warnings_for(council[who])
        assert any("premeeting" in q for q in ran) == reads, who


def test_the_warnings_take_a_fixed_number_of_queries(app, council, make_user):
    def queries():
        with app.test_request_context(), count_queries() as ran:
            warnings_for(council["staff"])
        return len(ran)
    a_meeting(-40, MeetingStatus.APPROVED)
    before = queries()
    # the staff member (the test's commit expired them), what the warnings judge (one query of scalar subqueries),
    # the rota, the pre-meetings before the last two meetings held
    assert before == 4
    for n in range(5):
        a_meeting(-20 - n, MeetingStatus.APPROVED)
        make_user(Role.STAFF)
    assert queries() == before


def _page(client, url) -> str:
    html = client.get(url).get_data(as_text=True)
    html = re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "", html)
    html = re.sub(r'value="[^"]*" name="csrf_token"', "", html)
    html = re.sub(r'nonce="[^"]*"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", html)


def test_the_chairs_pages_are_the_same_with_and_without_pre_meetings(app, client_for, council):
    a_meeting(-40, MeetingStatus.APPROVED)
    chair, _ = client_for(council["chair"])
    staff, _ = client_for(council["staff"])
    pages = ["/", "/overlevering"]
    before = [_page(chair, url) for url in pages]
    assert 'id="warning-no-premeeting"' in _page(staff, "/")
    for meeting in db.session.scalars(select(Meeting)).all():
        db.session.add(PreMeeting(meeting_id=meeting.id, starts_at=meeting.starts_at - timedelta(days=3), place="Stua"))
    db.session.add(PreMeeting(starts_at=utcnow() - timedelta(days=1), place="Stua", title="Ekstra"))
    db.session.commit()
    assert 'id="warning-no-premeeting"' not in _page(staff, "/")  # the data changed what staff see
    assert [_page(chair, url) for url in pages] == before


def test_a_warning_on_the_overview_says_what_to_do(client_for, council):
    council["staff2"].is_active_member = False
    db.session.commit()
    client, _ = client_for(council["chair"])
    html = client.get("/").get_data(as_text=True)
    assert 'id="warning-one-staff"' in html and "Be botiltaket om en ansatt til som kontakt" in html
    neighbour, _ = client_for(council["neighbour"])
    assert 'id="key-warnings"' not in neighbour.get("/").get_data(as_text=True)


# -- the handover checklist -----------------------------------------------------------------

def test_the_handover_checklist_lists_what_to_hand_over(client_for, council):
    held = council["held"]
    proposal = AgendaItem(meeting_id=council["planned"].id, title="Parkering i gata", state=ItemState.PROPOSED)
    item = AgendaItem(meeting_id=held.id, title="Rydding", state=ItemState.ACCEPTED)
    db.session.add_all([proposal, item, ContactPoint(label="Vakttelefon", phone="+47 32 00 00 00")])
    db.session.flush()
    db.session.add(ActionItem(agenda_item_id=item.id, meeting_id=held.id, what="Bestille container"))
    db.session.add(AgreementItem(text="Røykeplassen er ved skuret", responsible=Responsible.RESIDENTS,
                                 review_date=date(2031, 3, 1)))
    db.session.commit()
    client, _ = client_for(council["staff"])
    html = client.get("/overlevering").get_data(as_text=True)
    for marker in ("Bestille container", "Parkering i gata", "Vakttelefon", "Røykeplassen er ved skuret",
                   'id="handover-meetings"', "data-print"):
        assert marker in html, marker
    neighbour, _ = client_for(council["neighbour"])
    assert neighbour.get("/overlevering").status_code == 404


def test_a_role_change_offers_the_handover_checklist(client_for, council, make_user):
    client, _ = client_for(council["staff"])
    member = make_user(Role.NEIGHBOUR)
    confirm = client.post(f"/medlemmer/{member.id}/rolle", data={"role": "deputy"})
    assert b'id="handover-link"' in confirm.data and b"/overlevering" in confirm.data
    done = client.post(f"/medlemmer/{member.id}/rolle", data={"role": "deputy", "confirm": "yes"})
    assert done.status_code == 303
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "sjekklisten for overlevering" in page and 'href="/overlevering"' in page


# -- the good-neighbour agreement -------------------------------------------------------------

def test_an_agreement_item_is_proposed_only_with_a_decision_in_approved_minutes(app, council):
    draft = a_decision(status=MeetingStatus.HELD)  # minutes not approved yet
    for decision_id in (None, draft.id, 999999):
        with pytest.raises(service.NoDecision):
            service.propose(text="Ro etter 22 på hverdager", responsible="everyone", review_date=date(2031, 1, 1),
                            public=True, decision_id=decision_id, by=council["chair"])
    assert count(AgreementItem) == 0
    decision = a_decision()
    item = service.propose(text="Ro etter 22 på hverdager", responsible="everyone", review_date=date(2031, 1, 1),
                           public=True, decision_id=decision.id, by=council["chair"], form_token="t1")
    again = service.propose(text="Ro etter 22 på hverdager", responsible="everyone", review_date=date(2031, 1, 1),
                            public=True, decision_id=decision.id, by=council["chair"], form_token="t1")
    assert again.id == item.id and count(AgreementItem) == 1
    assert [(c.proposed, c.decision_id) for c in item.changes] == [(True, decision.id)]


def test_an_agreement_item_changes_only_with_a_linked_decision(app, council):
    first, second = a_decision(), a_decision(-3, title="Ny runde")
    item = service.propose(text="Staben plukker søppel hver mandag", responsible="staff",
                           review_date=date(2031, 1, 1), public=False, decision_id=first.id, by=council["staff"])
    with pytest.raises(service.NoDecision):
        service.change(item, text=item.text, responsible="staff", status="needs_work", review_date=item.review_date,
                       public=False, decision_id=None, by=council["staff"])
    db.session.rollback()
    db.session.refresh(item)
    assert item.status == AgreementStatus.KEPT and count(AgreementChange) == 1
    service.change(item, text=item.text, responsible="staff", status="needs_work", review_date=date(2031, 6, 1),
                   public=False, decision_id=second.id, by=council["staff"], note="Glemt to ganger")
    item = service.item_with_history(item.id)
    assert item.status == AgreementStatus.NEEDS_WORK
    assert [(c.status, c.decision_id) for c in item.changes] == [(AgreementStatus.KEPT, first.id),
                                                                 (AgreementStatus.NEEDS_WORK, second.id)]


def test_every_member_reads_the_agreement_and_its_history(client_for, council):
    decision = a_decision()
    item = service.propose(text="Røykeplassen er ved skuret", responsible="residents", review_date=date(2031, 1, 1),
                           public=False, decision_id=decision.id, by=council["chair"])
    client, _ = client_for(council["resident"])
    listing = client.get("/naboavtale/").get_data(as_text=True)
    assert "Røykeplassen er ved skuret" in listing and "data-print" in listing
    assert "/naboavtale/ny" not in listing  # no button to change it
    page = client.get(f"/naboavtale/{item.id}").get_data(as_text=True)
    assert "Ro etter 22" in page and "Vedtatt." in page  # the linked decision in the history
    assert client.get(f"/naboavtale/{item.id}/endre").status_code == 404


def test_the_change_form_requires_a_decision(client_for, council):
    decision = a_decision()
    item = service.propose(text="Ro etter 22 på hverdager", responsible="everyone", review_date=date(2031, 1, 1),
                           public=True, decision_id=decision.id, by=council["chair"])
    client, _ = client_for(council["chair"])
    data = {"text": item.text, "responsible": "everyone", "status": "needs_work", "review_date": "2031-01-01"}
    refused = client.post(f"/naboavtale/{item.id}/endre", data=data)
    assert refused.status_code == 422 and b"decision_id-error" in refused.data
    assert db.session.get(AgreementItem, item.id).status == AgreementStatus.KEPT
    done = client.post(f"/naboavtale/{item.id}/endre", data={**data, "decision_id": str(decision.id)})
    assert done.status_code == 303
    db.session.expire_all()
    assert db.session.get(AgreementItem, item.id).status == AgreementStatus.NEEDS_WORK
    assert count(AgreementChange, AgreementChange.item_id == item.id) == 2


def test_the_new_item_form_adds_a_commitment_once(client_for, council):
    decision = a_decision()
    client, _ = client_for(council["staff"])
    form = client.get("/naboavtale/ny").get_data(as_text=True)
    token = re.search(r'name="form_token" type="hidden" value="([^"]+)"', form).group(1)
    data = {"text": "Staben plukker søppel hver mandag", "responsible": "staff", "review_date": "2031-02-01",
            "decision_id": str(decision.id), "form_token": token}
    assert client.post("/naboavtale/ny", data=data).status_code == 303
    assert client.post("/naboavtale/ny", data=data).status_code == 303
    assert count(AgreementItem) == 1


def test_the_public_contact_page_shows_public_items_in_force(client, council):
    decision = a_decision()
    shown = service.propose(text="Ro etter 22 på hverdager", responsible="everyone", review_date=date(2031, 1, 1),
                            public=True, decision_id=decision.id, by=council["chair"])
    service.propose(text="Intern avtale", responsible="council", review_date=date(2031, 1, 1), public=False,
                    decision_id=decision.id, by=council["chair"])
    page = client.get("/kontakt").get_data(as_text=True)
    assert "Ro etter 22 på hverdager" in page and "Intern avtale" not in page
    service.change(shown, text=shown.text, responsible="everyone", status="dropped", review_date=shown.review_date,
                   public=True, decision_id=decision.id, by=council["chair"])
    assert 'id="public-agreement"' not in client.get("/kontakt").get_data(as_text=True)


def test_the_chair_and_deputy_are_reminded_a_month_before_each_review_date(app, council):
    decision = a_decision()
    today = utcnow().astimezone(OSLO).date()
    soon = service.propose(text="Ro etter 22", responsible="everyone", review_date=today + timedelta(days=20),
                           public=False, decision_id=decision.id, by=council["chair"])
    service.propose(text="Senere", responsible="everyone", review_date=today + timedelta(days=60), public=False,
                    decision_id=decision.id, by=council["chair"])
    assert service.remind_reviews() == 1
    told = db.session.scalars(select(Notification.user_id).where(Notification.kind == "agreement_review")).all()
    assert sorted(told) == sorted([council["chair"].id, council["deputy"].id])
    assert service.remind_reviews() == 0  # once per item and review date
    service.change(soon, text=soon.text, responsible="everyone", status="kept", review_date=today + timedelta(days=25),
                   public=False, decision_id=decision.id, by=council["chair"])
    assert service.remind_reviews() == 1  # a new review date is reminded again


def test_the_reminder_reads_as_a_notification(app, client_for, council):
    decision = a_decision()
    service.propose(text="Ro etter 22", responsible="everyone", review_date=utcnow().date() + timedelta(days=10),
                    public=False, decision_id=decision.id, by=council["chair"])
    service.remind_reviews()
    client, _ = client_for(council["chair"])
    page = client.get("/varsler/").get_data(as_text=True)
    assert "Ro etter 22" in page


def test_the_agreement_labels_exist_in_both_languages(app):
    for function, enum in ((labels.agreement_status_label, AgreementStatus),
                           (labels.responsible_label, Responsible)):
        for value in enum:
            with app.test_request_context(), force_locale("en"):
                english = function(value)
            with app.test_request_context(), force_locale("nb"):
                bokmal = function(value)
            assert english and bokmal and bokmal != english, (function, value)
