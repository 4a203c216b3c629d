"""The notifications' commands, run from cron or a timer: reminders and the daily digest."""
import click

from . import bp
from .jobs import send_digests, send_reminders


@bp.cli.command("send-reminders")
def send_reminders_command():
    """Reminders for tomorrow's meetings and events, and for action items due or overdue (idempotent)."""
    click.echo(f"{send_reminders()} reminder(s) sent.")


@bp.cli.command("send-digests")
def send_digests_command():
    """The daily digest mail: one per member with anything waiting; nothing if empty."""
    click.echo(f"{send_digests()} digest(s) queued.")
