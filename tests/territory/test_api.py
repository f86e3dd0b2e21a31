"""GET /api/v1/territorial-units and /api/v1/locate: what the phone uses."""

from __future__ import annotations

import pytest

from fieldapp.auth.models import Role
from tests.territory.conftest import centre


@pytest.fixture
def api(client, auth, make_user, import_layer, three_squares):
    import_layer(three_squares, parent_field="alcaldia")
    user = make_user(Role.INSPECTOR)
    auth.login(user.email)
    return client


def coordinate_count(feature: dict) -> int:
    def walk(value):
        if isinstance(value[0], (int, float)):
            return 1
        return sum(walk(v) for v in value)

    return walk(feature["geometry"]["coordinates"])


def test_the_api_needs_a_login(client, db):
    assert client.get("/api/v1/territorial-units").status_code == 401
    assert client.get("/api/v1/locate?lat=19.4&lon=-99.1").status_code == 401


def test_units_as_geojson(api):
    response = api.get("/api/v1/territorial-units")
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    body = response.get_json()
    assert body["type"] == "FeatureCollection"
    first = body["features"][0]
    assert first["id"] == "T-001" and first["geometry"]["type"] == "Polygon"
    assert first["properties"] == {"code": "T-001", "name": "Alfa", "parent": "Prueba"}


def test_units_filtered_by_parent(api):
    assert len(api.get("/api/v1/territorial-units?parent=Prueba").get_json()["features"]) == 3
    assert api.get("/api/v1/territorial-units?parent=Otra").get_json()["features"] == []


def test_simplify_makes_outlines_lighter(api, import_layer, shared_data):
    import_layer(shared_data / "ut_iztacalco.geojson")
    full = api.get("/api/v1/territorial-units").get_json()["features"]
    light = api.get("/api/v1/territorial-units?simplify=20").get_json()["features"]
    assert len(full) == len(light) == 60
    full_points = sum(coordinate_count(f) for f in full)
    light_points = sum(coordinate_count(f) for f in light)
    assert light_points < full_points * 0.8


@pytest.mark.parametrize("value", ["-1", "abc", "5000", "nan"])
def test_bad_simplify(api, value):
    response = api.get(f"/api/v1/territorial-units?simplify={value}")
    assert response.status_code == 422
    assert "simplify" in response.get_json()["error"]["fields"]


def test_etag_lets_phones_skip_unchanged_layers(api, import_layer, tmp_path):
    first = api.get("/api/v1/territorial-units")
    etag = first.headers["ETag"]
    again = api.get("/api/v1/territorial-units", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other = api.get("/api/v1/territorial-units?simplify=10", headers={"If-None-Match": etag})
    assert other.status_code == 200


def test_locate_inside(api):
    lat, lon = centre(1)
    body = api.get(f"/api/v1/locate?lat={lat}&lon={lon}").get_json()
    assert body["territorial_unit"] == {"code": "T-002", "name": "Beta", "parent": "Prueba"}
    assert body["outside_unit"] is False and body["nearest"] is None


def test_locate_outside_suggests_the_nearest(api):
    lat, lon = centre(0)
    body = api.get(f"/api/v1/locate?lat={lat}&lon={lon - 0.02}").get_json()
    assert body["territorial_unit"] is None and body["outside_unit"] is True
    assert body["nearest"]["code"] == "T-001"
    assert body["nearest"]["distance_m"] == pytest.approx(0.015 * 105_000, rel=0.02)


@pytest.mark.parametrize(
    "query", ["", "lat=19.4", "lat=91&lon=-99", "lat=19.4&lon=-181", "lat=x&lon=y", "lat=inf&lon=1"]
)
def test_locate_bad_input(api, query):
    response = api.get(f"/api/v1/locate?{query}")
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "invalid"
