"""Hostile text typed by users comes out inert: pages, JSON for maps, PDFs, exports."""

from __future__ import annotations

import io
import json
import re

import openpyxl
import pandas as pd
import pytest
from markupsafe import escape

from fieldapp.extensions import db
from tests.reports.builders import need_poppler, pdf_text, squeezed
from tests.security.hostile import assert_inert_html, build_hostile_world


@pytest.fixture
def world(db):
    return build_hostile_world()


def escaped(text: str) -> str:
    """How Jinja writes text into a page."""
    return str(escape(text))


def page_text(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    assert response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    assert_inert_html(body, path)
    return body


def test_review_map_and_ut_pages_show_the_text_escaped(world, auth, client):
    auth.login(world.supervisor.email)
    f, v = world.finding, world.visit
    pages = {
        f"/findings/{f.uuid}": ("description", "requester", "folio", "updatenote", "category"),
        f"/visits/{v.uuid}": ("notes", "place", "participant", "username"),
        "/bandeja": ("description", "category", "area", "utname"),
        "/visits": ("username",),
        "/projects": ("project",),
        f"/projects/{world.project.uuid}": ("project", "projectdesc"),
        "/uts/": ("utname",),
        f"/uts/{world.unit.code}": ("utname", "project"),
        "/mapa/": (),
        "/tablero": (),
        "/informes/trimestral?trimestre=2025-3": ("poa",),
        "/poa?anio=2025": ("poa",),
    }
    for path, fields in pages.items():
        body = page_text(client, path)
        for name in fields:
            # Lists may shorten long text: the start of it, escaped, is enough here.
            assert escaped(world.tags[name][:40]) in body, (path, name)


def test_admin_and_account_pages(world, auth, client):
    auth.login(world.admin.email)
    body = page_text(client, "/admin/users")
    assert escaped(world.tags["username"]) in body
    page_text(client, "/account")
    client.post("/logout", data={"csrf_token": auth.csrf("/account")})
    auth.login(world.inspector.email)
    assert escaped(world.tags["username"]) in page_text(client, "/account")


def test_field_app_data_blocks_cannot_close_their_script(world, auth, client):
    auth.login(world.inspector.email)
    body = page_text(client, "/app")
    for block in re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', body, re.S):
        assert "<" not in block  # tojson writes < as \u003c
    for path in ("/api/v1/categories", "/api/v1/visits", "/api/v1/territorial-units"):
        response = client.get(path)
        assert response.status_code == 200 and response.mimetype.endswith("json"), path
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_map_popup_json_carries_the_text_as_data(world, auth, client):
    auth.login(world.supervisor.email)
    response = client.get(f"/mapa/hallazgos/{world.finding.id}.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    # Plain data: the page's script puts it in the popup with textContent (see
    # tests/browser/test_map.py); here it is the exact text, not pre-escaped HTML.
    body = json.dumps(response.get_json(), ensure_ascii=False)
    assert json.dumps(world.tags["description"], ensure_ascii=False)[1:-1] in body


def test_pdfs_show_the_literal_text(world, auth, client):
    need_poppler()
    auth.login(world.supervisor.email)
    evidence = pdf_text(client.get(f"/visits/{world.visit.uuid}/evidence.pdf").data)
    for name in ("description", "notes", "participant", "username", "folio"):
        assert squeezed(world.tags[name]) in squeezed(evidence), name
    acta = pdf_text(client.get(f"/projects/{world.project.uuid}/acta.pdf").data)
    assert squeezed(world.tags["project"]) in squeezed(acta)
    quarterly = pdf_text(client.get("/informes/trimestral.pdf?trimestre=2025-3").data)
    assert squeezed(world.tags["poa"]) in squeezed(quarterly)


FORMULAS = ['=HYPERLINK("http://x.example","ver")', "+1+1", "-2+3", "@SUM(1,1)"]


@pytest.fixture
def formula_world(world):
    world.finding.description = FORMULAS[0]
    world.finding.requester_name = FORMULAS[1]
    world.finding.external_folio = FORMULAS[2]
    world.inspector.name = FORMULAS[3]
    db.session.commit()
    return world


def test_csv_export_neutralises_formulas(formula_world, auth, client):
    auth.login(formula_world.supervisor.email)
    response = client.get("/exports/findings.csv")
    assert response.status_code == 200
    row = pd.read_csv(io.BytesIO(response.data), encoding="utf-8-sig", dtype=str).iloc[0]
    assert row["description"] == "'" + FORMULAS[0]
    assert row["requester_name"] == "'" + FORMULAS[1]
    assert row["external_folio"] == "'" + FORMULAS[2]
    assert float(row["lon"]) < 0  # numbers stay numbers
    visits = client.get("/exports/visits.csv").data.decode("utf-8-sig")
    assert "'" + FORMULAS[3] in visits
    # Hostile markup stays literal text in a CSV (CSV only doubles the quote).
    assert formula_world.tags["utname"].replace('"', '""') in visits


def test_xlsx_export_stores_formula_like_text_as_text(formula_world, auth, client):
    auth.login(formula_world.supervisor.email)
    response = client.get("/exports/findings.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    header = [cell.value for cell in sheet[1]]
    row = sheet[2]
    description = row[header.index("description")]
    assert description.value == FORMULAS[0] and description.data_type == "s"
    assert all(cell.data_type != "f" for line in sheet.iter_rows() for cell in line)
