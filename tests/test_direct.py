"""The direct line (issue 18): consent in the member's own hands, only those who opted in show a way to reach
them, a friendly word between two members, mail that says nothing, and the data rules."""
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from naborad.direct import service
from naborad.extensions import db
from naborad.mail import send_due
from naborad.models import (
    AuditEvent,
    ChairSeat,
    Conversation,
    DirectConsent,
    DirectMessage,
    Notification,
    Role,
    utcnow,
)

from .conftest import PASSWORD
from .helpers import HX, queries_for

BUTTON = "Send et vennlig ord"


def opt_in(client, *, message=True, phone=False, scope="chair"):
    data = {"scope": scope}
    if message:
        data["by_message"] = "y"
    if phone:
        data["by_phone"] = "y"
    response = client.post("/profil/direkte-linje", data=data)
    assert response.status_code == 303, response.data[:400]


def opt_out(client):
    assert client.post("/profil/direkte-linje", data={"scope": "chair"}).status_code == 303


@pytest.fixture
def council(app, client_for, make_user):
    """The chair, the deputy, a neighbour, staff and a resident (each with a client of their own)."""
    chair, chair_user = client_for(Role.CHAIR, display_name="Leder Lise", seat=ChairSeat.CHAIR)
    deputy, deputy_user = client_for(Role.CHAIR, display_name="Nestleder Nils", seat=ChairSeat.DEPUTY)
    neighbour, neighbour_user = client_for(Role.NEIGHBOUR, display_name="Nabo Nora")
    staff, staff_user = client_for(Role.STAFF, display_name="Ansatt Anne")
    resident, resident_user = client_for(Role.RESIDENT, display_name="Beboer Bo", phone="+47 400 00 001",
                                         email="bo@example.org", locale="nb")
    return dict(chair=(chair, chair_user), deputy=(deputy, deputy_user), neighbour=(neighbour, neighbour_user),
                staff=(staff, staff_user), resident=(resident, resident_user))


def member_row(html: str, name: str) -> str:
    """The members list's card of one member."""
    start = html.index(f'>{name}</')
    return html[start:html.index("</li>", start)]


# -- consent ---------------------------------------------------------------------------------

def test_a_member_who_never_opted_in_is_reachable_by_nobody(council):
    _, resident = council["resident"]
    for who in ("chair", "deputy", "neighbour", "staff"):
        client, _ = council[who]
        page = client.get("/medlemmer/").get_data(as_text=True)
        assert BUTTON not in member_row(page, "Beboer Bo"), who
        assert ("400 00 001" in page) == (who == "staff"), who  # staff see every member's number anyway
        response = client.get(f"/direkte/medlem/{resident.id}")
        assert response.status_code == 303 and response.headers["Location"] == "/direkte/staben", who
        assert client.post(f"/direkte/medlem/{resident.id}", data={"body": "Hei"}).headers["Location"] == \
            "/direkte/staben", who
    assert db.session.scalar(select(func.count(Conversation.id))) == 0


def test_the_consent_page_is_off_by_default_and_explains_in_plain_words(council):
    client, _ = council["resident"]
    page = client.get("/profil/direkte-linje").get_data(as_text=True)
    assert "Nå: ingen kan nå deg direkte" in page
    assert 'name="by_message"' in page and "checked" not in page.split('name="by_message"')[1].split(">")[0]
    assert "Leder Lise og Nestleder Nils" in page  # who "the chair" means today
    assert "+47 400 00 001" in page  # what they will see
    assert client.get("/profil").get_data(as_text=True).count("/profil/direkte-linje") == 1


