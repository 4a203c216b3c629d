"""The browser walk: follow the same-origin links a visitor can see, one URL per endpoint, checking each page."""
import re
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlsplit

from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from .conftest import DEMO_PASSWORD, LAPTOP, REFLOW_VIEWPORT, check_page, check_reflow

# The demo logins the walk uses, and anon (no login). Every demo login has DEMO_PASSWORD.
ROLES = ["anon", "beboer", "nabo", "leder", "ansatt"]

# More pages than this for one visitor means the walk has run away (or the app has grown: raise it then).
MAX_PAGES = 140  # one URL per endpoint: issues 19-23 added some fifty staff pages

# Never followed: logging out ends the walk's session; downloads and feeds are not pages.
_SKIP_PATH = re.compile(r"^/(logg-ut|static/|kalender/|profil/eksport)|\.(ics|csv)$")


def _message(error: AssertionError) -> str:
    """check_page's own message, without pytest's repeat of the assertion."""
    return str(error).split("\nassert ")[0]


def log_in(page, login: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/logg-inn")
    page.locator("#login").fill(login)
    page.locator("#password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    assert urlsplit(page.url).path == "/", f"logging in as {login} ended on {page.url}"


def start_path(role: str) -> str:
    return "/logg-inn" if role == "anon" else "/"


def endpoint_of(app, path: str) -> str:
    """The Flask endpoint serving a path (one issue thread stands for all); the path with numbers
    normalised when no endpoint matches."""
    adapter = app.url_map.bind("127.0.0.1")
    for _ in range(2):
        try:
            return adapter.match(path, method="GET")[0]
        except RequestRedirect as redirect:  # "/saker" -> "/saker/"
            path = urlsplit(redirect.new_url).path
        except HTTPException:
            break
    return re.sub(r"/\d+(?=/|$|\.)", "/<int>", path)


@dataclass
class Walk:
    role: str
    js: bool
    urls: dict = field(default_factory=dict)       # endpoint -> the URL (path and query) that stood for it
    sources: dict = field(default_factory=dict)    # URL -> the HTML the server sent
    hx_gets: set = field(default_factory=set)      # hx-get URLs seen on the pages (htmx fragments)
    problems: list = field(default_factory=list)   # check_page failures and walk problems, one string each


def same_origin_links(page, origin: str) -> tuple[list[str], list[str]]:
    """(links to follow, hx-get URLs) on the page, as paths with their query strings."""
    hrefs, hx_gets = page.evaluate("""() => [
        [...document.querySelectorAll('a[href]')].map(a => a.href),
        [...document.querySelectorAll('[hx-get]')].map(el => new URL(el.getAttribute('hx-get'), location.href).href),
    ]""")

    def local(urls):
        out = []
        for url in urls:
            url = urldefrag(url)[0]
            parts = urlsplit(url)
            if f"{parts.scheme}://{parts.netloc}" != origin or _SKIP_PATH.search(parts.path):
                continue
            out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
        return out
    return local(hrefs), local(hx_gets)


def walk(page, app, origin: str, role: str, js: bool = True) -> Walk:
    """Breadth-first from the role's start page; every page gets check_page (axe included)."""
    result = Walk(role, js)
    queue = [start_path(role)]
    while queue:
        path = queue.pop(0)
        endpoint = endpoint_of(app, urlsplit(path).path)
        if endpoint in result.urls:
            continue
        if len(result.urls) >= MAX_PAGES:
            result.problems.append(f"the walk stopped at {MAX_PAGES} pages (raise MAX_PAGES if the app grew); "
                                   f"not visited: {sorted({endpoint_of(app, urlsplit(q).path) for q in queue})}")
            break
        result.urls[endpoint] = path
        try:
            response = page.goto(path)
        except Exception as error:  # a time-out or a crashed page: name it and go on
            result.problems.append(f"{origin}{path}: could not load: {error}")
            continue
        if response is not None:
            try:
                result.sources[path] = response.text()
            except Exception:  # a body the browser did not keep; check_page still checks the status
                pass
        try:
            check_page(page)
        except AssertionError as error:
            result.problems.append(f"{path} ({endpoint}) as {role}: {_message(error)}")
        links, hx_gets = same_origin_links(page, origin)
        result.hx_gets.update(hx_gets)
        queue.extend(links)
    return result


def revisit(page, origin: str, walk_: Walk) -> list[str]:
    """Every URL of a walk again on a laptop (1280x800): every check but axe (the phone walk ran it); then,
    without reloading, the same page narrowed to 320x640 CSS px (WCAG 1.4.10 reflow, as a desktop browser
    zoomed to 400 %): no horizontal scrolling, and no console error from the narrowing."""
    problems = []
    for endpoint, path in walk_.urls.items():
        page.set_viewport_size(LAPTOP["viewport"])
        try:
            page.goto(path)
            check_page(page, axe=False)
        except AssertionError as error:
            problems.append(f"{path} ({endpoint}) as {walk_.role} at 1280x800: {_message(error)}")
        except Exception as error:
            problems.append(f"{origin}{path} as {walk_.role} at 1280x800: could not load: {error}")
            continue
        page.set_viewport_size(REFLOW_VIEWPORT)
        try:
            check_reflow(page)
        except AssertionError as error:
            problems.append(f"{path} ({endpoint}) as {walk_.role} at 320x640: {_message(error)}")
    return problems
