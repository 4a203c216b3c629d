"""Issue list, threads, replies and moderation."""
from datetime import timedelta

from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..i18n import from_local
from ..access import MEMBERS, MODERATORS, allow, get_issue_or_404, get_reply_or_404, visible_issues
from ..extensions import db
from ..htmx import redirect_to, render, wants_fragment
from ..models import Issue, IssueEvent, IssueFollow, IssueStatus, Reply, search_key, utcnow
from ..search import int_arg, words_like
from ..forms import form_status, with_token
from . import bp
from .forms import EditReplyForm, FilterForm, IssueForm, ReasonForm, ReplyForm, StatusForm
from ..notifications.service import notify
from .wording import check as check_wording

PER_PAGE = 20
EDIT_WINDOW = timedelta(minutes=15)


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

def _wording_prompt(form, *texts):
    """Findings to show before posting, unless the writer chose "post anyway"."""
    if form.post_anyway.data == "1":
        return []
    return check_wording(*texts)


@bp.route("/ny", methods=["GET", "POST"])
@allow(MEMBERS, form_csrf=True)
def new():
    form = IssueForm()
    findings = []
    if form.validate_on_submit():
        token = form.form_token.data or None
        existing = token and db.session.scalar(select(Issue.id).where(Issue.form_token == token))
        if existing:
            return redirect_to(url_for("issues.show", issue_id=existing))
        findings = _wording_prompt(form, form.title.data, form.body.data)
        if not findings:
            happened = form.happened_at.data
            issue = Issue(title=form.title.data, body=form.body.data, category=form.category.data,
                          place=form.place.data, author_id=current_user.id, form_token=token,
                          happened_at=from_local(happened),
                          search_text=search_key(form.title.data, form.body.data, form.place.data))
            db.session.add(issue)
            try:
                db.session.flush()
            except IntegrityError:
                db.session.rollback()
                existing = db.session.scalar(select(Issue.id).where(Issue.form_token == token))
                return redirect_to(url_for("issues.show", issue_id=existing))
            db.session.add(IssueFollow(issue_id=issue.id, user_id=current_user.id))
            db.session.commit()
            flash(_("The issue is posted."), "success")
            return redirect_to(url_for("issues.show", issue_id=issue.id))
    with_token(form)
    status = 200 if findings else form_status(form)
    return render("issues/new.html", form=form, findings=findings, status=status)


# -- thread ---------------------------------------------------------------------

SHOWN_REPLIES = 100  # a long thread opens with its latest replies; the rest are one link away


def _thread(issue: Issue, everything: bool = False):
    """Replies and event lines in time order, and how many earlier replies are left out.
    A fixed number of queries, whatever the length of the thread."""
    stmt = select(Reply).where(Reply.issue_id == issue.id).options(joinedload(Reply.author),
                                                                   joinedload(Reply.hidden_by))
    if everything:
        replies, earlier = db.session.scalars(stmt.order_by(Reply.created_at, Reply.id)).all(), 0
    else:
        replies = db.session.scalars(stmt.order_by(Reply.created_at.desc(), Reply.id.desc())
                                     .limit(SHOWN_REPLIES)).all()[::-1]
        # Counted every time (not only for long threads), so the number of queries never changes.
        total = db.session.scalar(select(func.count()).select_from(Reply).where(Reply.issue_id == issue.id))
        earlier = total - len(replies)
    events = select(IssueEvent).where(IssueEvent.issue_id == issue.id)
    if earlier:
        events = events.where(IssueEvent.created_at >= replies[0].created_at)
    events = db.session.scalars(events.options(joinedload(IssueEvent.actor))
                                .order_by(IssueEvent.created_at, IssueEvent.id)).all()
    timeline = sorted([("reply", r.created_at, r) for r in replies] + [("event", e.created_at, e) for e in events],
                      key=lambda item: item[1])
    return timeline, earlier


def _followers(issue: Issue):
    from ..models import User
    return db.session.scalars(select(User).join(IssueFollow, IssueFollow.user_id == User.id)
                              .where(IssueFollow.issue_id == issue.id)).all()


def _is_following(issue: Issue) -> bool:
    return db.session.scalar(select(exists().where(IssueFollow.issue_id == issue.id,
                                                   IssueFollow.user_id == current_user.id)))


