"""The public contact page, guidance, the printable card, staff editing, and the chair's consented number."""
import pytest
from sqlalchemy import select

from naborad.extensions import db
from naborad.models import ChairContact, ChairSeat, ContactPoint, Guidance, Role

from .helpers import count, queries_for


@pytest.fixture
def points():
    rows = [ContactPoint(position=0, label="Vakttelefon", phone="+47 32 00 00 00", hours="Hele døgnet",
                         is_on_duty=True),
            ContactPoint(position=0, label="Politi", phone="112", is_emergency=True),
            ContactPoint(position=5, label="Servicetorget", phone="+47 32 00 00 02", email="post@example.org")]
    db.session.add_all(rows)
    db.session.commit()
    return rows


def test_contact_page_is_public_with_tel_links_and_emergency_last(client, points):
    response = client.get("/kontakt")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'href="tel:+4732000000"' in html and 'href="mailto:post@example.org"' in html
    assert html.index("Servicetorget") < html.index('id="emergency-points"') < html.index("Politi")


def test_contact_page_is_linked_from_login_page_and_footer(client):
    html = client.get("/logg-inn").get_data(as_text=True)
    assert html.count('href="/kontakt"') >= 2


def test_guidance_points_to_its_contact(client, points):
    db.session.add(Guidance(situation="Bråk om natta", advice="Ring **vakta**.", contact_point_id=points[0].id))
    db.session.commit()
    html = client.get("/kontakt").get_data(as_text=True)
    assert "Bråk om natta" in html and "<strong>vakta</strong>" in html
    assert f'href="#kontakt-{points[0].id}"' in html


def test_printable_card_has_the_on_duty_number_and_a_qr_code(client, points):
    response = client.get("/kontakt/kort")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "+47 32 00 00 00" in html and '<svg role="img"' in html and 'class="qr"' in html
    assert "http://localhost/kontakt" in html
    assert "style=" not in html


def test_staff_add_edit_and_remove_a_contact_point(client, login_as, points):
    login_as(Role.STAFF)
    assert client.get("/kontakt/rediger").status_code == 200
    response = client.post("/kontakt/punkter/ny", data={"label": "Ny vakt", "phone": "+47 900 00 000",
                                                       "position": "1", "is_on_duty": "y"})
    assert response.status_code == 303
    new = db.session.scalar(select(ContactPoint).where(ContactPoint.label == "Ny vakt"))
    assert new.is_on_duty
    db.session.refresh(points[0])
    assert not points[0].is_on_duty  # one on-duty phone at a time
    response = client.post(f"/kontakt/punkter/{new.id}", data={"label": "Vakt", "phone": "+47 900 00 001",
                                                              "position": "2"})
    assert response.status_code == 303
    db.session.refresh(new)
    assert new.label == "Vakt" and not new.is_on_duty
    assert client.post(f"/kontakt/punkter/{new.id}/slett").status_code == 303
    assert count(ContactPoint) == 3


@pytest.mark.parametrize("data", [{"label": ""}, {"label": "X"}, {"label": "X", "phone": "ring meg"},
                                  {"label": "X", "email": "ikke-epost"}, {"label": "X", "phone": "1", "position": "-4"},
                                  {"label": "X" * 500, "phone": "112"}])
def test_bad_contact_point_input_is_422(client, login_as, data):
    login_as(Role.STAFF)
    response = client.post("/kontakt/punkter/ny", data=data)
    assert response.status_code == 422 and 'class="error"' in response.get_data(as_text=True)
    assert count(ContactPoint) == 0


def test_staff_edit_guidance(client, login_as, points):
    login_as(Role.STAFF)
    response = client.post("/kontakt/rad/ny", data={"situation": "Søppel", "advice": "Ring servicetorget.",
                                                   "contact_point_id": str(points[2].id), "position": "1"})
    assert response.status_code == 303
    item = db.session.scalar(select(Guidance))
    assert item.contact_point_id == points[2].id
    page = client.get(f"/kontakt/rad/{item.id}").get_data(as_text=True)
    assert f'<option selected value="{points[2].id}"' in page or f'value="{points[2].id}" selected' in page
    assert client.post(f"/kontakt/rad/{item.id}", data={"situation": "", "advice": "x"}).status_code == 422
    assert client.post(f"/kontakt/rad/{item.id}", data={"situation": "Søppel", "advice": "x",
                                                        "contact_point_id": "999999"}).status_code == 422
    assert client.post(f"/kontakt/rad/{item.id}/slett").status_code == 303
    assert count(Guidance) == 0


