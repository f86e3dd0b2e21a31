"""Placing points in UTs: a shapely STRtree over every polygon, one point or many at once.

``UnitIndex`` is the pure, immutable index (built from ids and geometries, no database);
``Locator`` keeps one per process, loads it from ``territorial_units`` and rebuilds it when
this process invalidates it or when another process changed the table (a cheap signature
checked at most every ``check_seconds``).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
import sqlalchemy as sa
from pyproj import Geod

from fieldapp.extensions import db
from fieldapp.territory.models import TerritorialUnit

GEOD = Geod(ellps="WGS84")
NO_UNIT = -1


@dataclass(frozen=True)
class Placement:
    """Where a point falls: its UT, or the nearest one and the distance in metres."""

    unit_id: int | None
    nearest_unit_id: int | None = None
    distance_m: float | None = None

    @property
    def outside(self) -> bool:
        return self.unit_id is None


@dataclass(frozen=True)
class BulkPlacement:
    """Placements of many points as arrays: ``NO_UNIT`` (-1) and NaN mean "none"."""

    unit_ids: np.ndarray
    nearest_unit_ids: np.ndarray
    distances_m: np.ndarray

    def __len__(self) -> int:
        return len(self.unit_ids)

    def __getitem__(self, i: int) -> Placement:
        unit, nearest = int(self.unit_ids[i]), int(self.nearest_unit_ids[i])
        if unit != NO_UNIT:
            return Placement(unit)
        if nearest == NO_UNIT:
            return Placement(None)
        return Placement(None, nearest, float(self.distances_m[i]))


class UnitIndex:
    """Point-in-polygon over a fixed set of UTs.

    Longitudes are multiplied by cos(mean latitude) before indexing: an affine change that
    keeps every containment answer but makes the tree's planar "nearest" close to the
    nearest on the ground, for the outside-every-UT suggestion.
    """

    def __init__(self, ids: Sequence[int], geometries: Sequence[shapely.Geometry]):
        order = np.argsort(np.asarray(ids, dtype=np.int64), kind="stable")
        self.ids = np.asarray(ids, dtype=np.int64)[order]
        geoms = np.asarray(geometries, dtype=object)[order]
        if len(geoms):
            min_lat, max_lat = shapely.total_bounds(geoms)[[1, 3]]
            self.x_scale = math.cos(math.radians((min_lat + max_lat) / 2))
        else:
            self.x_scale = 1.0
        self._geoms = shapely.transform(geoms, lambda xy: xy * (self.x_scale, 1.0))
        self._tree = shapely.STRtree(self._geoms)

    def __len__(self) -> int:
        return len(self.ids)

    def place(self, lat: float, lon: float) -> Placement:
        """The UT holding (lat, lon); on a shared edge the one with the lowest id."""
        if not len(self.ids):
            return Placement(None)
        point = shapely.Point(lon * self.x_scale, lat)
        hits = self._tree.query(point, predicate="intersects")
        if len(hits):
            return Placement(int(self.ids[hits.min()]))
        return self.place_many(np.array([lat]), np.array([lon]))[0]

    def place_many(self, lats: Sequence[float], lons: Sequence[float]) -> BulkPlacement:
        """Place many points with one bulk tree query (no Python loop over points or UTs)."""
        lats = np.asarray(lats, dtype=float)
        lons = np.asarray(lons, dtype=float)
        n = len(lats)
        units = np.full(n, NO_UNIT, dtype=np.int64)
        nearest = np.full(n, NO_UNIT, dtype=np.int64)
        distances = np.full(n, np.nan)
        if not n or not len(self.ids):
            return BulkPlacement(units, nearest, distances)
        points = shapely.points(lons * self.x_scale, lats)
        point_idx, tree_idx = self._tree.query(points, predicate="intersects")
        first = np.full(n, len(self.ids), dtype=np.int64)
        np.minimum.at(first, point_idx, tree_idx)  # lowest id wins on shared edges
        inside = first < len(self.ids)
        units[inside] = self.ids[first[inside]]
        outside = np.flatnonzero(~inside)
        if len(outside):
            near_idx, metres = self._nearest(points[outside], lats[outside], lons[outside])
            nearest[outside] = self.ids[near_idx]
            distances[outside] = metres
        return BulkPlacement(units, nearest, distances)

    def _nearest(self, points: np.ndarray, lats: np.ndarray, lons: np.ndarray):
        """For points outside every UT: the nearest UT and the geodesic distance to it."""
        src, tree_idx = self._tree.query_nearest(points, all_matches=False)
        order = np.argsort(src)
        tree_idx = tree_idx[order]
        lines = shapely.shortest_line(self._geoms[tree_idx], points)
        xy = shapely.get_coordinates(shapely.get_point(lines, 0))
        _az, _back, metres = GEOD.inv(lons, lats, xy[:, 0] / self.x_scale, xy[:, 1])
        return tree_idx, np.round(metres, 1)


def units_signature() -> tuple:
    """Changes whenever a UT is added, removed or edited (any process, any server)."""
    row = db.session.execute(
        sa.select(
            sa.func.count(TerritorialUnit.id),
            sa.func.max(TerritorialUnit.id),
            sa.func.max(TerritorialUnit.updated_at),
        )
    ).one()
    return tuple(row)


class Locator:
    """The process-wide index of UTs, loaded lazily from the database.

    ``invalidate()`` after this process changes UTs; other processes notice the change
    through ``units_signature()``, read at most every ``check_seconds``.
    """

    def __init__(self, check_seconds: float = 5.0):
        self.check_seconds = check_seconds
        self._lock = threading.Lock()
        self._index: UnitIndex | None = None
        self._signature: tuple | None = None
        self._engine_id: int | None = None
        self._checked_at = 0.0

    def invalidate(self) -> None:
        with self._lock:
            self._index = None

    def index(self) -> UnitIndex:
        """The current index, rebuilt when it was invalidated or the table changed."""
        now = time.monotonic()
        index = self._index
        if (
            index is not None
            and self._engine_id == id(db.engine)
            and now - self._checked_at < self.check_seconds
        ):
            return index
        with self._lock:
            signature = units_signature()
            stale = self._index is None or signature != self._signature
            if stale or self._engine_id != id(db.engine):
                self._index = self._load()
                self._signature, self._engine_id = signature, id(db.engine)
            self._checked_at = now
            return self._index

    def _load(self) -> UnitIndex:
        rows = db.session.execute(
            sa.select(TerritorialUnit.id, TerritorialUnit.geometry_wkb).order_by(TerritorialUnit.id)
        ).all()
        return UnitIndex([r.id for r in rows], shapely.from_wkb([r.geometry_wkb for r in rows]))

    def place(self, lat: float, lon: float) -> Placement:
        """The UT of one point, or the nearest UT and its distance in metres."""
        return self.index().place(lat, lon)

    def place_many(self, lats: Sequence[float], lons: Sequence[float]) -> BulkPlacement:
        """Placements of many points at once (see ``UnitIndex.place_many``)."""
        return self.index().place_many(lats, lons)


locator = Locator()
