"""The audit log's one page: staff read it, newest first, fifty to a page."""
from flask import request
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..access import STAFF, allow
from ..extensions import db
from ..htmx import render
from ..models import AuditEvent
from ..search import int_arg
from . import bp

PER_PAGE = 50


@bp.route("/")
@allow(STAFF)
def index():
    page = int_arg(request.args, "side", 1, maximum=10_000)
    total = db.session.scalar(select(func.count()).select_from(AuditEvent))
    events = db.session.scalars(
        select(AuditEvent).options(joinedload(AuditEvent.actor), joinedload(AuditEvent.target_user))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .offset((page - 1) * PER_PAGE).limit(PER_PAGE)).all()
    pages = max(1, (total + PER_PAGE - 1) // PER_PAGE)
    return render("audit/index.html", events=events, page=page, pages=pages, total=total)
