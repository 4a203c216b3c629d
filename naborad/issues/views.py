"""Issue list, threads, replies and moderation (HTTP only; the rules are in service.py)."""
from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from ..access import (MEMBERS, MODERATORS, allow, get_issue_or_404, get_reply_or_404, may_reply, require,
                      visible_issues)
from ..extensions import db
from ..forms import form_status, with_token
from ..htmx import redirect_to, render, wants_fragment
from ..models import Issue, IssueStatus, Reply
from ..search import int_arg, words_like
from . import bp, service
from .forms import EditReplyForm, FilterForm, IssueForm, ReasonForm, ReplyForm, StatusForm

PER_PAGE = 20


# -- list -----------------------------------------------------------------------

@bp.route("/")
@allow(MEMBERS)
def index():
    form = FilterForm(request.args)
    stmt = visible_issues(current_user)
    filters_ok = form.validate()
    if filters_ok:
        if form.status.data:
            stmt = stmt.where(Issue.status == IssueStatus(form.status.data))
        if form.category.data:
            stmt = stmt.where(Issue.category == form.category.data)
        stmt = stmt.where(*words_like(Issue.search_text, form.q.data))
    page = int_arg(request.args, "side", 1, maximum=10_000)
    rows = db.session.scalars(
        stmt.options(joinedload(Issue.author))
        .order_by(Issue.last_activity_at.desc(), Issue.id.desc())
        .offset((page - 1) * PER_PAGE).limit(PER_PAGE + 1)).all()
    ctx = {"issues": rows[:PER_PAGE], "has_more": len(rows) > PER_PAGE, "page": page, "form": form,
           "args": {k: v for k, v in request.args.items() if k in ("q", "status", "category") and v}}
    # "Load more" asks for the next page's items alone; a search or filter gets the whole list region.
    fragment = "issues/_items.html" if page > 1 else "issues/_list.html"
    return render("issues/index.html", fragment, **ctx)


# -- new issue ------------------------------------------------------------------

@bp.route("/ny", methods=["GET", "POST"])
@allow(MEMBERS, form_csrf=True)
def new():
    form = IssueForm()
    findings = []
    if form.validate_on_submit():
        posted = service.open_issue(current_user, title=form.title.data, body=form.body.data,
                                    category=form.category.data, place=form.place.data,
                                    happened_at=form.happened_at.data,
                                    form_token=form.form_token.data or None, post_anyway=_post_anyway(form))
        if posted.row is not None:
            if posted.created:
                flash(_("The issue is posted."), "success")
            return redirect_to(url_for("issues.show", issue_id=posted.row.id))
        findings = posted.findings
    with_token(form)
    status = 200 if findings else form_status()
    return render("issues/new.html", form=form, findings=findings, status=status)


def _post_anyway(form) -> bool:
    """The writer saw the wording prompt and chose "post anyway"."""
    return form.post_anyway.data == "1"


# -- thread ---------------------------------------------------------------------

def _fresh_reply_form() -> ReplyForm:
    return with_token(ReplyForm(formdata=None))


def _show(issue, reply_form=None, status=200, findings=(), status_form=None, reason_form=None):
    timeline, earlier = service.thread(issue, everything=request.args.get("alle") == "1")
    return render("issues/show.html", issue=issue, timeline=timeline, earlier=earlier,
                  following=service.is_following(issue, current_user), reply_form=reply_form or _fresh_reply_form(),
                  findings=findings, status_form=status_form or StatusForm(formdata=None, status=issue.status.value),
                  reason_form=reason_form or ReasonForm(formdata=None), status=status)


@bp.route("/<int:issue_id>")
@allow(MEMBERS)
def show(issue_id):
    return _show(get_issue_or_404(issue_id))


def can_edit(reply: Reply) -> bool:
    """May the member looking at the page edit or delete this reply (templates call it can_edit_reply)."""
    return service.may_edit(current_user, reply)


# -- replies --------------------------------------------------------------------

@bp.route("/<int:issue_id>/svar", methods=["POST"])
@allow(MEMBERS, form_csrf=True)
def reply(issue_id):
    issue = get_issue_or_404(issue_id)
    require(may_reply(current_user, issue))
    form = ReplyForm()
    findings = []
    if form.validate_on_submit():
        posted = service.post_reply(issue, current_user, form.body.data, form_token=form.form_token.data or None,
                                    post_anyway=_post_anyway(form))
        if posted.row is not None:
            if wants_fragment():
                return render("issues/_reply_posted.html", issue=issue, reply=posted.row,
                              reply_form=_fresh_reply_form(), findings=())
            return redirect_to(url_for("issues.show", issue_id=issue.id, _anchor=f"svar-{posted.row.id}"))
        findings = posted.findings
    status = 200 if findings else 422
    if wants_fragment():
        return render("issues/_reply_form.html", issue=issue, reply_form=form, findings=findings, status=status)
    return _show(issue, reply_form=form, status=status, findings=findings)


