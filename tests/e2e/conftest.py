"""Browser fixtures: a live server with the demo council, phone and laptop pages, and check_page()."""
import os
import re
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask_migrate import upgrade
from playwright.sync_api import expect
from werkzeug.serving import make_server

from naborad import create_app
from naborad.cli import load_demo_data
from naborad.extensions import db

CHROMIUM = "/usr/lib/chromium/chromium"
HERE = Path(__file__).resolve().parent

# Every demo login (beboer, nabo, leder, ansatt, ...) has this password.
DEMO_PASSWORD = "e2e demo passord 2026"

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}
LAPTOP = {"viewport": {"width": 1280, "height": 800}}
# WCAG 1.4.10 reflow: content fits 320 CSS px without horizontal scrolling.
REFLOW_VIEWPORT = {"width": 320, "height": 640}

ACTION_TIMEOUT_MS = 5_000
NAVIGATION_TIMEOUT_MS = 10_000

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_axe = Axe()

# With page scripts disabled, Chromium runs no timers, rAF or queueMicrotask callbacks, only promise
# jobs, so axe.run() would never resolve. Page scripts cannot run there anyway, so give axe timers made
# of promise jobs: zero-delay ones run, longer ones (axe's frame and preload time-out guards) never fire.
_TIMERS_WITHOUT_SCRIPTS = """() => {
    const later = fn => { Promise.resolve().then(fn); };
    window.setTimeout = (fn, delay, ...args) => { if (!(delay > 1)) later(() => fn(...args)); return 0; };
    window.clearTimeout = () => {};
    window.queueMicrotask = later;
}"""


def pytest_collection_modifyitems(config, items):
    # Hooks in a conftest see the whole session's items: touch only the ones below this directory.
    skip = pytest.mark.skip(reason=f"e2e tests need Debian's chromium at {CHROMIUM} "
                                   "(apt-get install chromium; `playwright install` is not used here)")
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)
            if not Path(CHROMIUM).exists():
                if os.environ.get("CI"):  # CI must prove the browser journeys: a missing browser fails the run
                    raise pytest.UsageError(f"CI needs Debian's chromium at {CHROMIUM} for the browser tests")
                item.add_marker(skip)
    # `make screenshots` (-m screenshots) alone takes the screenshots: every other run leaves them out.
    if "screenshots" not in (config.getoption("markexpr") or ""):
        shots = [item for item in items if item.get_closest_marker("screenshots")]
        if shots:
            config.hook.pytest_deselected(items=shots)
            items[:] = [item for item in items if not item.get_closest_marker("screenshots")]


LIVE_CONFIG = {
    "TESTING": True,
    "WTF_CSRF_ENABLED": True,  # the browser carries real tokens
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_COST": 8,
    "ARGON2_PARALLELISM": 1,
    "RATELIMIT_STORAGE_URL": "memory://",
    "TWO_FACTOR_REQUIRED": False,  # the demo council, as `make run` serves it
    "SEND_FILE_MAX_AGE_DEFAULT": 3600,  # the browser keeps app.css and the scripts: a faster walk
    "JINJA_STRICT": True,  # an undefined template variable is a 500, not a silent gap
}


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory) -> Path:
    """An SQLite file built by the real migrations and holding the demo council; servers run on copies."""
    db_file = tmp_path_factory.mktemp("e2e-template") / "demo.sqlite3"
    app = create_app({**LIVE_CONFIG, "DATABASE_URL": f"sqlite:///{db_file}"})
    with app.app_context():
        upgrade()
        load_demo_data(DEMO_PASSWORD)
        db.session.remove()
        db.engine.dispose()  # the last connection closed: the WAL is folded into the file
    return db_file


