"""Light on the wire (issue 16, item 4): pages, fragments and static files compressed as br or gzip when the
browser offers it, with Vary and ETags that caches can trust; tiny answers and streams left as they are."""
import gzip
import json
import re
from pathlib import Path

import brotli
import pytest

from naborad.extensions import compress, db
from naborad.models import Issue, Role, SituationReport
from naborad.reports.service import progress_version
from naborad.static_files import IMMUTABLE, static_url

from .helpers import HX

ROOT = Path(__file__).resolve().parent.parent
DECODE = {"gzip": gzip.decompress, "br": brotli.decompress}
TOKENS = re.compile(r'("csrf_token" value="|"X-CSRFToken": ")[^"]+"')


def vary(response) -> set[str]:
    return {part.strip().lower() for part in response.headers.get("Vary", "").split(",") if part.strip()}


def without_tokens(html: bytes) -> str:
    # The CSRF token is masked afresh in every response (naborad/csrf_mask.py): two renderings differ there.
    return TOKENS.sub(r"\1TOKEN", html.decode())


def static(app, filename: str) -> str:
    with app.test_request_context():
        return static_url(filename)


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_a_page_is_compressed_when_the_browser_offers_it(client, login_as, make_issue, encoding):
    login_as(Role.NEIGHBOUR)
    make_issue(title="Støy i bakgården", body="Det er bråk om natta. " * 40)
    plain = client.get("/saker/")
    packed = client.get("/saker/", headers={"Accept-Encoding": encoding})
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == encoding
    assert {"hx-request", "accept-encoding"} <= vary(packed)  # htmx's Vary kept beside the encoding's
    assert {"hx-request", "accept-encoding"} <= vary(plain)  # a cache must not hand the plain one to br
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data) * 0.6
    assert without_tokens(DECODE[encoding](packed.data)) == without_tokens(plain.data)
    assert packed.headers["Cache-Control"] == "no-store"


def test_an_htmx_fragment_is_compressed_with_both_varies(client, login_as, make_issue):
    login_as(Role.NEIGHBOUR)
    for n in range(6):
        make_issue(title=f"Søppel i bakgården {n}", body="Dunkene er fulle.")
    response = client.get("/saker/?q=søppel", headers={**HX, "Accept-Encoding": "gzip, deflate, br, zstd"})
    assert response.headers["Content-Encoding"] == "br"  # br first among what we offer; no zstd, no deflate
    assert {"hx-request", "accept-encoding"} <= vary(response)
    assert b"<html" not in brotli.decompress(response.data)


def test_the_browsers_preference_decides_between_br_and_gzip(client):
    assert client.get("/logg-inn", headers={"Accept-Encoding": "br;q=0.5, gzip"}).headers["Content-Encoding"] == "gzip"
    assert client.get("/logg-inn", headers={"Accept-Encoding": "gzip, br"}).headers["Content-Encoding"] == "br"


@pytest.mark.parametrize("offer", [None, "identity", "deflate", "zstd"])
def test_nothing_is_compressed_unless_the_browser_offers_br_or_gzip(client, app, offer):
    headers = {"Accept-Encoding": offer} if offer else {}
    for url in ("/logg-inn", static(app, "app.css")):
        response = client.get(url, headers=headers)
        assert response.status_code == 200
        assert "Content-Encoding" not in response.headers, (url, offer)
        assert "accept-encoding" in vary(response)


def test_tiny_answers_are_sent_as_they_are(app, client, login_as):
    icon = client.get(static(app, "favicon.svg"), headers={"Accept-Encoding": "gzip, br"})
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and len(icon.data) < 500
    assert "Content-Encoding" not in icon.headers
    member = login_as(Role.NEIGHBOUR)
    badge = client.get("/varsler/antall", headers={**HX, "Accept-Encoding": "gzip, br"})
    assert badge.status_code == 200 and 0 < len(badge.data) < 500
    assert "Content-Encoding" not in badge.headers
    # htmx's "nothing changed" answer: the reporter's status poll, 204 with no body.
    report = SituationReport(category="noise", text="Bråk i trappa", reporter_id=member.id)
    db.session.add(report)
    db.session.commit()
    poll = client.get(f"/meld-fra/{report.id}/status?versjon={progress_version(report)}",
                      headers={**HX, "Accept-Encoding": "gzip, br"})
    assert poll.status_code == 204 and poll.data == b""
    assert "Content-Encoding" not in poll.headers


@pytest.mark.parametrize("encoding", ["gzip", "br"])
@pytest.mark.parametrize("filename", ["app.css", "app.js", "vendor/htmx-4.0.1.min.js"])
def test_a_static_file_is_compressed_and_keeps_its_year_long_cache(app, client, filename, encoding):
    url = static(app, filename)
    plain = client.get(url)
    packed = client.get(url, headers={"Accept-Encoding": encoding})
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == encoding
    assert "accept-encoding" in vary(packed) and "accept-encoding" in vary(plain)
    assert DECODE[encoding](packed.data) == plain.data
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data)
    assert packed.headers["Cache-Control"] == plain.headers["Cache-Control"] == IMMUTABLE
    # The ETag names the encoding (a cache never mixes the bodies up), and revalidating with it gives 304.
    plain_etag, packed_etag = plain.headers["ETag"], packed.headers["ETag"]
    assert packed_etag == plain_etag[:-1] + f':{encoding}"'
    with client.get(url, headers={"Accept-Encoding": encoding, "If-None-Match": packed_etag}) as again:
        assert again.status_code == 304 and again.data == b""
    with client.get(url, headers={"If-None-Match": plain_etag}) as again:  # (Flask answers before reading the file)
        assert again.status_code == 304


