"""The locator against geopandas' own spatial join, on the real layers and small ones."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
import sqlalchemy as sa

from fieldapp.territory.locator import NO_UNIT, Locator, UnitIndex
from fieldapp.territory.models import TerritorialUnit
from fieldapp.territory.services import locator, upsert_unit
from tests.territory.conftest import centre, square


def random_points(bounds, n: int, seed: int = 3):
    rng = np.random.default_rng(seed)
    min_x, min_y, max_x, max_y = bounds
    return rng.uniform(min_y, max_y, n), rng.uniform(min_x, max_x, n)


def sjoin_expected(geoms, ids, lats, lons) -> np.ndarray:
    """geopandas' answer: for each point the lowest id among intersecting polygons, or -1."""
    polygons = gpd.GeoDataFrame({"uid": ids}, geometry=list(geoms), crs=4326)
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lons, lats), crs=4326)
    joined = gpd.sjoin(points, polygons, how="left", predicate="intersects")
    best = joined.groupby(level=0)["uid"].min()
    return best.reindex(range(len(lats))).fillna(NO_UNIT).astype(np.int64).to_numpy()


@pytest.mark.parametrize(
    ("name", "n"), [("colonias_geo.json", 20_000), ("ut_iecm_2022.geojson", 20_000)]
)
def test_bulk_placement_matches_geopandas_sjoin(shared_data, name, n):
    frame = gpd.read_file(shared_data / name)
    geoms = shapely.make_valid(frame.geometry.values)
    ids = np.arange(1, len(geoms) + 1) * 7  # ids need not be 1..n
    index = UnitIndex(ids, geoms)
    lats, lons = random_points(shapely.total_bounds(geoms), n)
    placed = index.place_many(lats, lons)
    expected = sjoin_expected(geoms, ids, lats, lons)
    assert (placed.unit_ids == expected).all()
    inside = expected != NO_UNIT
    assert inside.sum() > n // 4 and (~inside).sum() > n // 10  # both cases exercised
    # Outside points get a suggestion: the nearest UT and a positive distance.
    assert (placed.nearest_unit_ids[~inside] != NO_UNIT).all()
    assert (placed.distances_m[~inside] > 0).all() and np.isnan(placed.distances_m[inside]).all()
    for i in np.flatnonzero(inside)[:200]:  # the single-point path agrees too
        assert index.place(lats[i], lons[i]).unit_id == expected[i]


def test_nearest_distance_is_geodesic_metres():
    index = UnitIndex([1, 2], [square(0), square(5)])
    lat, lon = centre(0)
    east_edge = square(0).bounds[2]
    placement = index.place(lat, east_edge + 0.001)  # 0.001° east of A ≈ 105 m at 19.4°N
    assert placement.outside and placement.nearest_unit_id == 1
    assert placement.distance_m == pytest.approx(105.0, abs=1.5)
    assert index.place(lat, lon).unit_id == 1


def test_nearest_prefers_the_closest_on_the_ground():
    """0.0095° east vs 0.0100° north: in degrees east is nearer, on the ground north is."""
    north = shapely.box(-99.02, 19.41, -99.01, 19.42)  # 0.0100° north of the point
    east = shapely.box(-99.0005, 19.395, -98.99, 19.405)  # 0.0095° east of the point
    index = UnitIndex([1, 2], [north, east])
    placement = index.place(19.40, -99.01)
    assert placement.nearest_unit_id == 2
    metres_east = 0.0095 * 111_320 * np.cos(np.radians(19.4))
    assert placement.distance_m == pytest.approx(metres_east, rel=0.01)


def test_shared_edge_goes_to_the_lowest_id():
    index = UnitIndex([9, 4], [square(0), square(1)])
    lat, _lon = centre(0)
    edge_lon = square(0).bounds[2]
    assert index.place(lat, edge_lon).unit_id == 4
    assert index.place_many([lat], [edge_lon]).unit_ids.tolist() == [4]


def test_empty_index_places_nothing():
    index = UnitIndex([], [])
    assert index.place(19.4, -99.1).unit_id is None
    placed = index.place_many([19.4], [-99.1])
    assert placed[0].unit_id is None and placed[0].nearest_unit_id is None


def test_locator_rebuilds_after_invalidate(db):
    lat, lon = centre(1)
    assert locator.place(lat, lon).unit_id is None
    unit, _ = upsert_unit("T-1", "Uno", square(1))
    db.session.flush()
    assert locator.place(lat, lon).unit_id == unit.id  # upsert_unit invalidated it


def test_locator_notices_changes_made_by_another_process(db):
    """Another worker writes the table directly; no invalidate() reaches this process."""
    local = Locator(check_seconds=3600)
    lat, lon = centre(2)
    assert local.place(lat, lon).unit_id is None
    unit = TerritorialUnit(code="T-X", name="Otro proceso")
    unit.geometry = square(2)
    db.session.execute(
        sa.insert(TerritorialUnit).values(
            code=unit.code,
            name=unit.name,
            geometry_wkb=unit.geometry_wkb,
            min_lon=unit.min_lon,
            min_lat=unit.min_lat,
            max_lon=unit.max_lon,
            max_lat=unit.max_lat,
        )
    )
    assert local.place(lat, lon).unit_id is None  # within check_seconds: cached tree
    local.check_seconds = 0  # the check interval has passed
    assert local.place(lat, lon).unit_id is not None
