"""Accounts: login, logout, password reset, invitations and the own profile."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import views  # noqa: E402,F401
from . import two_factor_views  # noqa: E402,F401
from ..mail import CONTEXT_BUILDERS  # noqa: E402
from .service import reset_mail_context  # noqa: E402

CONTEXT_BUILDERS["password_reset_request"] = reset_mail_context
