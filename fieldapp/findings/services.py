"""Reading findings with the filters supervisors and phones use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from fieldapp.auth.models import Role, User
from fieldapp.extensions import db
from fieldapp.findings.models import Category, Finding, FindingStatus
from fieldapp.territory.models import TerritorialUnit
from fieldapp.visits.models import Visit


@dataclass
class FindingFilters:
    bbox: tuple[float, float, float, float] | None = None  # min lon, min lat, max lon, max lat
    unit_code: str | None = None
    category: str | None = None
    status: FindingStatus | None = None
    since: datetime | None = None
    until: datetime | None = None
    visit: object | None = None  # a visit UUID
    limit: int = 1000


def visible_findings(user: User) -> sa.Select:
    """Inspectors see the findings they captured; supervisors and admins see all."""
    query = sa.select(Finding)
    if user.role == Role.INSPECTOR:
        query = query.where(Finding.created_by_id == user.id)
    return query


def find_findings(user: User, filters: FindingFilters) -> list[Finding]:
    query = visible_findings(user).options(
        selectinload(Finding.photos),
        selectinload(Finding.category),
        selectinload(Finding.visit),
        selectinload(Finding.territorial_unit),
        selectinload(Finding.area),
        selectinload(Finding.nearest_unit),
    )
    if filters.bbox:
        min_lon, min_lat, max_lon, max_lat = filters.bbox
        query = query.where(
            Finding.lon.between(min_lon, max_lon), Finding.lat.between(min_lat, max_lat)
        )
    if filters.unit_code:
        query = query.join(
            TerritorialUnit, Finding.territorial_unit_id == TerritorialUnit.id
        ).where(TerritorialUnit.code == filters.unit_code)
    if filters.category:
        query = query.join(Category).where(Category.code == filters.category)
    if filters.status:
        query = query.where(Finding.status == filters.status)
    if filters.since:
        query = query.where(Finding.captured_at >= filters.since)
    if filters.until:
        query = query.where(Finding.captured_at < filters.until)
    if filters.visit:
        query = query.join(Visit, Finding.visit_id == Visit.id).where(Visit.uuid == filters.visit)
    return list(db.session.scalars(query.order_by(Finding.captured_at.desc()).limit(filters.limit)))
