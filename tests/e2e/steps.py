"""Small steps the browser tests share: unique texts, "was the page loaded again?", POSTs answered, focus."""
import uuid


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:12]}"


def mark_document(page) -> None:
    """Put a marker on the current document; it survives htmx swaps but not a page load."""
    page.evaluate("window.__no_page_load = true")


def expect_same_document(page) -> None:
    assert page.evaluate("window.__no_page_load === true"), "the page was loaded again"


def track_posts(page, path: str) -> dict:
    """Count the POSTs to `path` that the page sends and the ones answered."""
    posts = {"sent": 0, "answered": 0}

    def sent(request):
        if request.method == "POST" and request.url.endswith(path):
            posts["sent"] += 1

    def answered(request):
        if request.method == "POST" and request.url.endswith(path):
            posts["answered"] += 1
    page.on("request", sent)
    page.on("requestfinished", answered)
    page.on("requestfailed", answered)
    return posts


def wait_for_answers(page, posts: dict, timeout_ms: int = 5_000) -> None:
    for _ in range(timeout_ms // 50):
        if posts["sent"] and posts["answered"] == posts["sent"]:
            page.wait_for_timeout(100)  # let the page swap the last answer in
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"POSTs not all answered: {posts}")


def focused_matches(page, selector: str) -> bool:
    return page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector)


def tab_to(page, selector: str, *, backwards: bool = False, limit: int = 300) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches `selector`."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        if focused_matches(page, selector):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{limit} presses of {key} never reached {selector}")
