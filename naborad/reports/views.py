"""Filing a report, the reporter's own view, the staff queue and handling, and the council's numbers."""
from flask import abort, current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..access import MEMBERS, STAFF, allow, get_report_or_404, is_moderator
from ..contact.service import on_duty
from ..extensions import db, limiter
from ..forms import form_status, with_token
from ..htmx import after_change, invalid, poll, redirect_to, render, wants_fragment
from ..models import ReportStatus, SituationReport, next_open_meeting, utcnow
from ..paging import page_number, paginate
from . import bp, escalation, patterns, service
from .forms import AgendaProposalForm, CloseForm, EscalationForm, ReporterMessageForm, ReportForm, RespondForm
from .service import charts, statistics, unseen_alert_count


@bp.app_context_processor
def inject():
    def report_alerts() -> int:
        if current_user.is_authenticated and current_user.is_staff:
            return unseen_alert_count(current_user.id)
        return 0
    return {"report_alerts": report_alerts, "report_progress_version": service.progress_version}


# -- filing ---------------------------------------------------------------------

@bp.route("/", methods=["GET", "POST"])
@allow(MEMBERS, form_csrf=True)
@limiter.limit(lambda: current_app.config["REPORT_LIMIT"], methods=["POST"],
               key_func=lambda: f"member:{current_user.get_id()}")
def new():
    form = ReportForm()
    if form.validate_on_submit():
        report, created = service.file_report(
            current_user, category=form.category.data, text=form.text.data, place=form.place.data,
            happened_at=form.happened_at.data, contact_way=form.contact_way.data,
            contact_detail=form.contact_detail.data, form_token=form.form_token.data or None)
        if created:
            flash(_("Thank you. The staff have been told, and you can follow the report here."), "success")
        return redirect_to(url_for("reports.show", report_id=report.id))
    with_token(form)
    return render("reports/new.html", form=form, on_duty=on_duty(), onduty_mail=service.onduty_mail(),
                  status=form_status())


@bp.route("/ordlyd", methods=["POST"])
@allow(MEMBERS)
def text_hint():
    """The quiet "talk with, not about" hint under a report's text while it is written (htmx, on a pause in
    typing): the same check and words as when the form comes back; it never stops or delays sending."""
    if not wants_fragment():  # only htmx asks; a plain request goes to the form
        return redirect_to(url_for("reports.new"))
    form = ReportForm()
    form.talk_with_not_about()
    return render("reports/_text_hint.html", form=form)


@bp.route("/mine")
@allow(MEMBERS)
def mine():
    reports = db.session.scalars(select(SituationReport).where(SituationReport.reporter_id == current_user.id)
                                 .order_by(SituationReport.created_at.desc()).limit(100)).all()
    return render("reports/mine.html", reports=reports)


# -- one report: staff and the reporter only ------------------------------------------------

def _handling_ctx(report, respond_form=None, close_form=None, reply_form=None, refused=None) -> dict:
    """What the report's page and its handling region (_handling.html) need; a form passed in comes back with
    its errors. Staff also see how many reports wait in the queue and which steps of the on-duty chain were
    alerted (a query each), on every rendering of the page. The conversation's messages: one query."""
    staff = current_user.is_staff
    messages = service.messages_of(report)
    respond = respond_form or with_token(RespondForm(formdata=None))
    reply = reply_form or (None if staff else with_token(ReporterMessageForm(formdata=None)))
    return dict(report=report, respond_form=respond,
                close_form=close_form or CloseForm(formdata=None),
                alert_unseen=staff and service.has_unseen_alert(current_user.id, report.id),
                queue=service.queue_counts() if staff else None,
                escalations=escalation.escalations_of(report) if staff else [],
                messages=messages, timeline=service.timeline(report, messages), reply_form=reply, refused=refused)


# A change to a report answers htmx with the handling region and, out of band, the regions the change
# also affects elsewhere on the page (the status badge in the report's heading).
HANDLED = "reports/_handled.html"


@bp.route("/<int:report_id>")
@allow(MEMBERS)
def show(report_id):
    """Reading a report changes nothing (a GET never writes): staff mark their alert seen with a button."""
    return render("reports/show.html", **_handling_ctx(get_report_or_404(report_id)))


