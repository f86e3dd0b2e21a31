"""The supervisors' map: roles, filters and their messages, the compact gzip data, popups."""

from __future__ import annotations

import gzip
import json
import re

import pytest
import sqlalchemy as sa

from fieldapp.auth.models import Role
from fieldapp.findings.models import Finding
from fieldapp.supervisor_map import data
from fieldapp.supervisor_map.filters import MapFilters
from fieldapp.visits.models import Visit
from tests.helpers import count
from tests.map_helpers import build_world

NASTY = '<script>alert("x")</script><img src=x onerror=alert(1)> ${alert(2)} `x`'
JSON = {"Accept": "application/json"}


@pytest.fixture
def world(db):
    return build_world(NASTY)


@pytest.fixture
def supervisor(world, auth):
    assert auth.login(world.supervisor.email).status_code == 302
    return world


def rows(client, query: str = "", **headers) -> dict:
    response = client.get(f"/mapa/datos.json{query}", headers={**JSON, **headers})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def ids_of(payload: dict) -> set[int]:
    index = payload["cols"].index("id")
    return {row[index] for row in payload["rows"]}


def test_anonymous_goes_to_login(client):
    response = client.get("/mapa/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/mapa/datos.json", headers=JSON).status_code == 401
    assert client.get("/mapa/hallazgos/1.json", headers=JSON).status_code == 401


def test_inspector_is_refused(world, auth, client):
    auth.login(world.inspectors[0].email)
    for path in ("/mapa/", "/mapa/datos.json", "/mapa/hallazgos/1.json"):
        assert client.get(path).status_code == 403, path


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ADMIN])
def test_supervisors_and_admins_see_the_page(db, make_user, auth, client, role):
    build_world()
    user = make_user(role, email=f"otro-{role.value}@example.mx")
    auth.login(user.email)
    response = client.get("/mapa/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "/vendor/leaflet/leaflet.js" in html and "/static/maps/findings_layer.js" in html
    external = re.findall(r'(?:src|href)="(https?:[^"]+)"', html)
    assert external == [], "the page loads nothing from outside (tiles come from the script)"
    assert "L.control.layers" in html and "L.fieldappFindings" in html
    assert "T-001" in html and "Luminarias" in html  # UT choropleth and projects


def test_page_carries_its_filters_to_the_data(supervisor, client):
    html = client.get("/mapa/?estado=reportada&ut=T-001&capa=abiertas").get_data(as_text=True)
    assert '"dataUrl": "/mapa/datos.json?estado=reportada\\u0026ut=T-001"' in html
    assert "UT: demandas abiertas" in html


def test_data_is_compact_and_gzip_compressed(supervisor, client):
    response = client.get("/mapa/datos.json", headers={**JSON, "Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    payload = json.loads(gzip.decompress(response.data))
    assert payload["cols"] == ["lon", "lat", "status", "category", "id"]
    assert payload["total"] == 4 and len(payload["rows"]) == 4 and not payload["aggregated"]
    statuses = [s["code"] for s in payload["statuses"]]
    categories = [c["code"] for c in payload["categories"]]
    finding = supervisor.findings["luz-west"]
    row = next(r for r in payload["rows"] if r[4] == finding.id)
    assert row == [
        -99.103,
        19.397,
        statuses.index("canalizada"),
        categories.index("alumbrado"),
        finding.id,
    ]
    assert b"Persona Privada" not in gzip.decompress(response.data)
    plain = client.get("/mapa/datos.json", headers=JSON)
    assert "Content-Encoding" not in plain.headers and plain.get_json() == payload
    again = client.get(
        "/mapa/datos.json",
        headers={**JSON, "Accept-Encoding": "gzip", "If-None-Match": response.headers["ETag"]},
    )
    assert again.status_code == 304


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"bache-west", "luz-west", "bache-east", "luz-east"}),
        ("?estado=reportada", {"bache-west", "luz-east"}),
        ("?categoria=alumbrado", {"luz-west", "luz-east"}),
        ("?area=obras", {"bache-west", "bache-east"}),
        ("?ut=T-002", {"bache-east", "luz-east"}),
        ("?tipo=asamblea", {"bache-east", "luz-east"}),
        ("?desde=2026-05-10", {"bache-west", "luz-west"}),
        ("?hasta=2026-04-10", {"bache-east", "luz-east"}),
        ("?desde=2026-04-10&hasta=2026-04-10", {"bache-east", "luz-east"}),
        ("?bbox=-99.11,19.39,-99.10,19.395", {"bache-west"}),
        ("?estado=reportada&ut=T-001", {"bache-west"}),
        ("?desde=2030-01-01", set()),
    ],
)
def test_filters(supervisor, client, query, expected):
    ids = {supervisor.findings[name].id for name in expected}
    payload = rows(client, query)
    assert ids_of(payload) == ids and payload["total"] == len(ids)


