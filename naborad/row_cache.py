"""Rows rendered once, served many times: the HTML of a list row kept in memory under a key that holds
everything the row shows (issue 16: a thread's thirty replies were rendered again on every view).

A template wraps a row in `{% call cached_row(key) %}...{% endcall %}` with a key from a function below. The
key is the whole input of the row (its data, the viewer's rights on it, the language, the relative time as
it reads now), so a changed reply, author, right or language is another key and never a stale row; old
keys fall out of the bounded LRU. A row with a form carries the page's CSRF token: it is rendered with a
per-process placeholder that each response swaps for its own masked token (naborad/csrf_mask.py), so a
cached row never holds anyone's token.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

from flask import g, request
from flask_babel import get_locale
from markupsafe import Markup

from .access import MODERATORS
from .csrf_mask import CSRF_PLACEHOLDER, masked_csrf_token
from .i18n import ago_filter
from .markdown import RENDERER_VERSION

MAX_ROWS = 2048


class RowCache:
    """A bounded LRU of rendered rows, shared by a worker's threads."""

    def __init__(self, size: int = MAX_ROWS):
        self.size = size
        self.rows: OrderedDict[tuple, str] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: tuple) -> str | None:
        with self.lock:
            html = self.rows.get(key)
            if html is None:
                self.misses += 1
            else:
                self.hits += 1
                self.rows.move_to_end(key)
            return html

    def put(self, key: tuple, html: str) -> None:
        with self.lock:
            self.rows[key] = html
            self.rows.move_to_end(key)
            while len(self.rows) > self.size:
                self.rows.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.rows.clear()
            self.hits = self.misses = 0


rows = RowCache()


def csrf_placeholder_active() -> bool:
    """Is a row for the cache being rendered now (csrf_mask writes the placeholder instead of the token)?"""
    return bool(g.get("_rendering_cached_row"))


def cached_row(key: tuple, caller) -> Markup:
    """The row's HTML for `key`, rendered by the call block the first time."""
    html = rows.get(key)
    if html is None:
        g._rendering_cached_row = True
        try:
            html = str(caller())
        finally:
            g._rendering_cached_row = False
        rows.put(key, html)
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, masked_csrf_token())
    return Markup(html)  # noqa: S704 - rendered by our own template, autoescaped, with the token put back


def _person(user) -> tuple | None:
    return None if user is None else (user.display_name, user.role, user.chair_seat, user.residents_rep_shown)


def reply_row_key(reply, issue, viewer, may_edit) -> tuple:
    """Everything templates/issues/_rows.html's reply_item shows (without a hide form that came back with
    errors, which is never cached): the reply, its text as shown, author, hider, the viewer's rights on it
    (`may_edit(reply)`, asked of the viewer's own replies only), the language, the relative time and the URL root."""
    current = reply.html_version == RENDERER_VERSION and reply.body_html is not None
    hider = reply.hidden_by
    own = reply.author_id == viewer.id and reply.hidden_at is None and may_edit(reply)
    return ("reply", reply.id, issue.id, reply.created_at, reply.edited_at, reply.hidden_at, reply.hidden_reason,
            None if hider is None else (hider.role, hider.chair_seat),
            (True, reply.body_html) if current else (False, reply.body), _person(reply.author),
            viewer.role in MODERATORS, own, str(get_locale()), ago_filter(reply.created_at), request.script_root)
