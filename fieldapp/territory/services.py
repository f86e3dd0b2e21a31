"""Writing UTs; the locator lives in ``territory.locator`` and is re-exported here."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import shapely
import sqlalchemy as sa

from fieldapp.extensions import db
from fieldapp.territory.locator import (
    BulkPlacement,
    Locator,
    Placement,
    UnitIndex,
    locator,
    units_signature,
)
from fieldapp.territory.models import TerritorialUnit

__all__ = [
    "BulkPlacement",
    "Locator",
    "Placement",
    "UnitIndex",
    "apply_unit",
    "locate",
    "locator",
    "unit_features",
    "unit_ref",
    "upsert_unit",
]


def apply_unit(
    unit: TerritorialUnit, name: str, geometry: shapely.Geometry, parent: str | None
) -> bool:
    """Give ``unit`` these values; True when anything changed (compared as stored)."""
    wkb = shapely.to_wkb(geometry)
    if (unit.name, unit.parent, unit.geometry_wkb) == (name, parent, wkb):
        return False
    unit.name, unit.parent = name, parent
    unit.geometry = geometry
    return True


def upsert_unit(
    code: str, name: str, geometry: shapely.Geometry, parent: str | None = None
) -> tuple[TerritorialUnit, bool]:
    """Create or update the UT with this code; returns (unit, changed). Flushes nothing."""
    unit = db.session.scalar(sa.select(TerritorialUnit).where(TerritorialUnit.code == code))
    if unit is None:
        unit = TerritorialUnit(code=code)
        db.session.add(unit)
    changed = apply_unit(unit, name, geometry, parent)
    if changed:
        locator.invalidate()
    return unit, changed


METRES_PER_DEGREE = 111_320.0
MAX_SIMPLIFY_M = 1000.0


def unit_features(
    simplify_m: float = 0.0, parent: str | None = None, codes: list[str] | None = None
) -> list[dict]:
    """UTs as GeoJSON features (id and ``code``, ``name``, ``parent``), lon/lat to 6 decimals.

    ``simplify_m`` > 0 simplifies outlines with that tolerance in metres (topology kept), for
    phones; 20 m roughly halves the IECM layer.
    """
    query = sa.select(
        TerritorialUnit.code,
        TerritorialUnit.name,
        TerritorialUnit.parent,
        TerritorialUnit.geometry_wkb,
    ).order_by(TerritorialUnit.code)
    if parent:
        query = query.where(TerritorialUnit.parent == parent)
    if codes is not None:
        query = query.where(TerritorialUnit.code.in_(codes))
    rows = db.session.execute(query).all()
    geoms = shapely.from_wkb([r.geometry_wkb for r in rows])
    if simplify_m > 0 and len(geoms):
        tolerance = min(simplify_m, MAX_SIMPLIFY_M) / METRES_PER_DEGREE
        geoms = shapely.simplify(geoms, tolerance, preserve_topology=True)
    if len(geoms):
        geoms = shapely.transform(geoms, lambda xy: np.round(xy, 6))
    return [
        {
            "type": "Feature",
            "id": row.code,
            "geometry": json.loads(shapely.to_geojson(geom)),
            "properties": {"code": row.code, "name": row.name, "parent": row.parent},
        }
        for row, geom in zip(rows, geoms, strict=True)
    ]


def unit_ref(unit: TerritorialUnit | None) -> dict | None:
    """The short JSON form of a UT."""
    if unit is None:
        return None
    return {"code": unit.code, "name": unit.name, "parent": unit.parent}


def locate(lat: float, lon: float) -> dict:
    """Where (lat, lon) is: the UT, or null with the nearest UT and its distance in metres."""
    placement = locator.place(lat, lon)
    unit = db.session.get(TerritorialUnit, placement.unit_id) if placement.unit_id else None
    nearest = None
    if placement.nearest_unit_id is not None:
        nearest = unit_ref(db.session.get(TerritorialUnit, placement.nearest_unit_id))
        nearest["distance_m"] = placement.distance_m
    return {
        "lat": lat,
        "lon": lon,
        "territorial_unit": unit_ref(unit),
        "outside_unit": placement.outside,
        "nearest": nearest,
    }


def units_etag(*parts) -> str:
    """A validator for cached UT responses: changes with any UT change or request option."""
    key = repr((units_signature(), parts)).encode()
    return hashlib.sha256(key).hexdigest()[:32]
