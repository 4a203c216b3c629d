"""Event list and page, sign-ups with the waiting list, volunteer tasks, the organisers' participant list.

The rules (who may still sign up, the waiting list, who is told what) live in `service.py` and on
the `Event` model; these views read the request, call the service and answer."""
from dataclasses import replace

from flask import abort, current_app, flash, make_response, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..access import MEMBERS, ORGANISERS, allow, get_event_or_404, is_organiser, require, visible_events
from ..extensions import db
from ..forms import form_status, with_token
from ..htmx import after_change, invalid, redirect_to, render, wants_fragment
from ..models import Event, Signup, TaskSlot, VolunteerTask, utcnow
from ..paging import page_number, paginate
from . import bp, export, service
from .forms import EventForm, GuestsForm, ParticipantForm, SignupForm, TaskForm

# A change the service refuses because of the event's state is 403; a row deleted meanwhile, 404.


# -- list -----------------------------------------------------------------------

@bp.route("/")
@allow(MEMBERS)
def index():
    now = utcnow()
    past = paginate(service.with_counts(visible_events(current_user).where(Event.ends_at < now)
                                        .order_by(Event.starts_at.desc(), Event.id.desc()), current_user),
                    page_number(), scalars=False)
    rows_only = not past.first and wants_fragment()  # "show more" of the past events: their rows alone
    upcoming = [] if rows_only else db.session.execute(service.with_counts(
        visible_events(current_user).where(Event.ends_at >= now).order_by(Event.starts_at, Event.id),
        current_user)).all()
    counts, mine = {}, {}  # by event id: its counts, the member's sign-up
    upcoming = service.counted(upcoming, counts, mine)
    past = replace(past, rows=service.counted(past.rows, counts, mine))
    # "Show more" of the past events asks for the next page's rows alone.
    return render("events/index.html", None if past.first else "events/_past_rows.html", upcoming=upcoming,
                  past=past, counts=counts, mine=mine,
                  yearly=service.to_repeat(now) if is_organiser(current_user) and not rows_only else [])


# -- the event page and its sign-up region ---------------------------------------

def _signup_ctx(event: Event, form: SignupForm | None = None) -> dict:
    signup, position, counts = service.signup_state(event, current_user)
    if form is None:
        form = SignupForm(formdata=None, event=event,
                          data={"guests": signup.guests, "dietary_note": signup.dietary_note} if signup else None)
    return {"event": event, "signup": signup, "position": position, "counts": counts, "signup_form": form,
            "can_change": service.may_change_signups(event, current_user)}


def _signup_changed_ctx(event: Event) -> dict:
    """The sign-up region and the regions a sign-up changes with it ("Who is coming")."""
    return {**_signup_ctx(event), "attendees": service.attendees(event)}


def _tasks_ctx(event: Event, task_form: TaskForm | None = None, task_error: int | None = None) -> dict:
    """What the task region (_tasks.html) needs; `task_form` with errors, `task_error`: the task found full."""
    return {"event": event, "task_form": task_form or TaskForm(formdata=None), "task_error": task_error,
            "can_change": service.may_change_signups(event, current_user)}


def _page_ctx(event: Event, form: SignupForm | None = None, task_form: TaskForm | None = None,
              task_error: int | None = None) -> dict:
    """What the event page needs (`event` loaded with its tasks)."""
    return {**_tasks_ctx(event, task_form, task_error), **_signup_ctx(event, form),
            "attendees": service.attendees(event)}


def _load_tasks():
    return selectinload(Event.tasks).selectinload(VolunteerTask.takers).joinedload(TaskSlot.user)


def _reloaded(event_id: int) -> Event:
    """The event with its tasks and takers as they are now (after a change)."""
    db.session.expire_all()
    return get_event_or_404(event_id, _load_tasks())


@bp.route("/<int:event_id>")
@allow(MEMBERS)
def show(event_id):
    return render("events/show.html", **_page_ctx(get_event_or_404(event_id, _load_tasks())))


@bp.route("/<int:event_id>/pamelding", methods=["POST"])
@allow(MEMBERS, form_csrf=True)
def sign_up(event_id):
    event = get_event_or_404(event_id)
    require(service.may_change_signups(event, current_user))  # before the form: closed is 403, not 422
    form = SignupForm(event=event)
    if form.validate_on_submit():
        try:
            signup, changed = service.sign_up(event, by=current_user, guests=form.guests.data or 0,
                                              dietary_note=form.dietary_note.data)
        except service.GuestsDoNotFit as error:
            form.guests.errors = [_("Only room for %(num)d guests now.", num=error.most)]
        else:
            message = (_("Your sign-up is changed.") if changed else _("You are signed up.") if signup.confirmed
                       else _("The event is full. You are on the waiting list."))
            return after_change("events/_signup_changed.html", url_for("events.show", event_id=event.id), message,
                                context=lambda: _signup_changed_ctx(event))
    return invalid("events/show.html", "events/_signup.html", **_signup_ctx(event, form),
                   page_context=lambda: _page_ctx(_reloaded(event.id), form))


