"""Every place that redirects to a target the visitor chose: only a path on this site (issue 14, item 2)."""
from urllib.parse import parse_qs, urlsplit

import pytest

from naborad.access import safe_next
from naborad.models import Role

from .conftest import PASSWORD

# Known ways to turn "a path on this site" into another site, or into a broken header.
BYPASSES = [
    "//evil.example", "///evil.example", "////evil.example", "/\t/evil.example", "/\n/evil.example",
    "/\r\n/evil.example", "/%0d%0aSet-Cookie:x=1", "\r\nLocation: //evil.example", "/\\evil.example",
    "\\/evil.example", "\\\\evil.example", "/%5Cevil.example", "/%5c%5cevil.example", "%2F%2Fevil.example",
    "/%2F/evil.example", "/%2f%2fevil.example", "/\u2215evil.example", "/\uff0fevil.example",
    "/\u2044evil.example", " //evil.example", "\x00//evil.example", "https://evil.example",
    "http:evil.example", "http:/evil.example", "javascript:alert(1)", "evil.example", "./evil",
    "/\x7f/evil.example", "/saker/\u00a0",
]
SAFE = ["/", "/saker/", "/saker/?q=st%C3%B8y&status=new", "/moter/3#punkt-4"]


def _is_home(location: str) -> bool:
    return location in ("/", "http://localhost/")


@pytest.mark.parametrize("target", BYPASSES)
def test_safe_next_refuses_every_known_bypass(target):
    assert safe_next(target) is None


@pytest.mark.parametrize("target", SAFE)
def test_safe_next_keeps_a_path_on_this_site(target):
    assert safe_next(target) == target


@pytest.mark.parametrize("target", BYPASSES)
def test_login_goes_home_instead_of_to_a_bypass(client, make_user, target):
    user = make_user(Role.NEIGHBOUR)
    response = client.post("/logg-inn", query_string={"next": target},
                           data={"login": user.username, "password": PASSWORD})
    assert response.status_code == 303 and _is_home(response.headers["Location"]), response.headers["Location"]


@pytest.mark.parametrize("target", BYPASSES)
def test_the_language_switch_goes_home_instead_of_to_a_bypass(client, target):
    response = client.post("/sprak", data={"lang": "en", "next": target})
    assert response.status_code == 303 and _is_home(response.headers["Location"]), response.headers["Location"]


@pytest.mark.parametrize("target", [t for t in BYPASSES if "\n" not in t])  # no header can carry a newline
def test_an_expired_htmx_session_does_not_carry_a_bypass_to_the_login_page(client, target):
    """HX-Current-URL becomes the login page's `next`: a bypass in it is dropped there already."""
    response = client.get("/saker/", headers={"HX-Request": "true",
                                               "HX-Current-URL": "http://localhost" + target})
    login = urlsplit(response.headers["HX-Redirect"])
    assert login.path == "/logg-inn"
    assert parse_qs(login.query).get("next") in (None, [])


def test_a_safe_next_is_followed_after_login_and_after_the_language_switch(client, make_user):
    user = make_user(Role.NEIGHBOUR)
    target = "/saker/?q=st%C3%B8y"
    response = client.post("/logg-inn", query_string={"next": target},
                           data={"login": user.username, "password": PASSWORD})
    assert response.headers["Location"] == target
    assert client.post("/sprak", data={"lang": "nb", "next": "/moter/"}).headers["Location"] == "/moter/"
    response = client.get("/saker/?q=st%C3%B8y", headers={"HX-Request": "true",
                                                          "HX-Current-URL": "http://localhost/moter/"})
    assert response.status_code == 200  # logged in: no redirect at all
