"""The yearly report over HTTP: the list of years, a year's page and CSV, the chair's opening text, and
attendance at a held meeting (the rules and figures are in service.py)."""
from flask import abort, make_response, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import MEMBERS, MODERATORS, allow, get_meeting_or_404, is_moderator
from ..forms import form_status
from ..htmx import after_change, invalid, redirect_to, render
from ..i18n import OSLO
from ..models import utcnow
from . import bp, service
from .forms import AttendanceForm, TextForm, YearForm


def _year_or_404(year: int) -> int:
    try:
        return service.check_year(year)
    except service.OutOfRange:
        abort(404)


@bp.route("/")
@allow(MEMBERS)
def index():
    """Every year from the council's first meeting, and a field to open any other year."""
    years = service.years_offered()
    form = YearForm(formdata=request.args if "year" in request.args else None, last_year=years[-1])
    if "year" in request.args:
        if form.validate():
            return redirect_to(url_for("yearly.show", year=form.year.data))
        return invalid("yearly/index.html", form=form, years=range(years[-1], service.first_year() - 1, -1))
    return render("yearly/index.html", form=form, years=range(years[-1], service.first_year() - 1, -1))


@bp.route("/<int:year>")
@allow(MEMBERS)
def show(year):
    rep = service.report(_year_or_404(year))
    return render("yearly/show.html", report=rep, year=year, now=utcnow(), may_edit=is_moderator(current_user),
                  missing=[m for m in rep.meetings if not m.attendance_recorded])


@bp.route("/<int:year>.csv")
@allow(MEMBERS)
def csv(year):
    rep = service.report(_year_or_404(year))
    response = make_response(service.as_csv(rep))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="arsrapport-{year}.csv"'
    return response


@bp.route("/<int:year>/tekst", methods=["GET", "POST"])
@allow(MODERATORS, form_csrf=True)
def text(year):
    """The chair's opening text of the year's report."""
    _year_or_404(year)
    current = service.text_for(year)
    form = TextForm(data={"text": current.text if current else ""})
    if form.validate_on_submit():
        service.save_text(year, form.text.data or "")
        return after_change(None, url_for("yearly.show", year=year), _("The opening text is saved."))
    return render("yearly/text.html", form=form, year=year, status=form_status())


@bp.route("/oppmote/<int:meeting_id>", methods=["GET", "POST"])
@allow(MODERATORS, form_csrf=True)
def attendance(meeting_id):
    """How many attended a held meeting, per group (the chair enters it with the minutes)."""
    meeting = get_meeting_or_404(meeting_id)
    if not meeting.can_record_attendance():
        abort(404)
    form = AttendanceForm(data={"neighbours": meeting.attended_neighbours, "residents": meeting.attended_residents,
                                "staff": meeting.attended_staff})
    if form.validate_on_submit():
        service.record_attendance(meeting, neighbours=form.neighbours.data, residents=form.residents.data,
                                  staff=form.staff.data)
        year = meeting.starts_at.astimezone(OSLO).year
        return after_change(None, url_for("meetings.show", meeting_id=meeting.id),
                            _("Attendance is saved. It counts in the yearly report for %(year)d.", year=year))
    return render("yearly/attendance.html", form=form, meeting=meeting, status=form_status())
