"""The neighbourhood's public page, the guided start for staff, and the household letters (HTTP only; the rules
are in service.py)."""
from flask import abort, current_app, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from .. import council
from ..access import STAFF, allow, get_meeting_or_404, public
from ..compression import send_uncompressed
from ..contact.service import on_duty
from ..extensions import db
from ..forms import form_status, with_token
from ..htmx import invalid, redirect_to, render
from ..models import Issue, LetterRun
from ..qr import qr_svg
from . import bp, service
from .forms import (
    ChairRuleForm,
    ChallengeForm,
    CouncilForm,
    LettersForm,
    ProposalStepForm,
    PublicPageForm,
    ReprintForm,
    StepMeetingForm,
)


@bp.route("/nabolaget")
@public
def public_page():
    """What the facility is, the mandate, whom to contact now, the next open meeting, how to join: no login,
    no member or resident data."""
    return render("start/public.html", on_duty=on_duty(), **service.public_context())


@bp.route("/start/")
@allow(STAFF)
def index():
    return render("start/index.html", steps=service.steps(), running=service.is_running())


@bp.route("/start/hopp-over", methods=["POST"])
@allow(STAFF)
def skip():
    """A council already running skips the guided start."""
    service.skip(current_user)
    flash(_("The guided start is skipped: the council is running."), "success")
    return redirect_to(url_for("start.index"))


@bp.route("/start/offentlig-side", methods=["GET", "POST"])
@allow(STAFF, form_csrf=True)
def edit_public_page():
    page = service.public_page()
    form = PublicPageForm(data=page) if not PublicPageForm().is_submitted() else PublicPageForm()
    if form.validate_on_submit():
        service.save_public_page(current_user, about=form.about.data, join=form.join.data)
        flash(_("The public page is saved."), "success")
        return redirect_to(url_for("start.index"))
    return render("start/public_form.html", form=form, status=form_status())


# -- household letters -----------------------------------------------------------------------------

def _printable(letters, run):
    """The print page: each letter with its link and QR code (the invitation with its code, or the public page)."""
    base = current_app.config["BASE_URL"].rstrip("/")
    rows = []
    for letter in letters:
        link = base + (url_for("auth.accept_invitation", code=letter.code) if letter.code
                       else url_for("start.public_page"))
        rows.append((letter, link, qr_svg(link, _("QR code for the link in the letter"))))
    send_uncompressed()
    return render("start/print.html", letters=rows, run=run, code_url=base + url_for("auth.invitation"),
                  public_url=base + url_for("start.public_page"), page=service.public_page())


def _addresses(form) -> str:
    upload = form.upload.data
    if upload and getattr(upload, "filename", ""):
        return service.decode(upload.read())
    return form.addresses.data or ""


@bp.route("/start/brev", methods=["GET", "POST"])
@allow(STAFF, form_csrf=True)
def letters():
    """Paste or upload the addresses; POST shows the preview (errors per line, 422) and nothing is stored."""
    form = LettersForm()
    preview = None
    if form.validate_on_submit():
        text = _addresses(form)
        form.addresses.data = text
        preview = service.preview(text)
    with_token(form)
    page = {"form": form, "preview": preview, "runs": service.runs(), "reprint_failed": None}
    if preview is not None and not preview.ok or form.errors:
        return invalid("start/letters.html", **page)
    return render("start/letters.html", **page)


@bp.route("/start/brev/skriv-ut", methods=["POST"])
@allow(STAFF, form_csrf=True)
def print_letters():
    """The letters, one A4 page each, with their codes: shown once, never kept (nor are the addresses)."""
    form = LettersForm()
    preview = service.preview(form.addresses.data or "") if form.validate_on_submit() else None
    if preview is None or not preview.ok:
        with_token(form)
        return invalid("start/letters.html", form=form, preview=preview, runs=service.runs(), reprint_failed=None)
    run, letters = service.print_letters(preview, current_user, form_token=form.form_token.data or None)
    if not letters:  # a second submit of the same list prints nothing new
        flash(_("These letters were printed already. Reprint a single letter below if one got lost."), "info")
        return redirect_to(url_for("start.letters"))
    return _printable(letters, run)


@bp.route("/start/brev/uten-kode")
@allow(STAFF)
def public_letter():
    """A letter about the public page, without a code (for notice boards and anyone without a letter)."""
    return _printable([service.Letter(0, [], None, None)], None)


@bp.route("/start/brev/<int:run_id>/skriv-ut-igjen", methods=["POST"])
@allow(STAFF)
def reprint(run_id):
    """One letter again with a new code; its old code stops working."""
    run = db.session.get(LetterRun, run_id) or abort(404)
    form = ReprintForm()
    if not form.validate_on_submit() or form.number.data > run.letters:
        letters_form = with_token(LettersForm(formdata=None))
        return invalid("start/letters.html", form=letters_form, preview=None, runs=service.runs(), reprint_failed=run.id)
    letter = service.reprint(run, form.number.data, current_user,
                             address=[line for line in (form.address.data or "").splitlines() if line.strip()])
    return _printable([letter], run)


