"""`flask --app naborad purge-conversations`: the retention rule for the direct line's conversations."""
import click

from . import bp
from .service import purge_conversations


@bp.cli.command("purge-conversations")
@click.option("--months", type=int, default=None,
              help="Retention in months after the last message (default: NABORAD_DIRECT_RETENTION_MONTHS, 12).")
def purge_conversations_command(months):
    """Delete direct-line conversations whose last message is older than the retention period."""
    count = purge_conversations(months=months)
    click.echo(f"Deleted {count} conversation(s).")
