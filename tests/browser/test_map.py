"""The supervisors' map in Chromium: points drawn with tiles blocked, nothing loaded from
outside but tiles, popups showing user text as text, desktop and tablet screenshots."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.helpers import PASSWORD
from tests.map_helpers import build_world

pytestmark = pytest.mark.browser

NASTY = "<script>window.__pwned = 1</script><img src=x onerror=\"alert('xss')\"> ${alert(2)}"
DESKTOP = {"viewport": {"width": 1366, "height": 768}, "locale": "es-MX"}
TABLET = {
    "viewport": {"width": 820, "height": 1180},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "es-MX",
}
LAYER = "document.querySelector('.folium-map')._fieldappFindings"


@pytest.fixture
def world(db):
    return build_world(NASTY)


def open_map(chromium, live_server, world, context_options, path="/mapa/"):
    """Log in as the supervisor and open the map with tiles blocked; returns (page, log)."""
    context = chromium.new_context(**context_options)
    page = context.new_page()
    log = {"outside": [], "dialogs": [], "errors": []}
    app_host = urlparse(live_server).netloc
    tile_host = "tile.openstreetmap.org"

    def record(request):
        host = urlparse(request.url).netloc
        if request.url.startswith(("data:", "blob:")) or host == app_host:
            return
        log["outside"].append(request.url)

    page.on("request", record)
    page.on("pageerror", lambda exc: log["errors"].append(str(exc)))
    page.on("dialog", lambda dialog: (log["dialogs"].append(dialog.message), dialog.dismiss()))
    page.route(f"**://{tile_host}/**", lambda route: route.abort())  # no internet here anyway
    page.goto(f"{live_server}/login")
    page.fill("#email", world.supervisor.email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}{path}")
    page.wait_for_selector(".folium-map[data-findings=ready]", timeout=15000)
    return page, log


def zoom_to(page, lat, lon, zoom=18):
    page.evaluate(
        f"([lat, lon, zoom]) => {{ {LAYER}._map.setView([lat, lon], zoom, {{animate: false}}); }}",
        [lat, lon, zoom],
    )
    page.wait_for_timeout(300)


def click_point(page, finding_id):
    box = page.locator(".folium-map").bounding_box()
    points = page.evaluate(f"() => {LAYER}.drawnPoints()")
    point = next(p for p in points if p["id"] == finding_id)
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


def test_map_shows_points_with_tiles_blocked_and_loads_nothing_else_from_outside(
    chromium, live_server, world, screenshot
):
    page, log = open_map(chromium, live_server, world, DESKTOP)
    assert page.get_attribute(".folium-map", "data-findings-count") == "4"
    assert page.inner_text("#map-status") == "Hallazgos en el mapa: 4"
    # The UT outlines are drawn (Leaflet's canvas) and the findings are on ours.
    assert page.evaluate(f"() => {LAYER}.drawnPoints().length + {LAYER}.drawnClusters().length")
    outside = {urlparse(u).netloc for u in log["outside"]}
    assert outside <= {"tile.openstreetmap.org"}, log["outside"]
    assert log["errors"] == []
    page.wait_for_timeout(300)
    screenshot(page, "map-desktop-1366")
    page.context.close()


def test_popup_shows_user_text_as_text(chromium, live_server, world):
    page, log = open_map(chromium, live_server, world, DESKTOP)
    finding = world.findings["bache-west"]
    zoom_to(page, finding.lat, finding.lon)
    click_point(page, finding.id)
    page.wait_for_selector(".fa-popup .fa-link")
    assert page.inner_text(".fa-popup .fa-description") == NASTY
    assert page.get_attribute(".fa-popup .fa-link", "href") == f"/findings/{finding.uuid}"
    assert "Reportada" in page.inner_text(".fa-popup") and "T-001 · Alfa" in page.inner_text(
        ".fa-popup"
    )
    assert page.locator(".fa-popup img, .fa-popup script").count() == 0  # no photo, no markup
    page.wait_for_timeout(300)
    assert log["dialogs"] == [] and page.evaluate("() => window.__pwned") is None
    page.context.close()


def test_filters_and_cluster_click_on_a_tablet(chromium, live_server, world, screenshot):
    page, log = open_map(chromium, live_server, world, TABLET, "/mapa/?estado=reportada")
    assert page.get_attribute(".folium-map", "data-findings-count") == "2"
    page.select_option("#f-estado", "")
    page.select_option("#f-ut", "T-002")
    page.click(".map-actions button[type=submit]")
    page.wait_for_url("**/mapa/?*ut=T-002*")
    page.wait_for_selector(".folium-map[data-findings=ready]")
    assert page.get_attribute(".folium-map", "data-findings-count") == "2"
    page.evaluate(f"() => {{ {LAYER}._map.setZoom(12, {{animate: false}}); }}")
    page.wait_for_timeout(300)
    clusters = page.evaluate(f"() => {LAYER}.drawnClusters()")
    assert len(clusters) == 1  # both findings of T-002 in one group at city scale
    box = page.locator(".folium-map").bounding_box()
    page.mouse.click(box["x"] + clusters[0]["x"], box["y"] + clusters[0]["y"])
    page.wait_for_function(f"() => {LAYER}._map.getZoom() >= 14")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 820
    page.wait_for_timeout(300)
    screenshot(page, "map-tablet-820")
    assert log["errors"] == [] and {urlparse(u).netloc for u in log["outside"]} <= {
        "tile.openstreetmap.org"
    }
    page.context.close()
