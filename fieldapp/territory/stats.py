"""Reading what happened in each UT per quarter: visits, demands, projects (no writes)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from fieldapp.extensions import db
from fieldapp.findings.models import Category, Finding
from fieldapp.projects.models import Project
from fieldapp.territory.models import TerritorialUnit
from fieldapp.visits.models import Visit, VisitKind
from fieldapp.visits.services import OPEN_STATUSES

QUARTER_RE = re.compile(r"^(\d{4})-([1-4])$")


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter in the office's time zone (``2025-3`` is July–September 2025)."""

    year: int
    number: int

    @classmethod
    def containing(cls, moment: datetime, tz_name: str) -> Quarter:
        local = moment.astimezone(ZoneInfo(tz_name))
        return cls(local.year, (local.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text: str | None) -> Quarter | None:
        match = QUARTER_RE.match(text or "")
        return cls(int(match[1]), int(match[2])) if match else None

    def bounds(self, tz_name: str) -> tuple[datetime, datetime]:
        """[start, end) as aware datetimes, local midnight of the first day of each quarter."""
        tz = ZoneInfo(tz_name)
        start = datetime(self.year, 3 * self.number - 2, 1, tzinfo=tz)
        nxt = self.next()
        return start, datetime(nxt.year, 3 * nxt.number - 2, 1, tzinfo=tz)

    def next(self) -> Quarter:
        return Quarter(self.year + self.number // 4, self.number % 4 + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - (self.number == 1), (self.number - 2) % 4 + 1)

    def __str__(self) -> str:
        return f"{self.year}-{self.number}"


@dataclass
class UnitRow:
    """One UT's counts for a quarter."""

    id: int
    code: str
    name: str
    parent: str | None
    visits: dict[VisitKind, int] = field(default_factory=dict)
    open_findings: int = 0
    closed_findings: int = 0
    projects: int = 0
    progress: float | None = None  # mean % avance of the year's projects

    @property
    def visit_count(self) -> int:
        return sum(self.visits.values())

    @property
    def visited(self) -> bool:
        return self.visit_count > 0


SORT_KEYS = {
    "code": lambda r: r.code,
    "name": lambda r: (r.name.casefold(), r.code),
    "parent": lambda r: ((r.parent or "").casefold(), r.code),
    "visits": lambda r: (r.visit_count, r.code),
    "open": lambda r: (r.open_findings, r.code),
    "closed": lambda r: (r.closed_findings, r.code),
    "projects": lambda r: (r.projects, r.code),
    "progress": lambda r: (r.progress if r.progress is not None else -1.0, r.code),
}


def unit_rows(quarter: Quarter, tz_name: str, parent: str | None = None) -> list[UnitRow]:
    """Every UT (of ``parent``, if given) with its counts for ``quarter``: four queries."""
    start, end = quarter.bounds(tz_name)
    units = sa.select(
        TerritorialUnit.id, TerritorialUnit.code, TerritorialUnit.name, TerritorialUnit.parent
    ).order_by(TerritorialUnit.code)
    if parent:
        units = units.where(TerritorialUnit.parent == parent)
    rows = {r.id: UnitRow(r.id, r.code, r.name, r.parent) for r in db.session.execute(units)}
    for unit_id, kind, n in visit_counts(start, end):
        if unit_id in rows:
            rows[unit_id].visits[kind] = n
    for unit_id, is_open, n in finding_counts(start, end):
        if unit_id in rows:
            if is_open:
                rows[unit_id].open_findings += n
            else:
                rows[unit_id].closed_findings += n
    for unit_id, n, progress in project_counts(quarter.year):
        if unit_id in rows:
            rows[unit_id].projects = n
            rows[unit_id].progress = round(float(progress), 1)
    return list(rows.values())


def sort_rows(rows: list[UnitRow], key: str, descending: bool) -> list[UnitRow]:
    """Sort by one of ``SORT_KEYS`` (unknown keys sort by code)."""
    return sorted(rows, key=SORT_KEYS.get(key, SORT_KEYS["code"]), reverse=descending)


def visit_counts(start: datetime, end: datetime, unit_id: int | None = None):
    query = (
        sa.select(Visit.territorial_unit_id, Visit.kind, sa.func.count(Visit.id))
        .where(Visit.started_at >= start, Visit.started_at < end)
        .where(Visit.territorial_unit_id.is_not(None))
        .group_by(Visit.territorial_unit_id, Visit.kind)
    )
    if unit_id is not None:
        query = query.where(Visit.territorial_unit_id == unit_id)
    return db.session.execute(query).all()


def is_open_expr():
    return sa.case((Finding.status.in_(OPEN_STATUSES), True), else_=False)


def finding_counts(start: datetime, end: datetime):
    is_open = is_open_expr().label("is_open")
    query = (
        sa.select(Finding.territorial_unit_id, is_open, sa.func.count(Finding.id))
        .where(Finding.captured_at >= start, Finding.captured_at < end)
        .where(Finding.territorial_unit_id.is_not(None))
        .group_by(Finding.territorial_unit_id, is_open)
    )
    return db.session.execute(query).all()


def project_counts(year: int):
    query = (
        sa.select(
            Project.territorial_unit_id,
            sa.func.count(Project.id),
            sa.func.avg(Project.progress_pct),
        )
        .where(Project.year == year, Project.territorial_unit_id.is_not(None))
        .group_by(Project.territorial_unit_id)
    )
    return db.session.execute(query).all()


@dataclass
class CategoryCount:
    name: str
    color: str
    open: int = 0
    closed: int = 0


@dataclass
class UnitDetail:
    """A UT page's numbers: visits by kind for each quarter of the year, demands by
    category in the chosen quarter, and the UT's projects."""

    visits_by_quarter: dict[VisitKind, list[int]]
    categories: list[CategoryCount]
    projects: list[Project]


def unit_detail(unit: TerritorialUnit, quarter: Quarter, tz_name: str) -> UnitDetail:
    """Counts for one UT (see ``UnitDetail``)."""
    by_kind: dict[VisitKind, list[int]] = {kind: [0, 0, 0, 0] for kind in VisitKind}
    for number in range(1, 5):
        start, end = Quarter(quarter.year, number).bounds(tz_name)
        for _unit, kind, n in visit_counts(start, end, unit.id):
            by_kind[kind][number - 1] = n
    return UnitDetail(by_kind, category_counts(unit.id, quarter, tz_name), unit_projects(unit.id))


def category_counts(unit_id: int, quarter: Quarter, tz_name: str) -> list[CategoryCount]:
    start, end = quarter.bounds(tz_name)
    is_open = is_open_expr().label("is_open")
    query = (
        sa.select(Category.name, Category.color, is_open, sa.func.count(Finding.id))
        .join(Finding.category)
        .where(Finding.territorial_unit_id == unit_id)
        .where(Finding.captured_at >= start, Finding.captured_at < end)
        .group_by(Category.name, Category.color, is_open)
        .order_by(Category.name)
    )
    counts: dict[str, CategoryCount] = {}
    for name, color, open_, n in db.session.execute(query):
        entry = counts.setdefault(name, CategoryCount(name, color))
        if open_:
            entry.open += n
        else:
            entry.closed += n
    return list(counts.values())


def unit_projects(unit_id: int) -> list[Project]:
    return list(
        db.session.scalars(
            sa.select(Project)
            .where(Project.territorial_unit_id == unit_id)
            .order_by(Project.year.desc(), Project.name)
        )
    )


def unit_parents() -> list[str]:
    """The distinct parents (alcaldías, municipios), for the list's filter."""
    query = sa.select(TerritorialUnit.parent).where(TerritorialUnit.parent.is_not(None))
    return list(db.session.scalars(query.distinct().order_by(TerritorialUnit.parent)))
