"""CSRF (switched on here), security headers, error pages and htmx error fragments."""
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from naborad.auth.sessions import SECRET_SHOWN_FOR
from naborad.extensions import db
from naborad.mail import housekeeping
from naborad.models import Role, SessionSecret, utcnow
from naborad.security import page_draft_owner

from .conftest import PASSWORD, csrf_from
from .helpers import HX, count

pytestmark = pytest.mark.config(WTF_CSRF_ENABLED=True)
ROOT = Path(__file__).resolve().parent.parent


def login_with_csrf(client, username):
    token = csrf_from(client.get("/logg-inn").data)
    return client.post("/logg-inn", data={"login": username, "password": PASSWORD, "csrf_token": token})


def test_login_form_without_token_is_rerendered_with_what_was_typed(client, make_user):
    make_user(Role.NEIGHBOUR, "per")
    response = client.post("/logg-inn", data={"login": "per", "password": PASSWORD})
    assert response.status_code == 422
    html = response.data.decode()
    assert 'value="per"' in html
    assert "utløpt" in html  # "the form had expired"
    assert client.get("/").status_code == 303  # not logged in


def test_login_with_token_works(client, make_user):
    make_user(Role.NEIGHBOUR, "per")
    assert login_with_csrf(client, "per").status_code == 303


def test_logout_without_token_is_rejected(client, make_user):
    make_user(Role.NEIGHBOUR, "per")
    login_with_csrf(client, "per")
    assert client.post("/logg-ut").status_code == 400
    assert client.get("/").status_code == 200  # still logged in


def test_htmx_post_with_token_header_is_accepted(client, make_user):
    make_user(Role.NEIGHBOUR, "per")
    login_with_csrf(client, "per")
    token = csrf_from(client.get("/").data)
    response = client.post("/logg-ut", headers={**HX, "X-CSRFToken": token})
    assert response.status_code == 200 and response.headers["HX-Redirect"] == "/logg-inn"


def test_htmx_post_without_token_gets_an_alert_fragment(client, make_user):
    make_user(Role.NEIGHBOUR, "per")
    login_with_csrf(client, "per")
    response = client.post("/logg-ut", headers=HX)
    assert response.status_code == 400
    assert response.headers["HX-Retarget"] == "#alerts"
    assert b"<html" not in response.data and b"alert" in response.data


def test_body_carries_the_csrf_header_for_htmx(client):
    html = client.get("/logg-inn").data.decode()
    assert re.search(r'<body hx-headers:inherited=\'\{"X-CSRFToken": "[^"]+"\}\'>', html)


def test_language_switch_needs_token(client):
    assert client.post("/sprak", data={"lang": "en"}).status_code == 400
    token = csrf_from(client.get("/logg-inn").data)
    response = client.post("/sprak", data={"lang": "en", "csrf_token": token, "next": "/logg-inn"})
    assert response.status_code == 303 and response.headers["Location"] == "/logg-inn"
    assert b'lang="en"' in client.get("/logg-inn").data


def test_security_headers_on_every_page(client):
    response = client.get("/logg-inn")
    csp = response.headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'",
                      "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'"):
        assert directive in csp
    assert "unsafe" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in response.headers  # plain http here


