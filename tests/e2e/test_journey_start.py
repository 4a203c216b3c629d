"""Starting a council (issue 22): from an empty database with one staff account made by `create-user`, staff walk
the guided start on a phone (the public page, the household letters printed on A4, the mapping meeting, the
proposals meeting) while two neighbours join with their household code, and the council is formed with a chair."""
import re
import shutil
from datetime import timedelta

import pytest
from flask_migrate import upgrade
from playwright.sync_api import expect

from naborad import create_app
from naborad.extensions import db
from naborad.i18n import OSLO
from naborad.models import Role, User, utcnow

from .conftest import LIVE_CONFIG, check_page, serve
from .journey import ON_PHONES, journey_fixture

PASSWORD = "et langt startpassord 2026"


@pytest.fixture(scope="session")
def empty_database(tmp_path_factory):
    """The migrations, then one staff account from `flask create-user`, and nothing else."""
    db_file = tmp_path_factory.mktemp("e2e-empty") / "empty.sqlite3"
    app = create_app({**LIVE_CONFIG, "DATABASE_URL": f"sqlite:///{db_file}"})
    with app.app_context():
        upgrade()
        result = app.test_cli_runner().invoke(
            args=["create-user", "--role", "staff", "--username", "siri", "--name", "Siri"], input=PASSWORD + "\n")
        assert result.exit_code == 0, result.output
        db.session.remove()
        db.engine.dispose()
    return db_file


@pytest.fixture
def start_journey(request, empty_database, tmp_path, browser, browser_context_args, handset):
    db_file = tmp_path / "start.sqlite3"
    shutil.copyfile(empty_database, db_file)
    with serve(db_file) as server:
        yield from journey_fixture(request, server, browser, browser_context_args, handset)


def submit(page, name):
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state("load")


def log_in(page, login):
    page.goto("/logg-inn")
    page.locator("#login").fill(login)
    page.locator("#password").fill(PASSWORD)
    submit(page, re.compile("Logg inn"))


def menu(page, name):
    page.locator("details.menu summary").click()
    page.get_by_role("link", name=name).click()
    page.wait_for_load_state("load")


def step(page, name):
    page.locator(".start-steps").get_by_role("link", name=name).click()
    page.wait_for_load_state("load")
    check_page(page)


def join_with_code(trip, code, username):
    """A neighbour opens the letter's link on their own phone and makes an account."""
    page = trip.open()
    page.goto(f"/invitasjon/{code}")
    check_page(page)
    expect(page.locator("main")).to_contain_text("Nabo")
    page.locator("#username").fill(username)
    page.locator("#display_name").fill(username.title())
    page.locator("#password").fill(PASSWORD)
    page.locator("#confirm").fill(PASSWORD)
    submit(page, "Opprett konto")
    expect(page).to_have_url(f"{trip.url}/")
    return page


