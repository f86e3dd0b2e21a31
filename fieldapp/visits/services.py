"""Reading visits for the home page (writes arrive with the sync API)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from fieldapp.auth.models import Role, User
from fieldapp.extensions import db
from fieldapp.findings.models import Finding, FindingStatus
from fieldapp.visits.models import Visit

OPEN_STATUSES = (FindingStatus.REPORTADA, FindingStatus.CANALIZADA, FindingStatus.EN_ATENCION)


def visible_visits(user: User, own: bool = False) -> sa.Select:
    """Inspectors see their own visits; supervisors and admins see all (``own``: only theirs)."""
    query = sa.select(Visit)
    if own or user.role == Role.INSPECTOR:
        query = query.where(Visit.inspector_id == user.id)
    return query


def local_day_bounds(tz_name: str, now: datetime) -> tuple[datetime, datetime]:
    tz = ZoneInfo(tz_name)
    start = datetime.combine(now.astimezone(tz).date(), time.min, tzinfo=tz)
    return start, start + timedelta(days=1)


def home_summary(user: User, tz_name: str, now: datetime, limit: int = 10) -> dict:
    """Counts and the latest visits the user may see, for the home page."""
    start, end = local_day_bounds(tz_name, now)
    visits = visible_visits(user).subquery()
    today = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(visits)
        .where(visits.c.started_at >= start, visits.c.started_at < end)
    )
    open_findings = sa.select(sa.func.count(Finding.id)).where(Finding.status.in_(OPEN_STATUSES))
    if user.role == Role.INSPECTOR:
        open_findings = open_findings.where(Finding.created_by_id == user.id)
    recent = db.session.scalars(
        visible_visits(user)
        .options(
            selectinload(Visit.territorial_unit),
            selectinload(Visit.findings),
            selectinload(Visit.inspector),
        )
        .order_by(Visit.started_at.desc())
        .limit(limit)
    ).all()
    return {
        "visits_today": today,
        "open_findings": db.session.scalar(open_findings),
        "recent_visits": recent,
    }
