"""`flask media check [--fix]`: files under MEDIA_ROOT against the rows that use them."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from fieldapp.media.check import DEFAULT_GRACE_SECONDS, check_media

media_cli = AppGroup("media", help="Archivos de fotos y firmas: revisar y reparar.")


def _list(title: str, problems, limit: int = 20) -> None:
    if not problems:
        return
    click.echo(f"{title}: {len(problems)}")
    for problem in problems[:limit]:
        state = " (borrado)" if problem.fixed else ""
        detail = f" — {problem.detail}" if problem.detail else ""
        click.echo(f"  {problem.key}{state}{detail}")
    if len(problems) > limit:
        click.echo(f"  … y {len(problems) - limit} más")


@media_cli.command("check")
@click.option("--fix", is_flag=True, help="Borrar huérfanos y temporales viejos.")
@click.option(
    "--grace",
    type=click.FloatRange(min=0),
    default=DEFAULT_GRACE_SECONDS,
    show_default=True,
    help="Segundos: un archivo sin registro más nuevo que esto puede ser una subida en curso.",
)
@click.option("--no-hash", is_flag=True, help="No recalcular el SHA-256 de cada archivo.")
def check_command(fix: bool, grace: float, no_hash: bool):
    """Revisar MEDIA_ROOT: huérfanos, temporales, archivos faltantes o alterados.

    Sale con código 1 si queda algo pendiente (con --fix, solo faltantes o alterados).
    """
    root = current_app.config["MEDIA_ROOT"]
    report = check_media(root, fix=fix, grace=grace, verify_hashes=not no_hash)
    click.echo(f"{root}: {report.files} archivos, {report.referenced} referenciados por registros")
    _list("Huérfanos (ningún registro los usa)", report.orphans)
    _list("Temporales de subidas interrumpidas", report.temporaries)
    _list("Faltantes (el registro existe, el archivo no)", report.missing)
    _list("Alterados (el SHA-256 no coincide)", report.corrupt)
    _list("Otros archivos (no son de FieldApp, no se tocan)", report.unknown)
    if report.missing or report.corrupt:
        click.echo(
            "Los faltantes y alterados no se pueden reparar aquí: restaure esos archivos "
            "desde un respaldo."
        )
    if report.clean:
        click.echo("Todo en orden.")
    elif not fix and (report.orphans or report.temporaries):
        click.echo("Use --fix para borrar huérfanos y temporales.")
    raise SystemExit(0 if report.clean else 1)
