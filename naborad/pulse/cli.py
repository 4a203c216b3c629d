"""`flask --app naborad purge-pulse` (the retention rule of the pulse) and `open-pulse-round`."""
import click

from ..extensions import db
from . import bp
from .service import purge, start_round


@bp.cli.command("purge-pulse")
def purge_pulse_command():
    """Delete the "answered" marks of closed rounds and free-text lines older than 12 months."""
    marks, lines = purge()
    click.echo(f"Deleted {marks} answered mark(s) and {lines} free-text line(s).")


@bp.cli.command("open-pulse-round")
def open_pulse_round_command():
    """Open a pulse round now (unless one is open) and tell the members."""
    round_ = start_round()
    db.session.commit()
    click.echo("A round is open now." if round_ else "A round is already open.")
