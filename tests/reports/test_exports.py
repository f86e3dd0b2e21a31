"""Exports read back with geopandas/pandas: counts, attributes, privacy, bad input."""

import io
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from fieldapp.auth.models import Role
from fieldapp.extensions import db
from fieldapp.findings.models import FindingStatus
from tests.reports.builders import make_category, make_project, make_unit, make_visit


@pytest.fixture
def data(make_user):
    inspector = make_user(Role.INSPECTOR)
    make_user(Role.SUPERVISOR)
    unit = make_unit()
    other = make_unit("06-011", "Santa Anita", dx=0.02)
    category = make_category()
    first = make_visit(inspector, unit, category, findings=3, photos=1)
    make_visit(inspector, other, category, findings=1, photos=0)
    first.findings[0].status = FindingStatus.ATENDIDA
    make_project(unit, with_signature=False)
    db.session.commit()
    return first


def read(response, fmt: str, layer=None) -> pd.DataFrame:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    if fmt == "csv":
        return pd.read_csv(io.BytesIO(response.data), encoding="utf-8-sig")
    if fmt == "xlsx":
        return pd.read_excel(io.BytesIO(response.data))
    with tempfile.TemporaryDirectory() as folder:  # a file with its extension, as users get
        path = Path(folder) / f"export.{fmt}"
        path.write_bytes(response.data)
        return gpd.read_file(path, layer=layer)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson", "gpkg", "kml"])
def test_findings_internal(data, auth, client, fmt):
    auth.login("supervisor@example.mx")
    frame = read(client.get(f"/exports/findings.{fmt}"), fmt)
    assert len(frame) == 4
    if fmt == "kml":
        return  # KML keeps the name and the geometry; attributes are checked elsewhere
    row = frame[frame["description"].str.contains("núm. 2")].iloc[0]
    assert row["description"] == "Luminaria fundida núm. 2 en la calle Ñandú 🚧"
    assert row["requester_name"] == "Ramona Ibáñez"
    assert row["ut_name"] == "Peñón de los Baños"
    assert row["category_name"] == "Alumbrado público"
    assert row["lat"] == pytest.approx(19.401) and row["lon"] == pytest.approx(-99.099)
    if fmt in ("geojson", "gpkg"):
        assert frame.crs.to_epsg() == 4326
        assert frame.geometry.iloc[0].geom_type == "Point"


@pytest.mark.parametrize("fmt", ["csv", "geojson", "gpkg"])
def test_findings_public_strips_and_rounds(data, make_user, auth, client, fmt):
    auth.login("inspector@example.mx")  # any signed-in user may take the public export
    response = client.get(f"/exports/findings.{fmt}?public=1")
    frame = read(response, fmt)
    assert len(frame) == 4
    for column in ("requester_name", "requester_phone", "photo_sha256", "accuracy_m"):
        assert column not in frame.columns
    assert b"Ramona" not in response.data and b"1234" not in response.data
    assert set(frame["lat"].round(3)) == set(frame["lat"])
    assert "publico" in response.headers["Content-Disposition"]


def test_filters_are_the_maps(data, auth, client):
    auth.login("supervisor@example.mx")
    frame = read(client.get("/exports/findings.geojson?ut=06-011"), "geojson")
    assert list(frame["ut_code"]) == ["06-011"]
    frame = read(client.get("/exports/findings.csv?status=atendida"), "csv")
    assert len(frame) == 1
    frame = read(client.get(f"/exports/findings.csv?visit={data.uuid}&limit=2"), "csv")
    assert len(frame) == 2
    bbox = "-99.1005,19.3995,-99.0995,19.4005"
    assert len(read(client.get(f"/exports/findings.csv?bbox={bbox}"), "csv")) == 2  # one each


def test_visits_with_tracks(data, auth, client):
    auth.login("supervisor@example.mx")
    frame = read(client.get("/exports/visits.gpkg"), "gpkg")
    assert len(frame) == 2
    assert set(frame.geometry.geom_type) == {"LineString"}
    assert "Begoña Núñez 🌳" in frame["participant_names"].iloc[0]
    gpx = read(client.get("/exports/visits.gpx"), "gpx", layer="tracks")
    assert len(gpx) == 2 and set(gpx["desc"]) == {"recorrido"}
    public = read(client.get("/exports/visits.csv?public=1"), "csv")
    assert "participant_names" not in public and "inspector" not in public
    assert set(public["participants"]) == {2}
    assert public["wkt"].str.startswith("LINESTRING").all()


def test_projects(data, auth, client):
    auth.login("supervisor@example.mx")
    frame = read(client.get("/exports/projects.kml"), "kml")
    assert list(frame["Name"]) == ["Luminarias solares en el Andador Peñitas"]
    frame = read(client.get("/exports/projects.xlsx"), "xlsx")
    assert frame["committee"].iloc[0].startswith("María Hernández Ñúñez")
    public = read(client.get("/exports/projects.geojson?public=1"), "geojson")
    assert "committee" not in public.columns
    assert public["amount"].iloc[0] == 1450000


def test_rights_and_bad_input(data, auth, client):
    assert client.get("/exports/findings.csv?public=1").status_code in (302, 401)
    auth.login("inspector@example.mx")
    denied = client.get("/exports/findings.csv")
    assert denied.status_code == 403
    assert "?public=1" in denied.get_data(as_text=True)
    auth.logout()
    auth.login("supervisor@example.mx")
    unknown = client.get("/exports/personas.csv")
    assert unknown.status_code == 404 and "personas" in unknown.get_data(as_text=True)
    assert "Formatos: csv" in client.get("/exports/findings.shp").get_data(as_text=True)
    gpx = client.get("/exports/findings.gpx")
    assert gpx.status_code == 422 and "GPX es para trayectos" in gpx.get_data(as_text=True)
    bad = client.get(
        "/exports/findings.csv?status=perdida&from=ayer&bbox=1,2",
        headers={"Accept": "application/json"},
    )
    assert bad.status_code == 422
    fields = bad.get_json()["error"]["fields"]
    assert set(fields) == {"status", "from", "bbox"}
    assert client.get("/exports/").status_code == 200


def test_empty_export_is_valid(make_user, auth, client):
    make_user(Role.SUPERVISOR)
    auth.login("supervisor@example.mx")
    for fmt in ("csv", "geojson", "gpkg", "kml", "xlsx"):
        response = client.get(f"/exports/findings.{fmt}")
        assert response.status_code == 200, (fmt, response.get_data(as_text=True)[:300])
