"""The CSRF token masked per response, so compressed pages do not open the BREACH attack.

BREACH guesses a secret in a compressed page one character at a time, from how the length of the page changes
with what it reflects. So the token never appears twice the same: every time it goes into HTML (the hidden
`csrf_token` fields, the `X-CSRFToken` header on <body> that htmx sends) it is Flask-WTF's signed token XOR a
fresh random one-time pad (one per response: every place of a page carries the same string), written as
url-safe base64 of pad + masked. A token that comes back is unmasked
before Flask-WTF's own `validate_csrf` judges it, in CSRFProtect (forms and htmx headers) and in the forms'
CSRF field alike.

A token without a mask (a page rendered before masking; Flask-WTF's signed tokens always hold a ".", the
base64 alphabet never does) is judged as it is: no page shows one any more, so BREACH cannot read it.
"""
import base64
import binascii
import os
import secrets

from flask import g
from flask_wtf.csrf import CSRFProtect, _FlaskFormCSRF, generate_csrf
from markupsafe import Markup, escape

# What a row rendered for naborad/row_cache.py carries instead of the token; unguessable, so no text a member
# writes can contain it.
CSRF_PLACEHOLDER = "csrf-placeholder-" + secrets.token_hex(16)


def mask(token: str) -> str:
    """`token` XOR a fresh random pad of its length, as url-safe base64 (without padding) of pad + masked."""
    raw = token.encode("ascii")
    pad = os.urandom(len(raw))
    masked = (int.from_bytes(raw) ^ int.from_bytes(pad)).to_bytes(len(raw))
    return base64.urlsafe_b64encode(pad + masked).rstrip(b"=").decode("ascii")


def unmask(value: str | None) -> str | None:
    """The token `mask()` was given; a value without a mask (or that is not one) comes back unchanged, for
    Flask-WTF to accept or refuse as it is."""
    if not value or "." in value:
        return value
    try:
        data = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (ValueError, binascii.Error):
        return value
    half = len(data) // 2
    if not half or len(data) % 2:
        return value
    raw = (int.from_bytes(data[:half]) ^ int.from_bytes(data[half:])).to_bytes(half)
    try:
        return raw.decode("ascii")
    except UnicodeDecodeError:
        return value


def masked_for_this_response(signed: str) -> str:
    """`signed`, masked once per request: every place of one page carries the same string (a page with forty
    forms compresses as well as before), and the next response another. BREACH compares many responses;
    a secret that differs in each of them gives it nothing to converge on."""
    if g.get("_rendering_cached_row"):  # a row for naborad/row_cache.py: each response puts its own token in
        return CSRF_PLACEHOLDER
    cached = g.get("_masked_csrf")
    if cached is None or cached[0] != signed:
        cached = g._masked_csrf = (signed, mask(signed))
    return cached[1]


def masked_csrf_token() -> str:
    """What templates call `csrf_token()`: the session's signed token, masked for this response."""
    return masked_for_this_response(generate_csrf())


def masked_csrf_meta_tag(name: str = "csrf-token") -> Markup:
    return Markup(f'<meta name="{escape(name)}" content="{escape(masked_csrf_token())}">')


class MaskedCSRFProtect(CSRFProtect):
    """Flask-WTF's CSRFProtect whose templates get masked tokens and which unmasks the token it is sent."""

    def init_app(self, app):
        super().init_app(app)
        # Flask-WTF puts its own csrf_token() in the globals (imported macros see those) and in a context
        # processor (pages see that, and a later processor wins): both become the masked one.
        helpers = {"csrf_token": masked_csrf_token, "csrf_meta_tag": masked_csrf_meta_tag}
        app.jinja_env.globals.update(helpers)
        app.context_processor(lambda: helpers)

    def _get_csrf_token(self):
        return unmask(super()._get_csrf_token())


class MaskedFormCSRF(_FlaskFormCSRF):
    """The forms' CSRF field (BaseForm's Meta.csrf_class): renders a masked token and unmasks what it gets."""

    def generate_csrf_token(self, csrf_token_field):
        return masked_for_this_response(super().generate_csrf_token(csrf_token_field))

    def validate_csrf_token(self, form, field):
        # The field renders current_token, never data: holding the unmasked token here shows nowhere.
        field.data = unmask(field.data)
        super().validate_csrf_token(form, field)
