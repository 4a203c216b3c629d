"""The events' command line: the dietary notes' purge."""
import click

from . import bp, service


@bp.cli.command("purge-dietary")
def purge_dietary_command():
    """Delete dietary notes 30 days after each event (run daily from cron or a timer)."""
    count = service.purge_dietary_notes()
    click.echo(f"Deleted {count} dietary notes.")
