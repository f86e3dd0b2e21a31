"""Importing UT layers: real layers, every file format, every bad input, all or nothing."""

from __future__ import annotations

import zipfile

import geopandas as gpd
import pytest
import shapely
import sqlalchemy as sa

from fieldapp.territory import layers
from fieldapp.territory.layers import LayerError
from fieldapp.territory.models import TerritorialUnit
from tests.helpers import count
from tests.territory.conftest import feature, square, write_geojson


def stored_codes(db) -> list[str]:
    return list(db.session.scalars(sa.select(TerritorialUnit.code).order_by(TerritorialUnit.code)))


def test_colonias_repairs_two_geometries_and_second_import_changes_nothing(runner, db, shared_data):
    args = ["uts", "import", str(shared_data / "colonias_geo.json")]
    args += ["--name-field", "colonia", "--parent-field", "alcaldia"]
    first = runner.invoke(args=args)
    assert first.exit_code == 0, first.output
    assert "Elementos leídos: 1651" in first.output
    assert "Geometrías reparadas: 2" in first.output
    # Two features are exact copies (names differing only in spacing): stored once.
    assert "Creadas: 1650" in first.output and "1638" in first.output
    assert count(TerritorialUnit) == 1650
    assert all(u.geometry.is_valid for u in db.session.scalars(sa.select(TerritorialUnit)))
    iztacalco = db.session.scalar(
        sa.select(sa.func.count()).where(TerritorialUnit.parent == "IZTACALCO")
    )
    assert iztacalco == 43  # as SOURCES.md says
    second = runner.invoke(args=args)
    assert second.exit_code == 0, second.output
    assert "Creadas: 0" in second.output and "Actualizadas: 0" in second.output
    assert "Sin cambios: 1650" in second.output and "Sin cambios." in second.output


@pytest.mark.parametrize(
    ("name", "code", "label", "expected"),
    [
        ("ut_iecm_2022.geojson", "clave", "nombre", 1837),
        ("ut_iztacalco.geojson", "clave", "nombre", 57),
        ("alcaldias.geojson", "cvegeo", "nomgeo", 16),
        ("cuauhtemoc_colonias.geojson", "cvegeo", "nom_asen", 33),
    ],
)
def test_real_layers_import_cleanly_and_idempotently(
    import_layer, db, shared_data, name, code, label, expected
):
    report = import_layer(shared_data / name, code, label)
    assert report.applied and not report.rejected
    assert len(report.created) == expected and report.features_read == expected
    assert count(TerritorialUnit) == expected
    again = import_layer(shared_data / name, code, label)
    assert again.changes == 0 and again.unchanged == expected and again.reassigned == {}


def test_upsert_by_code_updates_only_what_changed(import_layer, db, tmp_path, three_squares):
    import_layer(three_squares)
    changed = write_geojson(
        tmp_path / "v2.geojson",
        [
            feature(square(0), clave="T-001", nombre="Alfa", alcaldia="Prueba"),
            feature(square(1), clave="T-002", nombre="Beta Norte", alcaldia="Prueba"),
            feature(square(2, 1), clave="T-003", nombre="Gama", alcaldia="Prueba"),
            feature(square(3), clave="T-004", nombre="Delta", alcaldia="Prueba"),
        ],
    )
    report = import_layer(changed, parent_field="alcaldia")
    # The first import had no parent field, so every parent changes now.
    assert report.created == ["T-004"] and sorted(report.updated) == ["T-001", "T-002", "T-003"]
    unit = db.session.scalar(sa.select(TerritorialUnit).where(TerritorialUnit.code == "T-003"))
    assert unit.geometry.equals(square(2, 1)) and unit.parent == "Prueba"


def test_replace_deletes_units_missing_from_the_file(import_layer, db, tmp_path, three_squares):
    import_layer(three_squares)
    only_one = write_geojson(
        tmp_path / "one.geojson", [feature(square(0), clave="T-001", nombre="Alfa")]
    )
    kept = import_layer(only_one)
    assert kept.kept == 2 and count(TerritorialUnit) == 3
    replaced = import_layer(only_one, replace=True)
    assert replaced.deleted == ["T-002", "T-003"] and stored_codes(db) == ["T-001"]


