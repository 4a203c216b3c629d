"""Event list and page, sign-ups with the waiting list, volunteer tasks, the organisers' participant list."""
import csv
import io
from collections import Counter
from urllib.parse import urlsplit

import click
from flask import abort, current_app, flash, make_response, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from ..i18n import from_local, to_local_naive
from ..access import MEMBERS, ORGANISERS, allow, get_event_or_404, is_organiser as _is_organiser, visible_events
from ..extensions import db
from ..htmx import redirect_to, render, wants_fragment
from ..models import Event, Signup, SignupStatus, TaskSlot, VolunteerTask, utcnow
from ..notifications.service import active_members, notify
from ..forms import form_status, with_token
from . import bp, service
from .forms import EventForm, GuestsForm, ParticipantForm, SignupForm, TaskForm

PAST_SHOWN = 30


def is_organiser() -> bool:
    return _is_organiser(current_user)


def _signed_up(event: Event, skip=()):
    """The members signed up for an event (to tell them of a change)."""
    from ..models import User
    skipped = {s.user_id for s in skip}
    return [u for u in db.session.scalars(select(User).join(Signup, Signup.user_id == User.id)
                                          .where(Signup.event_id == event.id)) if u.id not in skipped]


def may_change_signups(event: Event) -> bool:
    """Members change their own sign-up until the deadline; organisers also after it."""
    if event.cancelled:
        return False
    return is_organiser() or not event.deadline_passed()


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

def _my_signup(event: Event) -> Signup | None:
    return db.session.scalar(select(Signup).where(Signup.event_id == event.id, Signup.user_id == current_user.id))


def _signup_ctx(event: Event, form: SignupForm | None = None) -> dict:
    signup = _my_signup(event)
    if form is None:
        form = SignupForm(formdata=None, event=event,
                          data={"guests": signup.guests, "dietary_note": signup.dietary_note} if signup else None)
    return {"event": event, "signup": signup, "position": service.waitlist_position(signup) if signup else None,
            "counts": service.counts_for([event.id])[event.id], "signup_form": form,
            "can_change": may_change_signups(event)}


