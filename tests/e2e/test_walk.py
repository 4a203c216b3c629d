"""Every page every visitor can reach, in a real browser: the walk (phone, with axe), the same pages at
320 px and on a laptop, the HTML of every page and htmx fragment through the Nu Html Checker, and the
walk again without JavaScript.

Speed: one logged-in phone page (390x844) per role walks once with JavaScript and axe; a laptop page
(1280x800, the phone's cookies) revisits the collected URLs with every check but axe, and narrows each
to 320x640 without reloading for the reflow check.
"""
import json
import os
import re
import shutil
import subprocess
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from ..helpers import free_port
from .conftest import LAPTOP, PHONE, check_page
from .walk import ROLES, endpoint_of, log_in, revisit, walk

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# htmx's attributes are not HTML (TOOLCHAIN.md): the checker's complaint about them is filtered out.
VNU_FILTER = r".*Attribute “hx-[a-z:-]+” not allowed.*"

# Endpoints every walk must reach (so a broken link or a missing nav entry does not shrink the walk silently).
MUST_REACH = {
    "anon": {"auth.login", "auth.forgot_password", "contact.index", "pages.privacy", "pages.accessibility"},
    "beboer": {"pages.dashboard", "issues.index", "issues.show", "issues.new", "meetings.index", "events.index",
               "premeeting.index", "members.index", "reports.new", "auth.profile"},
    "nabo": {"pages.dashboard", "issues.index", "issues.show", "issues.new", "meetings.index", "events.index",
             "members.index", "reports.new", "auth.profile"},
    "leder": {"pages.dashboard", "issues.index", "issues.show", "meetings.index", "meetings.show", "events.index"},
    "ansatt": {"pages.dashboard", "issues.index", "premeeting.index", "members.invitations", "audit.index",
               "reports.queue"},
}
# And never: the residents' pre-meeting is 404 to neighbours and the chair, so no link may lead there.
MUST_NOT_REACH = {role: {"premeeting.index", "premeeting.show"} for role in ("anon", "nabo", "leder")}


class Walker:
    """One logged-in phone page per role for the session, and each role's walk, made when first asked for."""

    def __init__(self, session_page, live_server):
        self._open = session_page
        self.app = live_server.app
        self.origin = live_server.url
        self._pages = {}
        self._walks = {}

    def page(self, role: str, js: bool = True):
        if (role, js) not in self._pages:
            page = self._open(PHONE, js=js)
            if role != "anon":
                log_in(page, role)
            self._pages[role, js] = page
        return self._pages[role, js]

    def walk(self, role: str, js: bool = True):
        if (role, js) not in self._walks:
            self._walks[role, js] = walk(self.page(role, js), self.app, self.origin, role, js)
        return self._walks[role, js]

    def other_viewport(self, role: str, device: dict):
        """A page at another size with the role's cookies (the same session as the walk)."""
        return self._open(device, storage_state=self.page(role).context.storage_state())


@pytest.fixture(scope="session")
def walker(session_page, live_server, html_checker):
    # html_checker: the checker's Java starts now, while the first walk runs, not when the first check waits.
    return Walker(session_page, live_server)


def _report(problems: list[str]) -> str:
    return f"{len(problems)} page(s) with problems:\n\n" + "\n\n".join(problems)


class WalkAs:
    """One role's walk and what is checked on it. Each role is a class of its own (TestWalkAsAnon, ...):
    `make test` runs the browser tests on 2 workers with --dist loadscope, which keeps a class on one
    worker, so each role is walked once."""
    role = ""

    def test_walk_on_phone(self, walker):
        """390x844 with JavaScript: status, console/CSP, axe WCAG 2.1 A/AA, one h1, main, skip link, no
        overflow."""
        role = self.role
        result = walker.walk(role)
        print(f"walk as {role}: {len(result.urls)} pages: {' '.join(result.urls.values())}")
        problems = list(result.problems)
        reached = set(result.urls)
        if missing := MUST_REACH[role] - reached:
            problems.append(f"the walk as {role} never reached {sorted(missing)} (reached: {sorted(reached)})")
        if leaked := MUST_NOT_REACH.get(role, set()) & reached:
            problems.append(f"as {role} the walk followed links to {sorted(leaked)}, which {role} may not see")
        if problems:
            pytest.fail(_report(problems), pytrace=False)

    def test_pages_on_laptop_and_at_320px(self, walker):
        page = walker.other_viewport(self.role, LAPTOP)
        problems = revisit(page, walker.origin, walker.walk(self.role))
        page.context.close()
        if problems:
            pytest.fail(_report(problems), pytrace=False)

    def test_every_page_and_fragment_is_valid_html(self, walker, html_checker):
        """The Nu Html Checker on every page the role's walk rendered and the htmx fragments of its URLs."""
        html_checker.check(collect_documents(walker, self.role))


