"""`flask --app naborad create-user`: a member made from the command line (the first staff member)."""
import sys

import click

from ..models import Role
from ..passwords import MAX_LENGTH, MIN_LENGTH, hash_password, is_common
from . import bp
from .service import NotAllowed, create_member


@bp.cli.command("create-user")
@click.option("--role", type=click.Choice([r.value for r in Role] + ["deputy"]), required=True)
@click.option("--username", required=True)
@click.option("--name", "display_name", required=True, help="Display name other members see.")
@click.option("--email", default=None)
def create_user(role, username, display_name, email):
    """Create a member; the password is prompted (or read from stdin)."""
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH or is_common(password):
        raise click.ClickException(f"The password must be {MIN_LENGTH}-{MAX_LENGTH} characters and not common.")
    try:
        user = create_member(username=username, display_name=display_name, email=email, choice=role,
                             password_hash=hash_password(password))
    except NotAllowed as refused:
        raise click.ClickException(str(refused)) from None
    click.echo(f"Created {user.username} ({role}).")
