"""Journeys: one person's way through a task on a phone, step by step, on a demo council of its own.

A journey module parametrizes its test with ON_PHONES and asks for the `journey` fixture;
`journey.open("nabo")` gives a logged-in page, `journey.shot(page, "reply-sent")` saves a screenshot of what
the person sees when `make screenshots` runs into docs/screenshots/journeys/<journey>/.

ON_PHONES is the 320x568 phone (WCAG 1.4.10's reflow width, the narrowest phone we serve) in `make test`,
and the 390x844 phone (a common one, for the pictures) when NABORAD_SCREENSHOTS=1. Both are below the
stylesheet's first breakpoint (40rem), so they get the same layout: running every journey at both sizes
doubled the browser tests' time and proved nothing the 320 px run does not. Every page a journey opens is checked when the test
ends: a console error (a CSP violation, a script error) at any step fails it, swaps included; a 4xx
answer to an htmx request the test made on purpose (a 422 form) is not an error.
"""
import os
from pathlib import Path

import pytest

from .conftest import ACTION_TIMEOUT_MS, DEMO_PASSWORD, NAVIGATION_TIMEOUT_MS, PHONE, PageLog, _logs, console_problems

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "journeys"
PHONE_320 = {**PHONE, "viewport": {"width": 320, "height": 568}}
ON_PHONES = (pytest.mark.parametrize("handset", [PHONE], ids=["phone"]) if os.environ.get("NABORAD_SCREENSHOTS")
             else pytest.mark.parametrize("handset", [PHONE_320], ids=["phone-320"]))

class Journey:
    def __init__(self, server, browser, context_args, device, name: str):
        self.server, self.app, self.url = server, server.app, server.url
        self._browser, self._context_args, self.device = browser, context_args, device
        self.name = name
        self.pages, self._step = [], 0
        self.width = device["viewport"]["width"]

    def open(self, login: str | None = None, *, js: bool = True):
        """A page in a context of its own (own cookies), logged in as `login` through the login form."""
        context = self._browser.new_context(**{**self._context_args, **self.device, "base_url": self.url},
                                            java_script_enabled=js)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        page = context.new_page()
        _logs[page] = PageLog(page, js)
        self.pages.append(page)
        if login:
            page.goto("/logg-inn")
            page.locator("#login").fill(login)
            page.locator("#password").fill(DEMO_PASSWORD)
            page.locator("main form button[type=submit]").click()
            page.wait_for_url(f"{self.url}/")
        return page

    def shot(self, page, step: str, *, element=None, full_page: bool = False) -> None:
        """Save what the person sees now (the viewport; or the whole page, or one element of it) as step NN of
        the journey, under `make screenshots`."""
        self._step += 1
        if os.environ.get("NABORAD_SCREENSHOTS") and self.device is PHONE:
            folder = SHOTS / self.name
            if self._step == 1 and folder.exists():
                for old in folder.glob("*.png"):
                    old.unlink()
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{self._step:02d}-{step}.png"
            if element is not None:
                element.screenshot(path=path, caret="initial")
            else:  # caret "hide" would inject a style, which the CSP refuses
                page.screenshot(path=path, caret="initial", full_page=full_page)

    def db(self, read):
        """`read()` in the journey's app context (to check what was saved); its result."""
        with self.app.app_context():
            return read()


def journey_fixture(request, server, browser, context_args, device):
    """The `journey` fixture's body: the journey, then its console check and its contexts closed."""
    name = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_journey_")
    trip = Journey(server, browser, context_args, device, name)
    yield trip
    problems = console_problems(trip.pages)
    for page in trip.pages:
        page.context.close()
    assert not problems, "console errors during the journey:\n" + "\n".join(problems)
