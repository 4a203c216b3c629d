"""Notifications in the app and by mail, reminders, digests and personal calendar feeds."""
from flask import Blueprint

from ..mail import CONTEXT_BUILDERS
from .service import mail_digest, mail_notification

# cli_group=None: its commands (send-reminders, send-digests) sit at the top level of `flask`.
bp = Blueprint("notifications", __name__, cli_group=None)
CONTEXT_BUILDERS.update(notification=mail_notification, digest=mail_digest)

from . import cli, views  # noqa: E402,F401
