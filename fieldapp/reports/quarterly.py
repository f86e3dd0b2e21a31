"""The informe trimestral: the POA indicator, UT coverage, demands, projects, photos."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from fieldapp.extensions import db
from fieldapp.findings.models import Finding, FindingStatus, FindingUpdate
from fieldapp.media.models import Photo
from fieldapp.orm import utcnow
from fieldapp.reports.mapimage import coverage_map_svg
from fieldapp.reports.pdf import photo_item, svg_data_uri
from fieldapp.reports.plan import plan_for
from fieldapp.territory.models import TerritorialUnit
from fieldapp.territory.stats import Quarter
from fieldapp.visits.models import Visit, VisitKind, VisitStatus

# A visit counts as done once sent; a draft or a visit returned for correction does not.
DONE_STATUSES = (VisitStatus.ENVIADA, VisitStatus.VALIDADA)
CLOSED = (
    FindingStatus.ATENDIDA,
    FindingStatus.VERIFICADA,
    FindingStatus.NO_PROCEDE,
    FindingStatus.DUPLICADA,
)
HIGHLIGHTS = 6


@dataclass
class IndicatorRow:
    kind: str
    area: str | None
    description: str
    planned: int
    done: int

    @property
    def percent(self) -> float | None:
        """realizadas / proyectadas × 100; None when nothing was planned."""
        return self.done / self.planned * 100 if self.planned else None


@dataclass
class DemandRow:
    name: str
    opened: int = 0
    closed: int = 0
    overdue: int = 0
    days: list[float] = field(default_factory=list)

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.days) if self.days else None


def indicator_rows(quarter: Quarter, visits: list[Visit]) -> list[IndicatorRow]:
    """Planned activities of the quarter against the visits sent in it. Visits carry no
    area, so a kind planned for several areas counts the office's visits of that kind."""
    done = Counter(v.kind.value for v in visits if v.status in DONE_STATUSES)
    return [
        IndicatorRow(
            p.activity_kind,
            p.area.name if p.area else None,
            p.description,
            p.target_count,
            done.get(p.activity_kind, 0),
        )
        for p in plan_for(quarter.year, quarter.number)
    ]


def total_percent(rows: list[IndicatorRow]) -> float | None:
    planned = sum(r.planned for r in rows)
    return sum(r.done for r in rows) / planned * 100 if planned else None


def closing_times(finding_ids: list[int]) -> dict[int, datetime]:
    """When each finding first reached a closed status."""
    if not finding_ids:
        return {}
    rows = db.session.execute(
        sa.select(FindingUpdate.finding_id, sa.func.min(FindingUpdate.created_at))
        .where(FindingUpdate.finding_id.in_(finding_ids), FindingUpdate.to_status.in_(CLOSED))
        .group_by(FindingUpdate.finding_id)
    )
    return dict(rows.all())


def demand_tables(start: datetime, end: datetime, now: datetime):
    """Demands by category and by area: opened in the quarter, closed in it (with days to
    attend), and overdue (still open at the quarter's end past the category's days)."""
    findings = list(
        db.session.scalars(
            sa.select(Finding)
            .where(Finding.captured_at < end)
            .where(sa.or_(Finding.captured_at >= start, Finding.status.notin_(CLOSED)))
            .options(selectinload(Finding.category), selectinload(Finding.area))
        )
    )
    closed_at = closing_times([f.id for f in findings if f.status in CLOSED])
    cutoff = min(end, now)
    by_category: dict[str, DemandRow] = {}
    by_area: dict[str, DemandRow] = {}
    for f in findings:
        area = f.area.name if f.area else _("Sin área")
        rows = (
            by_category.setdefault(f.category.name, DemandRow(f.category.name)),
            by_area.setdefault(area, DemandRow(area)),
        )
        closed = closed_at.get(f.id)
        for row in rows:
            row.opened += start <= f.captured_at < end
            if closed and start <= closed < end:
                row.closed += 1
                row.days.append((closed - f.captured_at).total_seconds() / 86400)
            still_open = closed is None or closed >= cutoff
            age_days = (cutoff - f.captured_at).total_seconds() / 86400
            row.overdue += still_open and age_days > f.category.expected_days
    order = lambda rows: sorted(rows.values(), key=lambda r: (-r.opened, r.name))  # noqa: E731
    return order(by_category), order(by_area)


def project_rows(visits: list[Visit]) -> list[dict]:
    projects: dict[int, dict] = {}
    for visit in visits:
        if visit.project is None or visit.kind != VisitKind.SUPERVISION_OBRA:
            continue
        row = projects.setdefault(visit.project.id, {"project": visit.project, "visits": 0})
        row["visits"] += 1
        if visit.progress_pct is not None:
            row["progress"] = visit.progress_pct  # visits are in time order: the latest wins
    return sorted(projects.values(), key=lambda r: r["project"].name)


def highlighted_photos(visits: list[Visit]) -> list[dict]:
    """A few photos of the quarter, one per finding, validated visits first."""
    ordered = sorted(visits, key=lambda v: (v.status != VisitStatus.VALIDADA, v.started_at))
    picked = []
    for visit in ordered:
        for finding in visit.findings:
            photo: Photo | None = finding.photos[0] if finding.photos else None
            item = photo_item(photo) if photo else None
            if item and item.uri:
                picked.append({"photo": item, "finding": finding, "visit": visit})
            if len(picked) >= HIGHLIGHTS:
                return picked
    return picked


def quarterly_report(quarter: Quarter, tz_name: str, with_map: bool = True) -> dict:
    start, end = quarter.bounds(tz_name)
    visits = list(
        db.session.scalars(
            sa.select(Visit)
            .where(Visit.started_at >= start, Visit.started_at < end)
            .options(
                selectinload(Visit.project),
                selectinload(Visit.findings).selectinload(Finding.photos),
                selectinload(Visit.findings).selectinload(Finding.category),
            )
            .order_by(Visit.started_at)
        )
    )
    units = list(db.session.scalars(sa.select(TerritorialUnit).order_by(TerritorialUnit.code)))
    done = [v for v in visits if v.status in DONE_STATUSES]
    visited = {v.territorial_unit_id for v in done if v.territorial_unit_id}
    rows = indicator_rows(quarter, visits)
    by_category, by_area = demand_tables(start, end, utcnow())
    svg = coverage_map_svg(units, visited) if with_map else None
    return {
        "quarter": quarter,
        "first_day": format_date(start, "long"),
        "last_day": format_date(end - timedelta(microseconds=1), "long"),
        "indicators": rows,
        "total_percent": total_percent(rows),
        "has_plan": bool(rows),
        "visits_done": len(done),
        "units_total": len(units),
        "units_visited": len(visited & {u.id for u in units}),
        "unvisited": [u for u in units if u.id not in visited],
        "map_uri": svg_data_uri(svg) if svg else None,
        "by_category": by_category,
        "by_area": by_area,
        "projects": project_rows(done),
        "photos": highlighted_photos(done),
    }
