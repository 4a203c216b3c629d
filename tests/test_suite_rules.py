"""What the suite's own shortcuts rest on, checked.

- The browser journeys run on a 320 px phone in `make test` and on a 390 px one for `make screenshots`
  (tests/e2e/journey.py). That proves the 390 px phone too only while both get the same layout: no media
  query of the stylesheet may switch between 320 and 390 CSS px.
- The PostgreSQL pass leaves out the tests that ask for no database (tests/conftest.py). That is sound only
  while every way to a database goes through the `database_url` fixture: no test reads the suite's
  database setting itself.
"""
import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent
CSS = TESTS.parent / "static" / "app.css"
ROOT_FONT_PX = 16  # rem in media queries is the browser's default font size, not the page's
_WIDTH = re.compile(r"\((?:min|max)-width:\s*([\d.]+)(px|rem|em)\)")


def _breakpoints(css: str) -> list[float]:
    return [float(value) * (1 if unit == "px" else ROOT_FONT_PX) for value, unit in _WIDTH.findall(css)]


def test_no_breakpoint_lies_between_the_two_journey_phones():
    points = _breakpoints(CSS.read_text(encoding="utf-8"))
    assert points, "no width media query found: has the stylesheet moved?"
    between = [p for p in points if 320 < p <= 390]
    assert not between, f"breakpoints at {between} px: run the journeys at 390 px in make test as well"


def test_the_check_sees_a_breakpoint_between_them():
    assert _breakpoints("@media (min-width: 22rem) { a { color: red } }") == [352.0]
    assert _breakpoints("@media (max-width: 360px) {}") == [360.0]


def test_only_the_conftest_reads_the_test_database_setting():
    readers = [path.relative_to(TESTS).as_posix() for path in TESTS.rglob("*.py")
               if path.name != "conftest.py" and path != Path(__file__)
               and re.search(r"environ(\.get\(|\[)\s*[\"']NABORAD_TEST_DATABASE_URL", path.read_text(encoding="utf-8"))]
    assert not readers, f"{readers} read NABORAD_TEST_DATABASE_URL: build on the database_url fixture instead"