def test_generated_codes_are_stable(import_layer, db, tmp_path):
    path = write_geojson(
        tmp_path / "sin_codigo.geojson",
        [
            feature(square(0), nombre="Centro", mun="Jocotepec"),
            feature(square(1), nombre="Sur", mun="Jocotepec"),
        ],
    )
    first = import_layer(path, None, "nombre", parent_field="mun")
    assert first.generated_codes and any("generaron" in n for n in first.notes)
    codes = stored_codes(db)
    assert len(codes) == 2 and all(c.startswith("G-") for c in codes)
    reordered = write_geojson(
        tmp_path / "otra_vez.geojson",
        [
            feature(square(1), nombre="Sur", mun="Jocotepec"),
            feature(square(0), nombre="Centro", mun="Jocotepec"),
        ],
    )
    assert import_layer(reordered, None, "nombre", parent_field="mun").changes == 0
    assert stored_codes(db) == codes


def frame(geoms, crs="EPSG:4326", **columns) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(columns, geometry=list(geoms), crs=crs)


def zip_folder(folder, target, skip_suffix=None):
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(folder.iterdir()):
            if skip_suffix is None or path.suffix != skip_suffix:
                archive.write(path, path.name)
    return target


def test_zipped_shapefile_in_utm_is_reprojected(import_layer, db, tmp_path):
    utm = frame([square(0), square(1)], clave=["S-1", "S-2"], nombre=["Uno", "Dos"]).to_crs(32614)
    (tmp_path / "shp").mkdir()
    utm.to_file(tmp_path / "shp" / "uts.shp")
    report = import_layer(zip_folder(tmp_path / "shp", tmp_path / "uts.zip"))
    assert len(report.created) == 2 and any("32614" in n for n in report.notes)
    unit = db.session.scalar(sa.select(TerritorialUnit).where(TerritorialUnit.code == "S-1"))
    assert unit.geometry.symmetric_difference(square(0)).area < 1e-9


def test_projected_shapefile_without_prj_says_what_it_could_not_assume(import_layer, db, tmp_path):
    utm = frame([square(0)], clave=["S-1"], nombre=["Uno"]).to_crs(32614)
    (tmp_path / "shp").mkdir()
    utm.to_file(tmp_path / "shp" / "uts.shp")
    archive = zip_folder(tmp_path / "shp", tmp_path / "sin_prj.zip", skip_suffix=".prj")
    with pytest.raises(LayerError, match=r"\.prj.*EPSG:4326"):
        import_layer(archive)
    report = import_layer(archive, assume_crs="32614")  # told which CRS it is
    assert report.created == ["S-1"] and any("32614" in n for n in report.notes)


def test_geopackage_and_kml(import_layer, db, tmp_path):
    frame([square(0)], clave=["P-1"], nombre=["Gpkg"]).to_file(tmp_path / "uts.gpkg", layer="uts")
    assert import_layer(tmp_path / "uts.gpkg").created == ["P-1"]
    frame([square(1)], Name=["K-1"], Description=["Desde KML"]).to_file(
        tmp_path / "uts.kml", driver="KML"
    )
    assert import_layer(tmp_path / "uts.kml", "Name", "Description").created == ["K-1"]


def test_geojson_without_crs_is_lon_lat(import_layer, db, tmp_path, three_squares):
    report = import_layer(three_squares)
    assert len(report.created) == 3


def test_multipolygons_are_accepted(import_layer, db, tmp_path):
    multi = shapely.MultiPolygon([square(0), square(2)])
    path = write_geojson(
        tmp_path / "multi.geojson", [feature(multi, clave="M-1", nombre="Dos partes")]
    )
    assert import_layer(path).created == ["M-1"]


