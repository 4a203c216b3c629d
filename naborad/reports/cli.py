"""`flask --app naborad purge-reports`: the retention rule for closed reports."""
import click

from . import bp
from .service import purge_closed_reports


@bp.cli.command("purge-reports")
@click.option("--months", type=int, default=None,
              help="Retention in months (default: NABORAD_REPORT_RETENTION_MONTHS, 12).")
def purge_reports(months):
    """Remove personal details from reports closed longer ago than the retention period."""
    count = purge_closed_reports(months=months)
    click.echo(f"Removed personal details from {count} closed report(s).")
