"""The one place that decides between a full page and an htmx fragment."""
from flask import make_response, redirect, render_template, request


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


def redirect_to(url: str):
    """A 303 for a plain request; htmx follows redirects inside fetch, so it gets HX-Redirect."""
    if is_htmx():
        response = make_response("", 200)
        response.headers["HX-Redirect"] = url
        response.vary.add("HX-Request")
        return response
    return redirect(url, 303)