BAD_FILES = {
    "texto": ("notas.geojson", b"esto no es una capa"),
    "csv": ("tabla.csv", b"clave,nombre\n1,uno\n"),
    "zip_sin_capa": ("vacio.zip", None),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_not_a_geodata_file(import_layer, db, tmp_path, three_squares, case):
    import_layer(three_squares)
    name, content = BAD_FILES[case]
    path = tmp_path / name
    if content is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("leeme.txt", "nada")
    else:
        path.write_bytes(content)
    with pytest.raises(LayerError, match="(no es una capa|exactamente una capa)"):
        import_layer(path)
    assert stored_codes(db) == ["T-001", "T-002", "T-003"]


@pytest.mark.parametrize(
    ("geometry", "word"),
    [
        (shapely.Point(-99.1, 19.4), "Point"),
        (shapely.LineString([(-99.1, 19.4), (-99.0, 19.5)]), "LineString"),
    ],
)
def test_points_or_lines_layer(import_layer, db, tmp_path, geometry, word):
    path = write_geojson(tmp_path / "puntos.geojson", [feature(geometry, clave="X", nombre="X")])
    with pytest.raises(LayerError, match=f"contiene {word}, no polígonos"):
        import_layer(path)


def test_unknown_field_lists_the_available_ones(import_layer, three_squares):
    with pytest.raises(
        LayerError, match="no tiene el campo «cve».*disponibles: clave, nombre, alcaldia"
    ):
        import_layer(three_squares, code_field="cve")


def test_field_names_ignore_case(import_layer, three_squares):
    assert len(import_layer(three_squares, "CLAVE", "Nombre").created) == 3


def rejected_import(import_layer, db, tmp_path, features):
    path = write_geojson(tmp_path / "malo.geojson", features)
    report = import_layer(path)
    assert not report.applied and report.created == [] and report.changes == 0
    assert stored_codes(db) == ["T-001", "T-002", "T-003"]  # all or nothing
    return report


def test_duplicate_codes_reject_the_import(import_layer, db, tmp_path, three_squares):
    import_layer(three_squares)
    report = rejected_import(
        import_layer,
        db,
        tmp_path,
        [
            feature(square(0), clave="D-1", nombre="Uno"),
            feature(square(1), clave="D-1", nombre="Otro"),
            feature(square(2), clave="D-2", nombre="Bien"),
        ],
    )
    assert [(r.row, r.code) for r in report.rejected] == [(1, "D-1"), (2, "D-1")]
    assert "repetido (también en 2)" in report.rejected[0].reason


def test_empty_geometries_reject_the_import(import_layer, db, tmp_path, three_squares):
    import_layer(three_squares)
    report = rejected_import(
        import_layer,
        db,
        tmp_path,
        [
            feature(square(0), clave="E-1", nombre="Bien"),
            feature(None, clave="E-2", nombre="Vacía"),
        ],
    )
    assert [(r.row, r.code) for r in report.rejected] == [(2, "E-2")]
    assert "vacía" in report.rejected[0].reason


def test_coordinates_outside_mexico_reject_the_import(import_layer, db, tmp_path, three_squares):
    import_layer(three_squares)
    madrid = shapely.box(-3.71, 40.41, -3.70, 40.42)
    report = rejected_import(
        import_layer,
        db,
        tmp_path,
        [
            feature(square(0), clave="F-1", nombre="Bien"),
            feature(madrid, clave="F-2", nombre="Madrid"),
        ],
    )
    assert report.rejected[0].code == "F-2" and "fuera de México" in report.rejected[0].reason


def test_lat_lon_swapped_is_outside_mexico(import_layer, db, tmp_path, three_squares):
    import_layer(three_squares)
    swapped = shapely.box(19.39, -99.11, 19.40, -99.10)
    report = rejected_import(
        import_layer, db, tmp_path, [feature(swapped, clave="F-3", nombre="Al revés")]
    )
    assert "fuera de México" in report.rejected[0].reason


def test_too_big_a_file(import_layer, db, tmp_path, monkeypatch, three_squares):
    monkeypatch.setattr(layers, "MAX_LAYER_BYTES", 100)
    with pytest.raises(LayerError, match="demasiado grande"):
        import_layer(three_squares)
    assert count(TerritorialUnit) == 0


def test_cli_reports_a_bad_file_in_plain_words(runner, db, tmp_path):
    path = tmp_path / "notas.geojson"
    path.write_text("hola")
    result = runner.invoke(args=["uts", "import", str(path), "--name-field", "nombre"])
    assert result.exit_code != 0 and "no es una capa geográfica" in result.output
    assert "Traceback" not in result.output


def test_cli_rejected_features_exit_non_zero(runner, db, tmp_path):
    path = write_geojson(
        tmp_path / "dup.geojson",
        [feature(square(0), clave="D", nombre="a"), feature(square(1), clave="D", nombre="b")],
    )
    result = runner.invoke(
        args=["uts", "import", str(path), "--code-field", "clave", "--name-field", "nombre"]
    )
    assert result.exit_code == 1
    assert "Rechazados: 2" in result.output and "No se guardó nada" in result.output
    assert count(TerritorialUnit) == 0
