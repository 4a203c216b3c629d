"""Event list and page, sign-ups with the waiting list, volunteer tasks, the organisers' participant list.

The rules (who may still sign up, the waiting list, who is told what) live in `service.py` and on
the `Event` model; these views read the request, call the service and answer."""
from flask import abort, current_app, flash, make_response, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..access import MEMBERS, ORGANISERS, allow, get_event_or_404, require, visible_events
from ..extensions import db
from ..forms import form_status, with_token
from ..htmx import redirect_to, render, wants_fragment
from ..models import Event, Signup, TaskSlot, VolunteerTask, utcnow
from . import bp, export, service
from .forms import EventForm, GuestsForm, ParticipantForm, SignupForm, TaskForm

PAST_SHOWN = 30


# A change the service refuses because of the event's state is 403; a row deleted meanwhile, 404.


# -- list -----------------------------------------------------------------------

@bp.route("/")
@allow(MEMBERS)
def index():
    now = utcnow()
    upcoming = db.session.scalars(visible_events(current_user).where(Event.ends_at >= now)
                                  .order_by(Event.starts_at, Event.id)).all()
    past = db.session.scalars(visible_events(current_user).where(Event.ends_at < now)
                              .order_by(Event.starts_at.desc(), Event.id.desc()).limit(PAST_SHOWN)).all()
    ids = [e.id for e in upcoming + past]
    counts = service.counts_for(ids)
    mine = {s.event_id: s for s in db.session.scalars(
        select(Signup).where(Signup.user_id == current_user.id, Signup.event_id.in_(ids)))} if ids else {}
    return render("events/index.html", upcoming=upcoming, past=past, counts=counts, mine=mine)


# -- the event page and its sign-up region ---------------------------------------

def _signup_ctx(event: Event, form: SignupForm | None = None) -> dict:
    signup = service.signup_of(event, current_user)
    if form is None:
        form = SignupForm(formdata=None, event=event,
                          data={"guests": signup.guests, "dietary_note": signup.dietary_note} if signup else None)
    return {"event": event, "signup": signup, "position": service.waitlist_position(signup) if signup else None,
            "counts": service.counts_for([event.id])[event.id], "signup_form": form,
            "can_change": service.may_change_signups(event, current_user)}


def _show(event: Event, status: int = 200, form: SignupForm | None = None, task_form: TaskForm | None = None,
          task_error: int | None = None):
    return render("events/show.html", **_signup_ctx(event, form), attendees=service.attendees(event),
                  task_form=task_form or TaskForm(formdata=None), task_error=task_error, status=status)


def _load_tasks():
    return selectinload(Event.tasks).selectinload(VolunteerTask.takers).joinedload(TaskSlot.user)


@bp.route("/<int:event_id>")
@allow(MEMBERS)
def show(event_id):
    return _show(get_event_or_404(event_id, _load_tasks()))


def _signup_done(event: Event, message: str):
    if wants_fragment():
        return render("events/_signup.html", **_signup_ctx(event))
    flash(message, "success")
    return redirect_to(url_for("events.show", event_id=event.id))


def _signup_failed(event: Event, form: SignupForm, status: int = 422):
    if wants_fragment():
        return render("events/_signup.html", **_signup_ctx(event, form), status=status)
    event = get_event_or_404(event.id, _load_tasks())
    return _show(event, status=status, form=form)


@bp.route("/<int:event_id>/pamelding", methods=["POST"])
@allow(MEMBERS, form_csrf=True)
def sign_up(event_id):
    event = get_event_or_404(event_id)
    require(service.may_change_signups(event, current_user))  # before the form: closed is 403, not 422
    form = SignupForm(event=event)
    if not form.validate_on_submit():
        return _signup_failed(event, form)
    try:
        signup, changed = service.sign_up(event, by=current_user, guests=form.guests.data or 0,
                                          dietary_note=form.dietary_note.data)
    except service.GuestsDoNotFit as error:
        form.guests.errors = [_("Only room for %(num)d guests now.", num=error.most)]
        return _signup_failed(event, form)
    if changed:
        return _signup_done(event, _("Your sign-up is changed."))
    if signup.confirmed:
        return _signup_done(event, _("You are signed up."))
    return _signup_done(event, _("The event is full. You are on the waiting list."))


@bp.route("/<int:event_id>/avmelding", methods=["POST"])
@allow(MEMBERS)
def cancel_signup(event_id):
    event = get_event_or_404(event_id)
    service.cancel_signup(event, by=current_user)  # a second click finds nothing to cancel: the same answer
    return _signup_done(event, _("Your sign-up is cancelled."))


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
    if service.cancel_event(event, by=current_user):
        flash(_("The event is cancelled."), "success")
    return redirect_to(url_for("events.show", event_id=event.id))


# -- volunteer tasks --------------------------------------------------------------

