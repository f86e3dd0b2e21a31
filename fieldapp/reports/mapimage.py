"""Map images for PDFs, drawn locally with matplotlib: no tiles, no network, no browser."""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence

import shapely
import sqlalchemy as sa
from matplotlib.figure import Figure

from fieldapp.extensions import db
from fieldapp.territory.models import TerritorialUnit

INK, TRACK, POINT, VISITED, EMPTY = "#1d2b3a", "#1f5fa8", "#c0392b", "#2e8b57", "#eef1f4"


def units_in_box(box: tuple[float, float, float, float]) -> list[TerritorialUnit]:
    """UTs whose bounding box meets ``box`` (min lon, min lat, max lon, max lat)."""
    min_lon, min_lat, max_lon, max_lat = box
    query = sa.select(TerritorialUnit).where(
        TerritorialUnit.max_lon >= min_lon,
        TerritorialUnit.min_lon <= max_lon,
        TerritorialUnit.max_lat >= min_lat,
        TerritorialUnit.min_lat <= max_lat,
    )
    return list(db.session.scalars(query.order_by(TerritorialUnit.code)))


def padded_box(coords: Sequence[tuple[float, float]], pad: float = 0.12, min_span=0.004):
    """The (lon, lat) bounding box of ``coords`` with a margin, never smaller than ~400 m."""
    lons, lats = [c[0] for c in coords], [c[1] for c in coords]
    cx, cy = (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2
    half_w = max(max(lons) - min(lons), min_span) * (0.5 + pad)
    half_h = max(max(lats) - min(lats), min_span) * (0.5 + pad)
    return cx - half_w, cy - half_h, cx + half_w, cy + half_h


def _rings(geometry: shapely.Geometry) -> Iterable:
    polygons = getattr(geometry, "geoms", [geometry])
    for polygon in polygons:
        if polygon.geom_type == "Polygon":
            yield polygon.exterior.coords


def _new_axes(box, width_in: float):
    min_lon, min_lat, max_lon, max_lat = box
    # Degrees of longitude are shorter than degrees of latitude away from the equator.
    aspect = 1 / math.cos(math.radians((min_lat + max_lat) / 2))
    ratio = (max_lat - min_lat) * aspect / (max_lon - min_lon)
    fig = Figure(figsize=(width_in, max(min(width_in * ratio, width_in * 1.2), 2.5)))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(min_lon, max_lon)
    ax.set_ylim(min_lat, max_lat)
    ax.set_aspect(aspect, adjustable="box")
    ax.set_axis_off()
    return fig, ax


def _draw_units(ax, units, box, fills=None, labels=True, strong=None):
    view = shapely.box(*box)
    for unit in units:
        geometry = unit.geometry
        fill = (fills or {}).get(unit.id, "none")
        width = 1.6 if unit.id == strong else 0.6
        for ring in _rings(geometry):
            xs, ys = zip(*ring, strict=False)
            ax.fill(xs, ys, facecolor=fill, edgecolor=INK, linewidth=width, alpha=0.9)
        if labels and geometry.intersects(view):
            spot = geometry.intersection(view).representative_point()
            ax.text(spot.x, spot.y, unit.code, fontsize=6, color="#5b6b7b", ha="center")


def _svg(fig) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", pad_inches=0.02)
    return buffer.getvalue()


def visit_map_svg(track, points, main_unit_id=None, width_in=6.6) -> str | None:
    """UT outlines, the walk's track and numbered findings; None with nothing to place.

    ``track`` is [[lon, lat, ...], ...], ``points`` is [(number, lon, lat), ...]."""
    coords = [(p[0], p[1]) for p in track or []] + [(p[1], p[2]) for p in points]
    main = db.session.get(TerritorialUnit, main_unit_id) if main_unit_id else None
    if main is not None:
        coords += [(main.min_lon, main.min_lat), (main.max_lon, main.max_lat)]
    if not coords:
        return None
    box = padded_box(coords)
    fig, ax = _new_axes(box, width_in)
    _draw_units(ax, units_in_box(box), box, strong=main_unit_id)
    if track:
        ax.plot([p[0] for p in track], [p[1] for p in track], color=TRACK, linewidth=2)
        ax.plot(track[0][0], track[0][1], marker="o", color=TRACK, markersize=5)
    for number, lon, lat in points:
        ax.text(
            lon, lat, str(number), fontsize=6.5, color="white", ha="center", va="center",
            fontweight="bold", zorder=5,
            bbox={"boxstyle": "circle,pad=0.25", "fc": POINT, "ec": "white", "lw": 0.8},
        )  # fmt: skip
    return _svg(fig)


def coverage_map_svg(units: Sequence[TerritorialUnit], visited: set[int], width_in=6.6):
    """Every UT, filled when it was visited in the period."""
    if not units:
        return None
    box = padded_box(
        [(u.min_lon, u.min_lat) for u in units] + [(u.max_lon, u.max_lat) for u in units],
        pad=0.02,
    )
    fig, ax = _new_axes(box, width_in)
    fills = {u.id: (VISITED if u.id in visited else EMPTY) for u in units}
    _draw_units(ax, units, box, fills=fills, labels=len(units) <= 80)
    return _svg(fig)
