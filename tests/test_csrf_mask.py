"""The CSRF token masked per response against BREACH (CSRF switched on here): every token in a page is a
fresh string, every one of them is accepted, a tampered one is refused as an expired one is."""
import re

import pytest
from flask import g
from flask_wtf.csrf import generate_csrf
from werkzeug.datastructures import MultiDict
from wtforms import StringField

from naborad.csrf_mask import mask, masked_csrf_token, unmask
from naborad.forms import BaseForm
from naborad.models import Role

from .conftest import PASSWORD, csrf_from
from .helpers import HX

pytestmark = pytest.mark.config(WTF_CSRF_ENABLED=True)
HEADER_TOKEN = re.compile(r'<body hx-headers:inherited=\'\{"X-CSRFToken": "([^"]+)"\}\'>')
SIGNED_SHAPE = rb'"[\w-]{20,}\.[\w-]{4,}\.[\w-]{20,}"'
FORM_TOKEN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')
SIGNED = "ImQ0Y2Q5ZjUxMGE2MzE0YjhiOTFkZDk3NDVmNDQ2ZTVmNGI2NTZiNTci.aw3MFw.VOhjmBNCnsbI4ZmX5HAHjgxpEPo"


def log_in(client, username="per"):
    token = csrf_from(client.get("/logg-inn").data)
    response = client.post("/logg-inn", data={"login": username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303


def tokens_in(html: bytes) -> list[str]:
    text = html.decode()
    return HEADER_TOKEN.findall(text) + FORM_TOKEN.findall(text)


def tampered(token: str) -> str:
    """`token` with one character of its signature changed, masked again. (Changing a character of the masked
    string itself may land on the signature's last character, whose low bits base64 ignores.)"""
    signed = unmask(token)
    at = len(signed) - 10
    return mask(signed[:at] + ("A" if signed[at] != "A" else "B") + signed[at + 1:])


def test_a_masked_token_unmasks_to_the_signed_one_and_never_repeats():
    masks = {mask(SIGNED) for _ in range(50)}
    assert len(masks) == 50
    for masked in masks:
        assert unmask(masked) == SIGNED
        assert "." not in masked and SIGNED not in masked and re.fullmatch(r"[A-Za-z0-9_-]+", masked)


@pytest.mark.parametrize("value", [None, "", SIGNED, "not-base64!", "abc", "QUJD", "gA"])
def test_what_is_not_a_masked_token_comes_back_as_it_is(value):
    assert unmask(value) == value


def test_two_renderings_of_a_page_carry_different_tokens_and_both_are_accepted(client, make_user):
    make_user(Role.NEIGHBOUR, "per")
    log_in(client)
    first, second = tokens_in(client.get("/").data), tokens_in(client.get("/").data)
    assert len(first) >= 2 and len(second) >= 2  # the header htmx sends, and the page's forms
    # One masked string per response, in every place of the page (so a page of many forms compresses), and
    # another in the next response.
    assert len(set(first)) == 1 and len(set(second)) == 1 and first[0] != second[0]
    for token in (first[0], second[-1], first[-1]):
        response = client.post("/sprak", data={"lang": "nb", "csrf_token": token, "next": "/"})
        assert response.status_code == 303
    # htmx sends the <body>'s token as a header.
    assert client.post("/logg-ut", headers={**HX, "X-CSRFToken": second[0]}).headers["HX-Redirect"] == "/logg-inn"


def test_a_page_holds_no_unmasked_token(client, make_user):
    make_user(Role.NEIGHBOUR, "per")
    log_in(client)
    html = client.get("/").data
    # Flask-WTF's signed token has the form "<payload>.<time>.<signature>": no such string in the page.
    assert re.search(SIGNED_SHAPE, f'"{SIGNED}"'.encode())
    assert not re.search(SIGNED_SHAPE, html)
    assert all(unmask(token).count(".") == 2 for token in tokens_in(html))


def test_a_tampered_token_is_refused(client, make_user):
    make_user(Role.NEIGHBOUR, "per")
    log_in(client)
    token = tokens_in(client.get("/").data)[0]
    assert client.post("/sprak", data={"lang": "en", "csrf_token": tampered(token), "next": "/"}).status_code == 400
    response = client.post("/logg-ut", headers={**HX, "X-CSRFToken": tampered(token)})
    assert response.status_code == 400 and response.headers["HX-Retarget"] == "#alerts"
    assert client.get("/").status_code == 200  # still logged in, still Norwegian
    assert b'lang="nb"' in client.get("/").data


def test_a_tampered_token_in_a_form_rerenders_it_with_what_was_typed(client, make_user):
    make_user(Role.NEIGHBOUR, "per")
    token = csrf_from(client.get("/logg-inn").data)
    response = client.post("/logg-inn", data={"login": "per", "password": PASSWORD, "csrf_token": tampered(token)})
    assert response.status_code == 422
    html = response.data.decode()
    assert 'value="per"' in html and "utløpt" in html  # "the form had expired", with what was typed
    assert client.get("/").status_code == 303  # not logged in


def test_a_token_from_another_session_is_refused(app, make_user):
    make_user(Role.NEIGHBOUR, "per")
    mine, theirs = app.test_client(), app.test_client()
    log_in(mine)
    token = tokens_in(theirs.get("/logg-inn").data)[0]
    assert mine.post("/sprak", data={"lang": "en", "csrf_token": token, "next": "/"}).status_code == 400


def test_an_unmasked_token_from_before_masking_is_still_accepted(client, make_user):
    # A page rendered before this change carried the signed token itself: it still posts. (No page shows
    # one any more, so BREACH has none to read.)
    make_user(Role.NEIGHBOUR, "per")
    log_in(client)
    signed = unmask(tokens_in(client.get("/").data)[0])
    assert "." in signed
    assert client.post("/sprak", data={"lang": "nb", "csrf_token": signed, "next": "/"}).status_code == 303


class NameForm(BaseForm):
    name = StringField()


def test_the_forms_own_csrf_field_renders_a_masked_token_and_checks_it(app):
    with app.test_request_context(method="POST"):
        form = NameForm(formdata=MultiDict())
        rendered = FORM_TOKEN.search(str(form.csrf_token)).group(1)
        assert rendered != generate_csrf() and unmask(rendered) == generate_csrf()
        assert "csrf_valid" not in g  # CSRFProtect did not run here: the field itself checks
        for value, valid in ((rendered, True), (masked_csrf_token(), True), (generate_csrf(), True),
                             (tampered(rendered), False), ("", False)):
            form = NameForm(formdata=MultiDict({"name": "Per", "csrf_token": value}))
            assert form.validate() is valid, value
