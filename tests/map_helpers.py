"""A small world for the supervisors' map tests: two UTs, categories, inspectors, findings."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import shapely

from fieldapp.auth.models import Role
from fieldapp.auth.services import create_user
from fieldapp.extensions import db
from fieldapp.findings.models import Area, Category, Finding, FindingStatus
from fieldapp.projects.models import Project
from fieldapp.territory.services import locator, upsert_unit
from fieldapp.visits.models import Visit, VisitKind, VisitStatus
from tests.helpers import PASSWORD

# Two squares in Iztacalco, west (T-001) and east (T-002).
WEST = shapely.box(-99.11, 19.39, -99.10, 19.40)
EAST = shapely.box(-99.10, 19.39, -99.09, 19.40)
NOW = datetime(2026, 5, 20, 18, 0, tzinfo=UTC)


@dataclass
class MapWorld:
    supervisor: object
    inspectors: list = field(default_factory=list)
    findings: dict = field(default_factory=dict)  # name -> Finding


def build_world(nasty: str | None = None) -> MapWorld:
    """Commit a known set of findings; ``nasty`` goes into a description and a project name."""
    west, _ = upsert_unit("T-001", "Alfa", WEST, "Prueba")
    east, _ = upsert_unit("T-002", "Beta", EAST, "Prueba")
    db.session.flush()
    locator.invalidate()
    roads = Area(code="obras", name="Obras")
    lights = Area(code="servicios", name="Servicios urbanos")
    bache = Category(code="bacheo", name="Bacheo", default_area=roads, color="#6d4c41")
    luz = Category(code="alumbrado", name="Alumbrado público", default_area=lights, color="#b58900")
    db.session.add_all([roads, lights, bache, luz])
    world = MapWorld(create_user("sup@example.mx", "Sara Supervisora", Role.SUPERVISOR, PASSWORD))
    ana = create_user("ana@example.mx", "Ana Inspectora", Role.INSPECTOR, PASSWORD)
    beto = create_user("beto@example.mx", "Beto Inspector", Role.INSPECTOR, PASSWORD)
    world.inspectors = [ana, beto]
    walk = Visit(
        kind=VisitKind.RECORRIDO,
        status=VisitStatus.ENVIADA,
        inspector=ana,
        started_at=NOW - timedelta(days=3),
        territorial_unit=west,
        track=[[-99.108, 19.392, 5, 0], [-99.104, 19.396, 5, 1]],
    )
    assembly = Visit(
        kind=VisitKind.ASAMBLEA,
        status=VisitStatus.VALIDADA,
        inspector=beto,
        started_at=NOW - timedelta(days=40),
        territorial_unit=east,
    )
    db.session.add_all([walk, assembly])
    db.session.flush()
    plan = [  # name, visit, category, status, unit, (lat, lon), days ago
        ("bache-west", walk, bache, FindingStatus.REPORTADA, west, (19.393, -99.107), 3),
        ("luz-west", walk, luz, FindingStatus.CANALIZADA, west, (19.397, -99.103), 3),
        ("bache-east", assembly, bache, FindingStatus.VERIFICADA, east, (19.394, -99.095), 40),
        ("luz-east", assembly, luz, FindingStatus.REPORTADA, east, (19.398, -99.092), 40),
    ]
    for name, visit, category, status, unit, (lat, lon), days in plan:
        finding = Finding(
            uuid=uuid.uuid4(),
            visit=visit,
            category=category,
            area=category.default_area,
            created_by_id=visit.inspector.id,
            description=nasty if nasty and name == "bache-west" else f"Descripción {name}",
            lat=lat,
            lon=lon,
            territorial_unit=unit,
            status=status,
            captured_at=NOW - timedelta(days=days),
            requester_name="Persona Privada",
            requester_phone="5555555555",
        )
        db.session.add(finding)
        world.findings[name] = finding
    db.session.add(
        Project(
            territorial_unit=west,
            year=2026,
            name=nasty or "Luminarias",
            lat=19.395,
            lon=-99.105,
            progress_pct=40,
        )
    )
    db.session.commit()
    return world
