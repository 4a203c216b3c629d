"""Meetings, the agenda (proposals, moderation, ordering), minutes, action items and the decision log."""
from datetime import timedelta

from flask import Response, abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from wtforms.fields.choices import SelectChoice

from ..i18n import from_local, to_local_naive
from ..access import (CHAIR_SEAT, MEMBERS, MODERATORS, STAFF, agenda_visible, allow, get_action_item_or_404,
                      get_agenda_item_or_404, get_meeting_or_404, holds_chair_seat, may_mark_done, minutes_visible,
                      require, visible_action_items, visible_agenda_items, visible_meetings)
from ..extensions import db
from ..htmx import redirect_to, render, wants_fragment
from ..models import (ActionItem, AgendaItem, Issue, IssueEvent, IssueStatus, ItemState, Meeting,
                      MeetingResponse, MeetingStatus, RsvpAnswer, StandingKind, User, utcnow)
from ..models.meetings import refresh_search_text, standing_items
from ..notifications.service import active_members, notify
from ..search import int_arg, parse_id, words_like
from ..forms import form_status, move_in_order, with_token
from . import bp
from .forms import (ActionForm, CancelForm, DoneForm, ItemSettingsForm, MeetingForm, MinutesForm, MoveForm,
                    ProposalForm, ReasonForm, RsvpForm, SearchForm)

OPEN_FOR_PROPOSALS = (MeetingStatus.PLANNED, MeetingStatus.PUBLISHED)


# -- list -------------------------------------------------------------------------

@bp.route("/")
@allow(MEMBERS)
def index():
    form = SearchForm(request.args)
    now = utcnow()
    upcoming = db.session.scalars(
        visible_meetings(current_user).where(Meeting.starts_at >= now - timedelta(hours=6),
                                             Meeting.status != MeetingStatus.CANCELLED)
        .order_by(Meeting.starts_at)).all()
    archive_stmt = visible_meetings(current_user).where(
        or_(Meeting.starts_at < now - timedelta(hours=6), Meeting.status == MeetingStatus.CANCELLED))
    if form.validate() and form.q.data:
        # Search the titles on published agendas (decisions only once the minutes are approved).
        matching = select(AgendaItem.meeting_id).join(AgendaItem.meeting).where(
            AgendaItem.state == ItemState.ACCEPTED, AgendaItem.standing.is_(None),
            Meeting.status.in_([MeetingStatus.PUBLISHED, MeetingStatus.HELD, MeetingStatus.APPROVED]),
            *words_like(AgendaItem.title if current_user.role not in MODERATORS else AgendaItem.search_text,
                        form.q.data))
        archive_stmt = archive_stmt.where(Meeting.id.in_(matching))
    archive = db.session.scalars(archive_stmt.order_by(Meeting.starts_at.desc()).limit(100)).all()
    return render("meetings/index.html", "meetings/_archive.html", upcoming=upcoming, archive=archive, form=form)


# -- schedule, edit, cancel --------------------------------------------------------

@bp.route("/ny", methods=["GET", "POST"])
@allow(MODERATORS, form_csrf=True)
def new():
    form = with_token(MeetingForm())
    if form.validate_on_submit():
        existing = db.session.scalar(select(Meeting.id).where(Meeting.form_token == form.form_token.data))
        if existing:
            return redirect_to(url_for("meetings.show", meeting_id=existing))
        meeting = Meeting(starts_at=from_local(form.starts_at.data), place=form.place.data,
                          video_url=form.video_url.data, form_token=form.form_token.data)
        db.session.add(meeting)
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            existing = db.session.scalar(select(Meeting.id).where(Meeting.form_token == form.form_token.data))
            return redirect_to(url_for("meetings.show", meeting_id=existing))
        db.session.add_all(standing_items(meeting))
        db.session.commit()
        flash(_("The meeting is scheduled. Standing items are on the agenda already."), "success")
        return redirect_to(url_for("meetings.show", meeting_id=meeting.id))
    return render("meetings/form.html", form=form, meeting=None, status=form_status(form))