class TestWalkAsAnon(WalkAs):
    role = "anon"


class TestWalkAsBeboer(WalkAs):
    role = "beboer"


class TestWalkAsNabo(WalkAs):
    role = "nabo"

    def test_without_javascript_the_walk_reaches_the_same_pages(self, walker):
        with_js, without_js = walker.walk("nabo"), walker.walk("nabo", js=False)
        problems = list(without_js.problems)
        if only_js := set(with_js.urls) - set(without_js.urls):
            problems.append(f"reached only with JavaScript: {sorted(only_js)}")
        if only_plain := set(without_js.urls) - set(with_js.urls):
            problems.append(f"reached only without JavaScript: {sorted(only_plain)}")
        if problems:
            pytest.fail(_report(problems), pytrace=False)

    def test_reply_to_an_issue_without_javascript(self, walker):
        page = walker.page("nabo", js=False)
        page.goto(walker.walk("nabo").urls["issues.show"])
        check_page(page)
        thread = page.url
        body = "Svar sendt uten JavaScript fra nettleseren."
        page.locator("#reply-form textarea").fill(body)
        page.locator("#reply-form button[type=submit]").click()
        page.wait_for_load_state("load")
        assert urlsplit(page.url).path == urlsplit(thread).path, f"after the reply: {page.url}, not {thread}"
        expect(page.locator("#replies")).to_contain_text(body)
        check_page(page)


    def test_the_html_check_sees_htmx_fragments(self, walker):
        """The HTML check covers fragments too: a logged-in member's walk collects some."""
        assert any("fragment" in label for label in collect_documents(walker, "nabo")), "no fragment collected"


class TestWalkAsLeder(WalkAs):
    role = "leder"


class TestWalkAsAnsatt(WalkAs):
    role = "ansatt"


def test_every_role_is_walked():
    assert sorted(cls.role for cls in WalkAs.__subclasses__()) == sorted(ROLES)


# --- HTML validity ---------------------------------------------------------------------------------------------

def _vnu_problem() -> str | None:
    if not shutil.which("java"):
        return "java is missing (apt-get install default-jre-headless)"
    if not VNU_JAR.exists():
        return f"{VNU_JAR.relative_to(ROOT)} is missing (`make test` installs it: npm install --ignore-scripts vnu-jar)"
    return None


_WRAP = {  # a fragment's first element -> the parent it needs to be valid
    "tr": ("<table>", "</table>"), "td": ("<table><tr>", "</tr></table>"), "th": ("<table><tr>", "</tr></table>"),
    "tbody": ("<table>", "</table>"), "li": ("<ul>", "</ul>"), "option": ("<select>", "</select>"),
    "dt": ("<dl>", "</dl>"), "dd": ("<dl>", "</dl>"),
}


def as_document(html: str) -> str:
    """A full page as it is; an htmx fragment inside a minimal page (and the parent its first element needs)."""
    if re.match(r"\s*<!doctype", html, re.I):
        return html
    first = re.match(r"\s*(?:<!--.*?-->\s*)*<([a-z][a-z0-9-]*)", html, re.S | re.I)
    before, after = _WRAP.get(first.group(1).lower() if first else "", ("", ""))
    return (f'<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>fragment</title></head>'
            f"<body>{before}{html}{after}</body></html>")