@bp.route("/<int:report_id>/status")
@allow(MEMBERS)
def progress(report_id):
    """What the staff and the reporter have done, asked for every few seconds while the report's page is open:
    "204 No Content" (htmx swaps nothing) while it is as the page shows it (`versjon`), else the region: the
    reporter's status and handling; for staff the conversation, and out of band the status badge, the queue
    counts and, when the report was closed or opened again since (`apen`), the staff's forms."""
    report = get_report_or_404(report_id)
    fragment = "reports/_staff_news.html" if current_user.is_staff else "reports/_progress.html"
    was_open = request.args.get("apen")
    return poll("reports/show.html", fragment,
                unchanged=request.args.get("versjon") == service.progress_version(report),
                context=lambda: {**_handling_ctx(report),
                                 "actions_changed": was_open is not None
                                 and was_open != str(int(report.status != ReportStatus.CLOSED))})


def _report_url(report) -> str:
    return url_for("reports.show", report_id=report.id)


@bp.route("/<int:report_id>/sett", methods=["POST"])
@allow(STAFF)
def acknowledge(report_id):
    report = get_report_or_404(report_id)
    changed = service.acknowledge(report, current_user)
    return after_change(HANDLED, _report_url(report),
                        changed and _("Marked as seen: the reporter sees that you are on it."), context=lambda: _handling_ctx(report))


@bp.route("/<int:report_id>/varsel-sett", methods=["POST"])
@allow(STAFF)
def mark_seen(report_id):
    """This staff member has seen the report that a colleague is on: it leaves their new reports."""
    report = get_report_or_404(report_id)
    changed = service.alert_seen(report, current_user)
    return after_change("reports/_handling.html", _report_url(report),
                        changed and _("Removed from your new reports."), context=lambda: _handling_ctx(report))


@bp.route("/<int:report_id>/svar", methods=["POST"])
@allow(STAFF, form_csrf=True)
def respond(report_id):
    """A staff message in the report's conversation: an answer, or a question (the button pressed)."""
    report = get_report_or_404(report_id)
    form = RespondForm()
    if not form.validate_on_submit():
        return invalid("reports/show.html", "reports/_handling.html", **_handling_ctx(report, respond_form=form))
    try:
        service.respond(report, current_user, form.response.data, kind=form.kind.data or "message",
                        form_token=form.form_token.data or None)
    except service.ReportClosed:
        db.session.rollback()
        return invalid("reports/show.html", "reports/_handling.html", status=409,
                       **_handling_ctx(report, respond_form=form, refused=_("The report is closed: it takes no new messages.")))
    message = (_("The question is sent; the reporter sees it.") if form.kind.data == "question"
               else _("The answer is saved; the reporter sees it."))
    return after_change(HANDLED, _report_url(report), message, context=lambda: _handling_ctx(report))


@bp.route("/<int:report_id>/melding", methods=["POST"])
@allow(MEMBERS, acts=MEMBERS - STAFF, form_csrf=True)
def reply(report_id):
    """The reporter writes on their own report: a message, "still happening" or "resolved for me" (the button
    pressed). Staff read the report but write with their own form (403 here); others get 404. htmx gets a
    fresh form and, out of band, the report's progress region."""
    report = get_report_or_404(report_id)
    if report.reporter_id != current_user.id:  # (a member reads only their own reports: never reached)
        abort(403)
    form = ReporterMessageForm()
    if not form.validate_on_submit():
        return invalid("reports/show.html", "reports/_reply.html", **_handling_ctx(report, reply_form=form))
    try:
        _message, created = service.add_message(report, current_user, kind=form.kind.data,
                                                text=form.text.data, form_token=form.form_token.data or None)
    except service.ReportClosed:
        db.session.rollback()
        return invalid("reports/show.html", "reports/_reply.html", status=409, **_handling_ctx(
            report, reply_form=form, refused=_("The report is closed, so it takes no new messages. "
                                               "If it is still happening, say so: the report opens again.")))
    said = {"still_happening": _("Thank you. The report is open again and the staff on duty have been told."),
            "resolved_for_me": _("Thank you. The report is closed; if it starts again, say so here.")}
    return after_change("reports/_replied.html", _report_url(report),
                        created and said.get(form.kind.data, _("Your message is sent to the staff.")),
                        context=lambda: _handling_ctx(report))


@bp.route("/<int:report_id>/ringt", methods=["POST"])
@allow(STAFF)
def call_done(report_id):
    """The reporter wanted a call, and a staff member has called them: the task is done."""
    report = get_report_or_404(report_id)
    changed = service.call_done(report, current_user)
    return after_change(HANDLED, _report_url(report), changed and _("Marked as called."),
                        context=lambda: _handling_ctx(report))


