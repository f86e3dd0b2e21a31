"""Small Folium maps for the finding and visit pages (assets from /vendor, text escaped)."""

from __future__ import annotations

import shapely
from flask import url_for
from flask_babel import gettext as _

from fieldapp.findings.models import Finding
from fieldapp.labels import label
from fieldapp.maps import MapParts, geojson_layer, new_map, popup_content, render_map
from fieldapp.templating import localtime
from fieldapp.visits.models import Visit


def _unit_outline(unit) -> dict:
    return {
        "type": "Feature",
        "geometry": shapely.geometry.mapping(unit.geometry),
        "properties": {"popup": popup_content(f"UT {unit.code}", [unit.name])},
    }


def _point(finding: Finding, number: int | None = None) -> dict:
    title = f"{number}. {finding.category.name}" if number else finding.category.name
    lines = [str(label(finding.status)), localtime(finding.captured_at, "short")]
    if finding.description:
        lines.insert(0, finding.description[:200])
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [finding.lon, finding.lat]},
        "properties": {
            "color": finding.category.color,
            "popup": popup_content(
                title, lines, url_for("review.finding_page", key=finding.uuid), _("Ver hallazgo")
            ),
        },
    }


def _points_layer(features: list[dict], name: str):
    return geojson_layer(
        features,
        name,
        point_radius=8,
        style_function=lambda f: {
            "color": "#111",
            "weight": 2,
            "fillColor": f["properties"].get("color", "#ffbf00"),
            "fillOpacity": 0.9,
        },
    )


def finding_map(finding: Finding) -> MapParts:
    pad = 0.002
    fmap = new_map(
        bounds=(finding.lon - pad, finding.lat - pad, finding.lon + pad, finding.lat + pad)
    )
    if finding.territorial_unit:
        geojson_layer(
            [_unit_outline(finding.territorial_unit)], _("Unidad territorial"), fill_opacity=0.05
        ).add_to(fmap)
    _points_layer([_point(finding)], _("Hallazgo")).add_to(fmap)
    return render_map(fmap, height="260px")


def visit_map(visit: Visit) -> MapParts:
    points = [[p[0], p[1]] for p in visit.track or [] if len(p) >= 2]
    points += [[f.lon, f.lat] for f in visit.findings]
    bounds = (
        shapely.MultiPoint(points).bounds
        if points
        else (visit.territorial_unit.geometry.bounds if visit.territorial_unit else None)
    )
    fmap = new_map(bounds=bounds)
    if visit.territorial_unit:
        geojson_layer(
            [_unit_outline(visit.territorial_unit)], _("Unidad territorial"), fill_opacity=0.05
        ).add_to(fmap)
    if len(points) >= 2 and visit.track and len(visit.track) >= 2:
        line = {
            "type": "Feature",
            "properties": {"popup": popup_content(_("Recorrido"))},
            "geometry": {"type": "LineString", "coordinates": [[p[0], p[1]] for p in visit.track]},
        }
        geojson_layer([line], _("Recorrido"), color="#8a1116").add_to(fmap)
    if visit.findings:
        _points_layer(
            [_point(f, n) for n, f in enumerate(visit.findings, 1)], _("Hallazgos")
        ).add_to(fmap)
    return render_map(fmap, height="320px")
