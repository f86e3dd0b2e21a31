"""Maps: Leaflet from the app (never a CDN), configurable tiles, escaped popups."""

from __future__ import annotations

import re

import folium
import pytest
from folium.plugins import MarkerCluster

from fieldapp.maps import geojson_layer, new_map, popup, popup_content, render_map
from fieldapp.maps.folium_maps import ExternalAssetError


def external_urls(parts) -> list[str]:
    text = str(parts.head) + str(parts.html)
    return re.findall(r'(?:src|href)="(https?:[^"]+)"', text)


def fetch(client, path):
    with client.get(path) as response:
        return response.status_code, response.mimetype, response.headers, response.data


def test_vendor_serves_leaflet_from_the_installed_package(client):
    status, _type, headers, data = fetch(client, "/vendor/leaflet/leaflet.js")
    assert status == 200 and b"Leaflet" in data[:500]
    assert "max-age" in headers["Cache-Control"]
    assert fetch(client, "/vendor/leaflet/leaflet.css")[1] == "text/css"
    assert fetch(client, "/vendor/leaflet/images/marker-icon.png")[1] == "image/png"
    assert fetch(client, "/vendor/jquery/jquery.min.js")[0] == 200


@pytest.mark.parametrize(
    "path", ["/vendor/nada/x.js", "/vendor/leaflet/../__init__.py", "/vendor/leaflet/no.js"]
)
def test_vendor_refuses_other_paths(client, path):
    assert fetch(client, path)[0] == 404


def test_map_uses_local_assets_and_configured_tiles(app):
    with app.test_request_context():
        fmap = new_map(bounds=(-99.12, 19.38, -99.08, 19.41))
        parts = render_map(fmap)
    assert external_urls(parts) == []
    assert (
        "/vendor/leaflet/leaflet.js" in parts.head and "/vendor/leaflet/leaflet.css" in parts.head
    )
    assert "bootstrap" not in parts.head and "user-scalable" not in parts.head
    assert app.config["TILE_URL"] in parts.script and '"maxZoom": 19' in parts.script


def test_map_without_tiles_still_has_a_max_zoom(app):
    app.config["TILE_URL"] = ""
    try:
        with app.test_request_context():
            parts = render_map(new_map())
    finally:
        app.config["TILE_URL"] = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert "L.tileLayer" not in parts.script and '"maxZoom": 19' in parts.script


def test_unknown_cdn_asset_is_refused(app):
    with app.test_request_context():
        fmap = new_map()
        MarkerCluster().add_to(fmap)
        with pytest.raises(ExternalAssetError, match="markercluster"):
            render_map(fmap)


def test_popup_text_cannot_run_code(app):
    nasty = "</script><script>alert(1)</script> ${alert(2)} `x` <b>"
    with app.test_request_context():
        fmap = new_map()
        folium.Marker([19.4, -99.1], popup=popup(nasty, [nasty])).add_to(fmap)
        point = {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [-99.1, 19.4]},
            "properties": {"popup": popup_content(nasty, [nasty])},
        }
        geojson_layer([point], "x", point_radius=5).add_to(fmap)
        parts = render_map(fmap)
    script = str(parts.script)
    assert "<script>" not in script and "</script>" not in script and "<b>" not in script
    # folium.Popup puts its HTML in a JS template literal: no ${...} may survive there.
    literals = re.findall(r"\$\(`(.*?)`\)", script, flags=re.S)
    assert literals and not any("${" in text for text in literals)
    assert "&#36;{alert(2)}" in literals[0]  # shown as text, never interpolated


def test_popup_links_must_be_relative():
    with pytest.raises(ValueError):
        popup_content("x", url="https://example.com/")
    with pytest.raises(ValueError):
        popup_content("x", url="//example.com/")
    assert popup_content("x", url="/uts/06-010")["url"] == "/uts/06-010"


def test_jquery_only_with_folium_popups(app):
    """Lighthouse: no 30 KB jQuery on maps that never call it."""
    with app.test_request_context():
        plain = render_map(new_map(bounds=(-99.12, 19.38, -99.08, 19.41)))
        fmap = new_map()
        folium.Marker([19.4, -99.1], popup=popup("Obra", ["Avance: 40 %"])).add_to(fmap)
        with_popup = render_map(fmap)
    assert "jquery" not in plain.head and "/vendor/leaflet/leaflet.js" in plain.head
    assert "/vendor/jquery/jquery.min.js" in with_popup.head
