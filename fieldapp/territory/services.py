"""Loading UT polygons and placing points in them."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import shapely
import sqlalchemy as sa
from pyproj import Geod
from shapely.ops import nearest_points

from fieldapp.extensions import db
from fieldapp.territory.models import TerritorialUnit

GEOD = Geod(ellps="WGS84")


def upsert_unit(
    code: str, name: str, geometry: shapely.Geometry, parent: str | None = None
) -> tuple[TerritorialUnit, bool]:
    """Create or update the UT with this code; returns (unit, changed)."""
    unit = db.session.scalar(sa.select(TerritorialUnit).where(TerritorialUnit.code == code))
    wkb = shapely.to_wkb(geometry)
    if unit is None:
        unit = TerritorialUnit(code=code, name=name, parent=parent)
        unit.geometry = geometry
        db.session.add(unit)
        locator.invalidate()
        return unit, True
    changed = (unit.name, unit.parent, unit.geometry_wkb) != (name, parent, wkb)
    if changed:
        unit.name, unit.parent = name, parent
        unit.geometry = geometry
        locator.invalidate()
    return unit, changed


@dataclass(frozen=True)
class Placement:
    """Where a point falls: its UT, or the nearest one and the distance in metres."""

    unit_id: int | None
    nearest_unit_id: int | None = None
    distance_m: float | None = None

    @property
    def outside(self) -> bool:
        return self.unit_id is None


class Locator:
    """Point-in-polygon over all UTs with a shapely STRtree, built once per change."""

    def __init__(self):
        self._lock = threading.Lock()
        self._tree: shapely.STRtree | None = None
        self._ids: list[int] = []
        self._geoms: list[shapely.Geometry] = []

    def invalidate(self) -> None:
        with self._lock:
            self._tree = None

    def _ensure(self) -> shapely.STRtree:
        with self._lock:
            if self._tree is None:
                rows = db.session.execute(
                    sa.select(TerritorialUnit.id, TerritorialUnit.geometry_wkb).order_by(
                        TerritorialUnit.id
                    )
                ).all()
                self._ids = [r.id for r in rows]
                self._geoms = list(shapely.from_wkb([r.geometry_wkb for r in rows]))
                self._tree = shapely.STRtree(self._geoms)
            return self._tree

    def place(self, lat: float, lon: float) -> Placement:
        tree = self._ensure()
        if not self._ids:
            return Placement(None)
        point = shapely.Point(lon, lat)
        hits = tree.query(point, predicate="intersects")
        if len(hits):
            return Placement(self._ids[int(min(hits))])
        nearest = int(tree.nearest(point))
        near_point = nearest_points(self._geoms[nearest], point)[0]
        _az, _back, metres = GEOD.inv(lon, lat, near_point.x, near_point.y)
        return Placement(None, self._ids[nearest], round(metres, 1))


locator = Locator()