def _show(event: Event, status: int = 200, form: SignupForm | None = None, task_form: TaskForm | None = None,
          task_error: int | None = None):
    attendees = []
    if event.show_participants:
        attendees = db.session.scalars(
            select(Signup).where(Signup.event_id == event.id, Signup.status == SignupStatus.CONFIRMED)
            .options(joinedload(Signup.user)).order_by(Signup.id)).all()
    return render("events/show.html", **_signup_ctx(event, form), attendees=attendees,
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
    if not may_change_signups(event):
        abort(403)
    form = SignupForm(event=event)
    if not form.validate_on_submit():
        return _signup_failed(event, form)
    event = service.lock_event(event.id)
    changed = _my_signup(event) is not None
    try:
        signup = service.sign_up(event, user_id=current_user.id, guests=form.guests.data or 0,
                                 dietary_note=form.dietary_note.data)
    except service.GuestsDoNotFit as error:
        db.session.rollback()
        form.guests.errors = [_("Only room for %(num)d guests now.", num=error.most)]
        return _signup_failed(event, form)
    db.session.commit()
    if changed:
        return _signup_done(event, _("Your sign-up is changed."))
    if signup.status == SignupStatus.CONFIRMED:
        return _signup_done(event, _("You are signed up."))
    return _signup_done(event, _("The event is full. You are on the waiting list."))


@bp.route("/<int:event_id>/avmelding", methods=["POST"])
@allow(MEMBERS)
def cancel_signup(event_id):
    event = get_event_or_404(event_id)
    if not may_change_signups(event):
        abort(403)
    event = service.lock_event(event.id)
    signup = _my_signup(event)
    if signup is not None:  # a second click finds nothing to cancel: the same answer
        service.remove(event, signup)
    db.session.commit()
    return _signup_done(event, _("Your sign-up is cancelled."))


@bp.route("/<int:event_id>/kalender.ics")
@allow(MEMBERS)
def ics(event_id):
    from icalendar import Calendar, Event as CalendarEvent
    event = get_event_or_404(event_id)
    calendar = Calendar()
    calendar.add("prodid", "-//Naboradet//Arrangementer//NB")
    calendar.add("version", "2.0")
    item = CalendarEvent()
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "naborad"
    link = current_app.config["BASE_URL"].rstrip("/") + url_for("events.show", event_id=event.id)
    item.add("uid", f"event-{event.id}@{host}")
    item.add("dtstamp", utcnow())
    item.add("dtstart", event.starts_at)
    item.add("dtend", event.ends_at)
    item.add("summary", event.title)
    if event.place:
        item.add("location", event.place)
    item.add("description", f"{event.description}\n\n{link}".strip())
    item.add("url", link)
    if event.cancelled:
        item.add("status", "CANCELLED")
    calendar.add_component(item)
    response = make_response(calendar.to_ical())
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="arrangement-{event.id}.ics"'
    return response


# -- creating, editing, copying, cancelling ---------------------------------------

def _form_data(event: Event, with_dates: bool = True) -> dict:
    data = {name: getattr(event, name) for name in
            ("title", "description", "place", "capacity", "max_guests", "ask_dietary", "show_participants")}
    if with_dates:
        data.update(starts_at=to_local_naive(event.starts_at), ends_at=to_local_naive(event.ends_at),
                    signup_deadline=to_local_naive(event.signup_deadline))
    return data


def _apply(form: EventForm, event: Event) -> None:
    event.title = form.title.data
    event.description = form.description.data or ""
    event.place = form.place.data
    event.starts_at = from_local(form.starts_at.data)
    event.ends_at = from_local(form.ends_at.data)
    event.signup_deadline = from_local(form.signup_deadline.data)
    event.capacity = form.capacity.data
    event.max_guests = form.max_guests.data or 0
    event.ask_dietary = form.ask_dietary.data
    event.show_participants = form.show_participants.data
    event.updated_at = utcnow()


def _create(form: EventForm, source: Event | None):
    token = form.form_token.data or None
    existing = token and db.session.scalar(select(Event.id).where(Event.form_token == token))
    if existing:
        return redirect_to(url_for("events.show", event_id=existing))
    event = Event(created_by_id=current_user.id, form_token=token)
    _apply(form, event)
    if source is not None:
        for task in source.tasks:
            event.tasks.append(VolunteerTask(title=task.title, slots=task.slots, position=task.position))
    db.session.add(event)
    try:
        db.session.flush()
    except IntegrityError:  # the same form sent twice at once: the first one wins
        db.session.rollback()
        existing = db.session.scalar(select(Event.id).where(Event.form_token == token))
        return redirect_to(url_for("events.show", event_id=existing))
    notify(active_members(), "event_new", "event", event.id, exclude=current_user)
    db.session.commit()
    flash(_("The event is created."), "success")
    return redirect_to(url_for("events.show", event_id=event.id))


def _new_form_page(form: EventForm, source: Event | None = None):
    with_token(form)
    return render("events/new.html", form=form, source=source, status=form_status(form))


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
    form = EventForm(data=_form_data(source, with_dates=False)) if request.method == "GET" else EventForm()
    if form.validate_on_submit():
        return _create(form, source)
    return _new_form_page(form, source)


@bp.route("/<int:event_id>/rediger", methods=["GET", "POST"])
@allow(MEMBERS, acts=ORGANISERS, form_csrf=True)
def edit(event_id):
    event = get_event_or_404(event_id)
    form = EventForm(data=_form_data(event)) if request.method == "GET" else EventForm()
    if form.validate_on_submit():
        event = service.lock_event(event.id)
        taken = service.places_taken(event.id)
        if form.capacity.data is not None and form.capacity.data < taken:
            form.capacity.errors = [_("%(num)d places are taken already.", num=taken)]
        else:
            _apply(form, event)
            db.session.flush()
            promoted = service.promote(event)  # more places, or fewer guests allowed: the waiting list may move
            notify(_signed_up(event, skip=promoted), "event_changed", "event", event.id, exclude=current_user)
            db.session.commit()
            flash(_("The event is saved."), "success")
            return redirect_to(url_for("events.show", event_id=event.id))
    return render("events/edit.html", form=form, event=event, status=form_status(form))


@bp.route("/<int:event_id>/avlys", methods=["POST"])
@allow(MEMBERS, acts=ORGANISERS)
def cancel(event_id):
    event = get_event_or_404(event_id)
    if event.cancelled_at is None:
        event.cancelled_at = utcnow()
        notify(_signed_up(event), "event_changed", "event", event.id, exclude=current_user)
        db.session.commit()
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
                      task_error=task_error, can_change=may_change_signups(event), status=status)
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
    position = db.session.scalar(select(func.coalesce(func.max(VolunteerTask.position), 0))
                                 .where(VolunteerTask.event_id == event.id)) + 1
    db.session.add(VolunteerTask(event_id=event.id, title=form.title.data, slots=form.slots.data, position=position))
    db.session.commit()
    return _tasks_done(event.id)


