"""The follow-up queue (bandeja de seguimiento): filtered, sorted, paged, with counts."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from fieldapp.auth.models import Role, User
from fieldapp.extensions import db
from fieldapp.findings.lifecycle import OPEN
from fieldapp.findings.models import Area, Category, Finding, FindingStatus
from fieldapp.territory.models import TerritorialUnit

PAGE_SIZE = 50
DUPLICATE_RADIUS_M = 50
SORTS = {
    "age": (Finding.captured_at.asc(), Finding.id),
    "recent": (Finding.captured_at.desc(), Finding.id.desc()),
    "category": (Category.name, Finding.captured_at),
    "ut": (TerritorialUnit.code, Finding.captured_at),
    "status": (Finding.status, Finding.captured_at),
}


@dataclass
class QueueFilters:
    status: FindingStatus | None = None
    open_only: bool = True
    area: str | None = None
    category: str | None = None
    unit: str | None = None
    inspector: int | None = None
    min_age_days: int | None = None
    overdue_only: bool = False
    sort: str = "age"
    page: int = 1


@dataclass
class QueuePage:
    findings: list[Finding]
    total: int
    page: int
    pages: int
    counts: dict[str, int]


def age_days(finding: Finding, now: datetime) -> int:
    return max(0, (now - finding.captured_at).days)


def is_overdue(finding: Finding, now: datetime) -> bool:
    return finding.status in OPEN and age_days(finding, now) > finding.category.expected_days


def overdue_clause(now: datetime):
    """Open and older than its category's expected days (portable: one term per category)."""
    terms = [
        sa.and_(
            Finding.category_id == category_id, Finding.captured_at < now - timedelta(days=days)
        )
        for category_id, days in db.session.execute(sa.select(Category.id, Category.expected_days))
    ]
    return sa.and_(Finding.status.in_(OPEN), sa.or_(*terms) if terms else sa.false())


def _filtered(filters: QueueFilters, now: datetime, with_status: bool = True) -> sa.Select:
    query = (
        sa.select(Finding)
        .join(Category, Finding.category_id == Category.id)
        .outerjoin(TerritorialUnit, Finding.territorial_unit_id == TerritorialUnit.id)
    )
    if with_status:
        if filters.status:
            query = query.where(Finding.status == filters.status)
        elif filters.open_only:
            query = query.where(Finding.status.in_(OPEN))
    if filters.area:
        query = query.where(
            Finding.area_id == sa.select(Area.id).where(Area.code == filters.area).scalar_subquery()
        )
    if filters.category:
        query = query.where(Category.code == filters.category)
    if filters.unit:
        query = query.where(TerritorialUnit.code == filters.unit)
    if filters.inspector:
        query = query.where(Finding.created_by_id == filters.inspector)
    if filters.min_age_days:
        query = query.where(Finding.captured_at <= now - timedelta(days=filters.min_age_days))
    if filters.overdue_only:
        query = query.where(overdue_clause(now))
    return query


def queue_page(filters: QueueFilters, now: datetime) -> QueuePage:
    """One page of the queue, plus the count per status for the same filters."""
    query = _filtered(filters, now)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(1, filters.page), pages)
    findings = db.session.scalars(
        query.options(
            selectinload(Finding.category),
            selectinload(Finding.area),
            selectinload(Finding.territorial_unit),
            selectinload(Finding.photos),
        )
        .order_by(*SORTS[filters.sort])
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    by_status = _filtered(filters, now, with_status=False).subquery()
    counts = {
        str(status): n
        for status, n in db.session.execute(
            sa.select(by_status.c.status, sa.func.count()).group_by(by_status.c.status)
        )
    }
    counts["overdue"] = db.session.scalar(
        sa.select(sa.func.count()).select_from(
            _filtered(filters, now, with_status=False).where(overdue_clause(now)).subquery()
        )
    )
    return QueuePage(list(findings), total, page, pages, counts)


def possible_duplicates(finding: Finding) -> list[tuple[Finding, float]]:
    """Open findings of the same category within 50 m, nearest first, with the distance."""
    dlat = DUPLICATE_RADIUS_M / 111_320
    dlon = dlat / max(math.cos(math.radians(finding.lat)), 0.01)
    near = db.session.scalars(
        sa.select(Finding).where(
            Finding.id != finding.id,
            Finding.category_id == finding.category_id,
            Finding.status.in_(OPEN),
            Finding.lat.between(finding.lat - dlat, finding.lat + dlat),
            Finding.lon.between(finding.lon - dlon, finding.lon + dlon),
        )
    )
    found = [(other, metres(finding, other)) for other in near]
    return sorted([(f, d) for f, d in found if d <= DUPLICATE_RADIUS_M], key=lambda x: x[1])


def metres(a: Finding, b: Finding) -> float:
    """Haversine distance between two findings."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))


def inspectors() -> list[User]:
    return list(
        db.session.scalars(sa.select(User).where(User.role == Role.INSPECTOR).order_by(User.name))
    )
