"""The checks every browser test leans on can fail: axe-core reports a violation it should."""
from .conftest import axe_violations


def test_axe_reports_what_breaks_wcag(phone):
    page = phone()
    page.set_content('<!doctype html><html lang="nb"><head><title>t</title></head><body><main><h1>t</h1>'
                     '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><button></button></main></body></html>')
    found = {violation["id"] for violation in axe_violations(page)}
    assert {"image-alt", "button-name"} <= found, found