def test_the_current_static_files_are_compressed_once_and_pages_never_kept(app, client, login_as):
    url = static(app, "app.css")
    version = url.split("?", 1)[1]
    first = client.get(url, headers={"Accept-Encoding": "br"})
    assert compress.cache.data[f"br;app.css?{version}"] == first.data
    raw = client.get(url).data  # minified (see the test below)
    assert first.data == brotli.compress(raw, quality=11)  # once, so at the best ratio
    assert client.get(url, headers={"Accept-Encoding": "gzip"}).data == gzip.compress(raw, 9, mtime=0)
    assert client.get(url, headers={"Accept-Encoding": "br"}).data == first.data
    login_as(Role.NEIGHBOUR)
    client.get("/", headers={"Accept-Encoding": "br"})
    client.get("/static/app.css?v=old", headers={"Accept-Encoding": "br"})  # an old URL: compressed, not kept
    assert all(key.startswith(("br;", "gzip;")) and "?v=" in key and key.split("?v=")[1] != "old"
               for key in compress.cache.data), list(compress.cache.data)


def test_a_range_of_a_static_file_is_sent_as_it_is(app, client):
    with client.get(static(app, "vendor/htmx-4.0.1.min.js"),
                    headers={"Accept-Encoding": "gzip, br", "Range": "bytes=0-99"}) as part:
        assert part.status_code == 206 and len(part.data) == 100
        assert "Content-Encoding" not in part.headers


@pytest.mark.parametrize("filename, comment", [("app.css", b"/*"), ("app.js", b"\n//")])
def test_our_own_css_and_javascript_go_out_minified_and_whole(app, client, filename, comment):
    source = (ROOT / "static" / filename).read_bytes()
    url = static(app, filename)
    whole = client.get(url)
    assert whole.status_code == 200 and comment in source and comment not in whole.data
    assert len(whole.data) < 0.85 * len(source)
    with client.get(url, headers={"Range": "bytes=0-99"}) as part:  # never a range of the readable file
        assert part.status_code == 200 and part.data == whole.data and "Content-Range" not in part.headers
    with client.get(url, headers={"If-None-Match": whole.headers["ETag"]}) as again:
        assert again.status_code == 304
    vendor = static(app, "vendor/htmx-4.0.1.min.js")
    assert client.get(vendor).data == (ROOT / "static" / "vendor/htmx-4.0.1.min.js").read_bytes()


def test_a_data_export_is_compressed_too(client, login_as):
    me = login_as(Role.RESIDENT, full_name="Kari Nordmann")
    for n in range(5):
        db.session.add(Issue(title=f"Sak {n}", body="Tekst " * 20, category="other", author_id=me.id,
                             search_text="sak"))
    db.session.commit()
    response = client.post("/profil/eksport", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(response.data))["profile"]["full_name"] == "Kari Nordmann"


def test_a_static_file_does_not_vary_by_the_session_cookie(app, client, login_as):
    # Flask-Login looks into the session on every answer; a file must not say "Vary: Cookie" (the browser would
    # ask again whenever the cookie changes, i.e. on every page) nor refresh the cookie.
    login_as(Role.NEIGHBOUR)
    page = client.get("/")
    assert "cookie" in vary(page)
    response = client.get(static(app, "app.css"), headers={"Accept-Encoding": "br"})
    assert response.status_code == 200 and vary(response) == {"accept-encoding"}
    assert "Set-Cookie" not in response.headers
    assert client.get("/").status_code == 200  # still logged in


def test_pages_that_show_a_secret_to_read_go_out_uncompressed(client, login_as, make_user):
    # BREACH could read what cannot be masked: the authenticator key and a printable reset link are sent as
    # they are; the same pages without the secret are compressed.
    br = {"Accept-Encoding": "br"}
    login_as(Role.STAFF)
    assert client.get("/profil/to-trinn", headers=br).headers["Content-Encoding"] == "br"  # nothing to scan yet
    client.post("/profil/to-trinn/start")
    setup = client.get("/profil/to-trinn", headers=br)
    assert setup.status_code == 200 and "Content-Encoding" not in setup.headers
    assert b'<svg role="img"' in setup.data and "accept-encoding" in vary(setup)

    member = make_user(Role.RESIDENT, "kari")
    assert client.get(f"/medlemmer/{member.id}/tilbakestill", headers=br).headers["Content-Encoding"] == "br"
    client.post(f"/medlemmer/{member.id}/tilbakestill")
    shown = client.get(f"/medlemmer/{member.id}/tilbakestill", headers=br)
    assert b"/nytt-passord/" in shown.data and "Content-Encoding" not in shown.headers
    assert client.get("/", headers=br).headers["Content-Encoding"] == "br"  # the next page is compressed again