@bp.route("/<int:event_id>/avmelding", methods=["POST"])
@allow(MEMBERS)
def cancel_signup(event_id):
    event = get_event_or_404(event_id)
    service.cancel_signup(event, by=current_user)  # a second click finds nothing to cancel: the same answer
    return after_change("events/_signup_changed.html", url_for("events.show", event_id=event.id),
                        _("Your sign-up is cancelled."), context=lambda: _signup_changed_ctx(event))


@bp.route("/<int:event_id>/kalender.ics")
@allow(MEMBERS)
def ics(event_id):
    event = get_event_or_404(event_id)
    link = current_app.config["BASE_URL"].rstrip("/") + url_for("events.show", event_id=event.id)
    response = make_response(export.calendar_file(event, link))
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="arrangement-{event.id}.ics"'
    return response


# -- creating, editing, copying, cancelling ---------------------------------------

def _create(form: EventForm, source: Event | None):
    event, created = service.create_event(form.details(), by=current_user, form_token=form.form_token.data or None,
                                          copy_of=source)
    if created:
        flash(_("The event is created."), "success")
    return redirect_to(url_for("events.show", event_id=event.id))


def _new_form_page(form: EventForm, source: Event | None = None):
    with_token(form)
    return render("events/new.html", form=form, source=source, status=form_status())


@bp.route("/nytt", methods=["GET", "POST"])
@allow(ORGANISERS, form_csrf=True)
def new():
    form = EventForm()
    if form.validate_on_submit():
        return _create(form, None)
    return _new_form_page(form)


@bp.route("/<int:event_id>/kopier", methods=["GET", "POST"])
@allow(MEMBERS, acts=ORGANISERS, form_csrf=True)
def copy(event_id):
    source = get_event_or_404(event_id, selectinload(Event.tasks))
    # The copy keeps what the event was, not when: the organiser picks new dates.
    form = EventForm(data=EventForm.data_of(source, with_dates=False)) if request.method == "GET" else EventForm()
    if form.validate_on_submit():
        return _create(form, source)
    return _new_form_page(form, source)


@bp.route("/<int:event_id>/rediger", methods=["GET", "POST"])
@allow(MEMBERS, acts=ORGANISERS, form_csrf=True)
def edit(event_id):
    event = get_event_or_404(event_id)
    form = EventForm(data=EventForm.data_of(event)) if request.method == "GET" else EventForm()
    if form.validate_on_submit():
        try:
            service.update_event(event, form.details(), by=current_user)
        except service.CapacityBelowTaken as error:
            form.capacity.errors = [_("%(num)d places are taken already.", num=error.taken)]
        else:
            flash(_("The event is saved."), "success")
            return redirect_to(url_for("events.show", event_id=event.id))
    return render("events/edit.html", form=form, event=event, status=form_status())


@bp.route("/<int:event_id>/avlys", methods=["POST"])
@allow(MEMBERS, acts=ORGANISERS)
def cancel(event_id):
    event = get_event_or_404(event_id)
    changed = service.cancel_event(event, by=current_user)
    return after_change(None, url_for("events.show", event_id=event.id), changed and _("The event is cancelled."))


# -- volunteer tasks --------------------------------------------------------------

def _get_task_or_404(event: Event, task_id: int) -> VolunteerTask:
    task = db.session.scalar(select(VolunteerTask).where(VolunteerTask.id == task_id,
                                                         VolunteerTask.event_id == event.id))
    if task is None:
        abort(404)
    return task


def _tasks_url(event: Event) -> str:
    return url_for("events.show", event_id=event.id, _anchor="tasks")


@bp.route("/<int:event_id>/oppgaver", methods=["POST"])
@allow(MEMBERS, acts=ORGANISERS, form_csrf=True)
def add_task(event_id):
    event = get_event_or_404(event_id)
    form = TaskForm()
    if not form.validate_on_submit():
        event = _reloaded(event.id)
        return invalid("events/show.html", "events/_tasks.html", **_tasks_ctx(event, task_form=form),
                       page_context=lambda: _page_ctx(event, task_form=form))
    service.add_task(event, title=form.title.data, slots=form.slots.data)
    return after_change("events/_tasks.html", _tasks_url(event), context=lambda: _tasks_ctx(_reloaded(event.id)))


@bp.route("/<int:event_id>/oppgaver/<int:task_id>/slett", methods=["POST"])
@allow(MEMBERS, acts=ORGANISERS)
def delete_task(event_id, task_id):
    event = get_event_or_404(event_id)
    service.delete_task(event, _get_task_or_404(event, task_id))
    return after_change("events/_tasks.html", _tasks_url(event), context=lambda: _tasks_ctx(_reloaded(event.id)))