@bp.route("/<int:meeting_id>/rediger", methods=["GET", "POST"])
@allow(MEMBERS, acts=MODERATORS, form_csrf=True)
def edit(meeting_id):
    meeting = get_meeting_or_404(meeting_id)
    form = MeetingForm(obj=meeting)
    if request.method == "GET":
        form.starts_at.data = to_local_naive(meeting.starts_at)
    if form.validate_on_submit():
        meeting.starts_at = from_local(form.starts_at.data)
        meeting.place, meeting.video_url = form.place.data, form.video_url.data
        db.session.commit()
        flash(_("The meeting is changed."), "success")
        return redirect_to(url_for("meetings.show", meeting_id=meeting.id))
    return render("meetings/form.html", form=form, meeting=meeting, status=form_status(form))


@bp.route("/<int:meeting_id>/avlys", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS, form_csrf=True)
def cancel(meeting_id):
    meeting = get_meeting_or_404(meeting_id)
    if meeting.status in (MeetingStatus.HELD, MeetingStatus.APPROVED, MeetingStatus.CANCELLED):
        abort(403)
    form = CancelForm()
    if not form.validate_on_submit():
        return _show(meeting, cancel_form=form, status=422)
    meeting.status, meeting.cancel_message = MeetingStatus.CANCELLED, form.message.data
    db.session.commit()
    flash(_("The meeting is cancelled."), "success")
    return redirect_to(url_for("meetings.show", meeting_id=meeting.id))


# -- the meeting page ----------------------------------------------------------------

def _items(meeting):
    return db.session.scalars(
        visible_agenda_items(current_user, meeting)
        .options(joinedload(AgendaItem.proposer), joinedload(AgendaItem.issue))
        .order_by(AgendaItem.position, AgendaItem.id)).all()


def _actions_by_item(meeting, items):
    """Action items per agenda item, as far as this visitor may see them (one query)."""
    stmt = visible_action_items(current_user).where(ActionItem.meeting_id == meeting.id) \
        .options(joinedload(ActionItem.assignee)).order_by(ActionItem.id)
    if not minutes_visible(current_user, meeting):
        stmt = stmt.where(ActionItem.assignee_id == current_user.id)
    grouped = {}
    for action in db.session.scalars(stmt):
        grouped.setdefault(action.agenda_item_id, []).append(action)
    return grouped


def _open_actions():
    """For the standing item "follow-up of open action items"."""
    return db.session.scalars(visible_action_items(current_user).where(ActionItem.done_at.is_(None))
                              .options(joinedload(ActionItem.assignee)).order_by(ActionItem.due, ActionItem.id)
                              .limit(50)).all()


def _carry_over_candidates(meeting):
    """Issues discussed at the last meeting and not resolved, not yet on this agenda."""
    previous = db.session.scalar(
        select(Meeting).where(Meeting.starts_at < meeting.starts_at,
                              Meeting.status.in_([MeetingStatus.HELD, MeetingStatus.APPROVED]))
        .order_by(Meeting.starts_at.desc()).limit(1))
    if previous is None:
        return []
    on_agenda = select(AgendaItem.issue_id).where(AgendaItem.meeting_id == meeting.id,
                                                  AgendaItem.issue_id.is_not(None))
    return db.session.scalars(
        select(AgendaItem).join(AgendaItem.issue).options(joinedload(AgendaItem.issue))
        .where(AgendaItem.meeting_id == previous.id, AgendaItem.state == ItemState.ACCEPTED,
               Issue.status.not_in([IssueStatus.RESOLVED, IssueStatus.CLOSED]),
               AgendaItem.issue_id.not_in(on_agenda))).all()