def test_consent_to_the_chair_shows_the_button_and_number_to_the_seat_holders_only(council):
    resident_client, resident = council["resident"]
    opt_in(resident_client, phone=True)
    consent = db.session.get(DirectConsent, resident.id)
    chair_user, deputy_user = council["chair"][1], council["deputy"][1]
    assert (consent.chair_id, consent.deputy_id) == (chair_user.id, deputy_user.id)
    for who in ("chair", "deputy"):
        row = member_row(council[who][0].get("/medlemmer/").get_data(as_text=True), "Beboer Bo")
        assert BUTTON in row and "tel:+47 400 00 001" in row, who
        assert council[who][0].get(f"/direkte/medlem/{resident.id}").status_code == 200
    for who in ("neighbour", "staff"):
        row = member_row(council[who][0].get("/medlemmer/").get_data(as_text=True), "Beboer Bo")
        assert BUTTON not in row and ("400 00 001" in row) == (who == "staff"), who
        assert council[who][0].get(f"/direkte/medlem/{resident.id}").status_code == 303
    details = db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "direct_consent_changed")).all()
    assert details == ["message=yes phone=yes to=chair"]
    opt_out(resident_client)  # revocable at once
    assert BUTTON not in member_row(council["chair"][0].get("/medlemmer/").get_data(as_text=True), "Beboer Bo")
    assert db.session.get(DirectConsent, resident.id) is None
    assert db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "direct_consent_changed")
                              .order_by(AuditEvent.id)).all()[-1] == "off"


def test_consent_to_the_whole_council_reaches_every_member(council):
    resident_client, resident = council["resident"]
    opt_in(resident_client, scope="council")
    for who in ("chair", "neighbour", "staff"):
        assert BUTTON in member_row(council[who][0].get("/medlemmer/").get_data(as_text=True), "Beboer Bo"), who
    # nobody sees their own button
    assert BUTTON not in member_row(resident_client.get("/medlemmer/").get_data(as_text=True), "Beboer Bo")


def test_consent_to_the_chair_lapses_at_a_handover_until_the_member_extends_it(council):
    resident_client, resident = council["resident"]
    opt_in(resident_client)
    staff = council["staff"][0]
    neighbour_client, neighbour = council["neighbour"]
    assert staff.post(f"/medlemmer/{neighbour.id}/rolle", data={"role": "chair", "confirm": "yes"}).status_code == 303
    consent = db.session.get(DirectConsent, resident.id)
    db.session.refresh(consent)
    assert consent.lapsed_at is not None
    # the new chair sees nothing; the old one neither (a neighbour now); the deputy neither: the consent lapsed
    for client in (neighbour_client, council["chair"][0], council["deputy"][0]):
        assert BUTTON not in member_row(client.get("/medlemmer/").get_data(as_text=True), "Beboer Bo")
        assert client.get(f"/direkte/medlem/{resident.id}").status_code == 303
    note = db.session.scalar(select(Notification).where(Notification.user_id == resident.id,
                                                        Notification.kind == "direct_consent"))
    assert note is not None
    listed = resident_client.get("/varsler/").get_data(as_text=True)
    assert "Lederen er byttet" in listed, listed[listed.find("<main"):]
    assert resident_client.post(f"/varsler/{note.id}/apne").headers["Location"] == "/profil/direkte-linje"
    assert "pauset" in resident_client.get("/profil/direkte-linje").get_data(as_text=True)
    opt_in(resident_client)  # extend it to the new chair
    assert BUTTON in member_row(neighbour_client.get("/medlemmer/").get_data(as_text=True), "Beboer Bo")


def test_leaving_the_council_ends_consent_and_the_way_to_reach(council):
    resident_client, resident = council["resident"]
    opt_in(resident_client, scope="council")
    assert council["staff"][0].post(f"/medlemmer/{resident.id}/deaktiver").status_code == 303
    assert db.session.get(DirectConsent, resident.id) is None
    assert council["neighbour"][0].get(f"/direkte/medlem/{resident.id}").status_code == 303
    assert "direct_consent_changed" in db.session.scalars(select(AuditEvent.action)).all()


# -- the same answer for everyone one cannot reach -------------------------------------------------

def _stripped(response) -> bytes:
    """The answer with its per-response masked CSRF tokens (and its random request id) taken out."""
    body = re.sub(rb'(csrf_token" value=|X-CSRFToken": )"[^"]*"', rb"\1-", response.get_data())
    return b"%d\n%s\n%s" % (response.status_code, json.dumps(sorted(
        (k, v) for k, v in response.headers.items() if k not in ("Content-Length", "Set-Cookie", "X-Request-ID")
    )).encode(), body)


