"""Quarter figures about demands: opened and closed by category and area, days to attend."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from fieldapp.extensions import db
from fieldapp.findings.lifecycle import CLOSED_UNFIXED, FIXED
from fieldapp.findings.models import Area, Category, Finding, FindingUpdate
from fieldapp.findings.queue import overdue_clause


@dataclass
class DemandStats:
    opened_by_category: list[tuple[str, int]]
    closed_by_category: list[tuple[str, int]]
    opened_by_area: list[tuple[str, int]]
    closed_by_area: list[tuple[str, int]]
    fixed: int
    closed_unfixed: int
    median_days_to_attend: float | None
    overdue: int


def _grouped(query) -> list[tuple[str, int]]:
    return [(name or "—", n) for name, n in db.session.execute(query)]


def demand_stats(start: datetime, end: datetime, now: datetime) -> DemandStats:
    """Opened = captured in [start, end); closed = moved to a closing status in it."""
    opened = sa.and_(Finding.captured_at >= start, Finding.captured_at < end)
    closing = (
        sa.select(FindingUpdate.finding_id, FindingUpdate.to_status, FindingUpdate.created_at)
        .where(
            FindingUpdate.to_status.in_((*FIXED, *CLOSED_UNFIXED)),
            FindingUpdate.created_at >= start,
            FindingUpdate.created_at < end,
        )
        .subquery()
    )
    closed_findings = sa.select(Finding).join(closing, closing.c.finding_id == Finding.id)

    def by(column, join, where, source=Finding):
        return (
            sa.select(column, sa.func.count(sa.distinct(Finding.id)))
            .select_from(source)
            .outerjoin(*join)
            .where(where)
            .group_by(column)
            .order_by(sa.func.count(sa.distinct(Finding.id)).desc())
        )

    closed_sub = closed_findings.subquery()
    is_closed = Finding.id.in_(sa.select(closed_sub.c.id))
    cat_join = (Category, Finding.category_id == Category.id)
    area_join = (Area, Finding.area_id == Area.id)
    attended = db.session.execute(
        sa.select(Finding.captured_at, sa.func.min(FindingUpdate.created_at))
        .join(FindingUpdate, FindingUpdate.finding_id == Finding.id)
        .where(
            FindingUpdate.to_status.in_(FIXED),
            FindingUpdate.created_at >= start,
            FindingUpdate.created_at < end,
        )
        .group_by(Finding.id, Finding.captured_at)
    ).all()
    days = [(done - captured).total_seconds() / 86400 for captured, done in attended]
    statuses = [row.to_status for row in db.session.execute(sa.select(closing.c.to_status))]
    return DemandStats(
        opened_by_category=_grouped(by(Category.name, cat_join, opened)),
        closed_by_category=_grouped(by(Category.name, cat_join, is_closed)),
        opened_by_area=_grouped(by(Area.name, area_join, opened)),
        closed_by_area=_grouped(by(Area.name, area_join, is_closed)),
        fixed=sum(1 for s in statuses if s in FIXED),
        closed_unfixed=sum(1 for s in statuses if s in CLOSED_UNFIXED),
        median_days_to_attend=round(statistics.median(days), 1) if days else None,
        overdue=db.session.scalar(sa.select(sa.func.count(Finding.id)).where(overdue_clause(now))),
    )
