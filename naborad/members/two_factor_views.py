"""Staff reset another member's two-factor sign-in (a lost phone). HTTP only: the rule is
auth.second_factor.reset."""
from flask import flash, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import STAFF, allow, get_member_or_404
from ..auth import second_factor
from ..htmx import redirect_to
from . import bp


@bp.app_template_global()
def has_second_factor(member) -> bool:
    """For the member page: whether the member has two-factor sign-in on."""
    return second_factor.enrolled(member)


@bp.route("/<int:user_id>/to-trinn/nullstill", methods=["POST"])
@allow(STAFF)
def reset_second_factor(user_id):
    member = get_member_or_404(user_id)
    if second_factor.reset(member, by=current_user._get_current_object()):
        flash(_("The two-factor sign-in of %(name)s is reset and they are logged out. They are told, and set "
                "it up again when they next log in.", name=member.display_name), "success")
    else:
        flash(_("%(name)s has no two-factor sign-in to reset.", name=member.display_name), "info")
    return redirect_to(url_for("members.show", user_id=member.id))
