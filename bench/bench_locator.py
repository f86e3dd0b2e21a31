"""Benchmark of the UT locator: bulk placement and single lookups, against naive loops.

Run from the repository root:  .venv/bin/python bench/bench_locator.py [--points N]

Uses ../shared/data/colonias_geo.json (1,651 polygons, two repaired). Every figure is
measured in this run; the naive baselines run on a sample and are scaled per point.
Results and the machine they were taken on go in docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fieldapp.territory.locator import NO_UNIT, UnitIndex  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from _results import record  # noqa: E402

LAYER = ROOT.parent / "shared" / "data" / "colonias_geo.json"


def timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start


def points_inside(geoms, n: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """n points inside the polygons (findings are captured in the city)."""
    lats, lons = [], []
    min_x, min_y, max_x, max_y = shapely.total_bounds(geoms)
    tree = shapely.STRtree(geoms)
    while sum(len(a) for a in lats) < n:
        xs, ys = rng.uniform(min_x, max_x, n), rng.uniform(min_y, max_y, n)
        hit = np.zeros(n, bool)
        hit[tree.query(shapely.points(xs, ys), predicate="intersects")[0]] = True
        lats.append(ys[hit])
        lons.append(xs[hit])
    return np.concatenate(lats)[:n], np.concatenate(lons)[:n]


def points_in_box(geoms, n: int, rng) -> tuple[np.ndarray, np.ndarray]:
    min_x, min_y, max_x, max_y = shapely.total_bounds(geoms)
    return rng.uniform(min_y, max_y, n), rng.uniform(min_x, max_x, n)


def naive_per_point(geoms, ids, lats, lons) -> np.ndarray:
    """What one writes first: for each point, test every polygon until one contains it."""
    found = np.full(len(lats), NO_UNIT)
    for i, (lat, lon) in enumerate(zip(lats, lons, strict=True)):
        point = shapely.Point(lon, lat)
        for unit_id, geom in zip(ids, geoms, strict=True):
            if geom.intersects(point):
                found[i] = unit_id
                break
    return found


def naive_per_polygon(geoms, ids, lats, lons) -> np.ndarray:
    """A loop over polygons, each tested against all points at once (vectorised)."""
    found = np.full(len(lats), NO_UNIT)
    for unit_id, geom in zip(ids, geoms, strict=True):
        hit = shapely.intersects_xy(geom, lons, lats) & (found == NO_UNIT)
        found[hit] = unit_id
    return found


def scenario(name, index, geoms, ids, lats, lons, sample: int) -> dict:
    placed, bulk_s = timed(index.place_many, lats, lons)
    n = len(lats)
    _r, per_polygon_s = timed(
        naive_per_polygon, geoms, ids, lats[: sample * 10], lons[: sample * 10]
    )
    per_polygon_rate = sample * 10 / per_polygon_s
    naive, per_point_s = timed(naive_per_point, geoms, ids, lats[:sample], lons[:sample])
    per_point_rate = sample / per_point_s
    assert (naive == placed.unit_ids[:sample]).all(), "naive and indexed answers differ"
    outside = int((placed.unit_ids == NO_UNIT).sum())
    rate = n / bulk_s
    print(f"\n{name}: {n:,} points, {outside:,} outside every polygon")
    print(f"  bulk place_many          {bulk_s:8.3f} s   {rate:12,.0f} points/s")
    print(
        f"  naive loop over polygons {per_polygon_rate:21,.0f} points/s   "
        f"(x{rate / per_polygon_rate:,.0f} slower; {sample * 10:,}-point sample)"
    )
    print(
        f"  naive loop per point     {per_point_rate:21,.0f} points/s   "
        f"(x{rate / per_point_rate:,.0f} slower; {sample:,}-point sample)"
    )
    return {
        "points_per_s": rate,
        "naive_per_polygon_points_per_s": per_polygon_rate,
        "naive_per_point_points_per_s": per_point_rate,
        "outside": outside,
    }


def single_lookups(index, geoms, ids, lats, lons, repeats: int = 3) -> dict:
    n = len(lats)
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        for lat, lon in zip(lats, lons, strict=True):
            index.place(lat, lon)
        runs.append((time.perf_counter() - start) / n)
    per_call = min(runs)
    samples = []
    for lat, lon in zip(lats[:2000], lons[:2000], strict=True):
        t = time.perf_counter()
        index.place(lat, lon)
        samples.append(time.perf_counter() - t)
    p99 = float(np.percentile(samples, 99))
    naive_n = 200
    start = time.perf_counter()
    naive_per_point(geoms, ids, lats[:naive_n], lons[:naive_n])
    naive_call = (time.perf_counter() - start) / naive_n
    print(f"\nsingle lookup (point inside a polygon), {n:,} calls, best of {repeats}")
    print(
        f"  locator.place            {per_call * 1e6:8.1f} µs per call "
        f"(median {statistics.median(samples) * 1e6:.1f} µs, p99 {p99 * 1e6:.1f} µs)"
    )
    print(
        f"  naive loop per point     {naive_call * 1e6:8.1f} µs per call "
        f"(x{naive_call / per_call:,.0f} slower)"
    )
    return {"place_us": per_call * 1e6, "p99_us": p99 * 1e6, "naive_us": naive_call * 1e6}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=300, help="points for the naive loop")
    args = parser.parse_args()
    if not LAYER.exists():
        sys.exit(f"missing {LAYER}: the shared data folder must sit beside the repository")
    print(
        f"python {platform.python_version()}, shapely {shapely.__version__} "
        f"(GEOS {shapely.geos_version_string}), numpy {np.__version__}"
    )
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {cpu_name()}")
    frame = gpd.read_file(LAYER)
    geoms = np.asarray(shapely.make_valid(frame.geometry.values), dtype=object)
    ids = np.arange(1, len(geoms) + 1)
    index, build_s = timed(UnitIndex, ids, geoms)
    print(f"layer: {LAYER.name}, {len(geoms):,} polygons; index built in {build_s * 1000:.0f} ms")
    rng = np.random.default_rng(20240601)
    lats, lons = points_inside(geoms, args.points, rng)
    inside = scenario("points inside the layer", index, geoms, ids, lats, lons, args.sample)
    mixed_lats, mixed_lons = points_in_box(geoms, args.points, rng)
    keep = args.points * 95 // 100
    mixed_lats[:keep], mixed_lons[:keep] = lats[:keep], lons[:keep]
    mixed = scenario(
        "95% inside, 5% anywhere in the bounding box",
        index,
        geoms,
        ids,
        mixed_lats,
        mixed_lons,
        args.sample,
    )
    box_lats, box_lons = points_in_box(geoms, args.points, rng)
    uniform = scenario(
        "uniform in the bounding box (most outside: nearest-UT search)",
        index,
        geoms,
        ids,
        box_lats,
        box_lons,
        args.sample,
    )
    single = single_lookups(index, geoms, ids, lats[:20_000], lons[:20_000])
    figures = {"inside": inside, "mixed_95": mixed, "uniform_box": uniform, "single": single}
    figures["bulk_vs_naive_per_polygon"] = (
        inside["points_per_s"] / inside["naive_per_polygon_points_per_s"]
    )
    figures["single_vs_naive"] = single["naive_us"] / single["place_us"]
    # Targets (issue 3): bulk >= 100,000 points/s, one lookup < 0.1 ms.
    record("locator", figures, inside["points_per_s"] >= 100_000 and single["place_us"] < 100)


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    main()
