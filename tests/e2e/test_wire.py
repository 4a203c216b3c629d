"""Light on the wire in a real browser (issue 16, item 4): the first view of a page takes at most 5 requests,
all compressed; a repeat view (a link to a page, not a reload) takes 1, the static files coming from
Chromium's cache."""
from contextlib import contextmanager
from urllib.parse import urlsplit

from playwright.sync_api import expect

from ..conftest import csrf_from
from .conftest import DEMO_PASSWORD, check_page

# Polls that pages of other tests, still open on the same live server, may send at any moment.
BACKGROUND = {"/varsler/antall"}


@contextmanager
def requests_reaching(server):
    """The paths of the requests the server answers while the block runs (what the browser did not take from
    its cache), from a WSGI wrapper around the live app."""
    seen, app = [], server.app
    inner = app.wsgi_app

    def counting(environ, start_response):
        if environ["PATH_INFO"] not in BACKGROUND:
            seen.append(environ["PATH_INFO"])
        return inner(environ, start_response)
    app.wsgi_app = counting
    try:
        yield seen
    finally:
        app.wsgi_app = inner


def log_in_without_the_page(page, login: str) -> None:
    """Log in through the login form's POST from the context's own HTTP client: the browser's cache stays
    empty (the login page is not rendered, nor its static files loaded)."""
    api = page.context.request
    token = csrf_from(api.get("/logg-inn").text())
    response = api.post("/logg-inn", form={"login": login, "password": DEMO_PASSWORD, "csrf_token": token},
                        max_redirects=0)
    assert response.status == 303


def test_a_page_takes_5_requests_at_first_and_1_when_seen_again(phone, live_server):
    page = phone()
    log_in_without_the_page(page, "nabo")
    sent, answered = [], {}
    page.on("request", lambda request: sent.append(urlsplit(request.url).path))
    page.on("response", lambda response: answered.update({urlsplit(response.url).path: response.all_headers()}))

    with requests_reaching(live_server) as served:
        page.goto("/")
        check_page(page)
        page.wait_for_load_state("networkidle")
    # (The favicon, as the icon and as the header's image, is one fetch: Chromium reports the other two, which
    # its memory cache answers.)
    fetched = list(dict.fromkeys(sent))
    assert len(fetched) <= 5, sent
    assert fetched[0] == "/" and {"/static/app.css", "/static/app.js"} <= set(fetched), sent
    assert sorted(served) == sorted(fetched)
    for path in sent:
        headers = answered[path]
        if int(headers.get("content-length", "1000")) >= 500:
            assert headers.get("content-encoding") == "br", (path, headers)  # Chromium offers br: it gets br
        assert "accept-encoding" in headers["vary"].lower(), (path, headers)

    # Seen again by following a link (a reload would ask again about every file): the page alone. Then another
    # page, by its address, and back by the link: each one request.
    for go in (lambda: page.locator("a.brand").click(), lambda: page.goto("/saker/"),
               lambda: page.locator("a.brand").click()):
        sent.clear()
        with requests_reaching(live_server) as served:
            go()
            page.wait_for_load_state("networkidle")
        path = urlsplit(page.url).path
        assert served == [path], served
        expect(page.locator("h1")).to_be_visible()
    check_page(page, axe=False)

    # A new tab of the same browser (no page memory to lean on, only the HTTP cache): the page alone too.
    tab = page.context.new_page()
    with requests_reaching(live_server) as served:
        tab.goto("/saker/")
        tab.wait_for_load_state("networkidle")
    assert served == ["/saker/"], served
    # ... with its style and scripts, from the cache.
    assert tab.evaluate("typeof htmx === 'object' && document.styleSheets[0].cssRules.length > 50")
    tab.close()
