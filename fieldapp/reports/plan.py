"""Plan anual (POA): targets per quarter and kind of activity, typed in or imported."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from fieldapp.domain_errors import Conflict, Unprocessable
from fieldapp.extensions import db
from fieldapp.findings.models import Area
from fieldapp.reports.models import PlannedActivity
from fieldapp.visits.models import VisitKind

ACTIVITY_KINDS = [kind.value for kind in VisitKind]
REQUIRED_COLUMNS = ("anio", "trimestre", "actividad", "meta")
OPTIONAL_COLUMNS = ("area", "descripcion")
COLUMN_ALIASES = {"año": "anio", "ano": "anio", "área": "area", "descripción": "descripcion"}
MAX_ROWS = 2000


@dataclass
class PlanRow:
    year: int
    quarter: int
    kind: str
    area_id: int | None
    target: int
    description: str


def plan_for(year: int, quarter: int | None = None) -> list[PlannedActivity]:
    query = sa.select(PlannedActivity).where(PlannedActivity.year == year)
    if quarter:
        query = query.where(PlannedActivity.quarter == quarter)
    order = (PlannedActivity.quarter, PlannedActivity.activity_kind, PlannedActivity.id)
    return list(db.session.scalars(query.order_by(*order)))


def plan_years() -> list[int]:
    return list(db.session.scalars(sa.select(PlannedActivity.year).distinct().order_by("year")))


def slot_taken(row: PlanRow, exclude_id: int | None = None) -> bool:
    query = sa.select(PlannedActivity.id).where(
        PlannedActivity.year == row.year,
        PlannedActivity.quarter == row.quarter,
        PlannedActivity.activity_kind == row.kind,
        PlannedActivity.area_id.is_(None)
        if row.area_id is None
        else PlannedActivity.area_id == row.area_id,
    )
    found = db.session.scalar(query)
    return found is not None and found != exclude_id


def save_activity(row: PlanRow, activity: PlannedActivity | None = None) -> PlannedActivity:
    """Add a target, or change ``activity``; one target per year, quarter, kind and area."""
    if row.target < 0:
        raise Unprocessable(_("La meta no puede ser negativa."))
    if row.kind not in ACTIVITY_KINDS:
        raise Unprocessable(_("Actividad desconocida: %(kind)s.", kind=row.kind))
    if slot_taken(row, exclude_id=activity.id if activity else None):
        raise Conflict(
            _("Ya hay una meta para esa actividad y área en el trimestre %(q)d de %(y)d.",
              q=row.quarter, y=row.year)
        )  # fmt: skip
    activity = activity or PlannedActivity()
    activity.year, activity.quarter, activity.activity_kind = row.year, row.quarter, row.kind
    activity.area_id, activity.target_count = row.area_id, row.target
    activity.description = row.description
    db.session.add(activity)
    db.session.flush()
    return activity


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without Excel's BOM), else Windows-1252 as Excel in Spanish saves it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def sniff_dialect(text: str):
    """Commas, or semicolons as Excel writes them where the decimal mark is a comma."""
    try:
        return csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def read_plan_csv(data: bytes) -> list[PlanRow]:
    """Every row checked; any problem raises ``Unprocessable`` listing all of them by row."""
    text = decode_csv(data)
    if not text.strip():
        raise Unprocessable(_("El archivo está vacío."))
    reader = csv.DictReader(io.StringIO(text), dialect=sniff_dialect(text))
    header = [COLUMN_ALIASES.get(h.strip().lower(), h.strip().lower()) for h in reader.fieldnames]
    check_columns(header)
    reader.fieldnames = header
    areas = {a.code.lower(): a.id for a in db.session.scalars(sa.select(Area))}
    rows, errors, seen = [], [], {}
    for number, record in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            raise Unprocessable(_("El archivo tiene más de %(n)d filas.", n=MAX_ROWS))
        if not any((v or "").strip() for v in record.values() if isinstance(v, str)):
            continue
        row = parse_row(record, number, areas, errors)
        if row is None:
            continue
        slot = (row.year, row.quarter, row.kind, row.area_id)
        if slot in seen:
            errors.append(_("Fila %(n)d: repite la meta de la fila %(m)d.", n=number, m=seen[slot]))
        seen[slot] = number
        rows.append(row)
    if errors:
        raise Unprocessable(" ".join(errors[:30]), fields={"archivo": errors})
    if not rows:
        raise Unprocessable(_("El archivo no tiene filas con metas."))
    return rows


def check_columns(header: list[str]) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [c for c in header if c and c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if missing or unknown:
        problems = []
        if missing:
            problems.append(_("faltan las columnas: %(cols)s", cols=", ".join(missing)))
        if unknown:
            problems.append(_("columnas desconocidas: %(cols)s", cols=", ".join(unknown)))
        message = _(
            "El CSV no tiene las columnas esperadas (%(problems)s). La primera fila debe ser: "
            "anio, trimestre, actividad, meta y, si se usan, area, descripcion.",
            problems="; ".join(problems),
        )
        raise Unprocessable(message, fields={"archivo": [message]})


def _integer(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.lstrip("-").isdigit() else None


def parse_row(record: dict, number: int, areas: dict, errors: list) -> PlanRow | None:
    before = len(errors)
    year, quarter, target = (_integer(record.get(c)) for c in ("anio", "trimestre", "meta"))
    kind = (record.get("actividad") or "").strip().lower()
    area_code = (record.get("area") or "").strip().lower()
    if year is None or not 2000 <= year <= 2100:
        errors.append(_("Fila %(n)d: el año debe ser un número como 2026.", n=number))
    if quarter is None or not 1 <= quarter <= 4:
        errors.append(_("Fila %(n)d: el trimestre debe ser 1, 2, 3 o 4.", n=number))
    if target is None or target < 0:
        errors.append(
            _("Fila %(n)d: la meta debe ser un número entero de 0 o más (se leyó «%(v)s»).",
              n=number, v=(record.get("meta") or "").strip())
        )  # fmt: skip
    if kind not in ACTIVITY_KINDS:
        errors.append(
            _("Fila %(n)d: actividad desconocida «%(v)s»; usa una de: %(kinds)s.",
              n=number, v=kind, kinds=", ".join(ACTIVITY_KINDS))
        )  # fmt: skip
    if area_code and area_code not in areas:
        errors.append(_("Fila %(n)d: área desconocida «%(v)s».", n=number, v=area_code))
    if len(errors) > before:
        return None
    description = (record.get("descripcion") or "").strip()[:300]
    return PlanRow(year, quarter, kind, areas.get(area_code), target, description)


def import_plan(data: bytes) -> tuple[int, int]:
    """Import a plan CSV: all rows or none. Existing targets for the same slot are updated.
    Returns (created, updated); flushes only."""
    rows = read_plan_csv(data)
    created = updated = 0
    for row in rows:
        existing = db.session.scalar(
            sa.select(PlannedActivity).where(
                PlannedActivity.year == row.year,
                PlannedActivity.quarter == row.quarter,
                PlannedActivity.activity_kind == row.kind,
                PlannedActivity.area_id.is_(None)
                if row.area_id is None
                else PlannedActivity.area_id == row.area_id,
            )
        )
        save_activity(row, existing)
        created, updated = created + (existing is None), updated + (existing is not None)
    return created, updated