@bp.route("/<int:report_id>/lukk", methods=["POST"])
@allow(STAFF, form_csrf=True)
def close(report_id):
    report = get_report_or_404(report_id)
    form = CloseForm()
    if not form.validate_on_submit():
        return invalid("reports/show.html", "reports/_handling.html", **_handling_ctx(report, close_form=form))
    changed = service.close(report, current_user, form.outcome.data)
    return after_change(HANDLED, _report_url(report), changed and _("The report is closed."),
                        context=lambda: _handling_ctx(report))


# -- staff queue --------------------------------------------------------------------

# The queue's three lists page each on their own (the page number's name in the query string), oldest
# waiting first, most recently closed first.
QUEUE = {"new": ("ny_side", ReportStatus.NEW, SituationReport.created_at.asc()),
         "acknowledged": ("sett_side", ReportStatus.ACKNOWLEDGED, SituationReport.created_at.asc()),
         "closed": ("lukket_side", ReportStatus.CLOSED, SituationReport.closed_at.desc())}


@bp.route("/ko")
@allow(STAFF)
def queue():
    # "Show more" of one list asks for its next rows alone (and with htmx only that list is read).
    more = next((kind for kind, (arg, *_) in QUEUE.items() if page_number(name=arg) > 1), None)
    kinds = [more] if more and wants_fragment() else list(QUEUE)
    pages = {kind: paginate(select(SituationReport).where(SituationReport.status == status)
                            .options(joinedload(SituationReport.reporter)).order_by(order, SituationReport.id),
                            page_number(name=arg))
             for kind, (arg, status, order) in QUEUE.items() if kind in kinds}
    ctx = {"pages": pages, "args": {kind: arg for kind, (arg, *_) in QUEUE.items()}, "now": utcnow()}
    # The patterns of repeated reports (issue 19) head the page; "show more" of a list does not read them.
    ctx["patterns"] = [] if more and wants_fragment() else patterns.find_patterns()
    return render("reports/queue.html", more and "reports/_queue_rows.html", kind=more, **ctx)


# -- the council's numbers (no content) ---------------------------------------------------

@bp.route("/tall")
@allow(MEMBERS)
def stats():
    data = statistics()
    # Repeated reports: category and count only, for the chair and staff (PERMISSIONS.md); no place, no dates.
    repeated = patterns.chair_view() if is_moderator(current_user) else None
    return render("reports/stats.html", stats=data, charts=charts(data["months"]),
                  contacts=data["contacts"] if current_user.is_staff else None, patterns=repeated)


@bp.route("/eskalering", methods=["GET", "POST"])
@allow(STAFF, form_csrf=True)
def escalation_settings():
    """How long a report may wait without an acknowledgement before it goes on along the on-duty chain."""
    form = EscalationForm(data={c.value: m for c, m in escalation.waits().items()})
    if form.validate_on_submit():
        escalation.save_waits(form.minutes(), by=current_user)
        flash(_("The escalation times are saved."), "success")
        return redirect_to(url_for("contact.rota"))
    return render("reports/escalation.html", form=form, status=form_status())


# -- patterns of repeated reports (issue 19): staff only ------------------------------------------

@bp.route("/monster/<key>/saksliste", methods=["GET", "POST"])
@allow(STAFF, form_csrf=True)
def pattern_agenda(key):
    """Put a pattern on the next council agenda: a proposal in neutral words (from the category alone) that
    staff may edit before it goes through the meetings service's proposal path."""
    pattern = patterns.get_pattern(key) or abort(404)
    meeting = next_open_meeting()
    form = with_token(AgendaProposalForm())
    if form.validate_on_submit():
        if meeting is not None:
            item = patterns.take_to_agenda(pattern, current_user, title=form.title.data, why=form.why.data,
                                           form_token=form.form_token.data)
            return after_change(None, url_for("meetings.show", meeting_id=item.meeting_id, _anchor="forslag"),
                                _("Proposed to the council agenda. The chair and staff answer it as any proposal."))
        form.form_errors.append(_("No council meeting is planned that takes proposals. Plan one first."))
    if request.method == "GET":
        form.title.data, form.why.data = patterns.agenda_title(pattern), patterns.agenda_text(pattern)
    return render("reports/pattern_agenda.html", pattern=pattern, meeting=meeting, form=form, status=form_status())