@bp.route("/<int:event_id>/oppgaver/<int:task_id>/slett", methods=["POST"])
@allow(MEMBERS, acts=ORGANISERS)
def delete_task(event_id, task_id):
    event = get_event_or_404(event_id)
    db.session.delete(_get_task_or_404(event, task_id))
    db.session.commit()
    return _tasks_done(event.id)


@bp.route("/<int:event_id>/oppgaver/<int:task_id>/ta", methods=["POST"])
@allow(MEMBERS)
def take_task(event_id, task_id):
    event = get_event_or_404(event_id)
    if not may_change_signups(event):
        abort(403)
    event = service.lock_event(event.id)  # slots are counted under the same lock as places
    task = _get_task_or_404(event, task_id)
    taken = db.session.scalar(select(func.count()).select_from(TaskSlot).where(TaskSlot.task_id == task.id))
    mine = db.session.get(TaskSlot, (task.id, current_user.id))
    if mine is None:
        if taken >= task.slots:
            db.session.rollback()
            return _tasks_done(event_id, 409, task_error=task_id)
        db.session.add(TaskSlot(task_id=task.id, user_id=current_user.id))
    db.session.commit()
    return _tasks_done(event_id)


@bp.route("/<int:event_id>/oppgaver/<int:task_id>/slipp", methods=["POST"])
@allow(MEMBERS)
def release_task(event_id, task_id):
    event = get_event_or_404(event_id)
    if not may_change_signups(event):
        abort(403)
    task = _get_task_or_404(event, task_id)
    db.session.query(TaskSlot).filter_by(task_id=task.id, user_id=current_user.id).delete()
    db.session.commit()
    return _tasks_done(event_id)


# -- the organisers' participant list ---------------------------------------------

def _participants(event: Event):
    """Sign-ups (confirmed, then the waiting list in order), each member's tasks, and the totals."""
    signups = db.session.scalars(select(Signup).where(Signup.event_id == event.id).options(joinedload(Signup.user))
                                 .order_by(Signup.status, Signup.id)).all()
    confirmed = [s for s in signups if s.status == SignupStatus.CONFIRMED]
    waitlisted = [s for s in signups if s.status == SignupStatus.WAITLISTED]
    tasks: dict[int, list[str]] = {}
    for user_id, title in db.session.execute(
            select(TaskSlot.user_id, VolunteerTask.title).join(VolunteerTask)
            .where(VolunteerTask.event_id == event.id).order_by(VolunteerTask.position, VolunteerTask.id)):
        tasks.setdefault(user_id, []).append(title)
    diets = Counter(s.dietary_note.strip().casefold() for s in confirmed if s.dietary_note)
    totals = {"signups": len(confirmed), "guests": sum(s.guests for s in confirmed),
              "people": sum(s.places for s in confirmed), "waitlisted": len(waitlisted),
              "waitlisted_people": sum(s.places for s in waitlisted), "diets": sorted(diets.items())}
    return {"confirmed": confirmed, "waitlisted": waitlisted, "tasks": tasks, "totals": totals}


def _fresh_participant_form() -> ParticipantForm:
    return with_token(ParticipantForm(formdata=None))


