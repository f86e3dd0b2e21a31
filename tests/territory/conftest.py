"""Fixtures for the UT tests: small generated layers, and the real layers in ../shared/data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import shapely

from fieldapp.territory.importer import ImportOptions, import_units

REPO = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO.parent / "shared" / "data"

# Three 1 km-ish squares in Iztacalco, side by side west to east: A | B | C.
ORIGIN_LON, ORIGIN_LAT, SIDE = -99.11, 19.39, 0.01


def square(col: int, row: int = 0, side: float = SIDE) -> shapely.Polygon:
    x, y = ORIGIN_LON + col * side, ORIGIN_LAT + row * side
    return shapely.box(x, y, x + side, y + side)


def feature(geometry, **properties) -> dict:
    geom = shapely.geometry.mapping(geometry) if geometry is not None else None
    return {"type": "Feature", "geometry": geom, "properties": properties}


def write_geojson(path: Path, features: list[dict], crs: str | None = None) -> Path:
    data: dict = {"type": "FeatureCollection", "features": features}
    if crs:
        data["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"the shared layers are not at {SHARED_DATA} (CI always has them)")
    return SHARED_DATA


@pytest.fixture
def three_squares(tmp_path) -> Path:
    return write_geojson(
        tmp_path / "uts.geojson",
        [
            feature(square(0), clave="T-001", nombre="Alfa", alcaldia="Prueba"),
            feature(square(1), clave="T-002", nombre="Beta", alcaldia="Prueba"),
            feature(square(2), clave="T-003", nombre="Gama", alcaldia="Prueba"),
        ],
    )


@pytest.fixture
def import_layer(db):
    """Import a layer and commit, as the CLI does; returns the report."""

    def _import(path, code_field="clave", name_field="nombre", **options):
        report = import_units(path, ImportOptions(code_field, name_field, **options))
        db.session.commit()
        return report

    return _import


def centre(col: int, row: int = 0) -> tuple[float, float]:
    """(lat, lon) of the centre of square (col, row)."""
    point = square(col, row).centroid
    return point.y, point.x