def _rsvp(meeting):
    mine = db.session.scalar(select(MeetingResponse.answer).where(MeetingResponse.meeting_id == meeting.id,
                                                                  MeetingResponse.user_id == current_user.id))
    counts, responses = {}, []
    if current_user.role in MODERATORS:
        responses = db.session.scalars(select(MeetingResponse).where(MeetingResponse.meeting_id == meeting.id)
                                       .options(joinedload(MeetingResponse.user))).all()
        for response in responses:
            counts[response.answer] = counts.get(response.answer, 0) + 1
    return mine, counts, responses


def _agenda_context(meeting) -> dict:
    """What the agenda region (_agenda.html) needs; the meeting page and every agenda change use it."""
    items = _items(meeting)
    moderator = current_user.role in MODERATORS
    open_meeting = meeting.status in OPEN_FOR_PROPOSALS
    later = db.session.scalars(select(Meeting).where(Meeting.starts_at > meeting.starts_at,
                                                     Meeting.status.in_(OPEN_FOR_PROPOSALS))
                               .order_by(Meeting.starts_at).limit(10)).all() if moderator else []
    return dict(meeting=meeting, agenda=[i for i in items if i.state == ItemState.ACCEPTED],
                proposals=[i for i in items if i.state != ItemState.ACCEPTED],
                actions=_actions_by_item(meeting, items), open_actions=_open_actions(),
                show_minutes=minutes_visible(current_user, meeting), is_moderator=moderator,
                later_meetings=later,
                carry_over=_carry_over_candidates(meeting) if moderator and open_meeting else [])


def _show(meeting, status=200, cancel_form=None):
    mine, counts, responses = _rsvp(meeting)
    ctx = _agenda_context(meeting)
    ctx.update(show_agenda=meeting.agenda_public or ctx["is_moderator"], my_rsvp=mine, rsvp_counts=counts,
               responses=responses, rsvp_form=RsvpForm(formdata=None, answer=(mine or RsvpAnswer.YES).value),
               cancel_form=cancel_form or CancelForm(formdata=None), can_approve=holds_chair_seat(current_user))
    return render("meetings/show.html", status=status, **ctx)


@bp.route("/<int:meeting_id>")
@allow(MEMBERS)
def show(meeting_id):
    return _show(get_meeting_or_404(meeting_id))


@bp.route("/<int:meeting_id>/skjerm")
@allow(MEMBERS)
def screen(meeting_id):
    """A clean view of the published agenda for a projector; the current item is highlighted."""
    meeting = get_meeting_or_404(meeting_id)
    require(agenda_visible(current_user, meeting), visible=False)
    items = [i for i in _items(meeting) if i.state == ItemState.ACCEPTED]
    return render("meetings/screen.html", "meetings/_screen_agenda.html", meeting=meeting, agenda=items)


@bp.route("/<int:meeting_id>/utskrift")
@allow(MEMBERS)
def printable(meeting_id):
    meeting = get_meeting_or_404(meeting_id)
    require(agenda_visible(current_user, meeting), visible=False)
    items = [i for i in _items(meeting) if i.state == ItemState.ACCEPTED]
    return render("meetings/print.html", meeting=meeting, agenda=items,
                  actions=_actions_by_item(meeting, items), show_minutes=minutes_visible(current_user, meeting))


@bp.route("/<int:meeting_id>.ics")
@allow(MEMBERS)
def ics(meeting_id):
    from ..calendar import meeting_calendar
    meeting = get_meeting_or_404(meeting_id)
    body = meeting_calendar(meeting, url_for("meetings.show", meeting_id=meeting.id, _external=True))
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="naborad-mote-{meeting.id}.ics"'})


