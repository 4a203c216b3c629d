"""Rows rendered once, served many times: the HTML of a list row kept in memory under a key that holds
everything the row shows (issue 16: a thread's thirty replies were rendered again on every view).

A template wraps a row in `{% call cached_row(key) %}...{% endcall %}` with a key from a function below. The
key is the whole input of the row (its data, the viewer's rights on it, the language, the relative time as
it reads now), so a changed reply, author, right or language is another key and never a stale row; old
keys fall out of the bounded LRU. A row with a form carries the page's CSRF token: it is rendered with a
per-process placeholder that each response swaps for its own masked token (naborad/csrf_mask.py), so a
cached row never holds anyone's token.

The same holds for bigger parts: `cached_list` (a thread's whole content, or its list of replies and lines:
thread_page_key, thread_key), `cached_part` (layout parts that read only their inputs, the language and the
URL root: the menu by role and endpoint, the badge by its count) and `cached_form` (an empty form, whose
one-time form token is a placeholder too, replaced by a new token per form and response). Nothing is ever
invalidated: a key is read from the database on every request, so a change anywhere is a new key at once,
in every worker. Inside a part being rendered for the cache, inner parts keep their placeholders; the
outermost part fills them in.
"""
from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from itertools import chain

from flask import g, request
from flask_babel import get_locale
from markupsafe import Markup

from .access import MODERATORS
from .csrf_mask import CSRF_PLACEHOLDER, masked_csrf_token
from .forms import new_token
from .i18n import ago_filter, ago_texts
from .issues.service import E_CREATED, R_AUTHOR_ID, R_CREATED, R_HIDDEN, R_ID
from .markdown import RENDERER_VERSION
from .models import utcnow

MAX_ROWS = 2048
# What a cached form carries instead of its one-time form token; each response puts in a new token per form.
FORM_TOKEN_PLACEHOLDER = "form-token-placeholder-" + secrets.token_hex(16)
MAX_LISTS = 256


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
lists = RowCache(MAX_LISTS)  # whole lists of rows (a thread's timeline) under one key
parts = RowCache(MAX_LISTS)  # parts of the layout (the menu, the footer's links)


def csrf_placeholder_active() -> bool:
    """Is a row for the cache being rendered now (csrf_mask writes the placeholder instead of the token)?"""
    return bool(g.get("_rendering_cached_row"))


def _cached(cache: RowCache, key: tuple | None, caller) -> Markup:
    """The HTML for `key` from `cache`, rendered by `caller` the first time (None: not cached, rendered now).
    Rendered for the cache, a form's CSRF token and one-time form token are placeholders; the HTML that goes
    out gets this response's masked CSRF token and a new one-time token for each form (inside another cached
    part being rendered the placeholders stay: the outer one fills them in)."""
    outer = g.get("_rendering_cached_row", False)
    html = None if key is None else cache.get(key)
    if html is None:
        g._rendering_cached_row = key is not None or outer
        try:
            html = str(caller())
        finally:
            g._rendering_cached_row = outer
        if key is not None:
            cache.put(key, html)
    if not outer:
        if CSRF_PLACEHOLDER in html:
            html = html.replace(CSRF_PLACEHOLDER, masked_csrf_token())
        if FORM_TOKEN_PLACEHOLDER in html:  # a token of its own for each form
            parts = html.split(FORM_TOKEN_PLACEHOLDER)
            html = "".join(chain.from_iterable((part, new_token()) for part in parts[:-1])) + parts[-1]
    return Markup(html)  # noqa: S704 - rendered by our own template, autoescaped, with the tokens put in


def cached_row(key: tuple, caller) -> Markup:
    """The row's HTML for `key`, rendered by the call block the first time."""
    return _cached(rows, key, caller)


def cached_list(key: tuple, caller) -> Markup:
    """A whole list's HTML for `key` (from a function below), rendered by the call block the first time (its
    rows may come from cached_row)."""
    return _cached(lists, key, caller)


def cached_part(*inputs, caller) -> Markup:
    """A part of the layout that reads nothing but `inputs` (e.g. the role and the endpoint), the language and
    the URL root: rendered once per such key."""
    return _cached(parts, ("part", *inputs, str(get_locale()), request.script_root), caller)


def cached_form(*inputs, caller) -> Markup:
    """An empty form (no data, no errors) that reads nothing but `inputs` (e.g. the issue it posts to), the
    language, the URL root and whether this request's CSRF check failed: rendered once per such key with
    placeholders for its CSRF token and one-time form token, which each response fills in anew."""
    return cached_part("form", *inputs, bool(g.get("csrf_failed")), caller=caller)


def _person(user) -> tuple | None:
    return None if user is None else (user.display_name, user.role, user.chair_seat, user.residents_rep_shown,
                                      user.moved_out_at)


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


def thread_key(thread, issue, viewer, may_edit) -> tuple:
    """Everything templates/issues/show.html's list of replies and timeline lines shows, in one key: the rows
    as the database gave them (issues.service.thread: every column the rows show, their authors, hiders
    and actors), the viewer's rights (moderator: the hide forms; `may_edit` of the viewer's own replies),
    the language, each line's relative time as it reads now and the URL root. A reply, event, person, right
    or language that changed is another key."""
    viewer_id = viewer.id
    own = tuple(row[R_ID] for row in thread.replies
                if row[R_AUTHOR_ID] == viewer_id and row[R_HIDDEN] is None and may_edit(_Own(row)))
    now = utcnow()
    return ("thread", issue.id, str(get_locale()), request.script_root, viewer.role in MODERATORS, own,
            tuple(map(tuple, thread.replies)), tuple(map(tuple, thread.events)),  # plain tuples: compared in C
            ago_texts([row[R_CREATED] for row in thread.replies], now),
            ago_texts([row[E_CREATED] for row in thread.events], now), RENDERER_VERSION)


def thread_page_key(issue, thread, following: bool, cycle, viewer, may_edit) -> tuple:
    """Everything templates/issues/show.html's content shows when no form came back with errors: the list
    (thread_key: its rows, the viewer's rights, language, relative times, URL root), the issue as shown
    (title, status, category, place, time, reasons, lock, its text, author and relative time), whether the
    viewer follows it, where it is in the council's cycle, how many earlier replies are left out, and
    whether this request's CSRF check failed (the forms say so)."""
    current = issue.html_version == RENDERER_VERSION and issue.body_html is not None
    return ("page", thread_key(thread, issue, viewer, may_edit), issue.title, issue.status, issue.category,
            issue.place, issue.happened_at, issue.status_reason, issue.locked_reason, issue.created_at,
            ago_filter(issue.created_at), (True, issue.body_html) if current else (False, issue.body),
            _person(issue.author), following,
            None if cycle is None else (cycle.step, cycle.decided, cycle.result, cycle.meeting.id,
                                        cycle.meeting.starts_at),
            thread.earlier, bool(g.get("csrf_failed")))


class _Own:
    """What may_edit reads of a reply row (author, hidden, created)."""
    __slots__ = ("author_id", "hidden_at", "created_at")

    def __init__(self, row):
        self.author_id, self.hidden_at, self.created_at = row[R_AUTHOR_ID], row[R_HIDDEN], row[R_CREATED]
