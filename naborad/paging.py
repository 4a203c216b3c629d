"""One page of a long list: a fixed page size, the page number from the query string (`side`), and whether
more rows follow. "Show more" asks for the next page: htmx appends its rows in place of the button's row,
a plain link renders the whole page with those rows (as the issue list does)."""
from dataclasses import dataclass

from flask import request
from sqlalchemy import func

from .extensions import db
from .search import int_arg

PAGE_SIZE = 25  # rows per page in every paged list
PAGE_ARG = "side"
MAX_PAGE = 10_000  # a page number beyond any real list; a bigger one counts as bad and means page 1


@dataclass(frozen=True)
class Page:
    rows: list
    number: int
    has_more: bool

    @property
    def first(self) -> bool:
        return self.number == 1


def page_number(args=None, name: str = PAGE_ARG) -> int:
    """The page asked for in the query string (`name`: a page with several lists gives each its own);
    a missing, bad or out-of-range value is page 1."""
    return int_arg(request.args if args is None else args, name, 1, maximum=MAX_PAGE)


def paginate(stmt, number: int, size: int = PAGE_SIZE, scalars: bool = True) -> Page:
    """Page `number` of an ordered select() in one query (one row more than the page tells whether more
    follow); `scalars=False` for a select of several columns. Services call it with the number the view read."""
    paged = stmt.offset((number - 1) * size).limit(size + 1)
    rows = (db.session.scalars(paged) if scalars else db.session.execute(paged)).all()
    return Page(list(rows[:size]), number, len(rows) > size)


def first_with_total(stmt, limit: int) -> tuple[list, int]:
    """The first `limit` rows of an ORM select and how many it has in all, in one query (a window count,
    taken before the LIMIT): a box that shows a few and says how many there are."""
    rows = db.session.execute(stmt.add_columns(func.count().over()).limit(limit)).all()
    return [row[0] for row in rows], (rows[0][-1] if rows else 0)


def fragment(page: Page, whole: str, rows: str) -> str:
    """The fragment an htmx request gets: a search or filter (page 1) re-renders the whole list region,
    "show more" (a later page) only the next rows and the next "show more"."""
    return whole if page.first else rows


def kept_args(*names: str) -> dict[str, str]:
    """The filters and search of the query string that "show more" carries on to the next page."""
    return {name: value for name in names if (value := request.args.get(name, "").strip())}
