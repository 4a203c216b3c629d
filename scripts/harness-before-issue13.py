"""Turn a checkout into the 'before' of issue 13's speed line: the same tests, with the test harness as it was
before issue 13's speed work (the route-by-role matrix per case with its own data and login, check_page asking
the DOM one fact per round trip, the robustness test's GETs with whole values, Chromium with site isolation and
without /dev/shm). For a side-by-side measurement with scripts/time-make-test.sh; the patches match main as
of issue 13's closing and will stop applying as the harness changes.

    git worktree add --detach ../before HEAD && python scripts/harness-before-issue13.py ../before
"""
import subprocess
import sys
from pathlib import Path

tree = Path(sys.argv[1])


def patch(rel, old, new, count=1):
    p = tree / rel
    s = p.read_text()
    assert s.count(old) == count, (rel, old[:60], s.count(old))
    p.write_text(s.replace(old, new))


# 1. robustness: GET values whole
patch("tests/test_robustness.py", "GET_VALUE_CHARS = 40", "GET_VALUE_CHARS = 10**9")

# 2. Chromium flags as before
patch("tests/e2e/conftest.py", '''                 "--disable-site-isolation-trials", "--disable-features=IsolateOrigins,site-per-process",''', "")
patch("tests/e2e/conftest.py", '''*(["--disable-dev-shm-usage"] if _small_dev_shm() else [])''', '''"--disable-dev-shm-usage"''')

# 3. check_page: one fact per round trip, skip link through locators and Playwright's polling
patch("tests/e2e/conftest.py", '''    facts = page.evaluate(_PAGE_FACTS)
''', '''    facts = page.evaluate(_PAGE_FACTS)  # (before: only the newer 'misplaced' check used it)
    facts["h1"] = page.locator("h1").count()
    facts["main"] = page.get_by_role("main").count()
    facts["scrollWidth"], facts["innerWidth"] = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    facts["bypassable"] = page.locator("header, nav, [role=banner], [role=navigation]").count() > 0
''')
p = tree / "tests/e2e/conftest.py"
s = p.read_text()
start = s.index("def _skip_link_problems(page, facts: dict) -> list[str]:")
end = s.find("\n\n\n", start)
end = len(s.rstrip("\n")) if end < 0 else end
s = s[:start] + '''def _skip_link_problems(page, facts: dict) -> list[str]:
    first = page.evaluate("""() => {
        const el = document.querySelector('a[href], button, input:not([type=hidden]), select, textarea, '
                                          + 'summary, [tabindex]:not([tabindex="-1"])');
        return el ? {href: el.getAttribute('href'), cls: el.className} : null;
    }""")
    main_id = page.get_by_role("main").get_attribute("id")
    if not first or not main_id or first["href"] != f"#{main_id}":
        return [f"the first focusable element is {first}, not a skip link to #{main_id}"]
    skip = page.locator(f'a[href="#{main_id}"]').first
    skip.focus()
    box = skip.bounding_box()
    if not box or box["y"] < 0 or box["height"] < 1:
        return [f"the focused skip link is not visible (box {box})"]
    url_before = page.url
    skip.press("Enter")
    try:
        expect(page.get_by_role("main")).to_be_focused(timeout=2_000)
    except AssertionError:
        return ["the skip link does not move focus to main"]
    finally:
        if page.url != url_before:
            page.evaluate("url => history.replaceState(history.state, '', url)", url_before)
    return []''' + s[end:]
p.write_text(s)

# 4. the route-by-role matrix per case (in a module of its own): fresh data and one login per case,
#    the tables emptied after each case by the conftest fixtures, as before the module-scoped world.
m = tree / "tests/test_access_matrix.py"
s = m.read_text()
start = s.index('@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])\n@pytest.mark.parametrize("endpoint,method,visitor", CASES')
end = s.index("\ndef assert_success", start)
body = s[start:end]
m.write_text(s[:start] + s[end:])
body = body.replace("def test_access_matrix(visit, endpoint, method, visitor, htmx):",
                    "def test_access_matrix(client, make_user, samples, endpoint, method, visitor, htmx):")
body = body.replace("    client, samples = visit(visitor)\n", "    visit_as(client, make_user, visitor)\n")
(tree / "tests/test_access_matrix_per_case.py").write_text('''"""Issue 13's 'before': the matrix per case."""
import pytest

from naborad.extensions import db
from naborad.models import Role

from .conftest import log_in
from .helpers import HX
from .test_access import LOGIN, MATRIX, OK, VISITORS, success_answer
from .test_access_matrix import assert_success


def visit_as(client, make_user, visitor):
    if visitor == "anon":
        return
    role = Role.NEIGHBOUR if visitor == "deactivated" else Role(visitor)
    user = make_user(role)
    assert log_in(client, user.username).status_code == 303
    if visitor == "deactivated":
        user.is_active_member = False
        db.session.commit()


CASES = [(endpoint, method, visitor) for (endpoint, method) in MATRIX for visitor in VISITORS]


''' + body)
print("before variant made in", tree)

subprocess.run([sys.executable, "-m", "ruff", "check", "--fix", "-q", str(tree / "tests")], check=False)
