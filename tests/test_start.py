"""Starting a council (issue 22): household letters and codes, the address list's preview, the public page and the
guided start's steps."""
import re
from datetime import timedelta
from io import BytesIO

import pytest
from sqlalchemy import select

from naborad import council
from naborad.extensions import db
from naborad.models import AgendaItem, AuditEvent, HouseholdCode, Issue, LetterRun, Role, User, utcnow
from naborad.start import service
from naborad.tokens import code_hash

from .helpers import count

CODE = re.compile(r'class="letter-code">([0-9A-Z]{5}-[0-9A-Z]{5})<')


def print_run(client, text):
    response = client.post("/start/brev/skriv-ut", data={"addresses": text})
    assert response.status_code == 200, response.status_code
    return CODE.findall(response.get_data(as_text=True)), response


def join(client, code, username):
    return client.post(f"/invitasjon/{code}", data={"username": username, "display_name": username.title(),
                                                     "password": "et langt passord 123", "confirm": "et langt passord 123"})


# -- the address list -------------------------------------------------------------------------------

def test_the_preview_reads_a_messy_list_and_says_what_is_wrong_per_line(app):
    text = ("\ufeffAdresse;Postnummer;Sted\n"
            "Storgata 1;0155;Oslo\n"
            "\n"
            "   \n"
            "Storgata 2, 0155 Oslo\n"
            "storgata 1;0155;oslo\n"
            ";;\n"
            "12\n"
            "Lillegata \"3\";0150;Oslo\n")
    with app.test_request_context():
        preview = service.preview(text)
    assert [parts for _, parts in preview.addresses] == [["Storgata 1", "0155", "Oslo"], ["Storgata 2", "0155 Oslo"],
                                                         ["Lillegata \"3\"", "0150", "Oslo"]]
    assert [line for line, _ in preview.errors] == [6, 8]  # the duplicate of line 2, and "12"
    assert preview.blank == 3 and not preview.ok