@bp.route("/<int:meeting_id>/svar", methods=["POST"])
@allow(MEMBERS, form_csrf=True)
def rsvp(meeting_id):
    meeting = get_meeting_or_404(meeting_id)
    if meeting.status in (MeetingStatus.CANCELLED, MeetingStatus.APPROVED):
        abort(403)
    form = RsvpForm()
    if not form.validate_on_submit():
        return _show(meeting, status=422)
    row = db.session.scalar(select(MeetingResponse).where(MeetingResponse.meeting_id == meeting.id,
                                                          MeetingResponse.user_id == current_user.id))
    if row is None:
        row = MeetingResponse(meeting_id=meeting.id, user_id=current_user.id, answer=form.answer.data)
        db.session.add(row)
    row.answer, row.updated_at = RsvpAnswer(form.answer.data), utcnow()
    try:
        db.session.commit()
    except IntegrityError:  # answered twice at once: keep the one that is there
        db.session.rollback()
    if wants_fragment():
        mine, counts, responses = _rsvp(meeting)
        return render("meetings/_rsvp.html", meeting=meeting, my_rsvp=mine, rsvp_counts=counts,
                      responses=responses, rsvp_form=RsvpForm(formdata=None, answer=mine.value),
                      is_moderator=current_user.role in MODERATORS)
    flash(_("Your answer is saved."), "success")
    return redirect_to(url_for("meetings.show", meeting_id=meeting.id))


# -- proposals ------------------------------------------------------------------------

def _next_meeting():
    return db.session.scalar(select(Meeting).where(Meeting.starts_at > utcnow(),
                                                  Meeting.status.in_(OPEN_FOR_PROPOSALS))
                             .order_by(Meeting.starts_at).limit(1))


@bp.route("/foresla")
@allow(MEMBERS)
def propose_next():
    """"Propose for the next meeting", e.g. from an issue's page."""
    meeting = _next_meeting()
    if meeting is None:
        flash(_("No meeting is planned yet. Ask the chair or the staff to schedule one."), "info")
        return redirect_to(url_for("meetings.index"))
    issue_id = int_arg(request.args, "sak")
    args = {"sak": issue_id} if issue_id else {}
    return redirect_to(url_for("meetings.propose", meeting_id=meeting.id, **args))


@bp.route("/<int:meeting_id>/foresla", methods=["GET", "POST"])
@allow(MEMBERS, form_csrf=True)
def propose(meeting_id):
    meeting = get_meeting_or_404(meeting_id)
    if meeting.status not in OPEN_FOR_PROPOSALS:
        abort(403)
    form = with_token(ProposalForm())
    issue = None
    issue_id = int_arg(request.args, "sak") or parse_id(form.issue_id.data)
    if issue_id:
        issue = db.session.get(Issue, issue_id)
        if issue and request.method == "GET":
            form.issue_id.data, form.title.data = str(issue.id), issue.title
    if form.validate_on_submit():
        existing = db.session.scalar(select(AgendaItem.id).where(AgendaItem.form_token == form.form_token.data))
        if existing is None:
            item = AgendaItem(meeting_id=meeting.id, title=form.title.data, why=form.why.data,
                              issue_id=issue.id if issue else None, proposer_id=current_user.id,
                              form_token=form.form_token.data)
            refresh_search_text(item)
            db.session.add(item)
            try:
                db.session.commit()
            except IntegrityError:
                db.session.rollback()
            flash(_("Thank you! The chair and the staff will look at your proposal."), "success")
        return redirect_to(url_for("meetings.show", meeting_id=meeting.id, _anchor="forslag"))
    return render("meetings/propose.html", meeting=meeting, form=form, issue=issue, status=form_status(form))


# -- moderation of agenda items -----------------------------------------------------

def _agenda_changed(item):
    """After a change to the agenda: the agenda region for htmx, else back to the page."""
    if wants_fragment():
        return render("meetings/_agenda.html", **_agenda_context(item.meeting))
    return redirect_to(url_for("meetings.show", meeting_id=item.meeting_id, _anchor=f"punkt-{item.id}"))