@contextmanager
def serve(db_file: Path):
    """The app on a free port of 127.0.0.1 over `db_file`, for as long as the block runs."""
    # The port is known only once the socket is bound; BASE_URL (printed invitation links) needs it.
    server = make_server("127.0.0.1", 0, None, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app = create_app({**LIVE_CONFIG, "DATABASE_URL": f"sqlite:///{db_file}", "BASE_URL": url})
    server.app = app
    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    try:
        yield SimpleNamespace(url=url, app=app)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(demo_database, tmp_path_factory):
    """The demo council for the whole session (the walk and the feature tests share it)."""
    db_file = tmp_path_factory.mktemp("e2e-db") / "e2e.sqlite3"
    shutil.copyfile(demo_database, db_file)
    with serve(db_file) as server:
        yield server


@pytest.fixture
def fresh_server(demo_database, tmp_path):
    """A demo council of this test's own (a journey changes what it walks through)."""
    db_file = tmp_path / "journey.sqlite3"
    shutil.copyfile(demo_database, db_file)
    with serve(db_file) as server:
        yield server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 # One origin is tested: the browser's process-per-site isolation only costs time here.
                 "--disable-site-isolation-trials", "--disable-features=IsolateOrigins,site-per-process",
                 # A container's small /dev/shm (64 MB by default) crashes Chromium's renderers; a large one
                 # is faster than the files in /tmp that this flag uses instead.
                 *(["--disable-dev-shm-usage"] if _small_dev_shm() else [])],
    }


def _small_dev_shm() -> bool:
    try:
        stats = os.statvfs("/dev/shm")
    except OSError:
        return True
    return stats.f_bavail * stats.f_frsize < 1 << 30


@pytest.fixture(scope="session")
def base_url(live_server):
    # Replaces pytest-playwright's own base_url fixture (a plugin instance method that pytest 9 warns
    # about); browser_context_args passes it on, so page.goto("/logg-inn") works.
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # nb-NO: a new visitor gets the Norwegian UI from Accept-Language, like most real ones.
    return {**browser_context_args, "locale": "nb-NO", "timezone_id": "Europe/Oslo"}


class PageLog:
    """What a page reported since the last check: console errors (CSP violations among them) and documents."""

    def __init__(self, page, js: bool):
        self.js = js
        self.errors = []
        self.document_status = None
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(("pageerror", str(error), page.url)))
        page.on("response", self._response)

    def _console(self, message):
        text = message.text
        if message.type == "error" or "Content Security Policy" in text or "Refused to" in text:
            self.errors.append((message.type, text, message.location.get("url", "")))

    def _response(self, response):
        request = response.request
        if request.is_navigation_request() and request.frame.parent_frame is None:
            self.document_status = (response.url, response.status)


_logs: dict = {}


def _open_page(new_context, device: dict, js: bool):
    context = new_context(**device, java_script_enabled=js)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    page = context.new_page()
    _logs[page] = PageLog(page, js)
    return page


# The browser logs every non-2xx answer as "Failed to load resource"; the test asserts the 4xx it meant.
_EXPECTED_4XX = re.compile(r"^Failed to load resource: the server responded with a status of 4\d\d ")


def console_problems(pages) -> list[str]:
    """Console errors the pages logged that no check_page took: anything but an answered 4xx (a 422 form)."""
    problems = []
    for page in pages:
        log = _logs.pop(page, None)
        if log:
            problems.extend(f"console {kind}: {text} ({where})" for kind, text, where in log.errors
                            if not _EXPECTED_4XX.match(text))
    return problems


def _pages(new_context, device: dict):
    pages = []

    def open_(js: bool = True):
        pages.append(_open_page(new_context, device, js))
        return pages[-1]
    yield open_
    # A console error at any step (an htmx swap's CSP violation, a script error) fails the test.
    problems = console_problems(pages)
    assert not problems, "console errors during the test:\n" + "\n".join(problems)


@pytest.fixture(scope="session")
def session_page(browser, browser_context_args):
    """session_page(device, js=True, storage_state=None): a page in a context of its own that lives for
    the whole session (the walk shares one logged-in page per role across its tests)."""
    contexts = []

    def new_context(**kwargs):
        contexts.append(browser.new_context(**{**browser_context_args, **kwargs}))
        return contexts[-1]

    def open_(device: dict, js: bool = True, storage_state=None):
        return _open_page(new_context, {**device, **({"storage_state": storage_state} if storage_state else {})}, js)
    yield open_
    for context in contexts:
        for page in context.pages:
            _logs.pop(page, None)
        context.close()


