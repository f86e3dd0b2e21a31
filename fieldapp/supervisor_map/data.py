"""Findings for the supervisors' map in a compact form, and one finding's popup.

100,000 findings as GeoJSON Features would be ~25 MB; as rows of
``[lon, lat, status, category, id]`` with lookup tables they are ~3 MB, ~1 MB gzip-compressed,
and the browser turns them into typed arrays without creating one object per point. Past
``MAP_MAX_POINTS`` (after the filters) the rows are counts on a grid instead.
"""

from __future__ import annotations

import gzip
import json

import sqlalchemy as sa

from fieldapp.extensions import db
from fieldapp.findings.models import Category, Finding, FindingStatus
from fieldapp.labels import label
from fieldapp.media.models import Photo
from fieldapp.supervisor_map.filters import MapFilters
from fieldapp.templating import localtime
from fieldapp.territory.models import TerritorialUnit
from fieldapp.visits.models import Visit
from fieldapp.visits.services import OPEN_STATUSES

POINT_COLUMNS = ["lon", "lat", "status", "category", "id"]
CELL_COLUMNS = ["lon", "lat", "count"]
GRID_CELLS = 160  # cells across the larger side of the box when aggregating
COORD_DIGITS = 5  # about 1 m
STATUS_COLORS = {
    FindingStatus.REPORTADA: "#c62828",
    FindingStatus.CANALIZADA: "#ef6c00",
    FindingStatus.EN_ATENCION: "#f9a825",
    FindingStatus.ATENDIDA: "#2e7d32",
    FindingStatus.VERIFICADA: "#1565c0",
    FindingStatus.NO_PROCEDE: "#616161",
    FindingStatus.DUPLICADA: "#8e24aa",
}
GZIP_LEVEL = 5  # most of level 9's saving at a third of its time


def filtered(query: sa.Select, filters: MapFilters) -> sa.Select:
    """Apply the map filters to a query over ``Finding``."""
    if filters.bbox:
        min_lon, min_lat, max_lon, max_lat = filters.bbox
        query = query.where(
            Finding.lon.between(min_lon, max_lon), Finding.lat.between(min_lat, max_lat)
        )
    if filters.since:
        query = query.where(Finding.captured_at >= filters.since)
    if filters.until:
        query = query.where(Finding.captured_at < filters.until)
    if filters.kind:
        query = query.join(Visit, Finding.visit_id == Visit.id).where(Visit.kind == filters.kind)
    equal = (
        (Finding.category_id, filters.category_id),
        (Finding.status, filters.status),
        (Finding.area_id, filters.area_id),
        (Finding.territorial_unit_id, filters.unit_id),
        (Finding.created_by_id, filters.inspector_id),
    )
    for column, value in equal:
        if value is not None:
            query = query.where(column == value)
    return query


def lookup_tables() -> dict:
    statuses = [
        {"code": s.value, "label": str(label(s)), "color": STATUS_COLORS[s]} for s in FindingStatus
    ]
    categories = [
        {"id": c.id, "code": c.code, "name": c.name, "color": c.color}
        for c in db.session.scalars(sa.select(Category).order_by(Category.name))
    ]
    return {"statuses": statuses, "categories": categories}


def map_findings(filters: MapFilters, max_points: int) -> dict:
    """The findings matching ``filters``: points, or grid counts when there are too many.

    ``rows`` is already JSON text (``RawJSON``) when the database can build it: 100,000
    rows through the driver and ``json.dumps`` take ~0.6 s here, SQLite's json_group_array
    ~0.1 s.
    """
    total = db.session.scalar(filtered(sa.select(sa.func.count(Finding.id)), filters)) or 0
    payload = {"total": total, **lookup_tables()}
    if total > max_points:
        return payload | {"aggregated": True, "cols": CELL_COLUMNS, "rows": grid(filters)}
    status_index = {s["code"]: i for i, s in enumerate(payload["statuses"])}
    category_index = {c["id"]: i for i, c in enumerate(payload["categories"])}
    dialect = db.session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        rows = RawJSON(points_json(filters, status_index, category_index, dialect))
    else:
        rows = points_list(filters, status_index, category_index)
    return payload | {"aggregated": False, "cols": POINT_COLUMNS, "rows": rows}


class RawJSON(str):
    """JSON text to splice into the answer as it is."""


