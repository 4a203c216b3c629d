"""The one rule for counts shown to the council (issue 19, item 6): 1 and 2 are shown as "fewer than 3".

A count of one or two incidents, members or answers could let someone recognise a single person or
event, so every page that shows the council a count passes it through `small_count()` (a Jinja global
too). Nought stays "0": there is nothing to recognise in it. Staff pages use the same rule, so a number
never reads differently depending on who looks.
"""
from __future__ import annotations

from flask_babel import gettext

SMALL = 3  # counts from 1 up to (not including) this are shown as "fewer than 3"


def is_small(n: int | None) -> bool:
    """Whether the count is hidden behind "fewer than 3"."""
    return n is not None and 0 < n < SMALL


def small_count(n: int | None, short: bool = False) -> str:
    """A count as shown: "fewer than 3" for 1 and 2 ("<3" where space is short, as on a chart's bar), the
    number otherwise, "–" for no figure (None)."""
    if n is None:
        return "–"
    if is_small(n):
        return f"<{SMALL}" if short else gettext("fewer than %(n)d", n=SMALL)
    return str(n)


def shown_value(n: int | None) -> int | None:
    """The count a chart may draw: None (no bar) where the table says "fewer than 3"."""
    return None if n is None or is_small(n) else n
