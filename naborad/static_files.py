"""Static files by content: `static_url("app.css")` gives `/static/app.css?v=<hash of the content>`, and a
request with the current hash is cached for a year as immutable, so a repeat view asks for nothing but the
page. A new file content is a new URL; an old URL still gets the file, cached only as Flask's default says.

Flask-Compress compresses them (br or gzip, as the browser offers) like the pages; the current version of a
file is compressed once per process and encoding, at the best ratio, and kept in memory (its cache backend and
key below)."""
import gzip
import hashlib
import os
from functools import lru_cache
from pathlib import Path

import brotli
import rcssmin
import rjsmin
from flask import current_app, request, url_for
from flask.sessions import SecureCookieSessionInterface

IMMUTABLE = "public, max-age=31536000, immutable"


@lru_cache(maxsize=64)
def _hash_of(path: Path, modified: float) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def fingerprint(filename: str) -> str:
    """The first 12 hex digits of the file's SHA-256 (worked out again only when the file changes)."""
    path = Path(current_app.static_folder) / filename
    return _hash_of(path, path.stat().st_mtime)


_urls: dict[tuple, str] = {}
_paths: dict[tuple, str] = {}


def static_url(filename: str) -> str:
    """The file's URL with its content hash (each URL built once per file version and URL root; a page links
    four): a stat of the file per call tells whether it changed."""
    folder = current_app.static_folder
    path = _paths.get((folder, filename))
    if path is None:
        path = _paths[folder, filename] = os.path.join(folder, filename)
    key = (path, os.stat(path).st_mtime, request.script_root)
    url = _urls.get(key)
    if url is None:
        if len(_urls) > 256:  # old versions of files changed while running
            _urls.clear()
        url = _urls[key] = url_for("static", filename=filename, v=fingerprint(filename))
    return url


def cache_forever(response):
    """after_request: the current version of a static file is cached for a year, as immutable."""
    if (request.endpoint == "static" and response.status_code == 200 and request.args.get("v")
            and request.args["v"] == fingerprint(request.view_args["filename"])):
        response.headers["Cache-Control"] = IMMUTABLE
    return response


class SessionInterface(SecureCookieSessionInterface):
    """Flask's cookie session, left alone by static files. Flask-Login's after_request looks into the session on
    every answer, and Flask then adds "Vary: Cookie" (and refreshes the cookie): the browser would ask again
    about every cached file whenever the session cookie changed (on every page, as it carries the time). A
    file is the same whoever asks."""

    def save_session(self, app, session, response):
        if request.endpoint == "static":
            return None
        return super().save_session(app, session, response)


# Our own stylesheet and script are written to be read (comments, indentation); they are served minified, by
# the well-kept rcssmin and rjsmin, as they are at the first load of every page (2.8 KB less of 23 in gzip).
# Vendored files come minified already.
MINIFIERS = {"text/css": rcssmin.cssmin, "text/javascript": rjsmin.jsmin}


@lru_cache(maxsize=16)
def _minified(path: Path, version: str, mimetype: str) -> bytes:
    return MINIFIERS[mimetype](path.read_text(encoding="utf-8")).encode("utf-8")


def served_bytes(filename: str, data: bytes | None = None, mimetype: str | None = None) -> bytes:
    """What a static file's answer carries: our own CSS and JavaScript minified (once per content), the
    rest as it is on disk."""
    path = Path(current_app.static_folder) / filename
    if data is None:
        data = path.read_bytes()
    if mimetype is None:
        mimetype = {".css": "text/css", ".js": "text/javascript"}.get(path.suffix)
    if _minifiable(filename, mimetype):
        return _minified(path, hashlib.sha256(data).hexdigest()[:12], mimetype)
    return data


def _minifiable(filename: str, mimetype: str | None) -> bool:
    return mimetype in MINIFIERS and not filename.startswith("vendor/")


def readable_for_compression(response):
    """after_request: a static file's answer is a stream (Flask sends the file as it reads it), which
    Flask-Compress leaves alone (COMPRESS_STREAMS off: it would drop gzip and its cache); a whole file (200,
    not a range) of a type worth compressing is read into the answer so it is compressed, or taken from the
    cache, as a whole. Our own CSS and JavaScript go out minified, always whole: a range of them would be a
    range of the readable file under the same ETag, so a Range request gets the whole minified file (200)."""
    if request.endpoint != "static":
        return response
    filename = request.view_args["filename"]
    if response.status_code == 206 and _minifiable(filename, response.mimetype):
        if hasattr(response.response, "close"):
            response.response.close()  # the file's stream, not sent
        response.status_code = 200
        response.headers.pop("Content-Range", None)
        response.direct_passthrough = False
        response.set_data(served_bytes(filename))
        return response
    if (response.status_code == 200 and response.is_streamed
            and response.mimetype in current_app.config["COMPRESS_MIMETYPES"]):
        stream = response.response
        response.direct_passthrough = False
        data = response.get_data()  # makes the body a list of bytes: no longer streamed
        if hasattr(stream, "close"):
            stream.close()  # the file: the answer no longer holds it, so would not close it
        if _minifiable(filename, response.mimetype):
            response.set_data(served_bytes(filename, data, response.mimetype))
    return response


def compression_cache_key(req) -> str:
    """COMPRESS_CACHE_KEY: the current version of a static file by name and hash; "" (not cached) for the rest."""
    if req.endpoint == "static" and req.args.get("v") == fingerprint(req.view_args["filename"]):
        return f"{req.view_args['filename']}?v={req.args['v']}"
    return ""


# Compressed once per process: the best ratio is worth its time (htmx: 35 ms, 12.0 KB in br instead of 13.1).
BEST = {"br": lambda data: brotli.compress(data, quality=11),
        "gzip": lambda data: gzip.compress(data, compresslevel=9, mtime=0)}


class CompressedFiles:
    """COMPRESS_CACHE_BACKEND: the current version of each static file, compressed once at the best ratio and
    kept in memory (a few files, two encodings). Flask-Compress asks it before it compresses any answer, keyed
    "<encoding>;<compression_cache_key>": a page's key is empty, and nothing is found or kept for it."""

    def __init__(self):
        self.data: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        if key not in self.data:
            encoding, _, name = key.partition(";")
            filename, _, version = name.partition("?v=")
            if not filename or encoding not in BEST:
                return None
            data = (Path(current_app.static_folder) / filename).read_bytes()
            if hashlib.sha256(data).hexdigest()[:12] != version:
                return None  # changed since it was answered: Flask-Compress compresses what it has
            self.data[key] = BEST[encoding](served_bytes(filename, data))
        return self.data[key]

    def set(self, key: str, value: bytes) -> None:
        pass  # get() keeps what is worth keeping