def _reply_done(issue, reply):
    if wants_fragment():
        return render("issues/_reply.html", issue=issue, reply=reply)
    return redirect_to(url_for("issues.show", issue_id=issue.id, _anchor=f"svar-{reply.id}"))


def _own_reply(issue_id, reply_id):
    """The issue and a reply the member may still change (else 403)."""
    issue = get_issue_or_404(issue_id)
    reply = get_reply_or_404(issue, reply_id)
    require(can_edit(reply))
    return issue, reply


@bp.route("/<int:issue_id>/svar/<int:reply_id>/rediger", methods=["GET", "POST"])
@allow(MEMBERS, form_csrf=True)
def edit_reply(issue_id, reply_id):
    issue, reply = _own_reply(issue_id, reply_id)
    form = EditReplyForm(obj=reply)
    findings = []
    if form.validate_on_submit():
        findings = service.edit_reply(reply, current_user, form.body.data, post_anyway=_post_anyway(form))
        if not findings:
            return _reply_done(issue, reply)
    status = 200 if findings or request.method == "GET" else 422
    return render("issues/edit_reply.html", "issues/_reply_edit.html", issue=issue, reply=reply, form=form,
                  findings=findings, status=status)


@bp.route("/<int:issue_id>/svar/<int:reply_id>/slett", methods=["POST"])
@allow(MEMBERS)
def delete_reply(issue_id, reply_id):
    issue, reply = _own_reply(issue_id, reply_id)
    service.delete_reply(reply, current_user)
    if wants_fragment():
        return render("issues/_reply_deleted.html")
    flash(_("Your reply is deleted."), "success")
    return redirect_to(url_for("issues.show", issue_id=issue.id))


@bp.route("/<int:issue_id>/svar/<int:reply_id>/skjul", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS, form_csrf=True)
def hide_reply(issue_id, reply_id):
    issue = get_issue_or_404(issue_id)
    reply = get_reply_or_404(issue, reply_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        if wants_fragment():
            return render("issues/_reply.html", issue=issue, reply=reply, hide_form=form, status=422)
        return render("issues/hide_reply.html", issue=issue, reply=reply, form=form, status=422)
    service.hide_reply(reply, current_user, form.reason.data)
    return _reply_done(issue, reply)


@bp.route("/<int:issue_id>/svar/<int:reply_id>/vis", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS)
def unhide_reply(issue_id, reply_id):
    issue = get_issue_or_404(issue_id)
    reply = get_reply_or_404(issue, reply_id)
    service.unhide_reply(reply, current_user)
    return _reply_done(issue, reply)


# -- moderation of the issue -----------------------------------------------------

@bp.route("/<int:issue_id>/status", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS, form_csrf=True)
def set_status(issue_id):
    issue = get_issue_or_404(issue_id)
    form = StatusForm()
    if not form.validate_on_submit():
        return _show(issue, status_form=form, status=422)
    if service.set_status(issue, current_user, IssueStatus(form.status.data), form.reason.data):
        flash(_("The status is changed."), "success")
    return redirect_to(url_for("issues.show", issue_id=issue.id))


@bp.route("/<int:issue_id>/las", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS, form_csrf=True)
def lock(issue_id):
    issue = get_issue_or_404(issue_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return _show(issue, reason_form=form, status=422)
    if service.lock(issue, current_user, form.reason.data):
        flash(_("The thread is locked."), "success")
    return redirect_to(url_for("issues.show", issue_id=issue.id))


@bp.route("/<int:issue_id>/las-opp", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS)
def unlock(issue_id):
    issue = get_issue_or_404(issue_id)
    if service.unlock(issue, current_user):
        flash(_("The thread is open for replies again."), "success")
    return redirect_to(url_for("issues.show", issue_id=issue.id))


# -- following ------------------------------------------------------------------

def _follow_done(issue):
    if wants_fragment():
        return render("issues/_follow.html", issue=issue, following=service.is_following(issue, current_user))
    return redirect_to(url_for("issues.show", issue_id=issue.id))


@bp.route("/<int:issue_id>/folg", methods=["POST"])
@allow(MEMBERS)
def follow(issue_id):
    issue = get_issue_or_404(issue_id)
    service.follow(issue, current_user)
    return _follow_done(issue)


@bp.route("/<int:issue_id>/slutt-a-folge", methods=["POST"])
@allow(MEMBERS)
def unfollow(issue_id):
    issue = get_issue_or_404(issue_id)
    service.unfollow(issue, current_user)
    return _follow_done(issue)
