"""`flask uts ...`: import a UT layer, list the UTs, locate a point, place records again."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from fieldapp.extensions import db
from fieldapp.territory import services
from fieldapp.territory.assignment import reassign_all
from fieldapp.territory.importer import ImportOptions, ImportReport, import_units
from fieldapp.territory.layers import LayerError
from fieldapp.territory.locator import locator
from fieldapp.territory.models import TerritorialUnit

uts_cli = AppGroup("uts", help="Unidades territoriales: importar capas, listar, ubicar puntos.")


@uts_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--code-field", help="Campo con el código (p. ej. clave). Sin él se generan.")
@click.option("--name-field", required=True, help="Campo con el nombre (p. ej. nombre).")
@click.option("--parent-field", help="Campo con la alcaldía o municipio.")
@click.option("--parent", help="Alcaldía o municipio para todas, si la capa no lo trae.")
@click.option("--layer", help="Capa a leer, si el archivo tiene varias.")
@click.option("--crs", help="EPSG a suponer si el archivo no declara sistema de coordenadas.")
@click.option("--replace", is_flag=True, help="Borrar las UT que no vengan en el archivo.")
def import_command(path, code_field, name_field, parent_field, parent, layer, crs, replace):
    """Importar (o actualizar) las UT desde PATH: GeoJSON, .zip con Shapefile, .gpkg, KML."""
    options = ImportOptions(code_field, name_field, parent_field, parent, layer, crs, replace)
    try:
        report = import_units(path, options)
    except LayerError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    except Exception:
        db.session.rollback()
        locator.invalidate()
        raise
    if report.applied:
        db.session.commit()
    else:
        db.session.rollback()
    for line in report_lines(report):
        click.echo(line)
    if not report.applied:
        raise SystemExit(1)


def report_lines(report: ImportReport) -> list[str]:
    """The import summary as plain lines (Spanish)."""
    lines = [f"Archivo: {report.source}", f"Elementos leídos: {report.features_read}"]
    if report.applied:
        lines += [
            f"Creadas: {len(report.created)}",
            f"Actualizadas: {len(report.updated)}",
            f"Sin cambios: {report.unchanged}",
        ]
        if report.deleted:
            lines.append(f"Eliminadas: {len(report.deleted)} ({short_list(report.deleted)})")
        if report.kept:
            lines.append(f"No incluidas en el archivo (se conservan): {report.kept}")
    repaired = f" ({short_list(report.repaired)})" if report.repaired else ""
    lines.append(f"Geometrías reparadas: {len(report.repaired)}{repaired}")
    lines.append(f"Rechazados: {len(report.rejected)}")
    for r in report.rejected:
        code = f" ({r.code})" if r.code else ""
        lines.append(f"  elemento {r.row}{code}: {r.reason}")
    if report.reassigned:
        counts = report.reassigned
        lines.append(
            f"Reubicados: {counts['findings']} hallazgos, {counts['visits']} visitas, "
            f"{counts['projects']} proyectos"
        )
    lines += [f"Nota: {note}" for note in report.notes]
    if not report.applied:
        lines.append("No se guardó nada: corrige los elementos rechazados y vuelve a importar.")
    elif not report.changes:
        lines.append("Sin cambios.")
    return lines


def short_list(codes: list[str], shown: int = 20) -> str:
    more = f" y {len(codes) - shown} más" if len(codes) > shown else ""
    return ", ".join(codes[:shown]) + more


@uts_cli.command("list")
def list_command():
    """Listar las UT guardadas: código, nombre, alcaldía."""
    query = sa.select(TerritorialUnit.code, TerritorialUnit.name, TerritorialUnit.parent)
    rows = db.session.execute(query.order_by(TerritorialUnit.code)).all()
    for code, name, parent in rows:
        click.echo(f"{code}\t{name}\t{parent or ''}")
    click.echo(f"{len(rows)} unidades territoriales")


@uts_cli.command("locate", context_settings={"ignore_unknown_options": True})
@click.argument("lat", type=float)
@click.argument("lon", type=float)
def locate_command(lat, lon):
    """Decir en qué UT cae el punto LAT LON (grados decimales)."""
    found = services.locate(lat, lon)
    if found["territorial_unit"]:
        unit = found["territorial_unit"]
        click.echo(f"UT {unit['code']} {unit['name']}")
    elif found["nearest"]:
        near = found["nearest"]
        click.echo(
            f"Fuera de UT; la más cercana: {near['code']} {near['name']} a {near['distance_m']} m"
        )
    else:
        click.echo("No hay unidades territoriales cargadas.")


@uts_cli.command("reassign")
def reassign_command():
    """Volver a ubicar todos los hallazgos, visitas y proyectos en su UT."""
    locator.invalidate()
    counts = reassign_all()
    db.session.commit()
    click.echo(
        f"Reubicados: {counts['findings']} hallazgos, {counts['visits']} visitas, "
        f"{counts['projects']} proyectos"
    )