@ON_PHONES
def test_staff_start_a_council_from_an_empty_database(start_journey):
    trip = start_journey
    page = trip.open()
    log_in(page, "siri")
    menu(page, "Start et naboråd")
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Start et naboråd")
    trip.shot(page, "steps")

    # (a) the public page
    step(page, "Nabolagets åpne side")
    page.locator("#about").fill("Et bofellesskap med tolv leiligheter og ansatte hele døgnet.")
    page.locator("#join").fill("Hver husstand får et brev med en kode.")
    submit(page, "Lagre den åpne siden")
    expect(page.locator("#flash")).to_contain_text("Den åpne siden er lagret")
    anon = trip.open()
    anon.goto("/nabolaget")
    check_page(anon)
    expect(anon.locator("main")).to_contain_text("et trygt bomiljø for alle")
    expect(anon.locator("main")).to_contain_text("tolv leiligheter")
    trip.shot(anon, "public-page")

    # (b) the household letters: a list with a duplicate first, then right
    step(page, "Inviter alle husstandene")
    page.locator("#addresses").fill("Storgata 1;0155 Oslo\nStorgata 2;0155 Oslo\n\nStorgata 1;0155 Oslo\nStorgata 3;0155 Oslo")
    submit(page, "Vis forhåndsvisningen")
    check_page(page, 422)
    expect(page.locator(".letters-preview")).to_contain_text("Linje 4: Samme adresse som linje 1")
    trip.shot(page, "letters-errors")
    page.locator("#addresses").fill("Storgata 1;0155 Oslo\nStorgata 2;0155 Oslo\nStorgata 3;0155 Oslo")
    submit(page, "Vis forhåndsvisningen")
    check_page(page)
    submit(page, "Skriv ut 3 brev")
    check_page(page)
    codes = page.locator(".letter-code").all_inner_texts()
    assert len(set(codes)) == 3
    trip.shot(page, "letters")
    page.emulate_media(media="print")
    assert page.locator(".letters-bar").is_hidden()  # only the letters print
    breaks = page.eval_on_selector_all(".letter", "els => els.map(e => getComputedStyle(e).breakAfter)")
    assert breaks == ["page", "page", "auto"]
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 3  # one letter per A4 page
    page.emulate_media(media="screen")
    page.get_by_role("link", name="Brev til husstandene").click()
    page.wait_for_load_state("load")

    # two neighbours join with the codes of their letters
    join_with_code(trip, codes[0], "kari")
    join_with_code(trip, codes[1], "per")

    # (c) the mapping meeting: scheduled, and challenges typed in from paper notes
    when = (utcnow() + timedelta(days=7)).astimezone(OSLO).strftime("%Y-%m-%dT18:00")
    page.get_by_role("link", name="Start et naboråd").first.click()
    step(page, "Kartleggingsmøtet")
    page.locator("#starts_at").fill(when)
    page.locator("#place").fill("Fellesrommet")
    submit(page, "Sett opp møtet")
    expect(page.locator("#flash")).to_contain_text("Møtet er satt opp")
    for title in ("Mørk sti mot skolen", "Søppel ved porten"):
        page.locator("#title").fill(title)
        page.locator("#body").fill("Tatt opp på møtet av flere naboer.")
        submit(page, "Legg til utfordringen")
        expect(page.locator(".start-list")).to_contain_text(title)
    expect(page.locator(".start-list")).to_contain_text("fra papirnotater")
    check_page(page)
    trip.shot(page, "mapping")

    # (d) the proposals meeting: proposals linked to the challenges
    page.get_by_role("link", name="Neste steg").click()
    page.wait_for_load_state("load")
    check_page(page)
    later = (utcnow() + timedelta(days=21)).astimezone(OSLO).strftime("%Y-%m-%dT18:00")
    page.locator("#starts_at").fill(later)
    page.locator("#place").fill("Fellesrommet")
    submit(page, "Sett opp møtet")
    page.locator("#issue_id").select_option(label="Mørk sti mot skolen")
    page.locator("#title").fill("Flere lyktestolper langs stien")
    submit(page, "Legg til forslaget")
    expect(page.locator(".start-list")).to_contain_text("svarer på Mørk sti mot skolen")
    check_page(page)
    trip.shot(page, "proposals")

    # (e) the council is formed: the chair elected among the neighbours
    page.get_by_role("link", name="Neste steg").click()
    page.wait_for_load_state("load")
    check_page(page)
    page.locator("#chair").select_option(label="Kari")
    page.locator("#deputy").select_option(label="Per")
    expect(page.locator("#mandate")).to_have_value("et trygt bomiljø for alle")
    trip.shot(page, "form-council")
    submit(page, "Før inn naborådet")
    expect(page.locator("#flash")).to_contain_text("Naborådet er dannet")
    check_page(page)
    expect(page.locator(".start-steps .badge")).to_have_text(["Utført"] * 5)
    trip.shot(page, "formed")
    roles = trip.db(lambda: {u.username: (u.role, u.chair_seat and u.chair_seat.value)
                             for u in db.session.scalars(db.select(User))})
    assert roles["kari"] == (Role.CHAIR, "chair") and roles["per"] == (Role.CHAIR, "deputy")
    # The election is in the minutes of the proposals meeting.
    step(page, "Forslagsmøtet")
    page.get_by_role("link", name="Åpne møtet").click()
    page.wait_for_load_state("load")
    check_page(page)
    expect(page.locator("main")).to_contain_text("Naborådet er dannet")