def points_json(filters: MapFilters, status_index: dict, category_index: dict, dialect: str):
    """The rows as one JSON array built by the database itself."""
    status = sa.case(status_index, value=sa.type_coerce(Finding.status, sa.String))
    category = sa.case(category_index, value=Finding.category_id)
    if dialect == "postgresql":  # round(double, int) needs numeric there
        lon = sa.func.round(sa.cast(Finding.lon, sa.Numeric), COORD_DIGITS)
        lat = sa.func.round(sa.cast(Finding.lat, sa.Numeric), COORD_DIGITS)
        row = sa.func.json_build_array(lon, lat, status, category, Finding.id)
        rows = sa.cast(sa.func.coalesce(sa.func.json_agg(row), sa.text("'[]'::json")), sa.Text)
    else:
        lon = sa.func.round(Finding.lon, COORD_DIGITS)
        lat = sa.func.round(Finding.lat, COORD_DIGITS)
        rows = sa.func.json_group_array(sa.func.json_array(lon, lat, status, category, Finding.id))
    return db.session.scalar(filtered(sa.select(rows), filters)) or "[]"


def points_list(filters: MapFilters, status_index: dict, category_index: dict) -> list:
    query = filtered(
        sa.select(Finding.lon, Finding.lat, Finding.status, Finding.category_id, Finding.id),
        filters,
    )
    return [
        [
            round(lon, COORD_DIGITS),
            round(lat, COORD_DIGITS),
            status_index[status],
            category_index[category_id],
            finding_id,
        ]
        for lon, lat, status, category_id, finding_id in db.session.execute(query)
    ]


def grid(filters: MapFilters) -> list[list]:
    """Counts on a regular grid over the box (or the whole extent), at each cell's mean point."""
    box = filters.bbox or extent(filters)
    if box is None:
        return []
    min_lon, min_lat, max_lon, max_lat = box
    size = max(max_lon - min_lon, max_lat - min_lat) / GRID_CELLS or 1e-4
    # CAST truncates toward zero on SQLite and PostgreSQL alike; offsetting by the box's
    # corner keeps every value positive, so the cells are regular.
    col = sa.cast((Finding.lon - min_lon) / size, sa.Integer)
    row = sa.cast((Finding.lat - min_lat) / size, sa.Integer)
    query = filtered(
        sa.select(sa.func.avg(Finding.lon), sa.func.avg(Finding.lat), sa.func.count(Finding.id)),
        filters,
    ).group_by(col, row)
    return [
        [round(lon, COORD_DIGITS), round(lat, COORD_DIGITS), n]
        for lon, lat, n in db.session.execute(query)
    ]


def extent(filters: MapFilters) -> tuple[float, float, float, float] | None:
    query = filtered(
        sa.select(
            sa.func.min(Finding.lon),
            sa.func.min(Finding.lat),
            sa.func.max(Finding.lon),
            sa.func.max(Finding.lat),
        ),
        filters,
    )
    row = db.session.execute(query).one()
    return None if row[0] is None else tuple(row)


def compact_json(payload: dict) -> bytes:
    """The payload as compact JSON; ``rows`` given as ``RawJSON`` goes in untouched."""
    rows = payload.get("rows")
    if not isinstance(rows, RawJSON):
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    rest = json.dumps(
        {k: v for k, v in payload.items() if k != "rows"}, ensure_ascii=False, separators=(",", ":")
    )
    return (rest[:-1] + ',"rows":' + rows + "}").encode()


def gzipped(body: bytes) -> bytes:
    # mtime=0: the same data always gives the same bytes (and the same ETag).
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)


def finding_popup(finding_id: int) -> dict | None:
    """What a click on a finding shows; no requester data. Text is shown with textContent."""
    row = db.session.execute(
        sa.select(Finding, Category.name, TerritorialUnit.code, TerritorialUnit.name)
        .join(Category, Finding.category_id == Category.id)
        .outerjoin(TerritorialUnit, Finding.territorial_unit_id == TerritorialUnit.id)
        .where(Finding.id == finding_id)
    ).first()
    if row is None:
        return None
    finding, category, unit_code, unit_name = row
    photo = db.session.scalar(
        sa.select(Photo.uuid)
        .where(Photo.finding_id == finding.id)
        .order_by(Photo.created_at)
        .limit(1)
    )
    return {
        "id": finding.id,
        "url": f"/findings/{finding.uuid}",
        "category": category,
        "status": finding.status.value,
        "status_label": str(label(finding.status)),
        "open": finding.status in OPEN_STATUSES,
        "date": localtime(finding.captured_at, "medium"),
        "unit": f"{unit_code} · {unit_name}" if unit_code else None,
        "description": (finding.description or "")[:300],
        "thumb": f"/media/photos/{photo}/thumb" if photo else None,
        "lat": finding.lat,
        "lon": finding.lon,
    }
