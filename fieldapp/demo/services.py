"""Demo data: a living app for newcomers, loaded again without duplicating anything."""

from __future__ import annotations

import io
import json
import random
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from importlib import resources

import shapely
import sqlalchemy as sa
from PIL import Image, ImageDraw

from fieldapp.auth.models import Role, User
from fieldapp.auth.services import create_user
from fieldapp.extensions import db
from fieldapp.findings.models import Area, Category, Finding, FindingStatus, FindingUpdate, Priority
from fieldapp.media.models import Photo
from fieldapp.media.services import store_photo
from fieldapp.orm import utcnow
from fieldapp.projects.models import CommitteeMember, Project
from fieldapp.reports.models import PlannedActivity
from fieldapp.territory.models import TerritorialUnit
from fieldapp.territory.services import locator, upsert_unit
from fieldapp.visits.models import Visit, VisitKind, VisitStatus

DEMO_NAMESPACE = uuid.UUID("6f1c7a52-2d0e-4c57-9a3e-5b1f0f6d2a10")
UT_PARENT = "Iztacalco"

AREAS = [
    ("servicios_urbanos", "Dirección General de Servicios Urbanos"),
    ("obras", "Dirección General de Obras y Desarrollo Urbano"),
    ("agua", "Dirección de Agua Potable y Drenaje"),
    ("seguridad", "Dirección de Seguridad Ciudadana"),
    ("participacion", "Dirección de Participación Ciudadana"),
]
# code, name, default area, colour, expected days to attend
CATEGORIES = [
    ("alumbrado", "Alumbrado público", "servicios_urbanos", "#b58900", 7),
    ("bacheo", "Bacheo", "obras", "#6d4c41", 15),
    ("basura", "Basura", "servicios_urbanos", "#2e7d32", 3),
    ("parques", "Parques y jardines", "servicios_urbanos", "#43a047", 15),
    ("drenaje", "Drenaje", "agua", "#1565c0", 10),
    ("banquetas", "Banquetas", "obras", "#616161", 30),
    ("poda", "Poda", "servicios_urbanos", "#558b2f", 20),
    ("seguridad", "Seguridad / cámaras", "seguridad", "#c62828", 15),
    ("fugas", "Fugas de agua", "agua", "#0277bd", 2),
]
USERS = [
    ("admin@demo.fieldapp.mx", "Administración (demo)", Role.ADMIN),
    ("supervisor@demo.fieldapp.mx", "Laura Supervisora (demo)", Role.SUPERVISOR),
    ("inspector@demo.fieldapp.mx", "Juan Promotor (demo)", Role.INSPECTOR),
]
VISIT_PLAN = [  # kind, days ago, UT index, findings, status
    (VisitKind.RECORRIDO, 0, 3, 4, VisitStatus.ENVIADA),
    (VisitKind.RECORRIDO, 6, 12, 3, VisitStatus.VALIDADA),
    (VisitKind.SUPERVISION_OBRA, 2, 20, 1, VisitStatus.ENVIADA),
    (VisitKind.EVALUACION_SERVICIO, 4, 31, 2, VisitStatus.DEVUELTA),
    (VisitKind.ASAMBLEA, 9, 44, 2, VisitStatus.VALIDADA),
]
DESCRIPTIONS = {
    "alumbrado": "Luminaria fundida frente al número 25",
    "bacheo": "Bache profundo en el carril derecho",
    "basura": "Acumulación de basura en la esquina",
    "parques": "Juegos infantiles rotos en el parque",
    "drenaje": "Coladera tapada, se encharca con la lluvia",
    "banquetas": "Banqueta levantada por raíces",
    "poda": "Árbol con ramas sobre cables de luz",
    "seguridad": "Cámara del C5 sin funcionar",
    "fugas": "Fuga de agua potable en la banqueta",
}


@dataclass
class DemoReport:
    created: dict[str, int] = field(default_factory=dict)
    passwords: dict[str, str] = field(default_factory=dict)

    def add(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n


def demo_uuid(name: str) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, name)


def load_demo() -> DemoReport:
    """Add whatever part of the demo data is missing (flushes; the caller commits)."""
    report = DemoReport()
    units = load_units(report)
    areas = load_areas(report)
    categories = load_categories(areas, report)
    users = load_users(report)
    projects = load_projects(units, report)
    load_visits(units, categories, users, projects, report)
    load_plan(areas, report)
    return report


def load_units(report: DemoReport) -> list[TerritorialUnit]:
    source = resources.files("fieldapp.demo").joinpath("data/ut_iztacalco.geojson")
    features = json.loads(source.read_text(encoding="utf-8"))["features"]
    units = []
    for feature in sorted(features, key=lambda f: f["properties"]["clave"]):
        props = feature["properties"]
        geometry = shapely.make_valid(shapely.geometry.shape(feature["geometry"]))
        unit, changed = upsert_unit(props["clave"], props["nombre"].title(), geometry, UT_PARENT)
        if changed:
            report.add("unidades territoriales")
        units.append(unit)
    db.session.flush()
    return units


