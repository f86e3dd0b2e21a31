"""Folium maps for FieldApp pages: local Leaflet, configurable tiles, safe popups.

Build a map with ``new_map``, add layers (``geojson_layer`` for many features, ``popup``
for the few single markers), then ``render_map`` gives the pieces to place in a page with
the ``maps/_map.html`` macro. Every asset Folium would take from a CDN is either served by
the app (``ASSETS``) or dropped (``UNUSED_ASSETS``); anything else raises
``ExternalAssetError`` so that no page ever loads a script from outside.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import folium
from flask import current_app, url_for
from flask_babel import gettext as _
from folium.elements import JSCSSMixin
from folium.map import FitBounds
from folium.utilities import JsCode
from markupsafe import Markup

MAX_ZOOM = 19
# Folium's asset name -> (package served under /vendor, file)
ASSETS = {
    "leaflet": ("leaflet", "leaflet.js"),
    "leaflet_css": ("leaflet", "leaflet.css"),
    "jquery": ("jquery", "jquery.min.js"),  # folium.Popup uses $(...)
}
# Folium's defaults that FieldApp maps do not use (Bootstrap, awesome-markers icons).
UNUSED_ASSETS = {
    "bootstrap",
    "bootstrap_css",
    "glyphicons_css",
    "awesome_markers",
    "awesome_markers_css",
    "awesome_markers_font_css",
    "awesome_rotate_css",
}

# Popups of GeoJSON features are built from ``properties.popup`` with DOM text nodes, so
# user text is never parsed as HTML; links are only the app's own (relative) URLs.
POPUP_JS = JsCode(
    """