@pytest.fixture
def journey(request, fresh_server, browser, browser_context_args, handset):
    """A journey on a demo council of its own, on `handset` (ON_PHONES in tests/e2e/journey.py)."""
    from .journey import journey_fixture  # cycle: journey.py builds on this module's pages and logs
    yield from journey_fixture(request, fresh_server, browser, browser_context_args, handset)


@pytest.fixture
def phone(new_context):
    """phone(js=True): a new page in a 390x844 touch context of its own (own cookies)."""
    yield from _pages(new_context, PHONE)


@pytest.fixture
def laptop(new_context):
    """laptop(js=True): a new page in a 1280x800 context of its own (own cookies)."""
    yield from _pages(new_context, LAPTOP)


_AXE_RUN = """options => axe.run(document, options).then(results => results.violations)"""


def axe_violations(page) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations on the page. As axe-playwright-python's Axe.run (the same script,
    the same options), but only the violations come back over the wire: the whole result, with every rule
    that passed or did not apply, took a fifth of axe's time on a page."""
    page.evaluate(_axe.axe_script)
    return page.evaluate(_AXE_RUN, {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]})


def _describe_axe(violations) -> str:
    lines = []
    for v in violations:
        targets = "; ".join(", ".join(node["target"]) for node in v["nodes"][:5])
        more = f" (+{len(v['nodes']) - 5} more)" if len(v["nodes"]) > 5 else ""
        lines.append(f"  axe {v['id']} ({v['impact']}): {v['help']} -> {targets}{more}")
    return "\n".join(lines)


def check_page(page, status: int = 200, *, axe: bool = True) -> None:
    """Assert the page is sound: expected status, no console/CSP errors, axe WCAG 2.1 A/AA clean,
    one h1, a main landmark reached by the skip link, no horizontal scroll, and every radio and checkbox
    beside its label at its own size.

    `status` is the expected HTTP status of the document (422 for a form re-rendered with errors);
    the browser logs a non-2xx document as a console error, which is expected then.
    `axe=False` leaves out axe-core (the walk's second and third viewports, which revisit pages
    axe has already checked on the phone).
    """
    page.wait_for_load_state("load")
    url = page.url
    log = _logs[page]
    problems = []

    if log.document_status and log.document_status[1] != status:
        problems.append(f"document {log.document_status[0]} answered {log.document_status[1]}, expected {status}")
    for kind, text, where in log.errors:
        expected_document_error = (status >= 400 and where == (log.document_status or ("",))[0]
                                   and text.startswith(f"Failed to load resource: the server responded "
                                                       f"with a status of {status}"))
        if not expected_document_error:
            problems.append(f"console {kind}: {text} ({where})")
    log.errors.clear()

    if axe:
        if not log.js:
            page.evaluate(_TIMERS_WITHOUT_SCRIPTS)
        if violations := axe_violations(page):
            problems.append("axe-core WCAG 2.1 A/AA violations:\n" + _describe_axe(violations))

    facts = page.evaluate(_PAGE_FACTS)
    if facts["h1"] != 1:
        problems.append(f"{facts['h1']} h1 elements, expected exactly 1")
    if facts["main"] != 1:
        problems.append(f"{facts['main']} main landmarks, expected exactly 1")
    problems.extend(_overflow_problems(page, facts))
    if facts["misplaced"]:
        problems.append(f"radios/checkboxes not beside their labels: {', '.join(facts['misplaced'])}")

    # A skip link bypasses blocks repeated on every page (WCAG 2.4.1): a page without a site header or
    # navigation (the printable contact card) has none to bypass.
    if facts["main"] == 1 and facts["bypassable"]:
        problems.extend(_skip_link_problems(page, facts))

    assert not problems, f"{url}:\n" + "\n".join(f"- {p}" for p in problems)


