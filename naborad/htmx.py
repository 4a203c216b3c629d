"""The one place that decides between a full page and an htmx fragment, and how a change is answered.

- `render(page, fragment, **ctx)`: a page, or for an htmx request that swaps a region its fragment.
- `after_change(fragment, url, message, **ctx)`: a change went through; htmx gets the fragment that
  replaces its target, a plain POST the flash message and a 303 to `url` (htmx without a fragment:
  HX-Redirect).
- `invalid(page, fragment, **ctx)`: the form comes back with its errors, 422, beside its fields.
"""
from collections.abc import Callable

from flask import flash, make_response, redirect, render_template, request


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def wants_fragment() -> bool:
    """An htmx request that swaps part of the page (not boosted, not a history restore)."""
    return (is_htmx()
            and request.headers.get("HX-Boosted") != "true"
            and request.headers.get("HX-History-Restore-Request") != "true")


def render(page: str, fragment: str | None = None, /, *, status: int = 200, **ctx):
    template = fragment if fragment and wants_fragment() else page
    response = make_response(render_template(template, **ctx), status)
    response.vary.add("HX-Request")
    return response


def poll(page: str, fragment: str, *, unchanged: bool, context: Callable[[], dict]):
    """An htmx poll of a region: "204 No Content" (htmx swaps nothing, nothing is loaded) while the region is
    as the page shows it (`unchanged`), else the region; without htmx, the page."""
    if unchanged and wants_fragment():
        return "", 204
    return render(page, fragment, **context())


def redirect_to(url: str):
    """A 303 for a plain request; htmx follows redirects inside fetch, so it gets HX-Redirect."""
    if is_htmx():
        response = make_response("", 200)
        response.headers["HX-Redirect"] = url
        response.vary.add("HX-Request")
        return response
    return redirect(url, 303)


def after_change(fragment: str | None, url: str, message: str | None = None, /, *,
                 context: Callable[[], dict] | None = None, **ctx):
    """The answer to a change that went through.

    An htmx request that swaps a region gets `fragment` rendered with `ctx` (and what `context()`
    returns, called only then: the fragment's data is not loaded for a redirect); it carries no flash,
    as the fragment shows the new state itself and a flash would linger until the next page. Any other
    request (or no fragment) flashes `message` as a success, if given, and is sent to `url`.
    """
    if fragment and wants_fragment():
        return render(fragment, fragment, **{**ctx, **(context() if context else {})})
    if message:
        flash(message, "success")
    return redirect_to(url)


def invalid(page: str, fragment: str | None = None, /, *, status: int = 422,
            page_context: Callable[[], dict] | None = None, **ctx):
    """A form that comes back: the page (or for htmx the fragment holding the form) with the form's
    errors beside its fields, 422. `page_context()` adds what only the page needs, called only for it.

    `status` other than 422 for a form that comes back without an error, e.g. asking to confirm
    (the wording prompt, 200) or refused because the thing changed meanwhile (409).
    """
    if fragment and wants_fragment():
        return render(page, fragment, status=status, **ctx)
    return render(page, status=status, **{**ctx, **(page_context() if page_context else {})})