def test_a_list_with_errors_shows_them_and_creates_nothing(client, login_as):
    login_as(Role.STAFF)
    response = client.post("/start/brev", data={"addresses": "Storgata 1, Oslo\nStorgata 1, Oslo\n"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    preview = page.split("Forhåndsvisning")[1].split("</section>")[0]
    assert "Linje 2:" in preview and "Samme adresse som linje 1" in preview and "Skriv ut" not in preview
    assert client.post("/start/brev/skriv-ut", data={"addresses": "Storgata 1, Oslo\nStorgata 1, Oslo\n"}).status_code == 422
    assert count(HouseholdCode) == 0 and count(LetterRun) == 0


def test_two_thousand_rows_are_refused_whole(client, login_as):
    login_as(Role.STAFF)
    text = "\n".join(f"Langveien {n}, 0150 Oslo" for n in range(1, 2001))
    response = client.post("/start/brev/skriv-ut", data={"addresses": text})
    assert response.status_code == 422 and "2000 adresser" in response.get_data(as_text=True)
    assert count(HouseholdCode) == 0 and count(LetterRun) == 0


def test_an_uploaded_csv_with_a_bom_and_semicolons_is_previewed(client, login_as):
    login_as(Role.STAFF)
    raw = "\ufeffStorgata 1;0155 Oslo\r\nStorgata 2;0155 Oslo\r\n".encode("utf-8")
    response = client.post("/start/brev", data={"upload": (BytesIO(raw), "adresser.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Storgata 1, 0155 Oslo" in page and "Skriv ut 2 brev" in page
    assert count(HouseholdCode) == 0  # a preview stores nothing


def test_a_letter_run_that_fails_halfway_leaves_no_codes(app, make_user):
    staff = make_user(Role.STAFF)
    made = []

    def failing_code():
        if len(made) == 2:
            raise RuntimeError("printer on fire")
        made.append(f"AAAA{len(made)}-BBBBB")
        return made[-1]
    with app.test_request_context():
        preview = service.preview("Vei 1, Oslo\nVei 2, Oslo\nVei 3, Oslo\n")
    with pytest.raises(RuntimeError):
        service.print_letters(preview, staff, make_code=failing_code)
    assert count(HouseholdCode) == 0 and count(LetterRun) == 0


# -- the letters and their codes ----------------------------------------------------------------------

def test_letters_print_one_per_address_with_their_own_code_and_the_addresses_are_not_kept(client, login_as):
    login_as(Role.STAFF)
    codes, response = print_run(client, "Storgata 1, 0155 Oslo\nStorgata 2, 0155 Oslo\nStorgata 3, 0155 Oslo")
    page = response.get_data(as_text=True)
    assert len(set(codes)) == 3 and page.count('class="letter"') == 3 and page.count("<svg") == 3
    assert "Storgata 2" in page and response.headers.get("Content-Encoding") is None
    run = db.session.scalar(select(LetterRun))
    assert run.letters == 3 and count(HouseholdCode) == 3
    stored = db.session.scalars(select(HouseholdCode.code_hash)).all()
    assert set(stored) == {code_hash(c) for c in codes} and not set(codes) & set(stored)  # hashed
    assert db.session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "letters_printed")).endswith(
        "3 letters")
    # No column anywhere holds an address.
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(table.select()).all():
            assert not any(isinstance(v, str) and "Storgata" in v for v in row), table.name


def test_the_public_letter_has_no_code(client, login_as):
    login_as(Role.STAFF)
    page = client.get("/start/brev/uten-kode").get_data(as_text=True)
    assert 'class="letter"' in page and "letter-code" not in page and "/nabolaget" in page


def test_a_household_code_makes_three_neighbour_accounts_and_no_more(client, login_as, app):
    login_as(Role.STAFF)
    codes, _ = print_run(client, "Storgata 1, 0155 Oslo")
    client.post("/logg-ut")
    page = client.get(f"/invitasjon/{codes[0]}").get_data(as_text=True)
    assert "med rollen «Nabo»" in page
    for n in range(3):
        assert join(client, codes[0], f"husstand{n}").status_code == 303
        client.post("/logg-ut")
    assert join(client, codes[0], "husstand3").status_code == 404
    roles = db.session.scalars(select(User.role).where(User.username.like("husstand%"))).all()
    assert roles == [Role.NEIGHBOUR] * 3
    assert db.session.scalar(select(HouseholdCode.accounts_used)) == 3


def test_a_household_code_never_makes_another_role(client, login_as):
    login_as(Role.STAFF)
    codes, _ = print_run(client, "Storgata 1, 0155 Oslo")
    client.post("/logg-ut")
    client.post(f"/invitasjon/{codes[0]}", data={"username": "lur", "display_name": "Lur", "role": "staff",
                                                  "password": "et langt passord 123",
                                                  "confirm": "et langt passord 123"})
    assert db.session.scalar(select(User.role).where(User.username == "lur")) == Role.NEIGHBOUR


def test_a_household_code_expires_after_60_days(client, login_as):
    login_as(Role.STAFF)
    codes, _ = print_run(client, "Storgata 1, 0155 Oslo")
    household = db.session.scalar(select(HouseholdCode))
    assert timedelta(days=59) < household.expires_at - utcnow() <= timedelta(days=60)
    household.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    client.post("/logg-ut")
    assert client.get(f"/invitasjon/{codes[0]}").status_code == 404
    assert join(client, codes[0], "sen").status_code == 404


def test_reprinting_a_letter_voids_its_old_code(client, login_as):
    login_as(Role.STAFF)
    codes, _ = print_run(client, "Storgata 1, 0155 Oslo\nStorgata 2, 0155 Oslo")
    run = db.session.scalar(select(LetterRun))
    response = client.post(f"/start/brev/{run.id}/skriv-ut-igjen", data={"number": "2", "address": "Storgata 2"})
    assert response.status_code == 200
    new = CODE.findall(response.get_data(as_text=True))
    assert len(new) == 1 and new[0] not in codes
    assert client.post(f"/start/brev/{run.id}/skriv-ut-igjen", data={"number": "3"}).status_code == 422
    client.post("/logg-ut")
    assert client.get(f"/invitasjon/{codes[1]}").status_code == 404  # the old code is void
    assert client.get(f"/invitasjon/{new[0]}").status_code == 200
    assert client.get(f"/invitasjon/{codes[0]}").status_code == 200  # the other letter's code still works


@pytest.mark.config(ACCEPT_INVITATION_LIMIT="3 per minute")
def test_household_codes_are_throttled_like_invitation_codes(client, login_as):
    login_as(Role.STAFF)
    codes, _ = print_run(client, "Storgata 1, 0155 Oslo")
    client.post("/logg-ut")
    for n in range(3):
        client.get(f"/invitasjon/AAAAA-BBBB{n}")
    assert client.get(f"/invitasjon/{codes[0]}").status_code == 429


def test_the_purge_job_deletes_codes_30_days_after_they_expired(app, client, login_as):
    login_as(Role.STAFF)
    print_run(client, "Storgata 1, 0155 Oslo\nStorgata 2, 0155 Oslo")
    first = db.session.scalars(select(HouseholdCode).order_by(HouseholdCode.number)).first()
    first.expires_at = utcnow() - timedelta(days=31)
    db.session.commit()
    assert service.purge_household_codes(utcnow()) == 1 and count(HouseholdCode) == 1


# -- the public page and the guided start -------------------------------------------------------------

def test_the_public_page_needs_no_login_and_shows_no_member_data(client, app, make_user):
    make_user(Role.RESIDENT, display_name="Beboer Berit")
    make_user(Role.CHAIR, display_name="Leder Lars")
    council.set_setting("public_page", {"about": "Et bofellesskap med tolv leiligheter.", "join": "Spør de ansatte."})
    db.session.commit()
    response = client.get("/nabolaget")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Et bofellesskap med tolv leiligheter." in page and "et trygt bomiljø for alle" in page
    assert "Berit" not in page and "Lars" not in page


def test_staff_edit_the_public_page_and_others_get_404(client, login_as, client_for):
    login_as(Role.STAFF)
    assert client.post("/start/offentlig-side", data={"about": "", "join": ""}).status_code == 422
    assert client.post("/start/offentlig-side", data={"about": "Et bofellesskap.", "join": "Få et brev."}
                       ).status_code == 303
    assert "Et bofellesskap." in client.get("/nabolaget").get_data(as_text=True)
    chair, _ = client_for(Role.CHAIR)
    assert chair.get("/start/offentlig-side").status_code == 404 and chair.get("/start/").status_code == 404


def test_the_chair_must_be_a_neighbour_unless_the_setting_allows_it(app, make_user):
    staff = make_user(Role.STAFF)
    resident, neighbour = make_user(Role.RESIDENT), make_user(Role.NEIGHBOUR)
    with app.test_request_context():
        service.schedule_step_meeting("proposals", starts_at=utcnow() + timedelta(days=3), place="Stua",
                                      form_token=None)
        with pytest.raises(service.NotAllowed):
            service.form_council(staff, chair=resident, deputy=None, reps=[], mandate="m", rhythm="monthly")
        council.set_setting("allow_non_neighbour_chair", True)
        db.session.commit()
        assert resident.id in {u.id for u in service.chair_candidates()}
        item = service.form_council(staff, chair=neighbour, deputy=resident, reps=[], mandate=service.MANDATE,
                                    rhythm="monthly")
    assert "er valgt til leder" in item.decision or "elected chair" in item.decision
    assert (neighbour.role, resident.role) == (Role.CHAIR, Role.CHAIR)
    assert resident.role_before_chair == Role.RESIDENT and council.setting("council_running") is True


def test_challenges_from_paper_notes_are_issues_marked_as_such(client, login_as):
    login_as(Role.STAFF)
    when = (utcnow() + timedelta(days=5)).strftime("%Y-%m-%dT18:00")
    assert client.post("/start/kartlegging/mote", data={"starts_at": when, "place": "Fellesrommet"}).status_code == 303
    assert client.post("/start/kartlegging/utfordring",
                       data={"title": "Mørk sti", "body": "Stien mot skolen er mørk om kvelden.", "from_paper": "y"}
                       ).status_code == 303
    issue = db.session.scalar(select(Issue))
    assert issue.from_paper and issue.title == "Mørk sti"
    page = client.get("/start/kartlegging").get_data(as_text=True)
    assert "Mørk sti" in page and "fra papirnotater" in page
    assert db.session.scalar(select(AgendaItem).where(AgendaItem.issue_id == issue.id)).phase.value == "map"


def test_a_running_council_skips_the_guided_start(client, login_as):
    login_as(Role.STAFF)
    assert client.post("/start/hopp-over").status_code == 303
    assert "Naborådet er i gang" in client.get("/start/").get_data(as_text=True)


def test_staff_allow_a_resident_as_chair_through_the_council_setting(client, login_as, make_user):
    login_as(Role.STAFF)
    resident = make_user(Role.RESIDENT, display_name="Rita Beboer")
    client.post("/start/forslag/mote", data={"starts_at": (utcnow() + timedelta(days=3)).strftime("%Y-%m-%dT18:00"),
                                             "place": "Stua"})
    assert "Rita Beboer" not in client.get("/start/radet").get_data(as_text=True).split("</select>")[0]
    assert client.post("/start/radet/leder-regel", data={"allow_non_neighbour": "y"}).status_code == 303
    assert council.setting("allow_non_neighbour_chair") is True
    assert "Rita Beboer" in client.get("/start/radet").get_data(as_text=True).split("</select>")[0]
    client.post("/start/radet/leder-regel")
    assert council.setting("allow_non_neighbour_chair") is False
    assert resident.is_active_member
