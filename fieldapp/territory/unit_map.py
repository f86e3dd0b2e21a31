"""The map of one UT: its outline, the quarter's findings and visit tracks, its projects."""

from __future__ import annotations

from datetime import datetime

import folium
import shapely
import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from fieldapp.extensions import db
from fieldapp.findings.models import Finding
from fieldapp.labels import label
from fieldapp.maps import MapParts, geojson_layer, new_map, popup, popup_content, render_map
from fieldapp.projects.models import Project
from fieldapp.templating import localtime
from fieldapp.territory.models import TerritorialUnit
from fieldapp.visits.models import Visit

MAX_FINDINGS_ON_MAP = 2000


def unit_map(
    unit: TerritorialUnit, start: datetime, end: datetime, projects: list[Project]
) -> tuple[MapParts, int]:
    """The UT page's map and how many findings of the quarter it leaves out (over the cap)."""
    geometry = unit.geometry
    fmap = new_map(bounds=geometry.bounds)
    outline = {
        "type": "Feature",
        "geometry": shapely.geometry.mapping(geometry),
        "properties": {"popup": popup_content(f"UT {unit.code}", [unit.name])},
    }
    geojson_layer([outline], _("Unidad territorial"), fill_opacity=0.08).add_to(fmap)
    findings, total = quarter_findings(unit.id, start, end)
    if findings:
        layer = geojson_layer(
            [finding_feature(f) for f in findings],
            _("Hallazgos"),
            point_radius=7,
            style_function=lambda feature: {
                "color": "#111111",
                "weight": 1,
                "fillColor": feature["properties"]["color"],
                "fillOpacity": 0.9,
            },
        )
        layer.add_to(fmap)
    tracks = [track_feature(v) for v in quarter_visits(unit.id, start, end) if v.track]
    tracks = [t for t in tracks if t is not None]
    if tracks:
        geojson_layer(tracks, _("Recorridos"), color="#7a4d00").add_to(fmap)
    for project in projects:
        if project.lat is not None and project.lon is not None:
            folium.CircleMarker(
                [project.lat, project.lon],
                radius=10,
                color="#0b3d91",
                fill=True,
                fill_opacity=0.6,
                popup=popup(project.name, [_("Avance: %(pct)d %%", pct=project.progress_pct)]),
            ).add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    return render_map(fmap), max(total - len(findings), 0)


def quarter_findings(unit_id: int, start: datetime, end: datetime) -> tuple[list[Finding], int]:
    where = (
        Finding.territorial_unit_id == unit_id,
        Finding.captured_at >= start,
        Finding.captured_at < end,
    )
    total = db.session.scalar(sa.select(sa.func.count(Finding.id)).where(*where))
    findings = db.session.scalars(
        sa.select(Finding)
        .where(*where)
        .options(selectinload(Finding.category))
        .order_by(Finding.captured_at.desc())
        .limit(MAX_FINDINGS_ON_MAP)
    ).all()
    return list(findings), total or 0


def quarter_visits(unit_id: int, start: datetime, end: datetime) -> list[Visit]:
    return list(
        db.session.scalars(
            sa.select(Visit).where(
                Visit.territorial_unit_id == unit_id,
                Visit.started_at >= start,
                Visit.started_at < end,
            )
        )
    )


def finding_feature(finding: Finding) -> dict:
    """A finding as a point; no requester data ever goes on a map."""
    lines = [label(finding.status), localtime(finding.captured_at, "short")]
    if finding.description:
        lines.insert(0, finding.description[:200])
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [finding.lon, finding.lat]},
        "properties": {
            "color": finding.category.color,
            "popup": popup_content(finding.category.name, [str(line) for line in lines]),
        },
    }


def track_feature(visit: Visit) -> dict | None:
    coords = [[p[0], p[1]] for p in visit.track or [] if len(p) >= 2]
    if len(coords) < 2:
        return None
    return {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": coords},
        "properties": {
            "popup": popup_content(label(visit.kind), [localtime(visit.started_at, "short")])
        },
    }
