"""`flask --app naborad purge-dialogues`: the retention rule for dialogue meetings."""
import click

from . import bp
from .service import purge_dialogues


@bp.cli.command("purge-dialogues")
@click.option("--months", type=int, default=None,
              help="Retention in months after the meeting (default: NABORAD_DIALOGUE_RETENTION_MONTHS, 24).")
def purge_dialogues_command(months):
    """Delete dialogue meetings (agenda, minutes, invitees) held longer ago than the retention period."""
    count = purge_dialogues(months=months)
    click.echo(f"Deleted {count} dialogue meeting(s).")