def test_the_answer_is_byte_for_byte_the_same_for_a_missing_a_resident_and_an_opted_out_member(council, make_user):
    chair = council["chair"][0]
    resident = council["resident"][1]
    opted_out_client, opted_out = council["neighbour"]
    opt_in(opted_out_client, scope="council")
    opt_out(opted_out_client)
    only_for_the_chair = make_user(Role.NEIGHBOUR)
    db.session.add(DirectConsent(user_id=only_for_the_chair.id, by_message=True, scope="chair",
                                 chair_id=council["chair"][1].id))
    db.session.commit()
    missing = 999_999
    deputy = council["deputy"][0]  # the consent names the chair, not this deputy
    for headers in ({}, HX):
        answers = {_stripped(client.get(f"/direkte/medlem/{uid}", headers=headers))
                   for client, uid in ((chair, missing), (chair, resident.id), (chair, opted_out.id),
                                       (deputy, only_for_the_chair.id))}
        assert len(answers) == 1, answers
        posts = {_stripped(client.post(f"/direkte/medlem/{uid}", data={"body": "Hei"}, headers=headers))
                 for client, uid in ((chair, missing), (chair, resident.id), (chair, opted_out.id),
                                     (deputy, only_for_the_chair.id))}
        assert len(posts) == 1
    page = chair.get("/direkte/staben")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "vakthavende" in text.lower()
    for name in ("Beboer Bo", "Nabo Nora"):
        assert name not in text


# -- a friendly word -------------------------------------------------------------------------------

def _send(client, member_id, body, **extra):
    return client.post(f"/direkte/medlem/{member_id}", data={"body": body, **extra})


def test_a_friendly_word_is_for_the_two_people_only(council):
    resident_client, resident = council["resident"]
    opt_in(resident_client)
    chair, chair_user = council["chair"]
    page = chair.get(f"/direkte/medlem/{resident.id}").get_data(as_text=True)
    assert "Beboer Bo" in page and 'maxlength="500"' in page
    response = _send(chair, resident.id, "Hei! Kan du skru ned musikken litt etter klokka elleve?", form_token="t1")
    assert response.status_code == 303
    conversation = db.session.scalar(select(Conversation))
    assert response.headers["Location"] == f"/direkte/{conversation.id}"
    assert _send(chair, resident.id, "Hei! Kan du skru ned musikken litt etter klokka elleve?",
                 form_token="t1").status_code == 303  # a double submit makes one
    assert db.session.scalar(select(func.count(Conversation.id))) == 1
    url = f"/direkte/{conversation.id}"
    assert "skru ned musikken" in resident_client.get(url).get_data(as_text=True)
    assert "skru ned musikken" in chair.get(url).get_data(as_text=True)
    for who in ("neighbour", "staff", "deputy"):
        assert council[who][0].get(url).status_code == 404, who
        assert council[who][0].post(f"{url}/svar", data={"body": "x"}).status_code == 404, who
    # the receiver answers, then "done, thanks"
    response = resident_client.post(f"{url}/svar", data={"body": "Beklager, det skal jeg!"})
    assert response.status_code == 303
    response = resident_client.post(f"{url}/ferdig", headers=HX)
    assert response.status_code == 200 and 'id="conversation"' in response.get_data(as_text=True)
    assert "Ferdig, takk." in response.get_data(as_text=True) and "HX-Request" in response.headers["Vary"]
    assert db.session.get(Conversation, conversation.id).done_at is not None
    kinds = db.session.scalars(select(Notification.kind).where(Notification.user_id == chair_user.id)).all()
    assert kinds == ["direct_message"]


def test_a_friendly_word_gets_the_talk_with_not_about_prompt_and_a_length_limit(council):
    resident_client, resident = council["resident"]
    opt_in(resident_client, scope="council")
    neighbour = council["neighbour"][0]
    response = _send(neighbour, resident.id, "Det var noen narkomane i oppgangen.")
    assert response.status_code == 422 and "wording-prompt" in response.get_data(as_text=True)
    response = _send(neighbour, resident.id, "x" * 501)
    assert response.status_code == 422 and "500" in response.get_data(as_text=True)
    response = neighbour.post(f"/direkte/medlem/{resident.id}", data={"body": ""}, headers=HX)
    assert response.status_code == 422 and response.get_data(as_text=True).lstrip().startswith('<form id="message-form"')
    assert db.session.scalar(select(func.count(Conversation.id))) == 0