@bp.route("/<int:event_id>/oppgaver/<int:task_id>/ta", methods=["POST"])
@allow(MEMBERS)
def take_task(event_id, task_id):
    event = get_event_or_404(event_id)
    require(service.may_change_signups(event, current_user))  # before the task: closed is 403, not 404
    try:
        service.take_task(event, _get_task_or_404(event, task_id), by=current_user)
    except service.TaskFull:
        event = _reloaded(event.id)  # 409: the slots were taken meanwhile; the region shows them so
        return invalid("events/show.html", "events/_tasks.html", status=409, **_tasks_ctx(event, task_error=task_id),
                       page_context=lambda: _page_ctx(event, task_error=task_id))
    return after_change("events/_tasks.html", _tasks_url(event), context=lambda: _tasks_ctx(_reloaded(event.id)))


@bp.route("/<int:event_id>/oppgaver/<int:task_id>/slipp", methods=["POST"])
@allow(MEMBERS)
def release_task(event_id, task_id):
    event = get_event_or_404(event_id)
    require(service.may_change_signups(event, current_user))  # before the task: closed is 403, not 404
    service.release_task(event, _get_task_or_404(event, task_id), by=current_user)
    return after_change("events/_tasks.html", _tasks_url(event), context=lambda: _tasks_ctx(_reloaded(event.id)))


# -- the organisers' participant list ---------------------------------------------

def _participants_ctx(event: Event, form: ParticipantForm | None = None, row_errors: dict | None = None) -> dict:
    """The participant list; `form`: the add form with errors, `row_errors`: signup id -> a row's error."""
    return {"event": event, "form": form or with_token(ParticipantForm(formdata=None)), "row_errors": row_errors or {},
            **service.participant_list(event)}


@bp.route("/<int:event_id>/deltakere")
@allow(ORGANISERS)
def participants(event_id):
    return render("events/participants.html", **_participants_ctx(get_event_or_404(event_id)))


@bp.route("/<int:event_id>/deltakere/utskrift")
@allow(ORGANISERS)
def print_list(event_id):
    event = get_event_or_404(event_id)
    return render("events/print.html", event=event, **service.participant_list(event))


@bp.route("/<int:event_id>/deltakere.csv")
@allow(ORGANISERS)
def export_csv(event_id):
    event = get_event_or_404(event_id)
    response = make_response(export.participants_csv(service.participant_list(event)))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="deltakere-{event.id}.csv"'
    return response


def _participants_url(event: Event) -> str:
    return url_for("events.participants", event_id=event.id)


@bp.route("/<int:event_id>/deltakere", methods=["POST"])
@allow(ORGANISERS, form_csrf=True)
def add_participant(event_id):
    event = get_event_or_404(event_id)
    require(event.can_be_changed())  # before the form: cancelled is 403, not 422
    form = ParticipantForm(event=event)
    if not form.validate_on_submit():
        return invalid("events/participants.html", **_participants_ctx(event, form))
    signup = service.add_participant(event, by=current_user, name=form.name.data, guests=form.guests.data or 0,
                                     dietary_note=form.dietary_note.data, form_token=form.form_token.data or None)
    message = (_("%(name)s is signed up.", name=signup.display_name) if signup.confirmed
               else _("%(name)s is on the waiting list.", name=signup.display_name))
    return after_change(None, _participants_url(event), message)


def _get_signup_or_404(event: Event, signup_id: int) -> Signup:
    signup = db.session.scalar(select(Signup).where(Signup.id == signup_id, Signup.event_id == event.id))
    if signup is None:
        abort(404)
    return signup


@bp.route("/<int:event_id>/deltakere/<int:signup_id>/gjester", methods=["POST"])
@allow(ORGANISERS, form_csrf=True)
def set_guests(event_id, signup_id):
    """Organisers change a sign-up's guests, also after the deadline (never past the capacity)."""
    event = get_event_or_404(event_id)
    signup = _get_signup_or_404(event, signup_id)
    form = GuestsForm()
    if not form.validate_on_submit():
        error = form.guests.errors[0] if form.guests.errors else _("The form had expired. Send it again.")
        return invalid("events/participants.html", **_participants_ctx(event, row_errors={signup_id: error}))
    try:
        service.set_guests(event, signup, form.guests.data or 0)
    except service.GuestsDoNotFit as too_many:
        error = _("Only room for %(num)d guests now.", num=too_many.most)
        return invalid("events/participants.html", **_participants_ctx(event, row_errors={signup_id: error}))
    return after_change(None, _participants_url(event), _("The sign-up is changed."))


@bp.route("/<int:event_id>/deltakere/<int:signup_id>/fjern", methods=["POST"])
@allow(ORGANISERS)
def remove_participant(event_id, signup_id):
    event = get_event_or_404(event_id)
    service.remove_participant(event, _get_signup_or_404(event, signup_id))
    return after_change(None, _participants_url(event), _("The sign-up is removed."))
