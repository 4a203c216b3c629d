"""The residents' pre-meeting: agenda, input per item, summaries, and the three things that may leave it."""
from datetime import timedelta

from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from wtforms.fields.choices import SelectChoice

from ..i18n import from_local
from ..access import (PREMEETING, STAFF, allow, get_premeeting_comment_or_404, get_premeeting_item_or_404, get_premeeting_or_404,
                      visible_premeeting_items, visible_premeetings)
from ..extensions import db
from ..htmx import redirect_to, render, wants_fragment
from ..models import (AgendaItem, ItemState, Meeting, MeetingStatus, PreItemState, PreMeeting, PreMeetingComment,
                      PreMeetingItem, PreMeetingResponse, Role, utcnow)
from ..models.meetings import refresh_search_text
from ..notifications.service import active_members, notify
from ..search import int_arg
from ..forms import form_status, move_in_order, with_token
from . import bp
from .forms import CommentForm, ItemForm, PreMeetingForm, RaiseForm, ReasonForm, SummaryForm



def new_comment_form():
    return with_token(CommentForm(formdata=None))


def is_staff():
    return current_user.role == Role.STAFF


@bp.route("/")
@allow(PREMEETING)
def index():
    now = utcnow()
    rows = db.session.scalars(visible_premeetings(current_user).where(PreMeeting.cancelled_at.is_(None))
                              .order_by(PreMeeting.starts_at.desc()).limit(100)).all()
    upcoming = sorted([p for p in rows if p.starts_at >= now - timedelta(hours=6)], key=lambda p: p.starts_at)
    earlier = [p for p in rows if p.starts_at < now - timedelta(hours=6)]
    return render("premeeting/index.html", upcoming=upcoming, earlier=earlier)


def _meeting_choices():
    meetings = db.session.scalars(select(Meeting).where(Meeting.starts_at > utcnow(),
                                                        Meeting.status.in_([MeetingStatus.PLANNED,
                                                                            MeetingStatus.PUBLISHED]))
                                  .order_by(Meeting.starts_at).limit(10)).all()
    from ..i18n import datetime_filter
    return [SelectChoice("", _("None"))] + [SelectChoice(str(m.id), datetime_filter(m.starts_at, "short"))
                                            for m in meetings]


@bp.route("/ny", methods=["GET", "POST"])
@allow(STAFF, form_csrf=True)
def new():
    form = with_token(PreMeetingForm())
    form.meeting_id.choices = _meeting_choices()
    if request.method == "GET" and int_arg(request.args, "mote"):
        form.meeting_id.data = int_arg(request.args, "mote")
    if form.validate_on_submit():
        existing = db.session.scalar(select(PreMeeting.id).where(PreMeeting.form_token == form.form_token.data))
        if existing is None:
            meeting_id = form.meeting_id.data if form.meeting_id.data and db.session.get(
                Meeting, form.meeting_id.data) else None
            premeeting = PreMeeting(starts_at=from_local(form.starts_at.data), place=form.place.data,
                                    title=form.title.data, meeting_id=meeting_id, form_token=form.form_token.data)
            db.session.add(premeeting)
            try:
                db.session.flush()
                notify(active_members(Role.RESIDENT, Role.STAFF), "premeeting", "premeeting", premeeting.id,
                       exclude=current_user)
                db.session.commit()
            except IntegrityError:
                db.session.rollback()
            existing = db.session.scalar(select(PreMeeting.id).where(PreMeeting.form_token == form.form_token.data))
            flash(_("The pre-meeting is created. Prepare its agenda."), "success")
        return redirect_to(url_for("premeeting.show", premeeting_id=existing))
    return render("premeeting/form.html", form=form, status=form_status(form))


def _page_context(premeeting, **forms):
    items = db.session.scalars(visible_premeeting_items(current_user, premeeting)
                               .options(joinedload(PreMeetingItem.proposer))
                               .order_by(PreMeetingItem.position, PreMeetingItem.id)).all()
    item_ids = [i.id for i in items]
    comments = {}
    if item_ids:
        stmt = select(PreMeetingComment).where(PreMeetingComment.item_id.in_(item_ids)) \
            .options(joinedload(PreMeetingComment.author)).order_by(PreMeetingComment.created_at)
        for comment in db.session.scalars(stmt):
            comments.setdefault(comment.item_id, []).append(comment)
    # Council titles as they are now, for imported items (one query).
    linked = {i.agenda_item_id for i in items if i.agenda_item_id}
    council_titles = dict(db.session.execute(select(AgendaItem.id, AgendaItem.title)
                                             .where(AgendaItem.id.in_(linked))).all()) if linked else {}
    mine = db.session.scalar(select(PreMeetingResponse.coming).where(PreMeetingResponse.premeeting_id == premeeting.id,
                                                                     PreMeetingResponse.user_id == current_user.id))
    coming = db.session.scalar(select(func.count()).select_from(PreMeetingResponse).where(
        PreMeetingResponse.premeeting_id == premeeting.id, PreMeetingResponse.coming.is_(True))) if is_staff() else None
    return dict(premeeting=premeeting, agenda=[i for i in items if i.state == PreItemState.ACCEPTED],
                proposals=[i for i in items if i.state != PreItemState.ACCEPTED], comments=comments,
                council_titles=council_titles, my_answer=mine, coming_count=coming, is_staff=is_staff(),
                item_form=forms.get("item_form") or with_token(ItemForm(formdata=None)))


