"""Accounts: login, logout, password reset, invitations and the own profile."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from ..mail import CONTEXT_BUILDERS, HOUSEKEEPING  # noqa: E402
from . import (
    email_change,  # noqa: E402
    two_factor_views,  # noqa: E402,F401
    views,  # noqa: E402,F401
)
from .service import reset_mail_context  # noqa: E402
from .sessions import purge_secrets  # noqa: E402

CONTEXT_BUILDERS["password_reset_request"] = reset_mail_context
CONTEXT_BUILDERS["email_change"] = email_change.mail_context
HOUSEKEEPING.extend([purge_secrets, email_change.purge])