def test_inspector_filter(supervisor, client):
    beto = supervisor.inspectors[1]
    expected = {supervisor.findings[n].id for n in ("bache-east", "luz-east")}
    assert ids_of(rows(client, f"?inspector={beto.id}")) == expected


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("?desde=ayer", "desde", "Fecha no válida: usa el formato AAAA-MM-DD."),
        ("?hasta=2026-02-30", "hasta", "Fecha no válida"),
        ("?desde=1900-01-01", "desde", "Fecha fuera de rango."),
        ("?desde=2026-05-02&hasta=2026-05-01", "hasta", "La fecha final es anterior"),
        ("?estado=resuelta", "estado", "Estado desconocido."),
        ("?tipo=fiesta", "tipo", "Tipo de visita desconocido."),
        ("?categoria=nada", "categoria", "Categoría desconocida."),
        ("?area=nada", "area", "Área desconocida."),
        ("?ut=99-999", "ut", "UT desconocida."),
        ("?inspector=abc", "inspector", "Inspector(a) desconocido(a)."),
        ("?inspector=99999999999999", "inspector", "Inspector(a) desconocido(a)."),
        ("?capa=todo", "capa", "Elige «visitas» o «abiertas»"),
        ("?bbox=1,2,3", "bbox", "Área del mapa no válida"),
        ("?bbox=10,10,5,5", "bbox", "Área del mapa no válida"),
        ("?bbox=nan,1,2,3", "bbox", "Área del mapa no válida"),
        ("?ut=" + "x" * 500, "ut", "El valor es demasiado largo."),
    ],
)
def test_nonsense_filters_are_refused_in_spanish(supervisor, client, query, field, message):
    response = client.get(f"/mapa/datos.json{query}", headers=JSON)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["message"] == "Hay filtros no válidos."
    assert error["fields"][field][0].startswith(message)


def test_nonsense_filters_on_the_page(supervisor, client):
    response = client.get("/mapa/?estado=resuelta&desde=ayer&ut=T-001")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Estado desconocido." in html and "Fecha no válida" in html
    assert "Revisa los filtros marcados" in html
    assert '"dataUrl": ""' in html  # no findings until the filters make sense
    assert 'value="T-001" selected' in html  # the valid choices are kept


def test_inspector_filter_must_name_an_inspector(supervisor, client):
    response = client.get(f"/mapa/datos.json?inspector={supervisor.supervisor.id}", headers=JSON)
    assert response.status_code == 422


def test_too_many_findings_become_grid_counts(supervisor, client, app):
    app.config["MAP_MAX_POINTS"] = 3
    try:
        payload = rows(client)
        boxed = rows(client, "?bbox=-99.11,19.39,-99.10,19.40")
    finally:
        app.config.pop("MAP_MAX_POINTS")
    assert payload["aggregated"] and payload["cols"] == ["lon", "lat", "count"]
    assert sum(r[2] for r in payload["rows"]) == 4 and len(payload["rows"]) >= 2
    assert not boxed["aggregated"] and boxed["total"] == 2  # a smaller box: points again


def test_popup_has_what_a_click_shows_and_no_private_data(supervisor, client):
    finding = supervisor.findings["bache-west"]
    response = client.get(f"/mapa/hallazgos/{finding.id}.json", headers=JSON)
    assert response.status_code == 200
    popup = response.get_json()
    assert popup["url"] == f"/findings/{finding.uuid}"
    assert popup["category"] == "Bacheo" and popup["status_label"] == "Reportada"
    assert popup["unit"] == "T-001 · Alfa" and popup["thumb"] is None
    assert popup["description"] == NASTY  # data: the browser shows it with textContent
    assert "Persona Privada" not in response.get_data(as_text=True)
    assert client.get("/mapa/hallazgos/999999.json", headers=JSON).status_code == 404


def test_user_text_in_folium_popups_is_escaped(supervisor, client):
    html = client.get("/mapa/").get_data(as_text=True)
    assert '<script>alert("x")' not in html and "<img src=x" not in html
    assert "\\u003cscript\\u003ealert" in html  # the project's name, as JSON text


def test_database_json_matches_the_python_rows(world):
    payload = data.map_findings(MapFilters(), 1000)
    statuses = {s["code"]: i for i, s in enumerate(payload["statuses"])}
    categories = {c["id"]: i for i, c in enumerate(payload["categories"])}
    from_db = sorted(json.loads(str(payload["rows"])))
    assert from_db == sorted(data.points_list(MapFilters(), statuses, categories))


def test_demo_findings_adds_synthetic_findings_and_plain_demo_adds_nothing(runner, db):
    result = runner.invoke(args=["demo", "--findings", "600", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "Hallazgos sintéticos agregados: 600" in result.output
    synthetic = sa.select(Finding).where(Finding.description.like("Hallazgo sintético%"))
    findings = list(db.session.scalars(synthetic))
    assert len(findings) == 600
    assert all(f.territorial_unit_id and f.visit_id and f.area_id for f in findings)
    assert len({f.status for f in findings}) >= 5 and len({f.category_id for f in findings}) >= 5
    assert len({f.created_by_id for f in findings}) >= 3
    visits = {f.visit_id for f in findings}
    assert all(db.session.get(Visit, v).territorial_unit_id is not None for v in list(visits)[:20])
    before = (count(Finding), count(Visit))
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and (count(Finding), count(Visit)) == before