def load_areas(report: DemoReport) -> dict[str, Area]:
    existing = {a.code: a for a in db.session.scalars(sa.select(Area))}
    for code, name in AREAS:
        if code not in existing:
            existing[code] = Area(code=code, name=name)
            db.session.add(existing[code])
            report.add("áreas")
    db.session.flush()
    return existing


def load_categories(areas: dict[str, Area], report: DemoReport) -> dict[str, Category]:
    existing = {c.code: c for c in db.session.scalars(sa.select(Category))}
    for code, name, area, colour, days in CATEGORIES:
        if code not in existing:
            existing[code] = Category(
                code=code, name=name, default_area=areas[area], color=colour, expected_days=days
            )
            db.session.add(existing[code])
            report.add("categorías")
    db.session.flush()
    return existing


def load_users(report: DemoReport) -> dict[Role, User]:
    users = {}
    for email, name, role in USERS:
        user = db.session.scalar(sa.select(User).where(User.email == email))
        if user is None:
            password = secrets.token_urlsafe(12)
            user = create_user(email, name, role, password)
            report.passwords[email] = password
            report.add("usuarios")
        users[role] = user
    return users


def random_point_in(geometry: shapely.Geometry, rng: random.Random) -> tuple[float, float]:
    """A (lat, lon) inside the polygon, by rejection sampling in its bounding box."""
    min_x, min_y, max_x, max_y = geometry.bounds
    for _ in range(1000):
        point = shapely.Point(rng.uniform(min_x, max_x), rng.uniform(min_y, max_y))
        if geometry.contains(point):
            return point.y, point.x
    point = geometry.representative_point()
    return point.y, point.x


def load_projects(units: list[TerritorialUnit], report: DemoReport) -> list[Project]:
    year = utcnow().year
    plan = [
        ("Rehabilitación de luminarias en calles interiores", 20, Decimal("1450000.00"), 60),
        ("Colocación de cámaras de videovigilancia vecinal", 35, Decimal("980500.00"), 15),
    ]
    projects = []
    rng = random.Random(7)
    for index, (name, unit_index, amount, progress) in enumerate(plan):
        key = demo_uuid(f"project-{index}")
        project = db.session.scalar(sa.select(Project).where(Project.uuid == key))
        if project is None:
            unit = units[unit_index % len(units)]
            lat, lon = random_point_in(unit.geometry, rng)
            project = Project(
                uuid=key,
                territorial_unit=unit,
                year=year,
                name=name,
                amount=amount,
                lat=lat,
                lon=lon,
                progress_pct=progress,
                description="Proyecto ganador de la consulta ciudadana.",
            )
            project.committee = [
                CommitteeMember(name="María Hernández", role="Comité de ejecución"),
                CommitteeMember(name="José Ramírez", role="Comité de vigilancia"),
            ]
            db.session.add(project)
            report.add("proyectos")
        projects.append(project)
    db.session.flush()
    return projects


def demo_photo(text: str, colour: str, seed: int) -> bytes:
    """A small generated JPEG with a capture time in its EXIF."""
    image = Image.new("RGB", (800, 600), colour)
    draw = ImageDraw.Draw(image)
    rng = random.Random(seed)
    for _ in range(12):
        x, y = rng.randrange(800), rng.randrange(600)
        draw.ellipse((x, y, x + 80, y + 80), outline="white", width=4)
    draw.rectangle((0, 520, 800, 600), fill="black")
    draw.text((20, 545), text, fill="white")
    exif = Image.Exif()
    exif[0x0132] = (utcnow() - timedelta(days=seed % 10)).strftime("%Y:%m:%d %H:%M:%S")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80, exif=exif)
    return buffer.getvalue()


def load_visits(units, categories, users, projects, report: DemoReport) -> None:
    rng = random.Random(42)
    codes = [c[0] for c in CATEGORIES]
    now = utcnow().replace(microsecond=0)
    for number, (kind, days_ago, unit_index, n_findings, status) in enumerate(VISIT_PLAN):
        unit = units[unit_index % len(units)]
        key = demo_uuid(f"visit-{number}")
        visit = db.session.scalar(sa.select(Visit).where(Visit.uuid == key))
        started = now - timedelta(days=days_ago, hours=3)
        if visit is None:
            visit = make_visit(key, kind, status, unit, started, users, projects, rng)
            report.add("visitas")
        for index in range(n_findings):
            code = codes[(number * 3 + index) % len(codes)]
            add_finding(
                visit,
                unit,
                categories[code],
                users[Role.INSPECTOR],
                started + timedelta(minutes=15 * (index + 1)),
                f"{number}-{index}",
                rng,
                report,
            )


