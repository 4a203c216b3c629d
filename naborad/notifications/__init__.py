"""Notifications in the app and by mail, reminders, digests and personal calendar feeds."""
from flask import Blueprint

from ..mail import CONTEXT_BUILDERS
from .service import mail_digest, mail_notification

bp = Blueprint("notifications", __name__)
CONTEXT_BUILDERS.update(notification=mail_notification, digest=mail_digest)

from . import views  # noqa: E402,F401