def _editable_item(item_id):
    item = get_agenda_item_or_404(item_id)
    if item.meeting.status in (MeetingStatus.APPROVED, MeetingStatus.CANCELLED):
        abort(403)
    return item


def _append_position(meeting_id):
    """The place for a newly accepted item: after the others, before "any other business"."""
    accepted = db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id,
                                                           AgendaItem.state == ItemState.ACCEPTED)).all()
    others = [i.position for i in accepted if i.standing != StandingKind.AOB]
    position = max(others, default=0) + 1
    for aob in (i for i in accepted if i.standing == StandingKind.AOB):
        aob.position = max(aob.position, position + 1)
    return position


def _on_published_agenda(item):
    """An item linked to an issue, on a published agenda: the issue shows it and is being discussed."""
    issue = item.issue
    if issue is None or not item.meeting.agenda_public or item.state != ItemState.ACCEPTED:
        return
    db.session.add(IssueEvent(issue_id=issue.id, actor_id=current_user.id, kind="agenda",
                              value=str(item.meeting_id)))
    if issue.status == IssueStatus.NEW:
        issue.status = IssueStatus.DISCUSSING
        db.session.add(IssueEvent(issue_id=issue.id, actor_id=current_user.id, kind="status",
                                  value=IssueStatus.DISCUSSING.value))
    issue.last_activity_at = utcnow()


@bp.route("/punkt/<int:item_id>/godta", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS)
def accept(item_id):
    item = _editable_item(item_id)
    if item.state != ItemState.ACCEPTED:
        item.state, item.decline_reason = ItemState.ACCEPTED, None
        item.position = _append_position(item.meeting_id)
        _on_published_agenda(item)
        notify([item.proposer], "proposal_answered", "proposal", item.id, exclude=current_user)
        db.session.commit()
    return _agenda_changed(item)


@bp.route("/punkt/<int:item_id>/avvis", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS, form_csrf=True)
def decline(item_id):
    item = _editable_item(item_id)
    if item.standing:
        abort(403)
    form = ReasonForm()
    if not form.validate_on_submit():
        return render("meetings/decline.html", item=item, form=form, status=422)
    item.state, item.decline_reason = ItemState.DECLINED, form.reason.data
    notify([item.proposer], "proposal_answered", "proposal", item.id, exclude=current_user)
    db.session.commit()
    return _agenda_changed(item)


@bp.route("/punkt/<int:item_id>/flytt", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS, form_csrf=True)
def move(item_id):
    item = _editable_item(item_id)
    if item.standing:
        abort(403)
    form = MoveForm()
    form.meeting_id.choices = [SelectChoice(m.id, str(m.id)) for m in db.session.scalars(
        select(Meeting).where(Meeting.starts_at > item.meeting.starts_at, Meeting.status.in_(OPEN_FOR_PROPOSALS)))]
    if not form.validate_on_submit():
        return redirect_to(url_for("meetings.show", meeting_id=item.meeting_id, _anchor=f"punkt-{item.id}"))
    source = item.meeting
    item.meeting_id, item.state, item.position = form.meeting_id.data, ItemState.PROPOSED, 0
    db.session.commit()
    flash(_("The item is moved to a later meeting, as a proposal there."), "success")
    db.session.refresh(item)
    if wants_fragment():
        item.meeting = source  # re-render the agenda it left
    return _agenda_changed(item)


def _swap(item, direction):
    """Move an accepted item one place up or down; positions are renumbered 0..n-1 first."""
    rows = db.session.scalars(
        select(AgendaItem).where(AgendaItem.meeting_id == item.meeting_id, AgendaItem.state == ItemState.ACCEPTED)
        .order_by(AgendaItem.position, AgendaItem.id)).all()
    if move_in_order(rows, item, direction):
        db.session.commit()


@bp.route("/punkt/<int:item_id>/opp", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS)
def move_up(item_id):
    item = _editable_item(item_id)
    _swap(item, -1)
    return _agenda_changed(item)


