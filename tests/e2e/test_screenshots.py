"""`make screenshots`: PNGs of the main pages for each role, phone and laptop, into docs/screenshots/.

Deselected unless pytest runs with `-m screenshots` (so `make test` never writes them).
"""
import re
from pathlib import Path

import pytest

from .conftest import LAPTOP, PHONE
from .walk import ROLES, log_in

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

# (name, path) for a list page; (name, list path, pattern) for "the first thing linked from that list".
PAGES = {
    "anon": [("login", "/logg-inn"), ("contact", "/kontakt"), ("forgot-password", "/glemt-passord")],
    "members": [
        ("dashboard", "/"),
        ("issues", "/saker/"), ("issue", "/saker/", r"^/saker/\d+$"), ("new-issue", "/saker/ny"),
        ("meetings", "/moter/"), ("meeting", "/moter/", r"^/moter/\d+$"),
        ("events", "/arrangementer/"), ("event", "/arrangementer/", r"^/arrangementer/\d+$"),
        ("premeeting", "/beboermote/"), ("members", "/medlemmer/"), ("report", "/meld-fra/"),
        ("notifications", "/varsler/"), ("contact", "/kontakt"), ("profile", "/profil"),
        ("two-factor", "/profil/to-trinn"),
    ],
}


def _first_link(page, pattern: str) -> str | None:
    hrefs = page.evaluate("() => [...document.querySelectorAll('main a[href]')].map(a => a.getAttribute('href'))")
    return next((h for h in hrefs if re.match(pattern, h.split("?")[0])), None)


@pytest.mark.screenshots
@pytest.mark.parametrize("role", ROLES)
def test_screenshots(session_page, role):
    OUT.mkdir(parents=True, exist_ok=True)
    saved = 0
    for device_name, device in (("phone", PHONE), ("laptop", LAPTOP)):
        page = session_page(device)
        if role != "anon":
            log_in(page, role)
        for name, path, *pattern in PAGES["anon" if role == "anon" else "members"]:
            response = page.goto(path)
            if pattern:
                path = _first_link(page, pattern[0])
                if not path:
                    continue
                response = page.goto(path)
            if response is None or response.status != 200:  # not this role's page (the pre-meeting: 404)
                continue
            page.screenshot(path=OUT / f"{role}-{device_name}-{name}.png", full_page=True)
            saved += 1
        page.context.close()
    assert saved, f"no screenshot saved for {role}"