@bp.route("/<int:premeeting_id>")
@allow(PREMEETING)
def show(premeeting_id):
    premeeting = get_premeeting_or_404(premeeting_id)
    return render("premeeting/show.html", **_page_context(premeeting))


@bp.route("/<int:premeeting_id>/utskrift")
@allow(PREMEETING)
def printable(premeeting_id):
    """Large print for the notice board at the facility."""
    premeeting = get_premeeting_or_404(premeeting_id)
    ctx = _page_context(premeeting)
    return render("premeeting/print.html", premeeting=premeeting, agenda=ctx["agenda"],
                  council_titles=ctx["council_titles"])


@bp.route("/<int:premeeting_id>/svar", methods=["POST"])
@allow(PREMEETING)
def rsvp(premeeting_id):
    premeeting = get_premeeting_or_404(premeeting_id)
    coming = request.form.get("coming")
    if coming not in ("yes", "no"):
        return render("premeeting/show.html", status=422, **_page_context(premeeting))
    row = db.session.scalar(select(PreMeetingResponse).where(PreMeetingResponse.premeeting_id == premeeting.id,
                                                             PreMeetingResponse.user_id == current_user.id))
    if row is None:
        row = PreMeetingResponse(premeeting_id=premeeting.id, user_id=current_user.id, coming=coming == "yes")
        db.session.add(row)
    row.coming, row.updated_at = coming == "yes", utcnow()
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
    if wants_fragment():
        return render("premeeting/_rsvp.html", premeeting=premeeting, my_answer=row.coming)
    flash(_("Your answer is saved."), "success")
    return redirect_to(url_for("premeeting.show", premeeting_id=premeeting.id))


@bp.route("/<int:premeeting_id>/hent-saksliste", methods=["POST"])
@allow(PREMEETING, acts=STAFF)
def import_agenda(premeeting_id):
    """One click: the council meeting's current agenda items, each linked to its council item."""
    premeeting = get_premeeting_or_404(premeeting_id)
    if premeeting.meeting_id is None:
        abort(403)
    have = set(db.session.scalars(select(PreMeetingItem.agenda_item_id).where(
        PreMeetingItem.premeeting_id == premeeting.id, PreMeetingItem.agenda_item_id.is_not(None))))
    council = db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == premeeting.meeting_id,
                                                          AgendaItem.state == ItemState.ACCEPTED,
                                                          AgendaItem.standing.is_(None))
                                 .order_by(AgendaItem.position, AgendaItem.id)).all()
    position = _last_position(premeeting.id)
    added = 0
    for item in council:
        if item.id not in have:
            position += 1
            added += 1
            db.session.add(PreMeetingItem(premeeting_id=premeeting.id, agenda_item_id=item.id, title=item.title,
                                          state=PreItemState.ACCEPTED, position=position))
    db.session.commit()
    flash(ngettext_items(added), "success")
    return redirect_to(url_for("premeeting.show", premeeting_id=premeeting.id))


def ngettext_items(count):
    from flask_babel import ngettext
    return ngettext("%(num)d item was added from the council agenda.",
                    "%(num)d items were added from the council agenda.", count)


def _last_position(premeeting_id):
    return db.session.scalar(select(func.coalesce(func.max(PreMeetingItem.position), 0))
                             .where(PreMeetingItem.premeeting_id == premeeting_id,
                                    PreMeetingItem.state == PreItemState.ACCEPTED))


@bp.route("/<int:premeeting_id>/foresla", methods=["GET", "POST"])
@allow(PREMEETING, form_csrf=True)
def propose(premeeting_id):
    premeeting = get_premeeting_or_404(premeeting_id)
    form = with_token(ItemForm())
    if form.validate_on_submit():
        if not db.session.scalar(select(PreMeetingItem.id).where(PreMeetingItem.form_token == form.form_token.data)):
            staff = is_staff()
            db.session.add(PreMeetingItem(
                premeeting_id=premeeting.id, title=form.title.data, text=form.text.data,
                proposer_id=current_user.id, form_token=form.form_token.data,
                state=PreItemState.ACCEPTED if staff else PreItemState.PROPOSED,
                position=_last_position(premeeting.id) + 1 if staff else 0))
            try:
                db.session.commit()
            except IntegrityError:
                db.session.rollback()
            flash(_("Thank you! The staff will put it on the agenda."), "success")
        return redirect_to(url_for("premeeting.show", premeeting_id=premeeting.id))
    return render("premeeting/propose.html", premeeting=premeeting, form=form, status=form_status(form))


