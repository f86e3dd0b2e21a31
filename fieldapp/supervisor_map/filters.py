"""The supervisors' map filters: read from GET parameters, checked, with Spanish messages.

The page and its data endpoint take the same parameters (the endpoint also ``bbox``), so a
link to the page with filters is also the recipe for its data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from fieldapp.auth.models import Role, User
from fieldapp.extensions import db
from fieldapp.findings.models import Area, Category, FindingStatus
from fieldapp.territory.models import TerritorialUnit
from fieldapp.visits.models import VisitKind

FILTER_PARAMS = ("desde", "hasta", "tipo", "categoria", "estado", "area", "ut", "inspector")
CHOROPLETHS = ("visitas", "abiertas")
MAX_TEXT = 80


@dataclass
class MapFilters:
    """What the user chose; ids are resolved, dates are [since, until) in UTC."""

    since: datetime | None = None
    until: datetime | None = None
    kind: VisitKind | None = None
    category_id: int | None = None
    status: FindingStatus | None = None
    area_id: int | None = None
    unit_id: int | None = None
    inspector_id: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    choropleth: str = "visitas"
    args: dict[str, str] = field(default_factory=dict)  # the valid, non-empty parameters

    @property
    def date_range(self) -> tuple[datetime | None, datetime | None]:
        return self.since, self.until


class FilterErrors(dict):
    """``{parameter: [message, ...]}``; empty when everything was understood."""

    def add(self, name: str, message: str) -> None:
        self.setdefault(name, []).append(message)


def parse_filters(
    args: MultiDict, tz_name: str, with_bbox: bool = False
) -> tuple[MapFilters, FilterErrors]:
    """Read the map filters from ``args``; unknown values become messages, never guesses."""
    filters, errors = MapFilters(), FilterErrors()
    raw = {name: (args.get(name) or "").strip() for name in (*FILTER_PARAMS, "bbox", "capa")}
    for name, value in raw.items():
        if len(value) > MAX_TEXT and name != "bbox":
            errors.add(name, _("El valor es demasiado largo."))
            raw[name] = ""
    parse_dates(raw, tz_name, filters, errors)
    parse_choices(raw, filters, errors)
    parse_references(raw, filters, errors)
    if with_bbox and raw["bbox"]:
        filters.bbox = parse_bbox(raw["bbox"], errors)
    if raw["capa"]:
        if raw["capa"] in CHOROPLETHS:
            filters.choropleth = raw["capa"]
        else:
            errors.add("capa", _("Elige «visitas» o «abiertas» para colorear las UT."))
    filters.args = {name: raw[name] for name in FILTER_PARAMS if raw[name] and name not in errors}
    return filters, errors


def parse_day(text: str, name: str, errors: FilterErrors) -> date | None:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        errors.add(name, _("Fecha no válida: usa el formato AAAA-MM-DD."))
        return None
    if not 2000 <= day.year <= 2100:
        errors.add(name, _("Fecha fuera de rango."))
        return None
    return day


def parse_dates(raw: dict, tz_name: str, filters: MapFilters, errors: FilterErrors) -> None:
    """``desde`` and ``hasta`` are whole local days; ``hasta`` is included."""
    tz = ZoneInfo(tz_name)
    since = parse_day(raw["desde"], "desde", errors) if raw["desde"] else None
    until = parse_day(raw["hasta"], "hasta", errors) if raw["hasta"] else None
    if since and until and since > until:
        errors.add("hasta", _("La fecha final es anterior a la inicial."))
        return
    if since:
        filters.since = datetime.combine(since, time(), tz)
    if until:
        filters.until = datetime.combine(until + timedelta(days=1), time(), tz)


def parse_choices(raw: dict, filters: MapFilters, errors: FilterErrors) -> None:
    if raw["tipo"]:
        try:
            filters.kind = VisitKind(raw["tipo"])
        except ValueError:
            errors.add("tipo", _("Tipo de visita desconocido."))
    if raw["estado"]:
        try:
            filters.status = FindingStatus(raw["estado"])
        except ValueError:
            errors.add("estado", _("Estado desconocido."))


def parse_references(raw: dict, filters: MapFilters, errors: FilterErrors) -> None:
    """Codes and ids that must name something stored."""
    lookups = (
        ("categoria", Category.code, Category.id, "category_id", _("Categoría desconocida.")),
        ("area", Area.code, Area.id, "area_id", _("Área desconocida.")),
        ("ut", TerritorialUnit.code, TerritorialUnit.id, "unit_id", _("UT desconocida.")),
    )
    for name, code_column, id_column, attribute, message in lookups:
        if raw[name]:
            found = db.session.scalar(sa.select(id_column).where(code_column == raw[name]))
            if found is None:
                errors.add(name, message)
            setattr(filters, attribute, found)
    if raw["inspector"]:
        inspector = None
        if raw["inspector"].isdigit() and len(raw["inspector"]) < 10:
            inspector = db.session.scalar(
                sa.select(User.id).where(
                    User.id == int(raw["inspector"]), User.role == Role.INSPECTOR
                )
            )
        if inspector is None:
            errors.add("inspector", _("Inspector(a) desconocido(a)."))
        filters.inspector_id = inspector


def parse_bbox(text: str, errors: FilterErrors) -> tuple[float, float, float, float] | None:
    """``min_lon,min_lat,max_lon,max_lat`` in degrees (WGS84)."""
    try:
        parts = [float(p) for p in text.split(",")]
    except ValueError:
        parts = []
    if (
        len(parts) != 4
        or any(p != p for p in parts)  # NaN
        or not (-180 <= parts[0] < parts[2] <= 180 and -90 <= parts[1] < parts[3] <= 90)
    ):
        errors.add("bbox", _("Área del mapa no válida: usa lon_min,lat_min,lon_max,lat_max."))
        return None
    return parts[0], parts[1], parts[2], parts[3]