@bp.route("/punkt/<int:item_id>/ned", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS)
def move_down(item_id):
    item = _editable_item(item_id)
    _swap(item, +1)
    return _agenda_changed(item)


@bp.route("/punkt/<int:item_id>/innstillinger", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS, form_csrf=True)
def item_settings(item_id):
    item = _editable_item(item_id)
    form = ItemSettingsForm()
    if form.validate_on_submit():
        item.minutes_planned = form.minutes_planned.data
        item.phase = form.phase.data or None
        db.session.commit()
    elif not wants_fragment():
        return render("meetings/item_settings.html", item=item, form=form, status=422)
    return _agenda_changed(item)


@bp.route("/<int:meeting_id>/videreforing/<int:item_id>", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS)
def carry_over(meeting_id, item_id):
    source = get_agenda_item_or_404(item_id)
    meeting = get_meeting_or_404(meeting_id)
    if meeting.status not in OPEN_FOR_PROPOSALS:
        abort(403)
    if source.issue_id is None:
        abort(404)
    already = db.session.scalar(select(AgendaItem.id).where(AgendaItem.meeting_id == meeting.id,
                                                            AgendaItem.issue_id == source.issue_id))
    if already is None:
        item = AgendaItem(meeting_id=meeting.id, title=source.title, issue_id=source.issue_id,
                          state=ItemState.ACCEPTED, phase="follow_up", carried_from_id=source.id,
                          position=_append_position(meeting.id), search_text=source.search_text)
        db.session.add(item)
        db.session.flush()
        item.meeting = meeting
        _on_published_agenda(item)
        db.session.commit()
    return redirect_to(url_for("meetings.show", meeting_id=meeting.id, _anchor="saksliste"))


@bp.route("/punkt/<int:item_id>/beboere", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS)
def toggle_concerns(item_id):
    """Mark an item as concerning the residents (it then shows the "residents heard" mark)."""
    item = _editable_item(item_id)
    item.concerns_residents = not item.concerns_residents
    db.session.commit()
    return _agenda_changed(item)


@bp.route("/punkt/<int:item_id>/hort", methods=["POST"])
@allow(MEMBERS, acts=STAFF)
def toggle_heard(item_id):
    """Outflow 3 of the pre-meeting: staff say whether the residents have been heard."""
    item = _editable_item(item_id)
    item.residents_heard = not item.residents_heard
    db.session.commit()
    return _agenda_changed(item)


@bp.route("/<int:meeting_id>/gjeldende/<int:item_id>", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS)
def set_current(meeting_id, item_id):
    item = get_agenda_item_or_404(item_id)
    meeting = get_meeting_or_404(meeting_id)
    if item.meeting_id != meeting.id:
        abort(404)
    meeting.current_item_id = item.id
    db.session.commit()
    return redirect_to(url_for("meetings.show", meeting_id=meeting.id, _anchor=f"punkt-{item.id}"))


# -- publish, held, minutes, approval ----------------------------------------------

@bp.route("/<int:meeting_id>/publiser", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS)
def publish(meeting_id):
    meeting = get_meeting_or_404(meeting_id)
    if meeting.status != MeetingStatus.PLANNED:
        abort(403)
    unheard = db.session.scalars(select(AgendaItem).where(
        AgendaItem.meeting_id == meeting.id, AgendaItem.state == ItemState.ACCEPTED,
        AgendaItem.concerns_residents.is_(True), AgendaItem.residents_heard.is_(False))).all()
    if unheard and request.form.get("confirm") != "yes":
        # Items that concern the residents should go through their pre-meeting first.
        return render("meetings/confirm_publish.html", meeting=meeting, unheard=unheard)
    meeting.status, meeting.published_at = MeetingStatus.PUBLISHED, utcnow()
    for item in db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id,
                                                            AgendaItem.state == ItemState.ACCEPTED)
                                   .options(joinedload(AgendaItem.issue))):
        item.meeting = meeting
        _on_published_agenda(item)
    notify(active_members(), "agenda_published", "meeting", meeting.id, exclude=current_user)
    db.session.commit()
    flash(_("The agenda is published; every member can see it now."), "success")
    return redirect_to(url_for("meetings.show", meeting_id=meeting.id))