def collect_documents(walker, role: str) -> dict[str, str]:
    """label -> HTML: every page the role's walk rendered, and the htmx fragments of the walked URLs."""
    documents = {}
    result = walker.walk(role)
    for path, html in result.sources.items():
        documents.setdefault(f"{path} (page, as {role})", html)
    request = walker.page(role).context.request
    for path in sorted(set(result.urls.values()) | result.hx_gets):
        response = request.get(path, headers={"HX-Request": "true"}, max_redirects=0)
        text = response.text() if response.status == 200 else ""
        if text.strip() and not re.match(r"\s*<!doctype", text, re.I):
            documents.setdefault(f"{path} (htmx fragment, as {role})", text)
    return documents


class HtmlChecker:
    """The Nu Html Checker as a server on 127.0.0.1 for the whole session: Java starts and warms up once (a run
    of vnu.jar per role took that time five times over), and pages are checked two at a time."""

    def __init__(self, log: Path):
        self.problem = _vnu_problem()
        self.url = None
        self.process = None
        self.log = log
        if self.problem:
            return
        port = free_port()
        self.url = f"http://127.0.0.1:{port}/?out=json&level=error"
        with open(log, "wb") as out:  # the child keeps its own copy of the file
            self.process = subprocess.Popen(
                ["java", "-Dnu.validator.servlet.bind-address=127.0.0.1", "-cp", str(VNU_JAR),
                 "nu.validator.servlet.Main", str(port)], stdout=out, stderr=subprocess.STDOUT)
        self._ready = False

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + 180
        while not self._ready:
            assert self.process.poll() is None, f"the Nu Html Checker stopped: {self.log.read_text()[-2000:]}"
            try:
                self.messages(as_document("<p>ready</p>"))
                self._ready = True
            except OSError:
                assert time.monotonic() < deadline, "the Nu Html Checker did not start within 180 s"
                time.sleep(0.2)

    def messages(self, html: str) -> list[dict]:
        request = urllib.request.Request(self.url, data=html.encode("utf-8"),
                                         headers={"Content-Type": "text/html; charset=utf-8"})
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 (our own 127.0.0.1 server)
            found = json.loads(response.read()).get("messages", [])
        return [m for m in found if not re.fullmatch(VNU_FILTER, m.get("message", ""), re.S)]

    def check(self, documents: dict[str, str]) -> None:
        """Fail with every error the checker finds in `documents` (label -> HTML)."""
        if self.problem:
            if os.environ.get("CI"):
                pytest.fail(f"The Nu Html Checker cannot run in CI: {self.problem}")
            pytest.skip(f"Nu Html Checker not available: {self.problem}")
        self._wait_until_up()
        labels = list(documents)
        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(lambda label: self.messages(as_document(documents[label])), labels))
        problems = []
        for label, messages in zip(labels, answers):
            for message in messages:
                extract = " ".join(message.get("extract", "").split())[:160]
                problems.append(f"{label}, line {message.get('lastLine')}: {message['message']}\n    {extract}")
        assert not problems, (f"{len(problems)} HTML error(s) in {len(documents)} pages and fragments:\n"
                              + "\n".join(problems))

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture(scope="session")
def html_checker(tmp_path_factory):
    checker = HtmlChecker(tmp_path_factory.mktemp("vnu") / "vnu.log")
    yield checker
    checker.stop()


def test_the_html_check_finds_errors_and_lets_htmx_attributes_pass(html_checker):
    with pytest.raises(AssertionError) as failed:
        html_checker.check({"broken": "<p>an unclosed <div>paragraph</p>", "fine": '<p hx-get="/saker/">fine</p>'})
    message = str(failed.value)
    assert "in 2 pages and fragments" in message and "broken, line 1: Unclosed element “div”" in message
    assert "fine" not in message.split("assert")[0]  # hx-get is not an error


def test_endpoint_of_stands_one_url_for_each_endpoint(live_server):
    app = live_server.app
    assert endpoint_of(app, "/saker/12") == endpoint_of(app, "/saker/7") == "issues.show"
    assert endpoint_of(app, "/saker") == "issues.index"
    assert endpoint_of(app, "/finnes/ikke/3") == "/finnes/ikke/<int>"
