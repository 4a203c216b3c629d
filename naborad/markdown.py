"""Markdown for user text: no raw HTML, no images, links marked nofollow; sanitised with nh3.

Rendered once, when the text is written: a model with `RenderedText` keeps `<field>_html` beside each
field named in `__rendered__`, and `html_version` says which renderer wrote them. Templates show it with
`stored_html(obj, field)`, the one place stored HTML is marked safe. After a change to the renderer, raise
RENDERER_VERSION: rows written before render on read until `flask rerender-text` has stored them anew.
"""
from itertools import chain

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlalchemy import event, func, inspect, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

# Raise by one whenever what render_markdown() gives for a text changes (rules, allowed tags, library).
RENDERER_VERSION = 1

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True}).disable("image")

ALLOWED_TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre", "hr",
                "h1", "h2", "h3", "h4", "h5", "h6"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}


def render_markdown(text: str | None) -> Markup:
    """The one place user text becomes HTML: rendered, then cleaned by nh3."""
    html = _md.render(text or "")
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                      url_schemes={"http", "https", "mailto"}, link_rel="nofollow noopener noreferrer")
    return Markup(clean)  # noqa: S704 - sanitised by nh3 just above


class RenderedText:
    """A model whose user text is stored rendered: `<field>_html` for each field in `__rendered__`."""

    __rendered__: tuple[str, ...] = ()
    html_version: Mapped[int | None] = mapped_column()  # RENDERER_VERSION of the stored HTML; None: none stored


def render_fields(obj: RenderedText) -> None:
    """Store every rendered field of `obj` anew, stamped with this renderer's version."""
    for field in obj.__rendered__:  # no text (None, or a column default not applied yet) stores ""
        setattr(obj, f"{field}_html", str(render_markdown(getattr(obj, field))))
    obj.html_version = RENDERER_VERSION


def _needs_rendering(obj: RenderedText) -> bool:
    state = inspect(obj)
    if state.pending or obj.html_version != RENDERER_VERSION:
        return True
    return any(state.attrs[field].history.has_changes() for field in obj.__rendered__)


@event.listens_for(Session, "before_flush")
def _render_written_text(session, flush_context, instances):
    """Text is rendered when it is written, whichever service writes it."""
    for obj in chain(session.new, session.dirty):
        if isinstance(obj, RenderedText) and _needs_rendering(obj):
            render_fields(obj)


def stored_html(obj: RenderedText, field: str) -> Markup:
    """The HTML of `obj.<field>` for a template: as stored, or rendered now if stored by another renderer."""
    if obj.html_version == RENDERER_VERSION:
        html = getattr(obj, f"{field}_html")
        if html is not None:
            return Markup(html)  # noqa: S704 - written by render_fields() from render_markdown(), sanitised
    return render_markdown(getattr(obj, field))


def rerender_stale(session, batch: int = 500) -> dict[str, tuple[int, int]]:
    """Store anew the text of every row whose HTML another renderer wrote (or none did), committing
    per batch; {table: (re-rendered, rows)}."""
    counts = {}
    for model in sorted(RenderedText.__subclasses__(), key=lambda m: m.__tablename__):
        stale = or_(model.html_version.is_(None), model.html_version != RENDERER_VERSION)
        done = 0
        while rows := session.scalars(select(model).where(stale).order_by(model.id).limit(batch)).all():
            for row in rows:
                render_fields(row)
            session.commit()
            done += len(rows)
        counts[model.__tablename__] = (done, session.scalar(select(func.count()).select_from(model)))
    return counts
