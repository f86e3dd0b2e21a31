"""``flask --app fieldapp demo``"""

from __future__ import annotations

import time

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from fieldapp.auth.models import User
from fieldapp.demo.services import load_demo
from fieldapp.demo.synthetic import add_synthetic_findings
from fieldapp.extensions import db


@click.command("demo")
@click.option(
    "--if-empty",
    is_flag=True,
    help="Do nothing when the database already has users (used by `make run`).",
)
@click.option(
    "--findings",
    type=click.IntRange(min=0),
    default=0,
    help="Also add this many synthetic findings (with visits) over the UTs, for scale tests.",
)
@click.option("--seed", type=int, default=None, help="Random seed for --findings.")
@with_appcontext
def demo_command(if_empty: bool, findings: int, seed: int | None) -> None:
    """Load demo data; running it again adds only what is missing."""
    if if_empty and db.session.scalar(sa.select(sa.func.count(User.id))):
        click.echo("La base de datos ya tiene usuarios; no se cargan datos de demostración.")
        return
    report = load_demo()
    db.session.commit()
    if findings:
        add_synthetic(findings, seed)
    if not report.created:
        click.echo("Los datos de demostración ya estaban completos; no se agregó nada.")
        return
    click.echo(
        "Datos de demostración agregados: "
        + ", ".join(f"{n} {what}" for what, n in report.created.items())
        + "."
    )
    if report.passwords:
        click.echo("\nCuentas de demostración (las contraseñas se muestran solo esta vez):")
        for email, password in report.passwords.items():
            click.echo(f"  {email}  {password}")


def add_synthetic(findings: int, seed: int | None) -> None:
    started = time.perf_counter()
    added = add_synthetic_findings(findings, seed)
    db.session.commit()
    click.echo(
        f"Hallazgos sintéticos agregados: {added.findings} en {added.visits} visitas "
        f"({time.perf_counter() - started:.1f} s)."
    )
