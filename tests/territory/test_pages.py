"""UT list and page (supervisors and admins), and the admin upload of a layer."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest

from fieldapp.auth.models import Role
from fieldapp.findings.models import Category, Finding, FindingStatus
from fieldapp.orm import utcnow
from fieldapp.projects.models import Project
from fieldapp.territory.models import TerritorialUnit
from fieldapp.territory.services import locator
from fieldapp.territory.stats import Quarter
from fieldapp.visits.models import Visit, VisitKind
from tests.helpers import count, csrf_from
from tests.territory.conftest import centre, feature, square, write_geojson

NASTY = "</script><script>alert('x')</script> ${alert(1)}"


@pytest.fixture
def activity(db, make_user, import_layer, three_squares):
    """This quarter: T-001 has two visits, demands and a project; T-002 and T-003 nothing."""
    import_layer(three_squares, parent_field="alcaldia")
    inspector = make_user(Role.INSPECTOR, email="campo@example.mx")
    unit = db.session.query(TerritorialUnit).filter_by(code="T-001").one()
    now = utcnow()
    category = Category(code="basura", name="Basura", color="#2e7d32")
    lat, lon = centre(0)
    db.session.add_all(
        [
            Visit(
                kind=VisitKind.RECORRIDO,
                inspector_id=inspector.id,
                started_at=now,
                territorial_unit_id=unit.id,
                track=[[lon, lat, 5, 0], [lon + 0.001, lat, 5, 1]],
            ),
            Visit(
                kind=VisitKind.ASAMBLEA,
                inspector_id=inspector.id,
                started_at=now,
                territorial_unit_id=unit.id,
            ),
            Visit(
                kind=VisitKind.RECORRIDO,
                inspector_id=inspector.id,
                started_at=now - timedelta(days=200),
                territorial_unit_id=unit.id,
            ),
            Finding(
                category=category,
                lat=lat,
                lon=lon,
                territorial_unit_id=unit.id,
                description=NASTY,
                requester_name="Persona Privada",
                captured_at=now,
            ),
            Finding(
                category=category,
                lat=lat,
                lon=lon,
                territorial_unit_id=unit.id,
                status=FindingStatus.ATENDIDA,
                captured_at=now,
            ),
            Project(
                year=now.year,
                name="Cámaras vecinales",
                territorial_unit_id=unit.id,
                lat=lat,
                lon=lon,
                progress_pct=35,
            ),
        ]
    )
    db.session.commit()
    return unit


def login(auth, make_user, role):
    user = make_user(role)
    auth.login(user.email)
    return user


@pytest.mark.parametrize("path", ["/uts/", "/uts/T-001", "/uts/importar"])
def test_inspectors_do_not_see_the_ut_pages(client, auth, make_user, activity, path):
    login(auth, make_user, Role.INSPECTOR)
    assert client.get(path).status_code == 403


def test_anonymous_users_are_sent_to_login(client, activity):
    assert client.get("/uts/").status_code in (302, 401)


def test_supervisors_may_not_import(client, auth, make_user, activity):
    login(auth, make_user, Role.SUPERVISOR)
    assert client.get("/uts/").status_code == 200
    assert client.get("/uts/importar").status_code == 403


def row_of(html: str, code: str) -> str:
    match = re.search(
        rf"<tr class=\"(\w+)\">\s*<td><a href=\"/uts/{code}[^\"]*\">(.*?)</tr>", html, re.S
    )
    assert match, f"no row for {code}"
    return match.group(0)


def cells(row: str) -> list[str]:
    return [c.strip() for c in re.findall(r"<td[^>]*>([^<]*)</td>", row)]


def test_list_shows_quarter_coverage(client, auth, make_user, activity):
    login(auth, make_user, Role.SUPERVISOR)
    html = client.get("/uts/").get_data(as_text=True)
    assert re.search(r'<span class="num">1</span><span>UT visitada este trimestre', html)
    t1 = row_of(html, "T-001")
    assert 'class="visited"' in t1
    assert cells(t1) == ["2", "1", "1", "1", "35 %"]  # visits, open, closed, projects, progress
    t2 = row_of(html, "T-002")
    assert 'class="unvisited"' in t2 and "Sin visita" in t2


def test_list_filters_the_unvisited_and_sorts(client, auth, make_user, activity):
    login(auth, make_user, Role.SUPERVISOR)
    html = client.get("/uts/?sin_visita=1").get_data(as_text=True)
    assert "/uts/T-001" not in html and "/uts/T-002" in html and "/uts/T-003" in html
    by_visits = client.get("/uts/?orden=visits&dir=desc").get_data(as_text=True)
    order = re.findall(r'<td><a href="/uts/(T-00\d)', by_visits)
    assert order[0] == "T-001"
    by_code_desc = client.get("/uts/?orden=code&dir=desc").get_data(as_text=True)
    assert re.findall(r'<td><a href="/uts/(T-00\d)', by_code_desc) == ["T-003", "T-002", "T-001"]


def test_previous_quarter(client, auth, make_user, activity, app):
    login(auth, make_user, Role.SUPERVISOR)
    earlier = Quarter.containing(
        utcnow() - timedelta(days=200), app.config["BABEL_DEFAULT_TIMEZONE"]
    )
    html = client.get(f"/uts/?trimestre={earlier}").get_data(as_text=True)
    assert cells(row_of(html, "T-001"))[0] == "1"


def test_unit_page(client, auth, make_user, activity):
    login(auth, make_user, Role.ADMIN)
    response = client.get("/uts/T-001")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "UT T-001" in html and "Alfa" in html and "Cámaras vecinales" in html
    assert "/vendor/leaflet/leaflet.js" in html
    assert not re.findall(r'(?:src|href)="https?://', html)  # nothing from a CDN
    assert "Basura" in html and "Recorrido" in html
    # The finding's text is on the map, escaped; the requester never is.
    assert "<script>alert('x')" not in html and "Persona Privada" not in html
    assert client.get("/uts/NO-EXISTE").status_code == 404


def upload(client, data: bytes, filename: str, **fields):
    csrf = csrf_from(client.get("/uts/importar").get_data(as_text=True))
    form = {"csrf_token": csrf, "code_field": "clave", "name_field": "nombre", **fields}
    form["layer_file"] = (io.BytesIO(data), filename)
    return client.post("/uts/importar", data=form, content_type="multipart/form-data")


def test_admin_uploads_a_layer_and_sees_the_summary(client, auth, make_user, three_squares, db):
    login(auth, make_user, Role.ADMIN)
    response = upload(client, three_squares.read_bytes(), "capa.geojson", parent_field="alcaldia")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Importación guardada: 3 cambios" in html
    assert count(TerritorialUnit) == 3
    again = upload(client, three_squares.read_bytes(), "capa.geojson", parent_field="alcaldia")
    assert "no hubo cambios" in again.get_data(as_text=True)


def test_upload_of_a_bad_file_keeps_the_units(client, auth, make_user, activity):
    login(auth, make_user, Role.ADMIN)
    response = upload(client, b"%PDF-1.4 no soy una capa", "capa.geojson")
    assert response.status_code == 422
    assert "no es una capa geográfica" in response.get_data(as_text=True)
    assert count(TerritorialUnit) == 3


def test_upload_with_rejected_features_lists_them_and_stores_nothing(
    client, auth, make_user, activity, tmp_path
):
    login(auth, make_user, Role.ADMIN)
    bad = write_geojson(
        tmp_path / "dup.geojson",
        [feature(square(5), clave="X-1", nombre="a"), feature(square(6), clave="X-1", nombre="b")],
    )
    response = upload(client, bad.read_bytes(), "dup.geojson", replace="y")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "No se guardó nada" in html
    assert "Elemento 1 (X-1): código repetido" in html
    assert count(TerritorialUnit) == 3
    lat, lon = centre(0)
    assert locator.place(lat, lon).unit_id == activity.id  # the locator still sees them


def test_a_huge_upload_is_refused(client, auth, make_user, activity, app):
    login(auth, make_user, Role.ADMIN)
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    try:
        response = upload(client, b" " * (200 * 1024), "grande.geojson")
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert response.status_code == 413
    assert "demasiado grandes" in response.get_data(as_text=True)
    assert count(TerritorialUnit) == 3