def _fresh_reply_form() -> ReplyForm:
    return with_token(ReplyForm(formdata=None))


def _show(issue, reply_form=None, status=200, findings=(), status_form=None, reason_form=None):
    timeline, earlier = _thread(issue, everything=request.args.get("alle") == "1")
    return render("issues/show.html", issue=issue, timeline=timeline, earlier=earlier,
                  following=_is_following(issue), reply_form=reply_form or _fresh_reply_form(), findings=findings,
                  status_form=status_form or StatusForm(formdata=None, status=issue.status.value),
                  reason_form=reason_form or ReasonForm(formdata=None), status=status)


@bp.route("/<int:issue_id>")
@allow(MEMBERS)
def show(issue_id):
    return _show(get_issue_or_404(issue_id))


def can_edit(reply: Reply) -> bool:
    return (reply.author_id == current_user.id and reply.hidden_at is None
            and utcnow() - reply.created_at <= EDIT_WINDOW)


# -- replies --------------------------------------------------------------------

@bp.route("/<int:issue_id>/svar", methods=["POST"])
@allow(MEMBERS, form_csrf=True)
def reply(issue_id):
    issue = get_issue_or_404(issue_id)
    if issue.locked and current_user.role not in MODERATORS:
        abort(403)
    form = ReplyForm()
    findings = []
    if form.validate_on_submit():
        token = form.form_token.data or None
        existing = token and db.session.scalar(select(Reply).where(Reply.form_token == token))
        if existing is None:
            findings = _wording_prompt(form, form.body.data)
        if existing is None and not findings:
            existing = Reply(issue_id=issue.id, author_id=current_user.id, body=form.body.data, form_token=token)
            db.session.add(existing)
            try:
                db.session.flush()
            except IntegrityError:  # the same form posted twice at once: the first one wins
                db.session.rollback()
                existing = db.session.scalar(select(Reply).where(Reply.form_token == token))
            else:
                db.session.execute(update(Issue).where(Issue.id == issue.id)
                                   .values(reply_count=Issue.reply_count + 1, last_activity_at=utcnow()))
                if not _is_following(issue):
                    db.session.add(IssueFollow(issue_id=issue.id, user_id=current_user.id))
                notify(_followers(issue), "issue_reply", "issue", issue.id, exclude=current_user)
                db.session.commit()
        if existing is not None:
            if wants_fragment():
                return render("issues/_reply_posted.html", issue=issue, reply=existing,
                              reply_form=_fresh_reply_form(), findings=())
            return redirect_to(url_for("issues.show", issue_id=issue.id, _anchor=f"svar-{existing.id}"))
    status = 200 if findings else 422
    if wants_fragment():
        return render("issues/_reply_form.html", issue=issue, reply_form=form, findings=findings, status=status)
    return _show(issue, reply_form=form, status=status, findings=findings)


def _reply_done(issue, reply):
    if wants_fragment():
        return render("issues/_reply.html", issue=issue, reply=reply)
    return redirect_to(url_for("issues.show", issue_id=issue.id, _anchor=f"svar-{reply.id}"))


@bp.route("/<int:issue_id>/svar/<int:reply_id>/rediger", methods=["GET", "POST"])
@allow(MEMBERS, form_csrf=True)
def edit_reply(issue_id, reply_id):
    issue = get_issue_or_404(issue_id)
    reply = get_reply_or_404(issue, reply_id)
    if not can_edit(reply):
        abort(403)
    form = EditReplyForm(obj=reply)
    findings = []
    if form.validate_on_submit():
        findings = _wording_prompt(form, form.body.data)
        if not findings:
            if form.body.data != reply.body:
                reply.body = form.body.data
                reply.edited_at = utcnow()
                db.session.commit()
            return _reply_done(issue, reply)
    status = 200 if findings or request.method == "GET" else 422
    return render("issues/edit_reply.html", "issues/_reply_edit.html", issue=issue, reply=reply, form=form,
                  findings=findings, status=status)