def make_visit(key, kind, status, unit, started, users, projects, rng) -> Visit:
    track = []
    for step in range(8):
        lat, lon = random_point_in(unit.geometry, rng)
        track.append(
            [
                round(lon, 6),
                round(lat, 6),
                8.0,
                int((started + timedelta(minutes=5 * step)).timestamp() * 1000),
            ]
        )
    visit = Visit(
        uuid=key,
        kind=kind,
        status=status,
        inspector=users[Role.INSPECTOR],
        started_at=started,
        ended_at=started + timedelta(hours=2),
        submitted_at=started + timedelta(hours=2),
        territorial_unit=unit,
        track=track,
        notes="Visita de demostración.",
        participants=[
            {"name": "Rosa Martínez", "role": "Líder vecinal"},
            {"name": "Pedro Gómez", "role": "Vecino"},
        ],
    )
    if kind == VisitKind.SUPERVISION_OBRA:
        visit.project = projects[0]
        visit.progress_pct = projects[0].progress_pct
        visit.checklist = [
            {"item": "Señalización de obra", "result": "ok"},
            {"item": "Avance conforme a calendario", "result": "falla"},
        ]
    if kind == VisitKind.ASAMBLEA:
        visit.place = "Salón de usos múltiples"
        visit.attendance_count = 38
    if status in (VisitStatus.VALIDADA, VisitStatus.DEVUELTA):
        visit.reviewed_by = users[Role.SUPERVISOR]
        visit.reviewed_at = started + timedelta(days=1)
    if status == VisitStatus.DEVUELTA:
        visit.review_comment = "Falta la foto de la luminaria reportada; corrígela y reenvía."
    db.session.add(visit)
    db.session.flush()
    return visit


def add_finding(visit, unit, category, inspector, captured_at, name, rng, report) -> None:
    key = demo_uuid(f"finding-{name}")
    if db.session.scalar(sa.select(Finding.id).where(Finding.uuid == key)):
        return
    lat, lon = random_point_in(unit.geometry, rng)
    placement = locator.place(lat, lon)
    finding = Finding(
        uuid=key,
        visit=visit,
        category=category,
        area=category.default_area,
        created_by_id=inspector.id,
        description=DESCRIPTIONS[category.code],
        lat=lat,
        lon=lon,
        accuracy_m=round(rng.uniform(4, 25), 1),
        territorial_unit_id=placement.unit_id,
        outside_unit=placement.outside,
        nearest_unit_id=placement.nearest_unit_id,
        nearest_distance_m=placement.distance_m,
        priority=rng.choice(list(Priority)),
        captured_at=captured_at,
    )
    db.session.add(finding)
    db.session.flush()
    photo_uuid = demo_uuid(f"photo-{name}")
    if not db.session.scalar(sa.select(Photo.id).where(Photo.uuid == photo_uuid)):
        photo = store_photo(
            demo_photo(f"{category.name} - {unit.code}", category.color, rng.randrange(1000)),
            finding_id=finding.id,
        )
        photo.uuid = photo_uuid
        report.add("fotos")
    if visit.status == VisitStatus.VALIDADA:
        db.session.add(
            FindingUpdate(
                uuid=demo_uuid(f"update-{name}"),
                finding=finding,
                author_id=visit.reviewed_by_id,
                from_status=FindingStatus.REPORTADA,
                to_status=FindingStatus.CANALIZADA,
                area_id=category.default_area_id,
                note="Canalizada al área responsable.",
                created_at=captured_at + timedelta(days=1),
            )
        )
        finding.status = FindingStatus.CANALIZADA
    report.add("hallazgos")


def load_plan(areas: dict[str, Area], report: DemoReport) -> None:
    year = utcnow().year
    targets = {
        VisitKind.RECORRIDO: 24,
        VisitKind.SUPERVISION_OBRA: 57,
        VisitKind.EVALUACION_SERVICIO: 12,
        VisitKind.ASAMBLEA: 6,
    }
    area = areas["participacion"]
    for quarter in range(1, 5):
        for kind, target in targets.items():
            exists = db.session.scalar(
                sa.select(PlannedActivity.id).where(
                    PlannedActivity.year == year,
                    PlannedActivity.quarter == quarter,
                    PlannedActivity.activity_kind == kind.value,
                    PlannedActivity.area_id == area.id,
                )
            )
            if not exists:
                db.session.add(
                    PlannedActivity(
                        year=year,
                        quarter=quarter,
                        activity_kind=kind.value,
                        area_id=area.id,
                        target_count=target,
                        description=f"{kind.value} trimestral",
                    )
                )
                report.add("metas del POA")
    db.session.flush()