def _get_task_or_404(event: Event, task_id: int) -> VolunteerTask:
    task = db.session.scalar(select(VolunteerTask).where(VolunteerTask.id == task_id,
                                                         VolunteerTask.event_id == event.id))
    if task is None:
        abort(404)
    return task


def _tasks_done(event_id: int, status: int = 200, task_form: TaskForm | None = None, task_error: int | None = None):
    db.session.expire_all()
    event = get_event_or_404(event_id, _load_tasks())
    if wants_fragment():
        return render("events/_tasks.html", event=event, task_form=task_form or TaskForm(formdata=None),
                      task_error=task_error, can_change=service.may_change_signups(event, current_user),
                      status=status)
    if status != 200:
        return _show(event, status=status, task_form=task_form, task_error=task_error)
    return redirect_to(url_for("events.show", event_id=event.id, _anchor="tasks"))


@bp.route("/<int:event_id>/oppgaver", methods=["POST"])
@allow(MEMBERS, acts=ORGANISERS, form_csrf=True)
def add_task(event_id):
    event = get_event_or_404(event_id)
    form = TaskForm()
    if not form.validate_on_submit():
        return _tasks_done(event.id, 422, task_form=form)
    service.add_task(event, title=form.title.data, slots=form.slots.data)
    return _tasks_done(event.id)


@bp.route("/<int:event_id>/oppgaver/<int:task_id>/slett", methods=["POST"])
@allow(MEMBERS, acts=ORGANISERS)
def delete_task(event_id, task_id):
    event = get_event_or_404(event_id)
    service.delete_task(event, _get_task_or_404(event, task_id))
    return _tasks_done(event.id)


@bp.route("/<int:event_id>/oppgaver/<int:task_id>/ta", methods=["POST"])
@allow(MEMBERS)
def take_task(event_id, task_id):
    event = get_event_or_404(event_id)
    require(service.may_change_signups(event, current_user))  # before the task: closed is 403, not 404
    try:
        service.take_task(event, _get_task_or_404(event, task_id), by=current_user)
    except service.TaskFull:
        return _tasks_done(event_id, 409, task_error=task_id)
    return _tasks_done(event_id)


@bp.route("/<int:event_id>/oppgaver/<int:task_id>/slipp", methods=["POST"])
@allow(MEMBERS)
def release_task(event_id, task_id):
    event = get_event_or_404(event_id)
    require(service.may_change_signups(event, current_user))  # before the task: closed is 403, not 404
    service.release_task(event, _get_task_or_404(event, task_id), by=current_user)
    return _tasks_done(event_id)


# -- the organisers' participant list ---------------------------------------------

def _fresh_participant_form() -> ParticipantForm:
    return with_token(ParticipantForm(formdata=None))


@bp.route("/<int:event_id>/deltakere")
@allow(ORGANISERS)
def participants(event_id):
    event = get_event_or_404(event_id)
    return render("events/participants.html", event=event, form=_fresh_participant_form(),
                  **service.participant_list(event))


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


def _participants_done(event: Event, form: ParticipantForm | None = None, status: int = 200):
    if status != 200:
        return render("events/participants.html", event=event, form=form, status=status,
                      **service.participant_list(event))
    return redirect_to(url_for("events.participants", event_id=event.id))


@bp.route("/<int:event_id>/deltakere", methods=["POST"])
@allow(ORGANISERS, form_csrf=True)
def add_participant(event_id):
    event = get_event_or_404(event_id)
    require(event.can_be_changed())  # before the form: cancelled is 403, not 422
    form = ParticipantForm(event=event)
    if not form.validate_on_submit():
        return _participants_done(event, form, 422)
    signup = service.add_participant(event, by=current_user, name=form.name.data, guests=form.guests.data or 0,
                                     dietary_note=form.dietary_note.data, form_token=form.form_token.data or None)
    if signup.confirmed:
        flash(_("%(name)s is signed up.", name=signup.display_name), "success")
    else:
        flash(_("%(name)s is on the waiting list.", name=signup.display_name), "success")
    return _participants_done(event)


def _guests_refused(event: Event, signup_id: int, error: str):
    return render("events/participants.html", event=event, form=_fresh_participant_form(),
                  row_errors={signup_id: error}, status=422, **service.participant_list(event))


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
        return _guests_refused(event, signup_id, error)
    try:
        service.set_guests(event, signup, form.guests.data or 0)
    except service.GuestsDoNotFit as too_many:
        return _guests_refused(event, signup_id, _("Only room for %(num)d guests now.", num=too_many.most))
    flash(_("The sign-up is changed."), "success")
    return _participants_done(event)


@bp.route("/<int:event_id>/deltakere/<int:signup_id>/fjern", methods=["POST"])
@allow(ORGANISERS)
def remove_participant(event_id, signup_id):
    event = get_event_or_404(event_id)
    service.remove_participant(event, _get_signup_or_404(event, signup_id))
    flash(_("The sign-up is removed."), "success")
    return _participants_done(event)