def test_missing_point_or_guidance_is_404(client, login_as):
    login_as(Role.STAFF)
    assert client.get("/kontakt/punkter/999999").status_code == 404
    assert client.post("/kontakt/rad/999999/slett").status_code == 404


def test_chair_number_is_shown_only_with_consent_and_while_chair(client, login_as, make_user):
    chair = login_as(Role.CHAIR, phone="+47 911 11 111")
    assert client.get("/kontakt/mitt-nummer").status_code == 200
    without = client.post("/kontakt/mitt-nummer", data={"label": "Leder", "phone": "+47 911 11 111"})
    assert without.status_code == 422 and count(ChairContact) == 0
    response = client.post("/kontakt/mitt-nummer", data={"label": "Leder", "phone": "+47 911 11 111",
                                                         "consent": "y"})
    assert response.status_code == 303
    shown = client.get("/kontakt").get_data(as_text=True)
    assert 'href="tel:+4791111111"' in shown and "+47 911 11 111" in shown
    # A handover: no longer chair, so the number leaves with them, and does not come back by itself.
    chair.role, chair.chair_seat = Role.NEIGHBOUR, None
    db.session.commit()
    assert count(ChairContact) == 0
    client.post("/logg-ut")
    assert "+47 911 11 111" not in client.get("/kontakt").get_data(as_text=True)
    chair.role, chair.chair_seat = Role.CHAIR, ChairSeat.CHAIR
    db.session.commit()
    assert "+47 911 11 111" not in client.get("/kontakt").get_data(as_text=True)


def test_deactivating_the_chair_removes_their_number(client, make_user):
    chair = make_user(Role.CHAIR)
    other = make_user(Role.CHAIR, seat=ChairSeat.DEPUTY)
    db.session.add_all([ChairContact(user_id=chair.id, label="Leder", phone="+47 911 11 111"),
                        ChairContact(user_id=other.id, label="Nestleder", phone="+47 922 22 222")])
    db.session.commit()
    chair.is_active_member = False
    other.display_name = "Nytt navn"  # another change to a chair keeps the consent
    db.session.commit()
    assert db.session.scalars(select(ChairContact.user_id)).all() == [other.id]


def test_chair_can_withdraw_consent(client, login_as):
    chair = login_as(Role.CHAIR)
    db.session.add(ChairContact(user_id=chair.id, label="Leder", phone="+47 911 11 111"))
    db.session.commit()
    assert "+47 911 11 111" in client.get("/kontakt").get_data(as_text=True)
    assert client.post("/kontakt/mitt-nummer/trekk-tilbake").status_code == 303
    assert count(ChairContact) == 0
    assert "+47 911 11 111" not in client.get("/kontakt").get_data(as_text=True)


def test_demo_data_has_guidance_flags_and_months_of_reports(app, runner):
    from naborad.models import SituationReport
    result = runner.invoke(args=["demo-data", "--password", "demo demo demo"])
    assert result.exit_code == 0, result.output
    assert count(Guidance) >= 4
    assert count(ContactPoint, ContactPoint.is_on_duty.is_(True)) == 1
    assert count(ContactPoint, ContactPoint.is_emergency.is_(True)) == 3
    created = db.session.scalars(select(SituationReport.created_at)).all()
    assert len(created) > 20 and (max(created) - min(created)).days >= 90


def test_contact_page_queries_do_not_grow_with_the_data(client, points):
    few = queries_for(client, "/kontakt")
    db.session.add_all([ContactPoint(label=f"P{n}", phone="112") for n in range(30)])
    db.session.flush()
    db.session.add_all([Guidance(situation=f"S{n}", advice="x", contact_point_id=points[n % 3].id)
                        for n in range(30)])
    db.session.commit()
    assert queries_for(client, "/kontakt") == few