def _item_changed(item):
    return redirect_to(url_for("premeeting.show", premeeting_id=item.premeeting_id, _anchor=f"sak-{item.id}"))


@bp.route("/sak/<int:item_id>/godta", methods=["POST"])
@allow(PREMEETING, acts=STAFF)
def accept(item_id):
    item = get_premeeting_item_or_404(item_id)
    if item.state != PreItemState.ACCEPTED:
        item.state, item.decline_reason = PreItemState.ACCEPTED, None
        item.position = _last_position(item.premeeting_id) + 1
        db.session.commit()
    return _item_changed(item)


@bp.route("/sak/<int:item_id>/avvis", methods=["POST"])
@allow(PREMEETING, acts=STAFF, form_csrf=True)
def decline(item_id):
    item = get_premeeting_item_or_404(item_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return render("premeeting/decline.html", item=item, form=form, status=422)
    item.state, item.decline_reason = PreItemState.DECLINED, form.reason.data
    db.session.commit()
    return _item_changed(item)


def _swap(item, direction):
    rows = db.session.scalars(select(PreMeetingItem).where(PreMeetingItem.premeeting_id == item.premeeting_id,
                                                           PreMeetingItem.state == PreItemState.ACCEPTED)
                              .order_by(PreMeetingItem.position, PreMeetingItem.id)).all()
    if move_in_order(rows, item, direction, first=1):
        db.session.commit()


@bp.route("/sak/<int:item_id>/opp", methods=["POST"])
@allow(PREMEETING, acts=STAFF)
def move_up(item_id):
    item = get_premeeting_item_or_404(item_id)
    _swap(item, -1)
    return _item_changed(item)


@bp.route("/sak/<int:item_id>/ned", methods=["POST"])
@allow(PREMEETING, acts=STAFF)
def move_down(item_id):
    item = get_premeeting_item_or_404(item_id)
    _swap(item, +1)
    return _item_changed(item)


@bp.route("/sak/<int:item_id>/kommentar", methods=["POST"])
@allow(PREMEETING, form_csrf=True)
def comment(item_id):
    item = get_premeeting_item_or_404(item_id)
    if item.state != PreItemState.ACCEPTED:
        abort(403)
    form = CommentForm()
    if form.validate_on_submit():
        existing = db.session.scalar(select(PreMeetingComment).where(
            PreMeetingComment.form_token == form.form_token.data))
        if existing is None:
            existing = PreMeetingComment(item_id=item.id, author_id=current_user.id, body=form.body.data,
                                         show_name=bool(form.show_name.data), form_token=form.form_token.data)
            db.session.add(existing)
            try:
                db.session.commit()
            except IntegrityError:
                db.session.rollback()
                existing = db.session.scalar(select(PreMeetingComment).where(
                    PreMeetingComment.form_token == form.form_token.data))
        if wants_fragment():
            fresh = with_token(CommentForm(formdata=None, show_name=form.show_name.data))
            return render("premeeting/_comment_posted.html", item=item, comment=existing, form=fresh,
                          is_staff=is_staff())
        return redirect_to(url_for("premeeting.show", premeeting_id=item.premeeting_id,
                                   _anchor=f"kommentar-{existing.id}"))
    if wants_fragment():
        return render("premeeting/_comment_form.html", item=item, form=form, status=422)
    ctx = _page_context(item.premeeting)
    ctx["failed_form"], ctx["failed_item_id"] = form, item.id
    return render("premeeting/show.html", status=422, **ctx)


@bp.route("/kommentar/<int:comment_id>/skjul", methods=["POST"])
@allow(PREMEETING, acts=STAFF, form_csrf=True)
def hide_comment(comment_id):
    comment, item = get_premeeting_comment_or_404(comment_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return render("premeeting/hide_comment.html", comment=comment, item=item, form=form, status=422)
    comment.hidden_at, comment.hidden_reason = utcnow(), form.reason.data
    db.session.commit()
    return _item_changed(item)


@bp.route("/sak/<int:item_id>/oppsummering", methods=["GET", "POST"])
@allow(PREMEETING, acts=STAFF, form_csrf=True)
def summary(item_id):
    item = get_premeeting_item_or_404(item_id)
    form = SummaryForm(obj=item)
    council = db.session.get(AgendaItem, item.agenda_item_id) if item.agenda_item_id else None
    frozen = _frozen(council)
    if form.validate_on_submit():
        if frozen and item.summary_shared:
            abort(403)
        item.summary = form.summary.data
        if item.summary_shared and council is not None:  # the shared copy follows the text
            council.residents_summary = item.summary
            if not item.summary:
                item.summary_shared, council.residents_summary = False, None
        db.session.commit()
        flash(_("The summary is saved."), "success")
        return _item_changed(item)
    return render("premeeting/summary.html", item=item, form=form, council=council, frozen=frozen,
                  status=form_status(form))


def _frozen(council_item) -> bool:
    """A shared summary is frozen once the council meeting's minutes are approved."""
    if council_item is None:
        return False
    status = db.session.scalar(select(Meeting.status).where(Meeting.id == council_item.meeting_id))
    return status == MeetingStatus.APPROVED


@bp.route("/sak/<int:item_id>/del", methods=["POST"])
@allow(PREMEETING, acts=STAFF)
def share(item_id):
    """Outflow 1: the summary, attributed to the pre-meeting, onto the council agenda item."""
    item = get_premeeting_item_or_404(item_id)
    council = db.session.get(AgendaItem, item.agenda_item_id) if item.agenda_item_id else None
    if council is None or not item.summary or _frozen(council):
        abort(403)
    item.summary_shared = True
    council.residents_summary = item.summary
    council.residents_heard = True  # outflow 3: the pre-meeting has discussed it
    db.session.commit()
    flash(_("The summary is shared with the council."), "success")
    return _item_changed(item)


@bp.route("/sak/<int:item_id>/trekk-tilbake", methods=["POST"])
@allow(PREMEETING, acts=STAFF)
def unshare(item_id):
    item = get_premeeting_item_or_404(item_id)
    council = db.session.get(AgendaItem, item.agenda_item_id) if item.agenda_item_id else None
    if council is None or _frozen(council):
        abort(403)
    item.summary_shared = False
    council.residents_summary = None
    db.session.commit()
    flash(_("The summary is withdrawn from the council."), "success")
    return _item_changed(item)


@bp.route("/sak/<int:item_id>/ta-opp", methods=["POST"])
@allow(PREMEETING)
def want_raise(item_id):
    """Residents mark an item "we want to raise this in the council"."""
    item = get_premeeting_item_or_404(item_id)
    if item.state != PreItemState.ACCEPTED:
        abort(403)
    item.raise_wanted = not item.raise_wanted
    db.session.commit()
    if wants_fragment():
        return render("premeeting/_raise.html", item=item, is_staff=is_staff())
    return _item_changed(item)


@bp.route("/sak/<int:item_id>/til-naboradet", methods=["GET", "POST"])
@allow(PREMEETING, acts=STAFF, form_csrf=True)
def raise_item(item_id):
    """Outflow 2: staff propose the item to the council agenda, in words they write for it."""
    item = get_premeeting_item_or_404(item_id)
    meeting_id = item.premeeting.meeting_id
    if meeting_id is None:
        meeting_id = db.session.scalar(select(Meeting.id).where(
            Meeting.starts_at > utcnow(), Meeting.status.in_([MeetingStatus.PLANNED, MeetingStatus.PUBLISHED]))
            .order_by(Meeting.starts_at).limit(1))
    if meeting_id is None or item.raised_item_id:
        abort(403)
    form = with_token(RaiseForm())
    if request.method == "GET":
        form.title.data = item.title
    if form.validate_on_submit():
        council = AgendaItem(meeting_id=meeting_id, title=form.title.data, why=form.why.data, from_premeeting=True,
                             concerns_residents=True, residents_heard=True, form_token=form.form_token.data)
        refresh_search_text(council)
        db.session.add(council)
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            return _item_changed(item)
        db.session.execute(update(PreMeetingItem).where(PreMeetingItem.id == item.id)
                           .values(raised_item_id=council.id))
        db.session.commit()
        flash(_("The item is proposed to the council agenda, from the residents' pre-meeting."), "success")
        return _item_changed(item)
    return render("premeeting/raise.html", item=item, form=form, status=form_status(form))


@bp.route("/<int:premeeting_id>/klar", methods=["POST"])
@allow(PREMEETING, acts=STAFF)
def ready(premeeting_id):
    premeeting = get_premeeting_or_404(premeeting_id)
    if premeeting.agenda_ready_at is None:
        premeeting.agenda_ready_at = utcnow()
        notify(active_members(Role.RESIDENT, Role.STAFF), "premeeting", "premeeting", premeeting.id,
               exclude=current_user)
        db.session.commit()
    flash(_("The residents can see that the agenda is ready."), "success")
    return redirect_to(url_for("premeeting.show", premeeting_id=premeeting.id))