@bp.route("/<int:event_id>/deltakere")
@allow(ORGANISERS)
def participants(event_id):
    event = get_event_or_404(event_id)
    return render("events/participants.html", event=event, form=_fresh_participant_form(), **_participants(event))


@bp.route("/<int:event_id>/deltakere/utskrift")
@allow(ORGANISERS)
def print_list(event_id):
    event = get_event_or_404(event_id)
    return render("events/print.html", event=event, **_participants(event))


def neutralise(value) -> str:
    """A spreadsheet would run a cell starting with = + - @ (or tab/CR) as a formula: make it text."""
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


@bp.route("/<int:event_id>/deltakere.csv")
@allow(ORGANISERS)
def export_csv(event_id):
    event = get_event_or_404(event_id)
    data = _participants(event)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Name"), _("Status"), _("Position on the waiting list"), _("Guests"),
                     _("Dietary needs or allergies"), _("Tasks")])
    for position, signup in [(None, s) for s in data["confirmed"]] + list(enumerate(data["waitlisted"], 1)):
        writer.writerow([neutralise(cell) for cell in (
            signup.display_name, _("Confirmed") if position is None else _("Waiting list"), position or "",
            signup.guests, signup.dietary_note, ", ".join(data["tasks"].get(signup.user_id, [])))])
    response = make_response("\ufeff" + out.getvalue())  # the BOM makes Excel read UTF-8
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="deltakere-{event.id}.csv"'
    return response


def _participants_done(event: Event, form: ParticipantForm | None = None, status: int = 200):
    if status != 200:
        return render("events/participants.html", event=event, form=form, status=status, **_participants(event))
    return redirect_to(url_for("events.participants", event_id=event.id))


@bp.route("/<int:event_id>/deltakere", methods=["POST"])
@allow(ORGANISERS, form_csrf=True)
def add_participant(event_id):
    event = get_event_or_404(event_id)
    if event.cancelled:
        abort(403)
    form = ParticipantForm(event=event)
    if not form.validate_on_submit():
        return _participants_done(event, form, 422)
    event = service.lock_event(event.id)
    signup = service.sign_up(event, name=form.name.data, guests=form.guests.data or 0,
                             dietary_note=form.dietary_note.data, added_by_id=current_user.id,
                             form_token=form.form_token.data or None)
    db.session.commit()
    if signup.status == SignupStatus.CONFIRMED:
        flash(_("%(name)s is signed up.", name=signup.display_name), "success")
    else:
        flash(_("%(name)s is on the waiting list.", name=signup.display_name), "success")
    return _participants_done(event)


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
    form = GuestsForm()
    event = service.lock_event(event.id)
    signup = _get_signup_or_404(event, signup_id)
    error = None
    if not form.validate_on_submit():
        error = form.guests.errors[0] if form.guests.errors else _("The form had expired. Send it again.")
    else:
        try:
            service.change_guests(event, signup, form.guests.data or 0)
        except service.GuestsDoNotFit as too_many:
            error = _("Only room for %(num)d guests now.", num=too_many.most)
    if error is not None:
        db.session.rollback()
        return render("events/participants.html", event=event, form=_fresh_participant_form(),
                      row_errors={signup_id: error}, status=422, **_participants(event))
    db.session.commit()
    flash(_("The sign-up is changed."), "success")
    return _participants_done(event)


@bp.route("/<int:event_id>/deltakere/<int:signup_id>/fjern", methods=["POST"])
@allow(ORGANISERS)
def remove_participant(event_id, signup_id):
    event = get_event_or_404(event_id)
    event = service.lock_event(event.id)
    signup = _get_signup_or_404(event, signup_id)
    service.remove(event, signup)
    db.session.commit()
    flash(_("The sign-up is removed."), "success")
    return _participants_done(event)


# -- command line -------------------------------------------------------------------

@bp.cli.command("purge-dietary")
def purge_dietary_command():
    """Delete dietary notes 30 days after each event (run daily from cron or a timer)."""
    count = service.purge_dietary_notes()
    click.echo(f"Deleted {count} dietary notes.")
