"""Static files by content: `static_url("app.css")` gives `/static/app.css?v=<hash of the content>`, and a
request with the current hash is cached for a year as immutable, so a repeat view asks for nothing but the
page. A new file content is a new URL; an old URL still gets the file, cached only as Flask's default says."""
import hashlib
from functools import lru_cache
from pathlib import Path

from flask import current_app, request, url_for

IMMUTABLE = "public, max-age=31536000, immutable"


@lru_cache(maxsize=64)
def _hash_of(path: Path, modified: float) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def fingerprint(filename: str) -> str:
    """The first 12 hex digits of the file's SHA-256 (worked out again only when the file changes)."""
    path = Path(current_app.static_folder) / filename
    return _hash_of(path, path.stat().st_mtime)


def static_url(filename: str) -> str:
    return url_for("static", filename=filename, v=fingerprint(filename))


def cache_forever(response):
    """after_request: the current version of a static file is cached for a year, as immutable."""
    if (request.endpoint == "static" and response.status_code == 200 and request.args.get("v")
            and request.args["v"] == fingerprint(request.view_args["filename"])):
        response.headers["Cache-Control"] = IMMUTABLE
    return response
