"""The residents' pre-meeting: its own room, and only three things leave it."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from naborad.extensions import db
from naborad.models import (
    AgendaItem,
    ItemState,
    Meeting,
    MeetingStatus,
    OutboxMail,
    PreItemState,
    PreMeeting,
    PreMeetingComment,
    PreMeetingItem,
    Role,
    utcnow,
)

from .helpers import HX, queries_for
from .test_access import MATRIX


@pytest.fixture
def room(make_user):
    """A council meeting with one item, and a pre-meeting that prepares it."""
    meeting = Meeting(starts_at=utcnow() + timedelta(days=10), place="Fellesrommet")
    db.session.add(meeting)
    db.session.flush()
    council_item = AgendaItem(meeting_id=meeting.id, title="Søppel ved containeren", state=ItemState.ACCEPTED,
                              position=3, concerns_residents=True)
    db.session.add(council_item)
    db.session.flush()
    premeeting = PreMeeting(meeting_id=meeting.id, starts_at=utcnow() + timedelta(days=5), place="Stua")
    db.session.add(premeeting)
    db.session.commit()
    return meeting, council_item, premeeting


def test_staff_import_the_council_agenda_once(app, room, client_for):
    meeting, council_item, premeeting = room
    staff, _ = client_for(Role.STAFF)
    staff.post(f"/beboermote/{premeeting.id}/hent-saksliste")
    staff.post(f"/beboermote/{premeeting.id}/hent-saksliste")
    items = db.session.scalars(select(PreMeetingItem)).all()
    assert [(i.agenda_item_id, i.state) for i in items] == [(council_item.id, PreItemState.ACCEPTED)]


def test_imported_item_shows_the_council_title_as_it_is_now(app, room, client_for):
    meeting, council_item, premeeting = room
    staff, _ = client_for(Role.STAFF)
    staff.post(f"/beboermote/{premeeting.id}/hent-saksliste")
    council_item.title = "Nytt lokk på containeren"
    db.session.commit()
    assert "Nytt lokk på containeren" in staff.get(f"/beboermote/{premeeting.id}").data.decode()


def test_resident_comments_with_htmx_and_chooses_name_visibility(app, room, client_for):
    meeting, council_item, premeeting = room
    item = PreMeetingItem(premeeting_id=premeeting.id, title="Vaskerom", state=PreItemState.ACCEPTED)
    db.session.add(item)
    db.session.commit()
    kari, _ = client_for(Role.RESIDENT, display_name="Kari")
    response = kari.post(f"/beboermote/sak/{item.id}/kommentar", data={"body": "Maskinen er ødelagt",
                                                                      "form_token": "c1"}, headers=HX)
    assert response.status_code == 200 and b"<hx-partial" in response.data
    kari.post(f"/beboermote/sak/{item.id}/kommentar", data={"body": "Maskinen er ødelagt", "form_token": "c1"})
    assert len(db.session.scalars(select(PreMeetingComment)).all()) == 1  # double submit: one comment
    other, _ = client_for(Role.RESIDENT)
    page = other.get(f"/beboermote/{premeeting.id}").data.decode()
    assert "Maskinen er ødelagt" in page and "Kari" not in page  # name hidden from other residents
    staff, _ = client_for(Role.STAFF)
    assert "Kari" in staff.get(f"/beboermote/{premeeting.id}").data.decode()  # staff always see who
    kari.post(f"/beboermote/sak/{item.id}/kommentar", data={"body": "Med navn", "show_name": "y",
                                                           "form_token": "c2"})
    assert "Kari" in other.get(f"/beboermote/{premeeting.id}").data.decode()
    assert kari.post(f"/beboermote/sak/{item.id}/kommentar", data={"body": ""}).status_code == 422


def test_share_summary_and_withdraw(app, room, client_for):
    meeting, council_item, premeeting = room
    item = PreMeetingItem(premeeting_id=premeeting.id, agenda_item_id=council_item.id, title=council_item.title,
                          state=PreItemState.ACCEPTED)
    db.session.add(item)
    meeting.status = MeetingStatus.PUBLISHED
    db.session.commit()
    staff, _ = client_for(Role.STAFF)
    staff.post(f"/beboermote/sak/{item.id}/oppsummering", data={"summary": "Beboerne vil ha nytt lokk."})
    neighbour, _ = client_for(Role.NEIGHBOUR)
    assert "Beboerne vil ha nytt lokk." not in neighbour.get(f"/moter/{meeting.id}").data.decode()
    assert staff.post(f"/beboermote/sak/{item.id}/del").status_code == 303
    page = neighbour.get(f"/moter/{meeting.id}").data.decode()
    assert "Beboerne vil ha nytt lokk." in page and "Residents heard: yes" in page.replace(
        "Beboerne hørt: ja", "Residents heard: yes")
    assert staff.post(f"/beboermote/sak/{item.id}/trekk-tilbake").status_code == 303
    assert "Beboerne vil ha nytt lokk." not in neighbour.get(f"/moter/{meeting.id}").data.decode()


def test_shared_summary_is_frozen_once_minutes_are_approved(app, room, client_for):
    meeting, council_item, premeeting = room
    item = PreMeetingItem(premeeting_id=premeeting.id, agenda_item_id=council_item.id, title="x",
                          state=PreItemState.ACCEPTED, summary="Fast", summary_shared=True)
    council_item.residents_summary = "Fast"
    meeting.status = MeetingStatus.APPROVED
    db.session.add(item)
    db.session.commit()
    staff, _ = client_for(Role.STAFF)
    assert staff.post(f"/beboermote/sak/{item.id}/trekk-tilbake").status_code == 403
    assert staff.post(f"/beboermote/sak/{item.id}/oppsummering", data={"summary": "Endret"}).status_code == 403
    db.session.refresh(council_item)
    assert council_item.residents_summary == "Fast"


def test_raise_to_council_is_attributed_to_the_premeeting(app, room, make_user, client_for):
    meeting, council_item, premeeting = room
    proposer_resident = make_user(Role.RESIDENT, display_name="Hemmelig Navn")
    item = PreMeetingItem(premeeting_id=premeeting.id, title="Vaskerom", state=PreItemState.ACCEPTED,
                          proposer_id=proposer_resident.id)
    db.session.add(item)
    db.session.commit()
    resident, _ = client_for(Role.RESIDENT)
    resident.post(f"/beboermote/sak/{item.id}/ta-opp", headers=HX)
    db.session.refresh(item)
    assert item.raise_wanted
    staff, _ = client_for(Role.STAFF)
    form = staff.get(f"/beboermote/sak/{item.id}/til-naboradet").data.decode()
    assert 'value="Vaskerom"' in form  # prefilled, editable
    staff.post(f"/beboermote/sak/{item.id}/til-naboradet", data={"title": "Bedre rutiner for vaskerommet",
                                                                 "why": "Tekst fra de ansatte", "form_token": "r"})
    proposal = db.session.scalar(select(AgendaItem).where(AgendaItem.title == "Bedre rutiner for vaskerommet"))
    assert proposal.from_premeeting and proposal.proposer_id is None and proposal.state == ItemState.PROPOSED
    chair, _ = client_for(Role.CHAIR)
    page = chair.get(f"/moter/{meeting.id}").data.decode()
    assert "Bedre rutiner for vaskerommet" in page and "Hemmelig Navn" not in page


def test_raising_twice_with_one_form_makes_one_council_item(app, room, client_for):
    meeting, council_item, premeeting = room
    item = PreMeetingItem(premeeting_id=premeeting.id, title="Vaskerom", state=PreItemState.ACCEPTED)
    db.session.add(item)
    db.session.commit()
    staff, _ = client_for(Role.STAFF)
    url, data = f"/beboermote/sak/{item.id}/til-naboradet", {"title": "Vaskerom", "form_token": "r1"}
    assert staff.post(url, data=data).status_code == 303
    assert staff.post(url, data=data).status_code == 303  # a double click answers like the first
    assert staff.post(url, data={**data, "form_token": "r2"}).status_code == 403  # raised already
    assert staff.get(url).status_code == 403
    assert len(db.session.scalars(select(AgendaItem).where(AgendaItem.from_premeeting.is_(True))).all()) == 1


def test_publishing_asks_when_residents_are_not_heard(app, room, client_for):
    meeting, council_item, premeeting = room
    chair, _ = client_for(Role.CHAIR)
    response = chair.post(f"/moter/{meeting.id}/publiser", follow_redirects=True)  # to the confirmation step
    assert response.status_code == 200 and b'name="confirm" value="yes"' in response.data
    db.session.refresh(meeting)
    assert meeting.status == MeetingStatus.PLANNED
    assert chair.post(f"/moter/{meeting.id}/publiser", data={"confirm": "yes"}).status_code == 303
    db.session.refresh(meeting)
    assert meeting.status == MeetingStatus.PUBLISHED


def test_only_staff_set_residents_heard(app, room, client_for):
    meeting, council_item, premeeting = room
    chair, _ = client_for(Role.CHAIR)
    assert chair.post(f"/moter/punkt/{council_item.id}/hort").status_code == 403
    staff, _ = client_for(Role.STAFF)
    assert staff.post(f"/moter/punkt/{council_item.id}/hort").status_code == 303
    db.session.refresh(council_item)
    assert council_item.residents_heard


# -- imported items show only what the reader may read on the council side (issue 14, item 14) --------

NEUTRAL_TITLE = "En sak til neste møte i naborådet"
GONE = "Ikke lenger på sakslista til naborådet"


def _agenda_section(html):
    return html[html.index('id="agenda-heading"'):]


def test_imported_items_show_council_titles_only_once_residents_may_read_them(app, room, client_for):
    meeting, council_item, premeeting = room
    staff, _ = client_for(Role.STAFF)
    resident, _ = client_for(Role.RESIDENT)
    assert staff.post(f"/beboermote/{premeeting.id}/hent-saksliste").status_code == 303  # a draft agenda
    title = council_item.title
    pages = {who: {path: client.get(f"/beboermote/{premeeting.id}{path}").get_data(as_text=True)
                   for path in ("", "/utskrift")} for who, client in (("resident", resident), ("staff", staff))}
    for path in ("", "/utskrift"):
        assert title not in pages["resident"][path] and NEUTRAL_TITLE in pages["resident"][path]
    assert title in _agenda_section(pages["staff"][""])  # staff keep seeing the real title
    assert "Beboerne ser dette som «En sak til neste møte i naborådet»" in pages["staff"][""]
    assert title not in pages["staff"]["/utskrift"]  # the print is for the notice board
    chair, _ = client_for(Role.CHAIR)
    assert chair.post(f"/moter/{meeting.id}/publiser", data={"confirm": "yes"}).status_code == 303
    council_item.title = "Nytt lokk på containeren"  # shown as it is now
    db.session.commit()
    for client in (resident, staff):
        for path in ("", "/utskrift"):
            html = client.get(f"/beboermote/{premeeting.id}{path}").get_data(as_text=True)
            assert "Nytt lokk på containeren" in html and NEUTRAL_TITLE not in html and GONE not in html


@pytest.mark.parametrize("how", ["declined", "moved"])
def test_an_item_the_chair_took_off_the_council_agenda_is_marked_and_its_title_goes(app, room, client_for, how):
    meeting, council_item, premeeting = room
    staff, _ = client_for(Role.STAFF)
    resident, _ = client_for(Role.RESIDENT)
    staff.post(f"/beboermote/{premeeting.id}/hent-saksliste")
    chair, _ = client_for(Role.CHAIR)
    assert chair.post(f"/moter/{meeting.id}/publiser", data={"confirm": "yes"}).status_code == 303
    assert council_item.title in resident.get(f"/beboermote/{premeeting.id}").get_data(as_text=True)
    if how == "declined":
        assert chair.post(f"/moter/punkt/{council_item.id}/avvis", data={"reason": "Tas i epost"}).status_code == 303
    else:
        later = Meeting(starts_at=utcnow() + timedelta(days=40), place="Fellesrommet")
        db.session.add(later)
        db.session.commit()
        assert chair.post(f"/moter/punkt/{council_item.id}/flytt", data={"meeting_id": later.id}).status_code == 303
        db.session.refresh(council_item)
        assert council_item.meeting_id == later.id
    for path in ("", "/utskrift"):
        html = resident.get(f"/beboermote/{premeeting.id}{path}").get_data(as_text=True)
        assert council_item.title not in html and NEUTRAL_TITLE in html and GONE in html
    html = staff.get(f"/beboermote/{premeeting.id}").get_data(as_text=True)
    assert council_item.title in _agenda_section(html) and GONE in html


def test_a_resident_sees_the_title_of_their_own_proposal_on_a_draft_agenda(app, room, make_user, client_for):
    meeting, council_item, premeeting = room
    proposer = make_user(Role.RESIDENT)
    council_item.proposer_id = proposer.id  # visible_agenda_items: a member's own proposal
    db.session.commit()
    staff, _ = client_for(Role.STAFF)
    staff.post(f"/beboermote/{premeeting.id}/hent-saksliste")
    own, _ = client_for(proposer)
    other, _ = client_for(Role.RESIDENT)
    assert council_item.title in own.get(f"/beboermote/{premeeting.id}").get_data(as_text=True)
    assert council_item.title not in other.get(f"/beboermote/{premeeting.id}").get_data(as_text=True)
    assert council_item.title not in own.get(f"/beboermote/{premeeting.id}/utskrift").get_data(as_text=True)


PLANTED = ["PLANT-title-7Q", "PLANT-place-7Q", "PLANT-item-7Q", "PLANT-text-7Q", "PLANT-comment-7Q",
           "PLANT-summary-7Q", "PLANT-proposal-7Q", "PLANT-decline-7Q"]


def test_nothing_of_the_premeeting_leaks_to_neighbours_or_the_chair(app, samples, make_user, client_for):
    """Plant unique strings in every pre-meeting field that may not leave, then read everything the
    neighbour and the chair can get: every GET page (with and without htmx), calendar files and mail."""
    meeting = db.session.get(Meeting, samples["meeting"])
    resident = make_user(Role.RESIDENT, display_name="PLANT-resident-7Q")
    premeeting = PreMeeting(meeting_id=meeting.id, title=PLANTED[0], place=PLANTED[1],
                            starts_at=utcnow() + timedelta(days=3, minutes=17), agenda_ready_at=utcnow())
    db.session.add(premeeting)
    db.session.flush()
    item = PreMeetingItem(premeeting_id=premeeting.id, title=PLANTED[2], text=PLANTED[3],
                          state=PreItemState.ACCEPTED, agenda_item_id=samples["item"], summary=PLANTED[5],
                          proposer_id=resident.id)
    proposal = PreMeetingItem(premeeting_id=premeeting.id, title=PLANTED[6], decline_reason=PLANTED[7],
                              state=PreItemState.DECLINED, proposer_id=resident.id)
    db.session.add_all([item, proposal])
    db.session.flush()
    db.session.add(PreMeetingComment(item_id=item.id, author_id=resident.id, body=PLANTED[4], show_name=True))
    db.session.commit()
    ids = {**samples, "premeeting": premeeting.id, "pitem": item.id}
    seen_pages = 0
    for role in (Role.NEIGHBOUR, Role.CHAIR):
        client, _ = client_for(role)
        for (endpoint, method), (path, *_) in MATRIX.items():
            if method != "GET" or endpoint == "static":
                continue
            url = path.format(**ids)
            for headers in ({}, HX):
                response = client.get(url, headers=headers)
                body = response.get_data(as_text=True)
                seen_pages += 1
                for secret in PLANTED:  # (the resident's display name is on the members list by design)
                    assert secret not in body, f"{secret} leaked to the {role.value} on {url} {headers}"
                if endpoint.startswith("premeeting."):
                    assert response.status_code == 404, f"{url} answered {response.status_code} to {role.value}"
                response.close()
    mails = " ".join(m.context + m.template for m in db.session.scalars(select(OutboxMail)))
    assert not any(secret in mails for secret in PLANTED)
    assert seen_pages > 100


def test_premeeting_page_uses_a_fixed_number_of_queries(app, room, make_user, client_for):
    meeting, council_item, premeeting = room
    staff, staff_user = client_for(Role.STAFF)
    residents = [make_user(Role.RESIDENT) for _ in range(4)]

    first = PreMeetingItem(premeeting_id=premeeting.id, agenda_item_id=council_item.id, title="A",
                           state=PreItemState.ACCEPTED)
    db.session.add(first)
    db.session.flush()
    db.session.add(PreMeetingComment(item_id=first.id, author_id=residents[0].id, body="x"))
    db.session.commit()
    few = queries_for(staff, f"/beboermote/{premeeting.id}")
    for n in range(20):
        item = PreMeetingItem(premeeting_id=premeeting.id, title=f"Sak {n}", state=PreItemState.ACCEPTED,
                              proposer_id=residents[n % 4].id, position=n + 2)
        db.session.add(item)
        db.session.flush()
        db.session.add_all([PreMeetingComment(item_id=item.id, author_id=residents[k].id, body=f"k{k}")
                            for k in range(4)])
    db.session.commit()
    assert queries_for(staff, f"/beboermote/{premeeting.id}") == few


# -- issue 15: a page that is not ~4,800 px of open forms -----------------------------------------

def test_each_comment_form_waits_behind_a_comment_button_and_opens_when_it_failed(app, room, client_for):
    meeting, council_item, premeeting = room
    items = [PreMeetingItem(premeeting_id=premeeting.id, title=f"Sak {n}", state=PreItemState.ACCEPTED, position=n)
             for n in (1, 2)]
    db.session.add_all(items)
    db.session.commit()
    resident, _ = client_for(Role.RESIDENT)
    page = resident.get(f"/beboermote/{premeeting.id}").data.decode()
    for n, item in enumerate(items, 1):
        disclosure = page.split(f'<details class="comment-disclosure" id="kommenter-{item.id}"')[1].split("</details>")[0]
        assert disclosure.startswith(" data-focus-on-open>")  # closed
        assert f'aria-label="Kommenter «Sak {n}»">Kommenter</summary>' in disclosure
        assert f'id="kommentarskjema-{item.id}"' in disclosure and f'id="body-{item.id}"' in disclosure
    # Without JavaScript an empty comment comes back on the page, its disclosure open beside the error.
    failed = resident.post(f"/beboermote/sak/{items[1].id}/kommentar", data={"body": ""})
    html = failed.data.decode()
    assert failed.status_code == 422
    assert f'id="kommenter-{items[1].id}" open data-focus-on-open>' in html
    assert f'id="kommenter-{items[0].id}" data-focus-on-open>' in html
    assert f'id="body-{items[1].id}-error"' in html


def test_the_list_is_headed_upcoming_residents_meetings(app, room, client_for):
    resident, _ = client_for(Role.RESIDENT)
    html = resident.get("/beboermote/").data.decode()
    assert "<h2>Kommende beboermøter</h2>" in html and "Neste møter" not in html


def test_staff_add_an_item_directly_and_are_told_it_is_on_the_agenda(app, room, client_for):
    meeting, council_item, premeeting = room
    staff, _ = client_for(Role.STAFF)
    assert "Legg til en sak" in staff.get(f"/beboermote/{premeeting.id}").data.decode()
    form = staff.get(f"/beboermote/{premeeting.id}/foresla").data.decode()
    assert "<h1>Legg til en sak</h1>" in form and "rett på slutten av sakslista" in form
    response = staff.post(f"/beboermote/{premeeting.id}/foresla", data={"title": "Hagen", "form_token": "s1"},
                          follow_redirects=True)
    assert "Saken står på sakslista." in response.data.decode()
    assert db.session.scalar(select(PreMeetingItem.state).where(PreMeetingItem.title == "Hagen")) == PreItemState.ACCEPTED
    resident, _ = client_for(Role.RESIDENT)
    assert "<h1>Foreslå et tema</h1>" in resident.get(f"/beboermote/{premeeting.id}/foresla").data.decode()