@bp.route("/<int:meeting_id>/avholdt", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS)
def mark_held(meeting_id):
    meeting = get_meeting_or_404(meeting_id)
    if meeting.status not in (MeetingStatus.PLANNED, MeetingStatus.PUBLISHED):
        abort(403)
    meeting.status = MeetingStatus.HELD
    meeting.published_at = meeting.published_at or utcnow()
    db.session.commit()
    flash(_("The meeting is marked as held. Write the minutes per item."), "success")
    return redirect_to(url_for("meetings.show", meeting_id=meeting.id))


@bp.route("/punkt/<int:item_id>/referat", methods=["GET", "POST"])
@allow(MEMBERS, acts=MODERATORS, form_csrf=True)
def minutes(item_id):
    item = _editable_item(item_id)
    form = MinutesForm(obj=item)
    if form.validate_on_submit():
        item.notes, item.decision = form.notes.data, form.decision.data
        refresh_search_text(item)
        db.session.commit()
        flash(_("The minutes for the item are saved."), "success")
        return redirect_to(url_for("meetings.show", meeting_id=item.meeting_id, _anchor=f"punkt-{item.id}"))
    return render("meetings/minutes.html", item=item, form=form, action_form=_action_form(),
                  actions=_actions_by_item(item.meeting, [item]).get(item.id, []), status=form_status(form))


def _action_form(formdata=None):
    form = ActionForm(formdata=formdata) if formdata is not None else ActionForm(formdata=None)
    members = db.session.execute(select(User.id, User.display_name).where(User.is_active_member.is_(True))
                                 .order_by(User.display_name)).all()
    form.assignee_id.choices = [SelectChoice("", "–")] + [SelectChoice(str(i), name) for i, name in members]
    return with_token(form)


@bp.route("/punkt/<int:item_id>/oppfolging", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS, form_csrf=True)
def add_action(item_id):
    item = _editable_item(item_id)
    form = _action_form(request.form)
    if not form.validate_on_submit():
        return render("meetings/minutes.html", item=item, form=MinutesForm(obj=item), action_form=form,
                      actions=_actions_by_item(item.meeting, [item]).get(item.id, []), status=422)
    assignee = db.session.get(User, form.assignee_id.data) if form.assignee_id.data else None
    exists = db.session.scalar(select(ActionItem.id).where(ActionItem.form_token == form.form_token.data))
    if not exists:
        action = ActionItem(agenda_item_id=item.id, meeting_id=item.meeting_id, what=form.what.data,
                            assignee_id=assignee.id if assignee else None,
                            assignee_name=None if assignee else form.assignee_name.data,
                            due=form.due.data, form_token=form.form_token.data)
        db.session.add(action)
        try:
            db.session.flush()
            notify([assignee], "action_assigned", "action", action.id, exclude=current_user)
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
    flash(_("The action item is added."), "success")
    return redirect_to(url_for("meetings.minutes", item_id=item.id))


