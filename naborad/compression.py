"""Compression of answers with Flask-Compress (settings in config.py: br or gzip, 500 bytes at least).

BREACH reads a secret out of compressed pages that also reflect what an attacker sends. The CSRF token is
masked per response (naborad/csrf_mask.py), so pages are compressed. A page that shows another secret, one that
cannot be masked because the person must read it (an authenticator key, recovery codes, an invitation code, a
reset link, a calendar address), calls `send_uncompressed()` and goes out as it is.
"""
from flask import g
from flask_compress import Compress


def send_uncompressed() -> None:
    """This answer carries a secret the person reads: send it without compression (BREACH)."""
    g.send_uncompressed = True


class Compression(Compress):
    """Flask-Compress, with answers marked by send_uncompressed() left alone."""

    def after_request(self, response):
        if g.get("send_uncompressed"):
            response.vary.add("Accept-Encoding")  # what every other answer says: it depends on it
            return response
        return super().after_request(response)
