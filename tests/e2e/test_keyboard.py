"""Keyboard: Tab reaches every control of the main navigation and of a form, in the page's order, and the
focused control always shows a focus indicator (laptop, 1280x800)."""
from .conftest import check_page
from .walk import log_in

FOCUSABLE = ('a[href], button, input:not([type=hidden]), select, textarea, summary, '
             '[tabindex]:not([tabindex="-1"])')

# The focused element: whether it is inside `region`, shows an outline or box-shadow, is on screen, and
# comes after the previously focused element in the DOM.
_FOCUSED = """region => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    const shadow = style.boxShadow && style.boxShadow !== 'none';
    const box = el.getBoundingClientRect();
    const last = window.__lastFocused;
    const same = last === el;
    const ordered = !last || same || !!(last.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
    window.__lastFocused = el;
    return {inside: !!el.closest(region), same, ordered, indicator: outline || !!shadow,
            visible: box.width > 0 && box.height > 0,
            name: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                  + (el.getAttribute('href') ? '[href=' + el.getAttribute('href') + ']' : '')
                  + (el.name ? '[name=' + el.name + ']' : '')};
}"""

# What Tab should reach in `region`: its visible, enabled focusable elements in DOM order.
_EXPECTED = """([region, focusable]) => [...document.querySelector(region).querySelectorAll(focusable)]
    .filter(el => !el.disabled && el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
    .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
               + (el.getAttribute('href') ? '[href=' + el.getAttribute('href') + ']' : '')
               + (el.name ? '[name=' + el.name + ']' : ''))"""


def tab_through(page, region: str, max_tabs: int = 60) -> list[str]:
    """Press Tab until focus has entered `region` and left it again; returns the problems seen."""
    expected = page.evaluate(_EXPECTED, [region, FOCUSABLE])
    assert expected, f"{page.url}: nothing focusable in {region}"
    page.evaluate("() => { window.__lastFocused = null; }")
    reached, problems, entered = [], [], False
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED, region)
        if not focused["inside"]:
            if entered:
                break
            continue
        entered = True
        if focused["same"]:  # a date input's own parts (day, month, year) take Tabs of their own
            continue
        reached.append(focused["name"])
        if not focused["indicator"]:
            problems.append(f"{focused['name']} has no visible focus indicator (outline or box-shadow)")
        if not focused["visible"]:
            problems.append(f"{focused['name']} is focused but not visible")
        if not focused["ordered"]:
            problems.append(f"{focused['name']} was focused out of DOM order (after {reached[-2:-1]})")
    else:
        problems.append(f"focus did not leave {region} within {max_tabs} Tabs")
    if reached != expected:
        problems.append(f"Tab reached {reached},\n  the page has {expected}")
    return [f"{page.url} {region}: {p}" for p in problems]


def test_tab_through_the_main_navigation_and_the_new_issue_form(laptop):
    page = laptop()
    log_in(page, "nabo")  # ends on the dashboard, focus nowhere yet (check_page would move it to main)

    # From the top of the page: the skip link comes first, then the header with the main menu.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')"), "Tab did not start at the skip link"
    problems = tab_through(page, "header.site-header")
    check_page(page)

    # The new-issue form: the skip link, then into main and through the form.
    page.goto("/saker/ny")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # skip to main
    problems += tab_through(page, "main form")
    check_page(page)
    assert not problems, "\n".join(problems)