def test_hsts_over_https(client):
    response = client.get("/logg-inn", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_session_cookie_flags(client, make_user):
    make_user(Role.NEIGHBOUR, "per")
    response = login_with_csrf(client, "per")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_404_page_is_in_the_layout(client):
    response = client.get("/finnes-ikke")
    assert response.status_code == 404
    assert b'<main id="main"' in response.data
    assert "Fant ikke siden".encode() in response.data


def test_htmx_404_is_a_fragment_for_the_alert_region(client):
    response = client.get("/finnes-ikke", headers=HX)
    assert response.status_code == 404
    assert response.headers["HX-Retarget"] == "#alerts"
    assert b"<main" not in response.data


@pytest.mark.config(WTF_CSRF_ENABLED=True, _ROUTE_ADDED_BY_TEST="boom")  # an app of its own
def test_unexpected_error_is_a_friendly_500_without_traceback(app, client):
    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internals")
    boom.access_policy = __import__("naborad.access", fromlist=["Policy"]).Policy("public")
    response = client.get("/boom")
    assert response.status_code == 500
    assert b"secret internals" not in response.data and b"Traceback" not in response.data
    assert b'<main id="main"' in response.data


def test_no_safe_filter_inline_script_or_style_in_templates():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"\|\s*safe\b", text) or re.search(r"<script(?![^>]*\bsrc=)", text) \
                or re.search(r'\sstyle="', text) or re.search(r"\son[a-z]+=", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, f"templates with |safe, inline script/style or on*= handlers: {offenders}"


def test_static_files_are_cacheable(client, make_user):
    make_user(Role.NEIGHBOUR, "per")
    assert login_with_csrf(client, "per").status_code == 303  # pages for a member are never stored; static files are
    assert client.get("/").headers["Cache-Control"] == "no-store"
    response = client.get("/static/app.css")
    assert response.status_code == 200 and "no-store" not in response.headers.get("Cache-Control", "")
    etag = response.headers["ETag"]
    response.close()
    again = client.get("/static/app.css", headers={"If-None-Match": etag})
    assert again.status_code == 304  # revalidated, not fetched again
    again.close()


DRAFT_OWNER = re.compile(r'<meta name="draft-owner" content="([^"]*)">')


def draft_owner_on(client, path: str) -> str | None:
    found = DRAFT_OWNER.findall(client.get(path).data.decode())
    assert len(found) <= 1
    return found[0] if found else None


def test_drafts_belong_to_a_value_per_member_that_is_neither_id_nor_name(app, make_user):
    """static/app.js keys drafts by it: a shared PC shows no member another's unsent text."""
    per = make_user(Role.RESIDENT, "per", display_name="Per Persen")
    kari = make_user(Role.NEIGHBOUR, "kari", display_name="Kari Nordmann")
    owners = {}
    for member in (per, kari, per):  # per twice: the same value in a new session (his draft comes back)
        client = app.test_client()
        assert login_with_csrf(client, member.username).status_code == 303
        owner = draft_owner_on(client, "/")
        assert owner == draft_owner_on(client, "/meld-fra/")
        assert re.fullmatch(r"[0-9a-f]{32}", owner)
        assert owner not in {str(member.id), member.username, member.display_name}
        assert owners.setdefault(member.id, owner) == owner
    assert owners[per.id] != owners[kari.id]


def test_pages_without_a_member_drop_drafts_and_the_login_page_keeps_them(app, client):
    assert draft_owner_on(client, "/personvern") == ""  # nobody: static/app.js drops every draft
    assert draft_owner_on(client, "/logg-inn") is None  # the owner is not known yet: a draft waits for its writer
    with app.test_request_context("/logg-inn/kode"):
        assert page_draft_owner() is None  # the second step of the same login

# -- the session cookie holds no secret (issue 14, item 3) ----------------------------------

COOKIE_KEYS = {"_user_id", "_fresh", "_id", "_permanent", "csrf_token", "lang"}  # login, CSRF, language


def make_secrets(client, member):
    """As staff: a printable invitation, a reset link for `member` and an own calendar link; returns
    their secrets as the pages show them."""
    page = client.get("/medlemmer/inviter").data.decode()
    form_token = re.search(r'name="form_token" type="hidden" value="([^"]+)"', page).group(1)
    csrf = csrf_from(page)
    invite = client.post("/medlemmer/inviter", data={"role": "resident", "form_token": form_token, "csrf_token": csrf})
    code = re.search(r'class="code">([0-9A-Z-]+)<', client.get(invite.headers["Location"]).data.decode()).group(1)
    assert client.post(f"/medlemmer/{member.id}/tilbakestill", data={"csrf_token": csrf}).status_code == 303
    html = client.get(f"/medlemmer/{member.id}/tilbakestill").data.decode()
    reset = re.search(r'class="code-link">http://localhost/nytt-passord/([^<]+)<', html).group(1)
    assert client.post("/varsler/kalender/ny-lenke", data={"csrf_token": csrf}).status_code == 303
    html = client.get("/varsler/innstillinger").data.decode()
    feed = re.search(r'class="code-link">http://localhost/kalender/([^<]+)\.ics<', html).group(1)
    return {"invitation": invite.headers["Location"], "code": code, "reset": reset, "feed": feed}


def test_the_session_cookie_holds_no_secret(app, client, make_user):
    """Flask's cookie is signed, not encrypted: after making an invitation, a reset link and a calendar
    link it holds the login, the CSRF token and the language, and none of the three secrets."""
    make_user(Role.STAFF, "staffer")
    member = make_user(Role.RESIDENT, "kari")
    login_with_csrf(client, "staffer")
    made = make_secrets(client, member)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    saved = app.session_interface.get_signing_serializer(app).loads(cookie)
    assert set(saved) <= COOKIE_KEYS, set(saved) - COOKIE_KEYS
    text = str(saved)
    for secret in (made["code"], made["code"].replace("-", ""), made["reset"], made["feed"]):
        assert secret not in text
    # Kept server-side, sealed: a copy of the database does not show them either.
    sealed = " ".join(db.session.scalars(select(SessionSecret.sealed)))
    assert len(db.session.scalars(select(SessionSecret.id)).all()) == 3
    for secret in (made["code"], made["reset"], made["feed"]):
        assert secret not in sealed and secret.encode().hex() not in sealed
    # And the cards still show them, to this session.
    assert made["code"] in client.get(made["invitation"]).data.decode()


def test_a_kept_secret_is_shown_to_its_session_alone_and_goes_with_it(app, client, make_user):
    make_user(Role.STAFF, "staffer")
    member = make_user(Role.RESIDENT, "kari")
    login_with_csrf(client, "staffer")
    made = make_secrets(client, member)
    other = app.test_client()  # the same staff member, logged in elsewhere
    login_with_csrf(other, "staffer")
    assert made["code"] not in other.get(made["invitation"]).data.decode()
    assert made["reset"] not in other.get(f"/medlemmer/{member.id}/tilbakestill").data.decode()
    assert made["feed"] not in other.get("/varsler/innstillinger").data.decode()
    csrf = csrf_from(client.get("/profil").data)
    assert client.post("/logg-ut", data={"csrf_token": csrf}).status_code == 303
    assert count(SessionSecret) == 0  # gone with the login session


def test_a_kept_secret_expires_and_the_worker_purges_it(app, client, make_user):
    make_user(Role.STAFF, "staffer")
    member = make_user(Role.RESIDENT, "kari")
    login_with_csrf(client, "staffer")
    made = make_secrets(client, member)
    db.session.execute(update(SessionSecret).values(created_at=utcnow() - SECRET_SHOWN_FOR - timedelta(seconds=1)))
    db.session.commit()
    page = client.get(made["invitation"]).data.decode()
    assert made["code"] not in page and "Vis en ny kode" in page
    housekeeping()
    assert count(SessionSecret) == 0