# -- the two meetings and the council formed --------------------------------------------------------

def _step_page(step, **forms):
    meeting = service.meeting_of(step)
    form = forms.get("meeting_form") or with_token(StepMeetingForm())
    if step == "mapping":
        return dict(step=step, meeting=meeting, meeting_form=form, challenges=service.challenges(),
                    challenge_form=forms.get("challenge_form") or ChallengeForm())
    proposal_form = forms.get("proposal_form") or ProposalStepForm()
    proposal_form.issue_id.choices = [SelectChoice(0, _("Choose…"))] + [SelectChoice(i.id, i.title)
                                                                         for i in service.challenges()]
    return dict(step=step, meeting=meeting, meeting_form=form, challenges=service.challenges(),
                proposals=service.proposals(), proposal_form=proposal_form)


@bp.route("/start/kartlegging")
@allow(STAFF)
def mapping():
    return render("start/step.html", **_step_page("mapping"))


@bp.route("/start/forslag")
@allow(STAFF)
def proposals():
    return render("start/step.html", **_step_page("proposals"))


@bp.route("/start/<any(kartlegging, forslag):step>/mote", methods=["POST"])
@allow(STAFF)
def schedule(step):
    """Schedule the step's meeting (an ordinary council meeting)."""
    key = "mapping" if step == "kartlegging" else "proposals"
    form = StepMeetingForm()
    if not form.validate_on_submit():
        return invalid("start/step.html", **_step_page(key, meeting_form=form))
    service.schedule_step_meeting(key, starts_at=form.starts_at.data, place=form.place.data,
                                  form_token=form.form_token.data or None)
    flash(_("The meeting is scheduled."), "success")
    return redirect_to(url_for(f"start.{key}"))


@bp.route("/start/kartlegging/utfordring", methods=["POST"])
@allow(STAFF)
def add_challenge():
    meeting = service.meeting_of("mapping") or abort(404)
    form = ChallengeForm()
    if not form.validate_on_submit():
        return invalid("start/step.html", **_step_page("mapping", challenge_form=form))
    service.add_challenge(get_meeting_or_404(meeting.id), current_user, title=form.title.data, body=form.body.data,
                          from_paper=form.from_paper.data)
    flash(_("The challenge is added as an issue."), "success")
    return redirect_to(url_for("start.mapping", _anchor="utfordringer"))


@bp.route("/start/forslag/nytt", methods=["POST"])
@allow(STAFF)
def add_proposal():
    meeting = service.meeting_of("proposals") or abort(404)
    page = _step_page("proposals", proposal_form=ProposalStepForm())
    form = page["proposal_form"]
    if not form.validate_on_submit():
        return invalid("start/step.html", **page)
    service.add_proposal(get_meeting_or_404(meeting.id), current_user, issue=db.session.get(Issue, form.issue_id.data),
                         title=form.title.data, why=form.why.data)
    flash(_("The proposal is on the agenda, linked to its challenge."), "success")
    return redirect_to(url_for("start.proposals", _anchor="forslag"))


@bp.route("/start/radet", methods=["GET", "POST"])
@allow(STAFF, form_csrf=True)
def form():
    """The council formed: the chair elected among the neighbours, the deputy, the residents' representatives,
    the mandate and the rhythm, recorded in the proposals meeting's minutes."""
    candidates, residents = service.chair_candidates(), service.residents()
    council_form = CouncilForm().set_choices(candidates, residents)
    meeting = service.meeting_of("proposals")
    if meeting is not None and council_form.validate_on_submit():
        chosen = {u.id: u for u in candidates + residents}
        if (council_form.chair.data not in {u.id for u in candidates}
                or council_form.deputy.data == council_form.chair.data):
            council_form.chair.errors.append(_("Choose a neighbour as chair, and someone else as deputy."))
        else:
            service.form_council(current_user, chair=chosen[council_form.chair.data],
                                 deputy=chosen.get(council_form.deputy.data), mandate=council_form.mandate.data,
                                 reps=[chosen[i] for i in council_form.reps.data or [] if i in chosen],
                                 rhythm=council_form.rhythm.data)
            flash(_("The council is formed. The election is in the minutes."), "success")
            return redirect_to(url_for("start.index"))
    status = 422 if council_form.is_submitted() else 200
    return render("start/form.html", form=council_form, meeting=meeting, formed=service.state().get("formed"),
                  rule_form=ChairRuleForm(allow_non_neighbour=council.setting(service.ALLOW_NON_NEIGHBOUR_CHAIR)),
                  status=status)


@bp.route("/start/radet/leder-regel", methods=["POST"])
@allow(STAFF)
def chair_rule():
    """The council setting that lets a member who is not a neighbour be elected chair (off by default)."""
    form = ChairRuleForm()
    form.validate()
    service.set_chair_rule(current_user, allow_non_neighbour=bool(form.allow_non_neighbour.data))
    flash(_("The rule for electing the chair is saved."), "success")
    return redirect_to(url_for("start.form"))


