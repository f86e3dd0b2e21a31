"""The rows of each export as GeoDataFrames (EPSG:4326), public or internal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import geopandas as gpd
import shapely
import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from fieldapp.auth.models import Role
from fieldapp.exports.filters import ExportOptions
from fieldapp.extensions import db
from fieldapp.findings.services import find_findings
from fieldapp.projects.models import Project
from fieldapp.territory.models import TerritorialUnit
from fieldapp.visits.models import Visit


@dataclass(frozen=True)
class AllReader:
    """Exports read every record (the role decides who may export at all; the public
    variant decides which columns leave): a reader that ``visible_findings`` limits not."""

    role: Role = Role.SUPERVISOR
    id: int | None = None


def local_iso(moment: datetime | None) -> str | None:
    """ISO 8601 in the office's time zone, with its offset: unambiguous and readable."""
    if moment is None:
        return None
    tz = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return moment.astimezone(tz).isoformat(timespec="seconds")


def _round(value: float | None, decimals: int | None) -> float | None:
    return value if value is None or decimals is None else round(value, decimals)


def _frame(rows: list[dict], geometries: list) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(rows, geometry=geometries, crs="EPSG:4326")


def findings_frame(options: ExportOptions) -> gpd.GeoDataFrame:
    rows, points = [], []
    for f in find_findings(AllReader(), options.filters):
        unit = f.territorial_unit
        lat, lon = _round(f.lat, options.decimals), _round(f.lon, options.decimals)
        row = {
            "uuid": str(f.uuid),
            "category": f.category.code,
            "category_name": f.category.name,
            "status": f.status.value,
            "priority": f.priority.value,
            "description": f.description,
            "ut_code": unit.code if unit else None,
            "ut_name": unit.name if unit else None,
            "outside_unit": bool(f.outside_unit),
            "area": f.area.name if f.area else None,
            "external_folio": f.external_folio,
            "captured_at": local_iso(f.captured_at),
            "lon": lon,
            "lat": lat,
            "photos": len(f.photos),
            "visit_uuid": str(f.visit.uuid) if f.visit else None,
        }
        if not options.public:
            row["accuracy_m"] = f.accuracy_m
            row["requester_name"] = f.requester_name
            row["requester_phone"] = f.requester_phone
            row["photo_sha256"] = ";".join(p.sha256 for p in f.photos)
        rows.append(row)
        points.append(shapely.Point(lon, lat))
    return _frame(rows, points)


def _visit_query(options: ExportOptions) -> sa.Select:
    filters = options.filters
    query = sa.select(Visit).options(
        selectinload(Visit.territorial_unit),
        selectinload(Visit.inspector),
        selectinload(Visit.project),
        selectinload(Visit.findings),
    )
    if filters.since:
        query = query.where(Visit.started_at >= filters.since)
    if filters.until:
        query = query.where(Visit.started_at < filters.until)
    if filters.visit:
        query = query.where(Visit.uuid == filters.visit)
    if filters.unit_code:
        query = query.join(TerritorialUnit, Visit.territorial_unit_id == TerritorialUnit.id)
        query = query.where(TerritorialUnit.code == filters.unit_code)
    return query.order_by(Visit.started_at.desc()).limit(filters.limit)


def _track(visit: Visit, decimals: int | None, bbox) -> shapely.LineString | None:
    coords = [(_round(p[0], decimals), _round(p[1], decimals)) for p in visit.track or []]
    coords = [c for i, c in enumerate(coords) if i == 0 or c != coords[i - 1]]
    if len(coords) < 2:
        return None
    line = shapely.LineString(coords)
    return line if bbox is None or line.intersects(shapely.box(*bbox)) else False


def visits_frame(options: ExportOptions) -> gpd.GeoDataFrame:
    rows, lines = [], []
    for v in db.session.scalars(_visit_query(options)):
        line = _track(v, options.decimals, options.filters.bbox)
        if line is False:
            continue  # outside the bbox asked for
        unit = v.territorial_unit
        row = {
            "uuid": str(v.uuid),
            "name": f"{v.kind.value} {local_iso(v.started_at)}",
            "kind": v.kind.value,
            "status": v.status.value,
            "started_at": local_iso(v.started_at),
            "ended_at": local_iso(v.ended_at),
            "ut_code": unit.code if unit else None,
            "ut_name": unit.name if unit else None,
            "project": v.project.name if v.project else None,
            "findings": len(v.findings),
            "participants": len(v.participants or []),
            "track_points": len(v.track or []),
            "progress_pct": v.progress_pct,
            "attendance_count": v.attendance_count,
        }
        if not options.public:
            row["inspector"] = v.inspector.name
            row["participant_names"] = "; ".join(
                str(p.get("name", "")) for p in v.participants or [] if isinstance(p, dict)
            )
        rows.append(row)
        lines.append(line)
    return _frame(rows, lines)


def projects_frame(options: ExportOptions) -> gpd.GeoDataFrame:
    query = sa.select(Project).options(
        selectinload(Project.territorial_unit), selectinload(Project.committee)
    )
    if options.filters.unit_code:
        query = query.join(TerritorialUnit, Project.territorial_unit_id == TerritorialUnit.id)
        query = query.where(TerritorialUnit.code == options.filters.unit_code)
    rows, points = [], []
    bbox = options.filters.bbox
    for p in db.session.scalars(query.order_by(Project.year, Project.name)):
        lat, lon = _round(p.lat, options.decimals), _round(p.lon, options.decimals)
        point = shapely.Point(lon, lat) if lat is not None and lon is not None else None
        if bbox and (point is None or not shapely.box(*bbox).intersects(point)):
            continue
        unit = p.territorial_unit
        row = {
            "uuid": str(p.uuid),
            "name": p.name,
            "year": p.year,
            "program": p.program,
            "amount": float(p.amount) if p.amount is not None else None,
            "progress_pct": p.progress_pct,
            "ut_code": unit.code if unit else None,
            "ut_name": unit.name if unit else None,
            "lon": lon,
            "lat": lat,
        }
        if not options.public:
            row["committee"] = "; ".join(f"{m.name} ({m.role})" for m in p.committee)
        rows.append(row)
        points.append(point)
    return _frame(rows, points)


DATASETS = {"findings": findings_frame, "visits": visits_frame, "projects": projects_frame}
