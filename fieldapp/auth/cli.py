"""``flask --app fieldapp users ...``"""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from fieldapp.auth import services
from fieldapp.auth.models import User
from fieldapp.extensions import db

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create")
@click.option("--email", required=True, help="E-mail used to log in.")
@click.option("--name", required=True, help="Full name.")
@click.option("--role", required=True, help="inspector, supervisor or admin.")
@click.option("--password", help="Read from a prompt when omitted (recommended).")
def create_user_command(email: str, name: str, role: str, password: str | None) -> None:
    """Create a user account."""
    try:
        services.parse_role(role)  # say it before asking for a password
        if password is None:
            password = click.prompt("Contraseña", hide_input=True, confirmation_prompt=True)
        user = services.create_user(email, name, role, password)
    except services.AccountError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"Cuenta creada: {user.email} ({user.role.value}).")


@users_cli.command("list")
def list_users_command() -> None:
    """List user accounts."""
    for user in db.session.scalars(sa.select(User).order_by(User.email)):
        state = "activa" if user.active else "desactivada"
        click.echo(f"{user.email}\t{user.name}\t{user.role.value}\t{state}")


@users_cli.command("set-active")
@click.argument("email")
@click.argument("active", type=click.Choice(["yes", "no"]))
def set_active_command(email: str, active: str) -> None:
    """Enable (yes) or disable (no) an account."""
    user = db.session.scalar(sa.select(User).where(User.email == services.normalize_email(email)))
    if user is None:
        raise click.ClickException(f"No existe una cuenta con el correo {email}.")
    user.active = active == "yes"
    db.session.commit()
    click.echo(f"{user.email}: {'activa' if user.active else 'desactivada'}.")
