"""Bulk INSERTs for generated data (`flask bench-data`): rows carry their text rendered as the ORM stores it.

A bulk INSERT skips the session's before_flush, where naborad.markdown renders user text on write, so
`rendered()` fills each `<field>_html` with the one renderer and stamps the renderer's version.
"""
from datetime import datetime, time, timezone

from sqlalchemy import insert

from .extensions import db
from .i18n import OSLO
from .markdown import RENDERER_VERSION, render_markdown

BATCH = 2000


def rendered(model, row: dict) -> dict:
    """The row with its user text rendered as the ORM's before_flush would store it."""
    for field in model.__rendered__:
        row[f"{field}_html"] = str(render_markdown(row.get(field)))
    row["html_version"] = RENDERER_VERSION
    return row


def insert_rows(model, rows: list[dict], returning: bool = False) -> list[int]:
    """INSERT the rows in batches; their new ids in row order when asked for."""
    ids = []
    for start in range(0, len(rows), BATCH):
        chunk = rows[start:start + BATCH]
        if returning:
            ids += db.session.scalars(insert(model).returning(model.id, sort_by_parameter_order=True), chunk).all()
        else:
            db.session.execute(insert(model), chunk)
    return ids


def evening(day: datetime, hour: int = 18) -> datetime:
    """`day` at `hour` Oslo time, in UTC."""
    local = day.astimezone(OSLO).date()
    return datetime.combine(local, time(hour), tzinfo=OSLO).astimezone(timezone.utc)
