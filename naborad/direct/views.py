"""The direct line's pages: the consent in the profile, reaching a member, and the conversations (HTTP only;
the rules are in service.py)."""
from flask import abort, current_app, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import MEMBERS, allow, get_conversation_or_404
from ..contact.service import on_duty
from ..extensions import db
from ..forms import form_status, with_token
from ..htmx import after_change, invalid, redirect_to, render
from ..models import SCOPE_CHAIR, User
from . import bp, service
from .forms import AnswerForm, ConsentForm, MessageForm


def _me():
    return current_user._get_current_object()


@bp.route("/profil/direkte-linje", methods=["GET", "POST"])
@allow(MEMBERS, form_csrf=True)
def consent():
    """The member's own choice to be reachable (off by default), in the profile."""
    row = service.consent_of(current_user)
    form = ConsentForm(by_message=bool(row and row.by_message), by_phone=bool(row and row.by_phone),
                       scope=row.scope if row else SCOPE_CHAIR)
    if form.validate_on_submit():
        service.set_consent(_me(), by_message=form.by_message.data, by_phone=form.by_phone.data,
                            scope=form.scope.data)
        return after_change(None, url_for("direct.consent"), _("Your choice is saved. It counts from now."))
    chair, deputy = service.seat_holders()
    return render("direct/consent.html", form=form, consent=row, chair=chair, deputy=deputy,
                  status=form_status())


@bp.route("/direkte/")
@allow(MEMBERS)
def index():
    """The member's conversations, and who chose to be reached by them."""
    return render("direct/index.html", conversations=service.conversations_of(current_user),
                  reachable=service.reachable_members(current_user), on_duty=on_duty())


@bp.route("/direkte/staben")
@allow(MEMBERS)
def unreachable():
    """Where every member one cannot reach leads: it names nobody and offers the staff on duty."""
    return render("direct/unreachable.html", on_duty=on_duty())


@bp.route("/direkte/medlem/<int:user_id>", methods=["GET", "POST"])
@allow(MEMBERS, form_csrf=True)
def member(user_id):
    """A way to reach this member, if they chose to be reached by the visitor; else the staff on duty."""
    option = service.reach(current_user, user_id)
    if option is None:
        # The same answer, byte for byte, whether the member exists, is a resident, or opted out.
        return redirect_to(url_for("direct.unreachable"))
    member = db.session.get(User, user_id)  # named only once they are reachable
    form = MessageForm()
    if option.message and form.validate_on_submit():
        try:
            conversation = service.start(_me(), user_id, form.body.data, form_token=form.form_token.data or None)
        except service.DailyLimit:
            form.body.errors.append(_("You can start at most %(num)d new conversations a day. Try again tomorrow, "
                                      "or contact the staff on duty.",
                                      num=current_app.config["DIRECT_DAILY_CONVERSATIONS"]))
            return invalid("direct/member.html", "direct/_message_form.html", status=429, form=form,
                           member=member, option=option)
        return redirect_to(url_for("direct.show", conversation_id=conversation.id))
    if form.is_submitted() and not option.message:
        abort(404)
    with_token(form)
    return render("direct/member.html", "direct/_message_form.html", form=form, member=member, option=option,
                  status=form_status())


def _conversation_ctx(conversation, form=None) -> dict:
    me = _me()
    return dict(conversation=conversation, messages=service.load_messages(conversation),
                form=form or with_token(AnswerForm(formdata=None)),
                mine=conversation.has(me), blocked=conversation.has(me) and service.is_blocked_by(conversation, me))


@bp.route("/direkte/<int:conversation_id>")
@allow(MEMBERS)
def show(conversation_id):
    conversation = get_conversation_or_404(conversation_id)
    return render("direct/show.html", "direct/_conversation.html", **_conversation_ctx(conversation))


@bp.route("/direkte/<int:conversation_id>/svar", methods=["POST"])
@allow(MEMBERS, form_csrf=True)
def answer(conversation_id):
    conversation = get_conversation_or_404(conversation_id, act=True)
    form = AnswerForm()
    if not form.validate_on_submit():
        return invalid("direct/show.html", "direct/_conversation.html", **_conversation_ctx(conversation, form))
    service.answer(conversation, _me(), form.body.data, form_token=form.form_token.data or None)
    return after_change("direct/_conversation.html", url_for("direct.show", conversation_id=conversation.id),
                        _("Your answer is sent."), context=lambda: _conversation_ctx(conversation))


def _action(conversation_id, change, message):
    conversation = get_conversation_or_404(conversation_id, act=True)
    change(conversation, _me())
    return after_change("direct/_conversation.html", url_for("direct.show", conversation_id=conversation.id),
                        message, context=lambda: _conversation_ctx(conversation))


@bp.route("/direkte/<int:conversation_id>/ferdig", methods=["POST"])
@allow(MEMBERS)
def done(conversation_id):
    return _action(conversation_id, service.mark_done, _("Marked as done. Thank you!"))


@bp.route("/direkte/<int:conversation_id>/blokker", methods=["POST"])
@allow(MEMBERS)
def block(conversation_id):
    return _action(conversation_id, service.block,
                   _("Blocked. They cannot start a new conversation with you, and they are not told."))


@bp.route("/direkte/<int:conversation_id>/rapporter", methods=["POST"])
@allow(MEMBERS)
def report(conversation_id):
    return _action(conversation_id, service.report, _("Reported. The staff can now read this conversation."))