def test_at_most_three_new_conversations_a_day(council, make_user, client_for):
    neighbour = council["neighbour"][0]
    for n in range(4):
        member, _ = client_for(Role.NEIGHBOUR)
        opt_in(member, scope="council")
    ids = db.session.scalars(select(DirectConsent.user_id).order_by(DirectConsent.user_id)).all()
    for uid in ids[:3]:
        assert _send(neighbour, uid, "Hei, takk for sist!").status_code == 303
    response = _send(neighbour, ids[3], "Hei, takk for sist!")
    assert response.status_code == 429 and "høyst 3 nye samtaler" in response.get_data(as_text=True)
    response = neighbour.post(f"/direkte/medlem/{ids[3]}", data={"body": "Hei"}, headers=HX)
    assert response.status_code == 429 and 'id="message-form"' in response.get_data(as_text=True)
    old = db.session.scalars(select(Conversation)).all()
    for c in old:
        c.created_at = utcnow() - timedelta(days=1, minutes=1)
    db.session.commit()
    assert _send(neighbour, ids[3], "Hei, takk for sist!").status_code == 303  # a new day


def test_a_blocked_sender_is_not_told_and_sees_no_button(council):
    resident_client, resident = council["resident"]
    opt_in(resident_client)
    chair, _ = council["chair"]
    _send(chair, resident.id, "Hei, kan vi ta en prat om søpla?")
    conversation = db.session.scalar(select(Conversation))
    url = f"/direkte/{conversation.id}"
    assert resident_client.post(f"{url}/blokker").status_code == 303
    assert BUTTON not in member_row(chair.get("/medlemmer/").get_data(as_text=True), "Beboer Bo")
    assert chair.get(f"/direkte/medlem/{resident.id}").headers["Location"] == "/direkte/staben"
    page = chair.get(url).get_data(as_text=True)
    assert "Du blokkerte" not in page and "Blokkert" not in page  # the sender is not told
    before = db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == resident.id))
    assert chair.post(f"{url}/svar", data={"body": "Hallo?"}).status_code == 303
    assert db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == resident.id)) == before
    assert "Du blokkerte" in resident_client.get(url).get_data(as_text=True)


def test_a_reported_conversation_is_read_by_staff_and_audited(council):
    resident_client, resident = council["resident"]
    opt_in(resident_client)
    chair, _ = council["chair"]
    _send(chair, resident.id, "Hei, musikken er høy.")
    conversation = db.session.scalar(select(Conversation))
    url = f"/direkte/{conversation.id}"
    staff, staff_user = council["staff"]
    assert staff.get(url).status_code == 404
    assert resident_client.post(f"{url}/rapporter").status_code == 303
    assert staff.get(url).status_code == 200 and "musikken er høy" in staff.get(url).get_data(as_text=True)
    assert staff.post(f"{url}/svar", data={"body": "x"}).status_code == 403  # staff read, they do not write
    assert council["neighbour"][0].get(url).status_code == 404
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "direct_reported")) is not None
    assert db.session.scalar(select(Notification).where(Notification.user_id == staff_user.id,
                                                        Notification.kind == "direct_reported")) is not None


# -- mail that says nothing ---------------------------------------------------------------------

def test_the_mail_about_a_friendly_word_is_neutral(council, smtp):
    resident_client, resident = council["resident"]
    opt_in(resident_client)
    chair, _ = council["chair"]
    _send(chair, resident.id, "PLANT-musikken-7Q er litt høy.")
    assert send_due() == 1
    (rcpt, message), = smtp.messages
    assert rcpt == ["bo@example.org"]
    assert message["Subject"] == "Nytt fra naborådet"
    text = message.get_body(("plain",)).get_content()
    assert text.splitlines()[0] == "Nytt fra naborådet"
    everything = message.as_string()
    for leak in ("PLANT-", "Leder Lise", "direkte", "vennlig"):
        assert leak not in everything, leak
    assert "http://localhost/varsler/" in text


# -- the data rules --------------------------------------------------------------------------------

def test_the_data_export_holds_the_conversations(council):
    resident_client, resident = council["resident"]
    opt_in(resident_client, phone=True)
    _send(council["chair"][0], resident.id, "Hei fra lederen.")
    data = json.loads(resident_client.post("/profil/eksport").get_data())
    (conversation,) = data["direct_line_conversations"]
    assert conversation["with"] == "Leder Lise" and conversation["messages"][0]["text"] == "Hei fra lederen."
    assert data["direct_line_consent"][0]["by_phone"] is True


