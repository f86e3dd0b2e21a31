"""Synthetic findings at scale (``flask demo --findings N``) for benchmarks and trying maps.

Everything is written with a few Core ``INSERT``s of many rows: visits first (about one per
``FINDINGS_PER_VISIT`` findings, each in one UT), then their findings, sampled inside the
visit's UT and placed by the bulk locator exactly as synced findings are. No photos.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import shapely
import sqlalchemy as sa

from fieldapp.auth.models import Role, User
from fieldapp.extensions import db
from fieldapp.findings.models import Category, Finding, FindingStatus, Priority
from fieldapp.orm import utcnow
from fieldapp.territory.models import TerritorialUnit
from fieldapp.territory.services import locator
from fieldapp.visits.models import Visit, VisitKind, VisitStatus

FINDINGS_PER_VISIT = 25
INSPECTORS = 6
DAYS_BACK = 365
BATCH = 20_000
# Most demands are still open; a realistic share is closed one way or another.
STATUS_WEIGHTS = {
    FindingStatus.REPORTADA: 0.30,
    FindingStatus.CANALIZADA: 0.20,
    FindingStatus.EN_ATENCION: 0.15,
    FindingStatus.ATENDIDA: 0.12,
    FindingStatus.VERIFICADA: 0.13,
    FindingStatus.NO_PROCEDE: 0.06,
    FindingStatus.DUPLICADA: 0.04,
}
KIND_WEIGHTS = {
    VisitKind.RECORRIDO: 0.55,
    VisitKind.SUPERVISION_OBRA: 0.15,
    VisitKind.EVALUACION_SERVICIO: 0.20,
    VisitKind.ASAMBLEA: 0.10,
}
VISIT_STATUSES = [VisitStatus.ENVIADA, VisitStatus.VALIDADA, VisitStatus.DEVUELTA]


@dataclass(frozen=True)
class SyntheticReport:
    visits: int
    findings: int
    inspectors: int


def add_synthetic_findings(n: int, seed: int | None = None) -> SyntheticReport:
    """Add ``n`` findings (and their visits) spread over every UT; flushes, caller commits.

    Needs the UTs and categories (``load_demo`` first). Each call adds new rows: the
    generator is for volume, and ``flask demo`` without ``--findings`` never calls it.
    """
    if n <= 0:
        return SyntheticReport(0, 0, 0)
    rng = np.random.default_rng(seed)
    units = db.session.execute(
        sa.select(TerritorialUnit.id, TerritorialUnit.geometry_wkb).order_by(TerritorialUnit.id)
    ).all()
    categories = db.session.execute(
        sa.select(Category.id, Category.default_area_id).order_by(Category.id)
    ).all()
    if not units or not categories:
        raise ValueError("load the UTs and categories first (flask demo)")
    inspectors, created = synthetic_inspectors()
    visits = insert_visits(n, units, inspectors, rng)
    insert_findings(n, visits, units, categories, rng)
    return SyntheticReport(len(visits), n, created)


def synthetic_inspectors() -> tuple[list[int], int]:
    """The demo inspector plus a few synthetic ones who cannot log in (unusable password)."""
    ids = list(db.session.scalars(sa.select(User.id).where(User.role == Role.INSPECTOR)))
    created = 0
    for number in range(1, INSPECTORS + 1):
        email = f"promotor{number}@sintetico.fieldapp.mx"
        if db.session.scalar(sa.select(User.id).where(User.email == email)):
            continue
        user = User(
            email=email,
            name=f"Promotor sintético {number}",
            role=Role.INSPECTOR,
            password_hash="!",
            active=False,
        )
        db.session.add(user)
        db.session.flush()
        ids.append(user.id)
        created += 1
    return ids, created


def pick(weights: dict, k: int, rng) -> list:
    """``k`` keys of ``weights`` drawn with those probabilities."""
    keys = list(weights)
    return [keys[i] for i in rng.choice(len(keys), k, p=list(weights.values()))]


@dataclass(frozen=True)
class VisitRow:
    id: int
    unit_index: int
    inspector_id: int
    started_at: object


def insert_visits(n: int, units, inspectors: list[int], rng) -> list[VisitRow]:
    count = max(1, -(-n // FINDINGS_PER_VISIT))
    now = utcnow().replace(microsecond=0)
    unit_idx = rng.integers(0, len(units), count)
    inspector_idx = rng.integers(0, len(inspectors), count)
    kinds = pick(KIND_WEIGHTS, count, rng)
    statuses = pick(dict(zip(VISIT_STATUSES, (0.3, 0.6, 0.1), strict=True)), count, rng)
    minutes_ago = rng.integers(60, DAYS_BACK * 24 * 60, count)
    rows = []
    for i in range(count):
        started = now - timedelta(minutes=int(minutes_ago[i]))
        rows.append(
            {
                "uuid": uuid.uuid4(),
                "kind": kinds[i],
                "status": statuses[i],
                "inspector_id": inspectors[int(inspector_idx[i])],
                "started_at": started,
                "ended_at": started + timedelta(hours=2),
                "submitted_at": started + timedelta(hours=2),
                "territorial_unit_id": units[int(unit_idx[i])].id,
                "notes": "Visita sintética.",
                "participants": [],
                "track": None,
                "created_at": now,
                "updated_at": now,
            }
        )
    table = Visit.__table__
    insert = table.insert().returning(table.c.id, sort_by_parameter_order=True)
    ids: list[int] = []
    for start in range(0, count, BATCH):
        ids += db.session.scalars(insert, rows[start : start + BATCH]).all()
    return [
        VisitRow(ids[i], int(unit_idx[i]), rows[i]["inspector_id"], rows[i]["started_at"])
        for i in range(count)
    ]


def sample_points(geometry: shapely.Geometry, k: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """``k`` random (lat, lon) inside ``geometry``, by vectorised rejection sampling."""
    min_x, min_y, max_x, max_y = geometry.bounds
    shapely.prepare(geometry)
    lats, lons = np.empty(0), np.empty(0)
    while len(lats) < k:
        want = max(64, 2 * (k - len(lats)))
        xs = rng.uniform(min_x, max_x, want)
        ys = rng.uniform(min_y, max_y, want)
        inside = shapely.contains_xy(geometry, xs, ys)
        lats, lons = np.concatenate([lats, ys[inside]]), np.concatenate([lons, xs[inside]])
    return lats[:k], lons[:k]


def insert_findings(n: int, visits: list[VisitRow], units, categories, rng) -> None:
    visit_of = np.arange(n) % len(visits)
    lats, lons = np.empty(n), np.empty(n)
    unit_of = np.array([visits[v].unit_index for v in visit_of])
    for unit_index in np.unique(unit_of):
        where = np.flatnonzero(unit_of == unit_index)
        geometry = shapely.from_wkb(units[int(unit_index)].geometry_wkb)
        lats[where], lons[where] = sample_points(geometry, len(where), rng)
    lats, lons = np.round(lats, 6), np.round(lons, 6)
    placed = locator.place_many(lats, lons)
    category_idx = rng.integers(0, len(categories), n)
    statuses = pick(STATUS_WEIGHTS, n, rng)
    priorities = pick({p: 1 / len(Priority) for p in Priority}, n, rng)
    offsets = rng.integers(5, 120, n)
    accuracy = np.round(rng.uniform(3, 30, n), 1)
    now = utcnow().replace(microsecond=0)
    table = Finding.__table__
    rows = []
    for i in range(n):
        visit = visits[int(visit_of[i])]
        category = categories[int(category_idx[i])]
        unit_id = int(placed.unit_ids[i])
        nearest = int(placed.nearest_unit_ids[i])
        rows.append(
            {
                "uuid": uuid.uuid4(),
                "visit_id": visit.id,
                "category_id": category.id,
                "area_id": category.default_area_id,
                "created_by_id": visit.inspector_id,
                "description": f"Hallazgo sintético {i + 1}",
                "lat": float(lats[i]),
                "lon": float(lons[i]),
                "accuracy_m": float(accuracy[i]),
                "territorial_unit_id": unit_id if unit_id >= 0 else None,
                "outside_unit": unit_id < 0,
                "nearest_unit_id": nearest if nearest >= 0 else None,
                "nearest_distance_m": None if unit_id >= 0 else float(placed.distances_m[i]),
                "status": statuses[i],
                "priority": priorities[i],
                "captured_at": visit.started_at + timedelta(minutes=int(offsets[i])),
                "created_at": now,
                "updated_at": now,
            }
        )
        if len(rows) == BATCH:
            db.session.execute(table.insert(), rows)
            rows = []
    if rows:
        db.session.execute(table.insert(), rows)
