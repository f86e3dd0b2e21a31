"""The supervisor's pages in a real browser at desktop and tablet size."""

import pytest
import sqlalchemy as sa
from PIL import Image

from fieldapp.findings.models import Finding, FindingStatus

pytestmark = pytest.mark.browser
SIZES = {"desktop": {"width": 1366, "height": 768}, "tablet": {"width": 820, "height": 1180}}


@pytest.fixture
def supervisor_page(chromium, live_server, runner):
    output = runner.invoke(args=["demo"]).output
    password = next(
        line.split()[1]
        for line in output.splitlines()
        if line.strip().startswith("supervisor@demo.fieldapp.mx")
    )
    context = chromium.new_context(
        viewport=SIZES["desktop"], locale="es-MX", timezone_id="America/Mexico_City"
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server}/login")
    page.fill("#email", "supervisor@demo.fieldapp.mx")
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/")
    yield page, live_server
    assert errors == []
    context.close()


def after_photo(tmp_path):
    path = tmp_path / "despues.jpg"
    Image.new("RGB", (800, 600), (30, 160, 60)).save(path, "JPEG")
    return str(path)


def test_route_then_verify_a_demand(supervisor_page, db, screenshot, tmp_path):
    page, base = supervisor_page
    for name, size in SIZES.items():
        page.set_viewport_size(size)
        page.goto(f"{base}/bandeja")
        screenshot(page, f"queue-{name}")
    page.set_viewport_size(SIZES["desktop"])
    page.click("table.data tbody tr >> nth=0 >> a")
    page.wait_for_selector("#to_status")
    key = page.url.rsplit("/", 1)[1]
    page.select_option("#to_status", "canalizada")
    page.select_option("#area", "obras")
    page.fill("#external_folio", "CESAC-2026-000456")
    page.fill("#note", "Se turna a Obras")
    page.click("button:has-text('Guardar cambio')")
    page.wait_for_selector(".flash-success")
    for target in ("en_atencion", "atendida"):
        page.select_option("#to_status", target)
        page.click("button:has-text('Guardar cambio')")
        page.wait_for_selector(".flash-success")
    page.select_option("#to_status", "verificada")
    page.set_input_files("#photos", after_photo(tmp_path))
    page.fill("#note", "Verificada en campo")
    page.click("button:has-text('Guardar cambio')")
    page.wait_for_selector(".flash-success")
    assert page.locator(".before-after img").count() >= 2
    page.wait_for_timeout(800)  # Leaflet's zoom animation
    for name, size in SIZES.items():
        page.set_viewport_size(size)
        screenshot(page, f"finding-{name}")
    import uuid

    finding = db.session.scalar(sa.select(Finding).where(Finding.uuid == uuid.UUID(key)))
    assert finding.status is FindingStatus.VERIFICADA
    assert finding.external_folio == "CESAC-2026-000456" and finding.area.code == "obras"


def test_visit_page_and_dashboard(supervisor_page, screenshot):
    page, base = supervisor_page
    page.goto(f"{base}/visits?status=enviada")
    page.click("table.data tbody tr >> nth=0 >> a")
    page.wait_for_selector(".map-frame")
    page.wait_for_timeout(800)  # let Leaflet's zoom animation to the visit's bounds finish
    screenshot(page, "visit-desktop")
    page.goto(f"{base}/tablero")
    screenshot(page, "dashboard-desktop")
    assert page.locator(".stat").count() >= 8