# What check_page asks of the DOM, in one round trip to the browser (the walk asks it of every page).
_PAGE_FACTS = """() => {
    const main = document.querySelectorAll('main, [role=main]');
    const first = document.querySelector('a[href], button, input:not([type=hidden]), select, textarea, '
                                         + 'summary, [tabindex]:not([tabindex="-1"])');
    return {
        h1: document.querySelectorAll('h1').length,
        main: main.length,
        mainId: main.length ? main[0].id : null,
        bypassable: !!document.querySelector('header, nav, [role=banner], [role=navigation]'),
        first: first ? {href: first.getAttribute('href'), cls: first.className} : null,
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
        // Radios and checkboxes sit beside their labels at their own size (not stretched, not above).
        misplaced: [...document.querySelectorAll('input[type=radio], input[type=checkbox]')]
            .filter(box => box.offsetParent !== null && box.labels && box.labels.length)
            .filter(box => {
                const a = box.getBoundingClientRect(), label = box.labels[0];
                if (a.width > 48 || a.height > 48) return true;
                if (label.contains(box)) return false;
                const b = label.getClientRects()[0] || label.getBoundingClientRect();
                const middle = a.top + a.height / 2;
                const beside = a.right <= b.left + 2 || b.right <= a.left + 2;
                return !beside || middle < b.top - 8 || middle > b.bottom + 8;
            })
            .slice(0, 3).map(box => '#' + (box.id || box.name) + ' ' + Math.round(box.getBoundingClientRect().width) + 'px'),
    };
}"""

_WIDEST = """() => [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > innerWidth + 1 && el.getBoundingClientRect().width > 0)
    .slice(0, 3).map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                     + (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : ''))"""


def _overflow_problems(page, facts: dict | None = None) -> list[str]:
    # A mobile browser widens the layout viewport (innerWidth) to fit too-wide content, so compare with
    # the device's own width as well.
    if facts is None:
        facts = page.evaluate("() => ({scrollWidth: document.documentElement.scrollWidth, innerWidth})")
    scroll_width, inner_width = facts["scrollWidth"], facts["innerWidth"]
    limit = min(inner_width, page.viewport_size["width"])
    if scroll_width > limit:
        return [f"horizontal scroll: scrollWidth {scroll_width} > {limit} "
                f"(innerWidth {inner_width}, viewport {page.viewport_size['width']}); "
                f"too wide: {', '.join(page.evaluate(_WIDEST)) or '?'}"]
    return []


def check_reflow(page) -> None:
    """The cheap part of check_page for a page already checked at another size: no horizontal scrolling
    and no new console error."""
    log = _logs[page]
    problems = [f"console {kind}: {text} ({where})" for kind, text, where in log.errors]
    log.errors.clear()
    problems.extend(_overflow_problems(page))
    assert not problems, f"{page.url}:\n" + "\n".join(f"- {p}" for p in problems)


# Focus the skip link (the first focusable element) and tell whether it shows itself.
_FOCUS_SKIP_LINK = """() => {
    const skip = document.querySelector('a[href], button, input:not([type=hidden]), select, textarea, '
                                        + 'summary, [tabindex]:not([tabindex="-1"])');
    skip.focus();
    const box = skip.getBoundingClientRect();
    return {y: box.top, height: box.height, focused: document.activeElement === skip};
}"""


_FOCUS_MOVED = """url => {
    const moved = !!document.activeElement && document.activeElement.matches('main, [role=main]');
    if (location.href !== url) history.replaceState(history.state, '', url);
    return moved;
}"""


def _skip_link_problems(page, facts: dict) -> list[str]:
    # The skip link must be the first thing Tab reaches, show itself when focused, and move focus to main.
    main_id, first = facts["mainId"], facts["first"]
    if not first or not main_id or first["href"] != f"#{main_id}":
        return [f"the first focusable element is {first}, not a skip link to #{main_id}"]
    box = page.evaluate(_FOCUS_SKIP_LINK)
    if not box["focused"] or box["y"] < 0 or box["height"] < 1:
        return [f"the focused skip link is not visible (box {box})"]
    url_before = page.url
    page.keyboard.press("Enter")
    # Is main focused now? Then drop the "#main" again (a form posting to "" would carry it through its
    # redirect). One round trip; the browser's own wait only when focus has not moved yet.
    if page.evaluate(_FOCUS_MOVED, url_before):
        return []
    try:
        expect(page.locator("main, [role=main]")).to_be_focused(timeout=2_000)
    except AssertionError:
        return ["the skip link does not move focus to main"]
    finally:
        page.evaluate(_FOCUS_MOVED, url_before)
    return []