@bp.route("/<int:issue_id>/svar/<int:reply_id>/slett", methods=["POST"])
@allow(MEMBERS)
def delete_reply(issue_id, reply_id):
    issue = get_issue_or_404(issue_id)
    reply = get_reply_or_404(issue, reply_id)
    if not can_edit(reply):
        abort(403)
    db.session.delete(reply)
    db.session.execute(update(Issue).where(Issue.id == issue.id).values(reply_count=Issue.reply_count - 1))
    db.session.commit()
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
    if reply.hidden_at is None:
        reply.hidden_at, reply.hidden_by_id, reply.hidden_reason = utcnow(), current_user.id, form.reason.data
        db.session.execute(update(Issue).where(Issue.id == issue.id).values(reply_count=Issue.reply_count - 1))
        db.session.commit()
    return _reply_done(issue, reply)


@bp.route("/<int:issue_id>/svar/<int:reply_id>/vis", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS)
def unhide_reply(issue_id, reply_id):
    issue = get_issue_or_404(issue_id)
    reply = get_reply_or_404(issue, reply_id)
    if reply.hidden_at is not None:
        reply.hidden_at = reply.hidden_by_id = reply.hidden_reason = None
        db.session.execute(update(Issue).where(Issue.id == issue.id).values(reply_count=Issue.reply_count + 1))
        db.session.commit()
    return _reply_done(issue, reply)


# -- moderation of the issue -----------------------------------------------------

@bp.route("/<int:issue_id>/status", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS, form_csrf=True)
def set_status(issue_id):
    issue = get_issue_or_404(issue_id)
    form = StatusForm()
    if not form.validate_on_submit():
        return _show(issue, status_form=form, status=422)
    new_status = IssueStatus(form.status.data)
    if new_status != issue.status:
        issue.status = new_status
        issue.status_reason = form.reason.data
        issue.last_activity_at = utcnow()
        db.session.add(IssueEvent(issue_id=issue.id, actor_id=current_user.id, kind="status",
                                  value=new_status.value, reason=form.reason.data))
        notify(_followers(issue), "issue_status", "issue", issue.id, exclude=current_user)
        db.session.commit()
        flash(_("The status is changed."), "success")
    return redirect_to(url_for("issues.show", issue_id=issue.id))


@bp.route("/<int:issue_id>/las", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS, form_csrf=True)
def lock(issue_id):
    issue = get_issue_or_404(issue_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return _show(issue, reason_form=form, status=422)
    if not issue.locked:
        issue.locked_reason = form.reason.data
        db.session.add(IssueEvent(issue_id=issue.id, actor_id=current_user.id, kind="locked", reason=form.reason.data))
        db.session.commit()
        flash(_("The thread is locked."), "success")
    return redirect_to(url_for("issues.show", issue_id=issue.id))


@bp.route("/<int:issue_id>/las-opp", methods=["POST"])
@allow(MEMBERS, acts=MODERATORS)
def unlock(issue_id):
    issue = get_issue_or_404(issue_id)
    if issue.locked:
        issue.locked_reason = None
        db.session.add(IssueEvent(issue_id=issue.id, actor_id=current_user.id, kind="unlocked"))
        db.session.commit()
        flash(_("The thread is open for replies again."), "success")
    return redirect_to(url_for("issues.show", issue_id=issue.id))


# -- following ------------------------------------------------------------------

def _follow_done(issue):
    if wants_fragment():
        return render("issues/_follow.html", issue=issue, following=_is_following(issue))
    return redirect_to(url_for("issues.show", issue_id=issue.id))


@bp.route("/<int:issue_id>/folg", methods=["POST"])
@allow(MEMBERS)
def follow(issue_id):
    issue = get_issue_or_404(issue_id)
    if not _is_following(issue):
        db.session.add(IssueFollow(issue_id=issue.id, user_id=current_user.id))
        try:
            db.session.commit()
        except IntegrityError:  # followed twice at once: one row is all we want
            db.session.rollback()
    return _follow_done(issue)


@bp.route("/<int:issue_id>/slutt-a-folge", methods=["POST"])
@allow(MEMBERS)
def unfollow(issue_id):
    issue = get_issue_or_404(issue_id)
    db.session.query(IssueFollow).filter_by(issue_id=issue.id, user_id=current_user.id).delete()
    db.session.commit()
    return _follow_done(issue)