function (feature, layer) {
  var p = feature.properties && feature.properties.popup;
  if (!p) { return; }
  var box = document.createElement("div");
  var title = document.createElement("strong");
  title.textContent = p.title || "";
  box.appendChild(title);
  (p.lines || []).forEach(function (text) {
    var line = document.createElement("div");
    line.textContent = text;
    box.appendChild(line);
  });
  if (p.url && p.url.charAt(0) === "/" && p.url.charAt(1) !== "/") {
    var link = document.createElement("a");
    link.href = p.url;
    link.textContent = p.link || p.url;
    box.appendChild(link);
  }
  layer.bindPopup(box);
}
"""
)


class ExternalAssetError(RuntimeError):
    """A map element wants a script or stylesheet that the app does not serve."""


@dataclass(frozen=True)
class MapParts:
    """What a page needs to show a map: head (assets, size), body div, script."""

    map_id: str
    head: Markup
    html: Markup
    script: Markup


def new_map(
    bounds: Sequence[float] | None = None,
    location: Sequence[float] = (19.4326, -99.1332),
    zoom: int = 12,
) -> folium.Map:
    """A map with the configured tiles (``TILE_URL``, ``TILE_ATTRIBUTION``), or none.

    ``bounds`` is (min_lon, min_lat, max_lon, max_lat), as shapely gives it.
    """
    fmap = folium.Map(
        location=list(location),
        zoom_start=zoom,
        tiles=None,
        control_scale=True,
        prefer_canvas=True,
        # The map's own maxZoom: without a tile layer Leaflet has none, and the cluster and
        # heat plugins fail ("Map has no maxZoom specified").
        maxZoom=MAX_ZOOM,
    )
    if bounds is not None:
        # Before the tiles, without animation: no tiles fetched for the first view only to be
        # thrown away, no zoom animation while the page loads.
        min_lon, min_lat, max_lon, max_lat = bounds
        fit = FitBounds([[min_lat, min_lon], [max_lat, max_lon]])
        fit.options["animate"] = False
        fit.add_to(fmap)
    tile_url = current_app.config.get("TILE_URL")
    if tile_url:
        folium.TileLayer(
            tiles=tile_url,
            attr=current_app.config.get("TILE_ATTRIBUTION") or " ",
            max_zoom=MAX_ZOOM,
            name=_("Mapa base"),  # the layer control would show the URL otherwise
        ).add_to(fmap)
    return fmap


def popup_content(
    title: str, lines: Iterable[str] = (), url: str | None = None, link: str | None = None
) -> dict:
    """``properties.popup`` for a GeoJSON feature; shown as text, never as HTML."""
    content: dict = {"title": str(title), "lines": [str(line) for line in lines]}
    if url:
        if not url.startswith("/") or url.startswith("//"):
            raise ValueError("popup links must be the app's own relative URLs")
        content.update(url=url, link=str(link or url))
    return content


def escape_text(text: object) -> str:
    """HTML-escape text, plus the characters that matter inside Folium's JS template
    literals (a backtick, ``${`` and a backslash would otherwise run or break code)."""
    escaped = html.escape(str(text), quote=True)
    return escaped.replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


def popup(
    title: str, lines: Iterable[str] = (), url: str | None = None, link: str | None = None
) -> folium.Popup:
    """A ``folium.Popup`` for a single marker, every piece of text escaped."""
    parts = [f"<strong>{escape_text(title)}</strong>"]
    parts += [f"<div>{escape_text(line)}</div>" for line in lines]
    if url:
        content = popup_content(title, (), url, link)
        parts.append(f'<a href="{escape_text(content["url"])}">{escape_text(content["link"])}</a>')
    return folium.Popup("".join(parts), max_width=300)


def geojson_layer(
    features: list[dict],
    name: str,
    color: str = "#0b3d91",
    fill_opacity: float = 0.15,
    point_radius: int | None = None,
    style_function=None,
) -> folium.GeoJson:
    """One layer for many features (never one Marker each); points as circle markers."""
    style = style_function or (
        lambda _feature: {"color": color, "weight": 2, "fillOpacity": fill_opacity}
    )
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=name,
        style_function=style,
        marker=folium.CircleMarker(radius=point_radius, fill=True) if point_radius else None,
        on_each_feature=POPUP_JS,
        zoom_on_click=False,
    )


def localize_assets(fmap: folium.Map) -> None:
    """Point every element's JS/CSS at the app's /vendor URLs; refuse unknown ones."""
    elements = [fmap, *_descendants(fmap)]
    for element in elements:
        if not isinstance(element, JSCSSMixin | folium.Map):
            continue
        element.default_js = _local(element.default_js)
        element.default_css = _local(element.default_css)


def _descendants(element) -> list:
    found = []
    for child in element._children.values():
        found.append(child)
        found.extend(_descendants(child))
    return found


def _local(assets: list[tuple[str, str]]) -> list[tuple[str, str]]:
    local = []
    for name, url in assets:
        if name in UNUSED_ASSETS:
            continue
        if name not in ASSETS:
            if url.startswith("/"):
                local.append((name, url))
                continue
            raise ExternalAssetError(f"{name} would load from {url}; serve it under /vendor")
        package, filename = ASSETS[name]
        local.append((name, url_for("vendor.asset", package=package, filename=filename)))
    return local


def render_map(fmap: folium.Map, height: str = "60vh") -> MapParts:
    """Render ``fmap`` into pieces for a page (Folium's full-page header is left out)."""
    localize_assets(fmap)
    root = fmap.get_root()
    root.render()
    map_id = fmap.get_name()
    script = root.script.render()
    # Folium always lists jQuery; only its popups use it: 30 KB and a parse less otherwise.
    skip = {map_id, "meta_http"} | (set() if _uses_jquery(script) else {"jquery"})
    head = [child.render() for name, child in root.header._children.items() if name not in skip]
    head.append(
        f"<style>#{map_id} {{ position: relative; width: 100%; height: {height}; "
        "min-height: 260px; }</style>"
    )
    return MapParts(
        map_id=map_id,
        head=Markup("\n".join(head)),
        html=Markup(root.html.render()),
        script=Markup(script),
    )


def _uses_jquery(script: str) -> bool:
    return "$(" in script or "$." in script or "jQuery" in script
