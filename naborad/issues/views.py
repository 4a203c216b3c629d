"""Issue list, threads, replies and moderation (HTTP only; the rules are in service.py)."""
from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import (
    MEMBERS,
    MODERATORS,
    allow,
    get_issue_or_404,
    get_issue_view_or_404,
    get_reply_or_404,
    may_reply,
    require,
)
from ..forms import form_status, with_token
from ..htmx import after_change, invalid, redirect_to, render
from ..meetings import service as meetings_service
from ..models import IssueStatus, Reply
from ..paging import fragment, kept_args, page_number
from ..row_cache import FORM_TOKEN_PLACEHOLDER
from . import bp, service
from .forms import EditReplyForm, FilterForm, IssueForm, ReasonForm, ReplyForm, StatusForm

# -- list -----------------------------------------------------------------------

@bp.route("/")
@allow(MEMBERS)
def index():
    form = FilterForm(request.args)
    filters = {"status": form.status.data, "category": form.category.data, "q": form.q.data} if form.validate() else {}
    issues = service.issue_page(current_user, **filters, page=page_number())
    # "Show more" asks for the next page's items alone; a search or filter gets the whole list region.
    return render("issues/index.html", fragment(issues, "issues/_list.html", "issues/_items.html"),
                  issues=issues, form=form, args=kept_args("q", "status", "category"))


# -- new issue ------------------------------------------------------------------

@bp.route("/ny", methods=["GET", "POST"])
@allow(MEMBERS, form_csrf=True)
def new():
    form = IssueForm()
    if request.method == "GET" and not form.title.data:
        form.title.data = request.args.get("tittel", "").strip()[:160]  # from an empty search: "New issue"
    if form.validate_on_submit():
        posted = service.open_issue(current_user, title=form.title.data, body=form.body.data,
                                    category=form.category.data, place=form.place.data,
                                    happened_at=form.happened_at.data, form_token=form.form_token.data or None)
        if posted.created:
            flash(_("The issue is posted."), "success")
        return redirect_to(url_for("issues.show", issue_id=posted.row.id))
    with_token(form)
    return render("issues/new.html", form=form, status=form_status())


# -- thread ---------------------------------------------------------------------

def _fresh_reply_form() -> ReplyForm:
    return with_token(ReplyForm(formdata=None))


def reply_form_to_cache() -> ReplyForm:
    """The empty reply form the thread page renders once per issue and language (row_cache.cached_form): its
    one-time token a placeholder that each response replaces."""
    form = ReplyForm(formdata=None)
    form.form_token.data = FORM_TOKEN_PLACEHOLDER
    return form


def _thread_ctx(issue, reply_form=None, status_form=None, reason_form=None) -> dict:
    """What the thread page needs; a form passed in comes back with its errors. `issue` is an Issue or an
    IssueView (which knows whether the member follows it)."""
    thread = service.thread(issue, everything=request.args.get("alle") == "1")
    following = getattr(issue, "following", None)
    ctx = dict(issue=issue, thread=thread, earlier=thread.earlier,
               following=service.is_following(issue, current_user) if following is None else following,
               cycle=meetings_service.cycle_of(issue),  # issue 21: where it is in the council's cycle
               reply_form=reply_form, status_form=status_form, reason_form=reason_form)  # None: the cached one
    if status_form or reason_form:  # one came back with errors: the page shows it, and the other empty
        ctx["status_form"], ctx["reason_form"] = moderation_forms(issue, status_form, reason_form)
    return ctx


def moderation_forms(issue, status_form=None, reason_form=None) -> tuple[StatusForm, ReasonForm]:
    """The moderators' forms of a thread, empty where none is given (the page renders the empty pair once
    per issue, status and language: row_cache.cached_form)."""
    return (status_form or StatusForm(formdata=None, status=issue.status.value),
            reason_form or ReasonForm(formdata=None))


@bp.route("/<int:issue_id>")
@allow(MEMBERS)
def show(issue_id):
    return render("issues/show.html", **_thread_ctx(get_issue_view_or_404(issue_id, service.issue_view)))


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
    if form.validate_on_submit():
        posted = service.post_reply(issue, current_user, form.body.data, form_token=form.form_token.data or None)
        return after_change("issues/_reply_posted.html", _reply_url(issue, posted.row), issue=issue,
                            reply=posted.row, reply_form=_fresh_reply_form(), following=True)
    return invalid("issues/show.html", "issues/_reply_form.html", issue=issue, reply_form=form,
                   page_context=lambda: _thread_ctx(issue, form))


