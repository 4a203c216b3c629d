"""Dialogue meetings over HTTP: staff plan and write them; invitees read them; everyone else gets 404."""
from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..access import MEMBERS, STAFF, allow, get_dialogue_or_404
from ..forms import form_status, with_token
from ..htmx import after_change, invalid, render
from ..labels import role_label
from ..paging import fragment, page_number
from ..reports import patterns
from . import bp, service
from .forms import DialogueForm, MinutesForm


def _with_choices(form: DialogueForm) -> DialogueForm:
    form.invitees.choices = [SelectChoice(u.id, f"{u.display_name} ({role_label(u.role)})")
                             for u in service.invitable_members()]
    return form


def _show_url(meeting) -> str:
    return url_for("dialogue.show", dialogue_id=meeting.id)


@bp.route("/")
@allow(MEMBERS)
def index():
    """Staff: every dialogue meeting; a member: the ones they are invited to (the latest first)."""
    page = service.dialogues(current_user, page_number())
    return render("dialogue/index.html", fragment(page, "dialogue/index.html", "dialogue/_rows.html"), page=page)


@bp.route("/ny", methods=["GET", "POST"])
@allow(STAFF, form_csrf=True)
def new():
    """Plan a dialogue meeting; from a pattern of reports (`monster`) its title and agenda start neutral."""
    key = request.values.get("monster") or None
    pattern = patterns.get_pattern(key) if key else None
    if key and pattern is None:
        abort(404)
    form = _with_choices(with_token(DialogueForm()))
    if form.validate_on_submit():
        meeting, created = service.create(
            current_user, title=form.title.data, starts_at=form.starts_at.data, place=form.place.data,
            agenda=form.agenda.data, invitee_ids=form.invitees.data, form_token=form.form_token.data,
            pattern=pattern)
        return after_change(None, _show_url(meeting),
                            created and _("The dialogue meeting is planned. The invitees are told."))
    if request.method == "GET" and pattern is not None:
        form.title.data, form.agenda.data = patterns.dialogue_title(pattern), patterns.dialogue_agenda()
    return render("dialogue/form.html", form=form, meeting=None, pattern=pattern, status=form_status())


@bp.route("/<int:dialogue_id>")
@allow(MEMBERS)
def show(dialogue_id):
    meeting = get_dialogue_or_404(dialogue_id)
    return render("dialogue/show.html", meeting=meeting, form=MinutesForm(formdata=None, minutes=meeting.minutes))


@bp.route("/<int:dialogue_id>/endre", methods=["GET", "POST"])
@allow(MEMBERS, acts=STAFF, form_csrf=True)
def edit(dialogue_id):
    meeting = get_dialogue_or_404(dialogue_id)
    form = _with_choices(DialogueForm(data=dict(
        title=meeting.title, starts_at=meeting.starts_at, place=meeting.place, agenda=meeting.agenda,
        invitees=[u.id for u in meeting.invitees])))
    if form.validate_on_submit():
        service.change(meeting, current_user, title=form.title.data, starts_at=form.starts_at.data,
                       place=form.place.data, agenda=form.agenda.data, invitee_ids=form.invitees.data)
        return after_change(None, _show_url(meeting), _("The dialogue meeting is changed."))
    return render("dialogue/form.html", form=form, meeting=meeting, pattern=None, status=form_status())


@bp.route("/<int:dialogue_id>/referat", methods=["POST"])
@allow(MEMBERS, acts=STAFF, form_csrf=True)
def minutes(dialogue_id):
    meeting = get_dialogue_or_404(dialogue_id)
    form = MinutesForm()
    if not form.validate_on_submit():
        return invalid("dialogue/show.html", meeting=meeting, form=form)
    service.save_minutes(meeting, form.minutes.data)
    return after_change(None, _show_url(meeting), _("The minutes are saved. The invitees can read them."))