def test_the_purge_deletes_conversations_a_year_after_their_last_message(council, runner):
    resident_client, resident = council["resident"]
    opt_in(resident_client, scope="council")
    _send(council["chair"][0], resident.id, "Gammel.")
    _send(council["neighbour"][0], resident.id, "Ny.")
    old, new = db.session.scalars(select(Conversation).order_by(Conversation.id)).all()
    old.last_message_at = utcnow() - timedelta(days=370)
    new.last_message_at = utcnow() - timedelta(days=330)
    db.session.commit()
    result = runner.invoke(args=["purge-conversations"])
    assert result.exit_code == 0 and "Deleted 1 conversation(s)." in result.output
    assert db.session.scalars(select(Conversation.id)).all() == [new.id]
    assert db.session.scalars(select(DirectMessage.body)).all() == ["Ny."]
    assert service.purge_conversations(now=utcnow() + timedelta(days=40)) == 1


# -- pages -------------------------------------------------------------------------------------------

def test_the_members_list_costs_the_same_however_many_can_be_reached(council, client_for):
    neighbour = council["neighbour"][0]
    for _ in range(2):
        opt_in(client_for(Role.NEIGHBOUR)[0], scope="council", phone=True)
    few = queries_for(neighbour, "/medlemmer/")
    for _ in range(6):
        opt_in(client_for(Role.RESIDENT)[0], scope="council")
    assert queries_for(neighbour, "/medlemmer/") == few
    assert queries_for(neighbour, "/direkte/") == queries_for(council["chair"][0], "/direkte/")


def test_the_privacy_notice_says_what_the_direct_line_keeps_and_for_how_long(client):
    page = client.get("/personvern").get_data(as_text=True)
    assert "Direktelinjen" in page and "slettes 12 måneder etter siste melding" in page


def test_a_conversation_page_costs_the_same_however_long_it_is(council):
    resident_client, resident = council["resident"]
    opt_in(resident_client)
    chair = council["chair"][0]
    _send(chair, resident.id, "Hei!")
    conversation = db.session.scalar(select(Conversation))
    url = f"/direkte/{conversation.id}"
    short = queries_for(resident_client, url)
    for n in range(8):
        (chair if n % 2 else resident_client).post(f"{url}/svar", data={"body": f"Svar {n}"})
    assert queries_for(resident_client, url) == short
    assert queries_for(resident_client, "/direkte/") == queries_for(chair, "/direkte/")


def test_deleting_the_account_deletes_its_conversations_and_consent(council):
    resident_client, resident = council["resident"]
    opt_in(resident_client)
    _send(council["chair"][0], resident.id, "Hei!")
    resident_id = resident.id
    response = resident_client.post("/profil/slett", data={"password": PASSWORD})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Conversation.id))) == 0
    assert db.session.scalar(select(func.count(DirectMessage.id))) == 0
    assert db.session.get(DirectConsent, resident_id) is None


def test_an_answer_sent_twice_is_one_message(council):
    """A double click or a retried answer carries the same one-time token: one message, one notification."""
    resident_client, resident = council["resident"]
    opt_in(resident_client)
    chair, chair_user = council["chair"]
    _send(chair, resident.id, "Hei! Kan du skru ned musikken litt etter klokka elleve?", form_token="t1")
    conversation = db.session.scalar(select(Conversation))
    url = f"/direkte/{conversation.id}"
    page = resident_client.get(url).get_data(as_text=True)
    assert 'name="form_token"' in page
    for _ in range(2):
        assert resident_client.post(f"{url}/svar", data={"body": "Beklager, det skal jeg!",
                                                       "form_token": "a1"}).status_code == 303
    bodies = db.session.scalars(select(DirectMessage.body).where(DirectMessage.conversation_id == conversation.id)
                                .order_by(DirectMessage.id)).all()
    assert bodies == ["Hei! Kan du skru ned musikken litt etter klokka elleve?", "Beklager, det skal jeg!"]
    assert db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == chair_user.id)) == 1
