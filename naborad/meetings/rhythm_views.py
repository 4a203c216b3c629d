"""The council's rhythm (HTTP only; issue 21): unfinished items dropped from carry-over, meeting series,
and pausing and resuming the council's meetings."""
from datetime import date, time

from flask import request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..access import MEMBERS, MODERATORS, allow, get_agenda_item_or_404, get_meeting_or_404, get_series_or_404, require
from ..council import meetings_paused
from ..forms import form_status, with_token
from ..htmx import after_change, invalid, redirect_to, render
from ..i18n import date_filter, local
from ..models import SeriesRule, utcnow
from . import bp, service
from . import series as series_rules
from .forms import NTH, WEEKDAYS, PauseForm, ReasonForm, ResumeForm, SeriesDateForm, SeriesForm
from .views import _agenda_ctx, _meeting_url

# -- carry-over: drop an unfinished item, with a reason ---------------------------------


@bp.route("/<int:meeting_id>/videreforing/<int:item_id>/slipp", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS, form_csrf=True)
def drop(meeting_id, item_id):
    """No longer offer an unfinished item of an earlier meeting for this meeting's agenda (nor any later one)."""
    source = get_agenda_item_or_404(item_id)
    meeting = get_meeting_or_404(meeting_id)
    require(source.meeting.status in service.HELD_STATES and source.standing is None)
    form = ReasonForm()
    if not form.validate_on_submit():
        return invalid("meetings/drop.html", item=source, meeting=meeting, form=form)
    service.drop(source, form.reason.data)
    return after_change("meetings/_agenda.html", _meeting_url(meeting.id, "saksliste"),
                        _("The item is no longer offered."), context=lambda: _agenda_ctx(meeting))


# -- meeting series: the chair and staff ------------------------------------------------------

def _date_choices(series) -> list:
    """The series' next dates, for moving or cancelling one."""
    return [SelectChoice(day.isoformat(), date_filter(day)) for day, _when in
            series_rules.occurrences(series, utcnow(), days=series_rules.MAX_WINDOW_DAYS)]


def _series_page(series, form=None, date_form=None):
    if date_form is None:
        date_form = SeriesDateForm(formdata=None)
    date_form.occurs_on.choices = _date_choices(series)
    return render("meetings/series_form.html", series=series, form=form or _series_form(series),
                  rule_text=describe(series),
                  date_form=date_form, dates=series_rules.occurrences(series, utcnow(), days=series_rules.MAX_WINDOW_DAYS),
                  meetings=series_rules.planned(series), status=form_status())


def _series_form(series) -> SeriesForm:
    """The form filled in from the series (its time "18:00" as a time of day)."""
    hour, minute = (int(part) for part in series.at.split(":"))
    data = {name: getattr(series, name) for name in series_rules.FIELDS}
    return SeriesForm(formdata=None, data={**data, "rule": series.rule.value, "at": time(hour, minute),
                                           "active": series.active})


def describe(series) -> str:
    """The rule in words: "Every 6 weeks on Tuesday at 18:00", "The first Monday of the month at 18:00"."""
    day = str(WEEKDAYS[series.weekday])
    if series.rule == SeriesRule.EVERY_N_WEEKS:
        text = ngettext("Every week on %(day)s at %(at)s", "Every %(num)d weeks on %(day)s at %(at)s",
                        series.interval, day=day, at=series.at)
    else:
        text = _("The %(nth)s %(day)s of the month at %(at)s", nth=str(dict(NTH).get(series.nth, "")), day=day,
                 at=series.at)
    return text[:1].upper() + text[1:]  # "første mandag …" heads a page as "Første mandag …"


@bp.route("/serier")
@allow(MODERATORS)
def series_index():
    all_series = series_rules.overview()
    return render("meetings/series.html", all_series=all_series, rules={s.id: describe(s) for s in all_series},
                  paused=meetings_paused())


@bp.route("/serier/ny", methods=["GET", "POST"])
@allow(MODERATORS, form_csrf=True)
def series_new():
    form = with_token(SeriesForm())
    if request.method == "GET":
        form.starts_on.data = local(utcnow()).date()
    if form.validate_on_submit():
        series, created = series_rules.create(form_token=form.form_token.data, **form.values())
        return after_change(None, url_for("meetings.series_edit", series_id=series.id),
                            created and _("The series is saved. Its first meetings are planned."))
    return render("meetings/series_form.html", series=None, form=form, status=form_status())


@bp.route("/serier/<int:series_id>", methods=["GET", "POST"])
@allow(MODERATORS, form_csrf=True)
def series_edit(series_id):
    series = get_series_or_404(series_id)
    form = _series_form(series) if request.method == "GET" else SeriesForm()
    if request.method == "POST" and form.validate():
        series_rules.change(series, active=form.active.data, **form.values())
        return after_change(None, url_for("meetings.series_edit", series_id=series.id), _("The series is saved."))
    return _series_page(series, form=form)


@bp.route("/serier/<int:series_id>/dato", methods=["POST"])
@allow(MODERATORS, form_csrf=True)
def series_date(series_id):
    """Move or cancel one date of the series."""
    series = get_series_or_404(series_id)
    form = SeriesDateForm()
    form.occurs_on.choices = _date_choices(series)
    if not form.validate_on_submit():
        return _series_page(series, date_form=form)
    series_rules.except_date(series, date.fromisoformat(form.occurs_on.data), message=form.message.data,
                             moved_to=form.moved_to.data if form.action.data == "move" else None)
    return after_change(None, url_for("meetings.series_edit", series_id=series.id, _anchor="datoer"),
                        _("The date is moved.") if form.action.data == "move" else _("The date is cancelled."))


# -- pause and resume ------------------------------------------------------------------------------

@bp.route("/pause", methods=["GET", "POST"])
@allow(MODERATORS, form_csrf=True)
def pause():
    form = PauseForm(data={"message": (meetings_paused() or {}).get("message")}) \
        if request.method == "GET" else PauseForm()
    if form.validate_on_submit():
        service.pause(current_user, form.message.data)
        return after_change(None, url_for("meetings.index"),
                            _("The council's meetings are paused. The members are told."))
    return render("meetings/pause.html", form=form, status=form_status())


@bp.route("/gjenoppta", methods=["GET", "POST"])
@allow(MODERATORS, form_csrf=True)
def resume():
    """End the pause; then the schedule form proposes a first meeting."""
    if meetings_paused() is None:
        return redirect_to(url_for("meetings.index"))
    form = ResumeForm()
    if form.validate_on_submit():
        service.resume(current_user, series_continue=form.series_continue.data == "yes")
        if form.series_continue.data == "yes":
            series_rules.make_ahead()
        return after_change(None, url_for("meetings.new", forslag=1),
                            _("The council meets again. Here is a proposal for the first meeting."))
    return render("meetings/resume.html", form=form, has_series=bool(series_rules.overview()),
                  status=form_status())