def _reply_url(issue, reply) -> str:
    return url_for("issues.show", issue_id=issue.id, _anchor=f"svar-{reply.id}")


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
    if form.validate_on_submit():
        service.edit_reply(reply, current_user, form.body.data)
        return after_change("issues/_reply.html", _reply_url(issue, reply), issue=issue, reply=reply)
    return render("issues/edit_reply.html", "issues/_reply_edit.html", issue=issue, reply=reply, form=form,
                  status=form_status())


@bp.route("/<int:issue_id>/svar/<int:reply_id>/slett", methods=["POST"])
@allow(MEMBERS)
def delete_reply(issue_id, reply_id):
    issue, reply = _own_reply(issue_id, reply_id)
    service.delete_reply(reply, current_user)
    return after_change("issues/_reply_deleted.html", url_for("issues.show", issue_id=issue.id),
                        _("Your reply is deleted."))


@bp.route("/<int:issue_id>/svar/<int:reply_id>/skjul", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS, form_csrf=True)
def hide_reply(issue_id, reply_id):
    issue = get_issue_or_404(issue_id)
    reply = get_reply_or_404(issue, reply_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return invalid("issues/hide_reply.html", "issues/_reply.html", issue=issue, reply=reply, hide_form=form)
    service.hide_reply(reply, current_user, form.reason.data)
    return after_change("issues/_reply.html", _reply_url(issue, reply), issue=issue, reply=reply)


@bp.route("/<int:issue_id>/svar/<int:reply_id>/vis", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS)
def unhide_reply(issue_id, reply_id):
    issue = get_issue_or_404(issue_id)
    reply = get_reply_or_404(issue, reply_id)
    service.unhide_reply(reply, current_user)
    return after_change("issues/_reply.html", _reply_url(issue, reply), issue=issue, reply=reply)


# -- moderation of the issue -----------------------------------------------------

@bp.route("/<int:issue_id>/status", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS, form_csrf=True)
def set_status(issue_id):
    issue = get_issue_or_404(issue_id)
    form = StatusForm()
    if not form.validate_on_submit():
        return invalid("issues/show.html", **_thread_ctx(issue, status_form=form))
    changed = service.set_status(issue, current_user, IssueStatus(form.status.data), form.reason.data)
    return after_change(None, url_for("issues.show", issue_id=issue.id), changed and _("The status is changed."))


@bp.route("/<int:issue_id>/las", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS, form_csrf=True)
def lock(issue_id):
    issue = get_issue_or_404(issue_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return invalid("issues/show.html", **_thread_ctx(issue, reason_form=form))
    changed = service.lock(issue, current_user, form.reason.data)
    return after_change(None, url_for("issues.show", issue_id=issue.id), changed and _("The thread is locked."))


@bp.route("/<int:issue_id>/las-opp", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS)
def unlock(issue_id):
    issue = get_issue_or_404(issue_id)
    changed = service.unlock(issue, current_user)
    return after_change(None, url_for("issues.show", issue_id=issue.id),
                        changed and _("The thread is open for replies again."))


# -- following ------------------------------------------------------------------

@bp.route("/<int:issue_id>/folg", methods=["POST"])
@allow(MEMBERS)
def follow(issue_id):
    issue = get_issue_or_404(issue_id)
    service.follow(issue, current_user)
    return after_change("issues/_follow.html", url_for("issues.show", issue_id=issue.id), issue=issue,
                        context=lambda: {"following": service.is_following(issue, current_user)})


@bp.route("/<int:issue_id>/slutt-a-folge", methods=["POST"])
@allow(MEMBERS)
def unfollow(issue_id):
    issue = get_issue_or_404(issue_id)
    service.unfollow(issue, current_user)
    return after_change("issues/_follow.html", url_for("issues.show", issue_id=issue.id), issue=issue,
                        context=lambda: {"following": service.is_following(issue, current_user)})