@bp.route("/<int:meeting_id>/godkjenn", methods=["POST"])
@allow(MEMBERS, acts=CHAIR_SEAT)
def approve(meeting_id):
    """The chair (or deputy) approves the minutes: locked, and visible to every member."""
    meeting = get_meeting_or_404(meeting_id)
    if meeting.status != MeetingStatus.HELD:
        abort(403)
    meeting.status, meeting.approved_at, meeting.approved_by_id = MeetingStatus.APPROVED, utcnow(), current_user.id
    items = db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id,
                                                        AgendaItem.issue_id.is_not(None))).all()
    actions = db.session.scalars(select(ActionItem).where(ActionItem.meeting_id == meeting.id)).all()
    for item in items:  # decisions and action items become event lines in the linked issues
        if item.decision:
            db.session.add(IssueEvent(issue_id=item.issue_id, actor_id=current_user.id, kind="decision",
                                      value=str(meeting.id), reason=item.decision[:300]))
        for action in actions:
            if action.agenda_item_id == item.id:
                db.session.add(IssueEvent(issue_id=item.issue_id, actor_id=current_user.id, kind="action",
                                          value=str(meeting.id), reason=action.what[:300]))
        db.session.execute(update(Issue).where(Issue.id == item.issue_id).values(last_activity_at=utcnow()))
    notify(active_members(), "minutes_approved", "meeting", meeting.id, exclude=current_user)
    db.session.commit()
    flash(_("The minutes are approved and locked. Every member can read them now."), "success")
    return redirect_to(url_for("meetings.show", meeting_id=meeting.id))


# -- action items and decisions across meetings ------------------------------------

@bp.route("/oppfolging")
@allow(MEMBERS)
def actions():
    status = request.args.get("status", "open")
    person = int_arg(request.args, "person")
    if request.args.get("mine"):
        person = current_user.id
    stmt = visible_action_items(current_user).options(joinedload(ActionItem.assignee),
                                                      joinedload(ActionItem.meeting),
                                                      joinedload(ActionItem.agenda_item))
    if status == "open":
        stmt = stmt.where(ActionItem.done_at.is_(None))
    elif status == "done":
        stmt = stmt.where(ActionItem.done_at.is_not(None))
    if person:
        stmt = stmt.where(ActionItem.assignee_id == person)
    rows = db.session.scalars(stmt.order_by(ActionItem.done_at.is_not(None), ActionItem.due.is_(None),
                                            ActionItem.due, ActionItem.id.desc()).limit(300)).all()
    people = db.session.execute(select(User.id, User.display_name).join(ActionItem, ActionItem.assignee_id == User.id)
                                .distinct().order_by(User.display_name)).all()
    return render("meetings/actions.html", "meetings/_action_list.html", actions=rows, status_filter=status,
                  person=person, people=people, done_form=DoneForm(formdata=None))


@bp.route("/oppfolging/<int:action_id>/ferdig", methods=["POST"])
@allow(MEMBERS, form_csrf=True)
def mark_done(action_id):
    action = get_action_item_or_404(action_id)
    require(may_mark_done(current_user, action))
    form = DoneForm()
    if not form.validate_on_submit():
        return render("meetings/actions.html", actions=[action], status_filter="all", person=None, people=[],
                      done_form=form, status=422)
    if action.done_at is None:
        action.done_at, action.done_note, action.done_by_id = utcnow(), form.note.data, current_user.id
        db.session.commit()
    if wants_fragment():
        return render("meetings/_action.html", action=action, done_form=DoneForm(formdata=None))
    flash(_("The action item is marked as done."), "success")
    return redirect_to(request.referrer if (request.referrer or "").startswith(request.host_url)
                       else url_for("meetings.actions"))


@bp.route("/vedtak")
@allow(MEMBERS)
def decisions():
    form = SearchForm(request.args)
    stmt = select(AgendaItem).join(AgendaItem.meeting).where(
        Meeting.status == MeetingStatus.APPROVED, AgendaItem.decision.is_not(None)) \
        .options(joinedload(AgendaItem.meeting), joinedload(AgendaItem.issue))
    if form.validate() and form.q.data:
        stmt = stmt.where(*words_like(AgendaItem.search_text, form.q.data))
    rows = db.session.scalars(stmt.order_by(Meeting.starts_at.desc(), AgendaItem.position).limit(200)).all()
    return render("meetings/decisions.html", "meetings/_decision_list.html", decisions=rows, form=form)


