"""The supervisors' map built with Folium: UT choropleth, walk tracks, projects, findings.

The findings are not in the page: ``FindingsLayer`` is a Folium layer whose script
(``static/maps/findings_layer.js``) fetches them from the compact endpoint and draws them
on one canvas, clustered on a pixel grid in the browser. Everything else is a GeoJSON
layer of at most a few thousand features, with popups built as text (never as HTML).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import folium
import shapely
import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.template import Template

from fieldapp.auth.models import User
from fieldapp.extensions import db
from fieldapp.findings.models import Finding
from fieldapp.labels import label
from fieldapp.maps import geojson_layer, new_map, popup_content
from fieldapp.projects.models import Project
from fieldapp.supervisor_map.filters import MapFilters
from fieldapp.templating import localtime
from fieldapp.territory.models import TerritorialUnit
from fieldapp.visits.models import Visit
from fieldapp.visits.services import OPEN_STATUSES

MAX_TRACKS = 300
SIMPLIFY_DEGREES = 0.00002  # ~2 m: UT outlines stay exact to the eye, and light
PALETTES = {
    "visitas": ["#eeeeee", "#c6dbef", "#6baed6", "#2171b5", "#08306b"],
    "abiertas": ["#eeeeee", "#fdd0a2", "#fd8d3c", "#d94801", "#7f2704"],
}


class FindingsLayer(JSCSSMixin, Layer):
    """Findings drawn in the browser from the compact endpoint (see findings_layer.js)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.fieldappFindings({{ this.options|tojavascript }});
        {% endmacro %}
        """
    )

    def __init__(self, name: str, options: dict, script_url: str):
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "FieldappFindings"
        self.options = options
        self.default_js = [("fieldapp_findings", script_url)]


@dataclass(frozen=True)
class ChoroplethClass:
    low: int
    high: int
    color: str


def choropleth_classes(values: list[int], choropleth: str) -> list[ChoroplethClass]:
    """Zero on its own (the UTs nobody visited stand out), then four equal steps."""
    palette = PALETTES[choropleth]
    classes = [ChoroplethClass(0, 0, palette[0])]
    top = max(values, default=0)
    if top <= 0:
        return classes
    step = max(math.ceil(top / 4), 1)
    low = 1
    for color in palette[1:]:
        if low > top:
            break
        high = min(low + step - 1, top)
        classes.append(ChoroplethClass(low, high, color))
        low = high + 1
    return classes


def class_color(value: int, classes: list[ChoroplethClass]) -> str:
    return next((c.color for c in classes if c.low <= value <= c.high), classes[-1].color)


def unit_values(choropleth: str, quarter_start: datetime, quarter_end: datetime) -> dict:
    """Visits this quarter, or open demands now, per UT id."""
    if choropleth == "abiertas":
        query = sa.select(Finding.territorial_unit_id, sa.func.count(Finding.id)).where(
            Finding.status.in_(OPEN_STATUSES), Finding.territorial_unit_id.is_not(None)
        )
        query = query.group_by(Finding.territorial_unit_id)
    else:
        query = sa.select(Visit.territorial_unit_id, sa.func.count(Visit.id)).where(
            Visit.started_at >= quarter_start,
            Visit.started_at < quarter_end,
            Visit.territorial_unit_id.is_not(None),
        )
        query = query.group_by(Visit.territorial_unit_id)
    return dict(db.session.execute(query).all())


def unit_features(values: dict, classes: list[ChoroplethClass], choropleth: str) -> list[dict]:
    rows = db.session.execute(
        sa.select(
            TerritorialUnit.id,
            TerritorialUnit.code,
            TerritorialUnit.name,
            TerritorialUnit.geometry_wkb,
        ).order_by(TerritorialUnit.code)
    ).all()
    geometries = shapely.simplify(
        shapely.from_wkb([r.geometry_wkb for r in rows]), SIMPLIFY_DEGREES, preserve_topology=True
    )
    features = []
    for row, geometry in zip(rows, geometries, strict=True):
        value = values.get(row.id, 0)
        if choropleth == "abiertas":
            line = _("Demandas abiertas: %(n)d", n=value)
        else:
            line = _("Visitas este trimestre: %(n)d", n=value)
        features.append(
            {
                "type": "Feature",
                "geometry": shapely.geometry.mapping(shapely.set_precision(geometry, 1e-6)),
                "properties": {
                    "color": class_color(value, classes),
                    "popup": popup_content(
                        _("UT %(code)s", code=row.code),
                        [row.name, line],
                        url=url_for("territory.unit_page", code=row.code),
                        link=_("Ver la UT"),
                    ),
                },
            }
        )
    return features


def units_bounds(unit_id: int | None) -> tuple[float, float, float, float] | None:
    query = sa.select(TerritorialUnit.geometry_wkb)
    if unit_id is not None:
        query = query.where(TerritorialUnit.id == unit_id)
    wkbs = list(db.session.scalars(query))
    if not wkbs:
        return None
    return tuple(shapely.total_bounds(shapely.from_wkb(wkbs)))


def track_features(filters: MapFilters) -> list[dict]:
    """The latest walk tracks matching the date, kind, inspector and UT filters."""
    query = (
        sa.select(Visit.kind, Visit.started_at, Visit.track, User.name)
        .join(User, Visit.inspector_id == User.id)
        .where(Visit.track.is_not(None))
    )
    for column, value in (
        (Visit.kind, filters.kind),
        (Visit.inspector_id, filters.inspector_id),
        (Visit.territorial_unit_id, filters.unit_id),
    ):
        if value is not None:
            query = query.where(column == value)
    if filters.since:
        query = query.where(Visit.started_at >= filters.since)
    if filters.until:
        query = query.where(Visit.started_at < filters.until)
    features = []
    for kind, started_at, track, inspector in db.session.execute(
        query.order_by(Visit.started_at.desc()).limit(MAX_TRACKS)
    ):
        coords = [[round(p[0], 6), round(p[1], 6)] for p in track or [] if len(p) >= 2]
        if len(coords) < 2:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": coords},
                "properties": {
                    "popup": popup_content(
                        str(label(kind)), [localtime(started_at, "short"), inspector]
                    )
                },
            }
        )
    return features


def progress_color(pct: float) -> str:
    if pct >= 100:
        return "#1b5e20"
    if pct >= 67:
        return "#1565c0"
    if pct >= 34:
        return "#f9a825"
    return "#c62828"


def project_features(filters: MapFilters) -> list[dict]:
    query = (
        sa.select(Project, TerritorialUnit.code)
        .outerjoin(TerritorialUnit, Project.territorial_unit_id == TerritorialUnit.id)
        .where(Project.lat.is_not(None), Project.lon.is_not(None))
    )
    if filters.unit_id is not None:
        query = query.where(Project.territorial_unit_id == filters.unit_id)
    features = []
    for project, unit_code in db.session.execute(query.order_by(Project.year.desc())):
        lines = [
            _("Avance: %(pct)d %%", pct=project.progress_pct),
            f"{project.program} {project.year}",
        ]
        if unit_code:
            lines.insert(0, _("UT %(code)s", code=unit_code))
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [project.lon, project.lat]},
                "properties": {
                    "color": progress_color(project.progress_pct),
                    "popup": popup_content(project.name, lines),
                },
            }
        )
    return features


def filled(feature: dict, opacity: float, radius_color: str = "#222222") -> dict:
    return {
        "color": radius_color,
        "weight": 1,
        "fillColor": feature["properties"]["color"],
        "fillOpacity": opacity,
    }


def supervisor_map(
    filters: MapFilters, findings_options: dict, quarter_bounds: tuple[datetime, datetime]
) -> tuple[folium.Map, list[ChoroplethClass]]:
    """The whole map; the findings come later, from ``findings_options['dataUrl']``."""
    fmap = new_map(bounds=units_bounds(filters.unit_id) or units_bounds(None))
    fmap.options["zoom_snap"] = 0.25  # fit the UTs snugly; the layer handles any zoom
    values = unit_values(filters.choropleth, *quarter_bounds)
    classes = choropleth_classes(list(values.values()), filters.choropleth)
    units_name = (
        _("UT: demandas abiertas")
        if filters.choropleth == "abiertas"
        else _("UT: visitas del trimestre")
    )
    geojson_layer(
        unit_features(values, classes, filters.choropleth),
        units_name,
        style_function=lambda f: {**filled(f, 0.45, "#333333"), "weight": 1.5},
    ).add_to(fmap)
    tracks = track_features(filters)
    if tracks:
        geojson_layer(tracks, _("Recorridos"), color="#5d3a00").add_to(fmap)
    projects = project_features(filters)
    if projects:
        geojson_layer(
            projects,
            _("Proyectos"),
            point_radius=9,
            style_function=lambda f: {**filled(f, 0.9, "#ffffff"), "weight": 3},
        ).add_to(fmap)
    script = url_for("static", filename="maps/findings_layer.js")
    FindingsLayer(_("Hallazgos"), findings_options, script).add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    return fmap, classes
