"""Placing the records that carry a position (findings, visits, projects) in their UT.

The one place where territory knows the tables that point at it: after the UT layer
changes, every record is placed again in bulk (one tree query for all rows, one UPDATE
batch for the rows whose UT changed). The single-record rules live with each domain's
services (``findings.sync.place_finding``, ``visits.sync.place_visit``); the bulk rules here
follow them: a finding by its point (outside every UT: flagged, with the nearest UT); a
project by its point (outside: the nearest UT); a visit by the first point of its track
(outside: the nearest UT), else its project's UT, else its first finding's.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import sqlalchemy as sa

from fieldapp.extensions import db
from fieldapp.findings.models import Finding
from fieldapp.orm import utcnow
from fieldapp.projects.models import Project
from fieldapp.territory.locator import NO_UNIT, locator
from fieldapp.visits.models import Visit

PLACED_MODELS = (Finding, Visit, Project)


def reassign_all() -> dict[str, int]:
    """Place every finding, project and visit again; returns how many of each changed.

    Flushes first and expires the placed objects held by the session afterwards, so
    they read the new values; the caller commits.
    """
    db.session.flush()
    changed = {
        "findings": reassign_findings(),
        "projects": reassign_projects(),
        "visits": reassign_visits(),
    }
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, PLACED_MODELS):
            db.session.expire(obj)
    return changed


def detach_units(unit_ids: Iterable[int]) -> None:
    """Remove every reference to these UTs (before deleting them); ``reassign_all`` follows."""
    ids = list(unit_ids)
    if not ids:
        return
    for model, column in (
        (Finding, Finding.territorial_unit_id),
        (Finding, Finding.nearest_unit_id),
        (Visit, Visit.territorial_unit_id),
        (Project, Project.territorial_unit_id),
    ):
        db.session.execute(
            sa.update(model).where(column.in_(ids)).values({column.key: None}),
            execution_options={"synchronize_session": False},
        )


def reassign_findings() -> int:
    rows = db.session.execute(
        sa.select(
            Finding.id,
            Finding.lat,
            Finding.lon,
            Finding.territorial_unit_id,
            Finding.nearest_unit_id,
            Finding.nearest_distance_m,
        )
    ).all()
    if not rows:
        return 0
    ids, lats, lons, units, nearest, dist = (list(col) for col in zip(*rows, strict=True))
    placed = locator.place_many(lats, lons)
    new_units = nullable(placed.unit_ids)
    new_nearest = nullable(placed.nearest_unit_ids)
    new_dist = [None if np.isnan(d) else float(d) for d in placed.distances_m]
    now = utcnow()
    updates = [
        {
            "id": ids[i],
            "territorial_unit_id": new_units[i],
            "outside_unit": new_units[i] is None,
            "nearest_unit_id": new_nearest[i],
            "nearest_distance_m": new_dist[i],
            "updated_at": now,
        }
        for i in range(len(ids))
        if (units[i], nearest[i]) != (new_units[i], new_nearest[i])
        or not same_distance(dist[i], new_dist[i])
    ]
    return bulk_update(Finding, updates)


def reassign_projects() -> int:
    rows = db.session.execute(
        sa.select(Project.id, Project.lat, Project.lon, Project.territorial_unit_id).where(
            Project.lat.is_not(None), Project.lon.is_not(None)
        )
    ).all()
    if not rows:
        return 0
    placed = locator.place_many([r.lat for r in rows], [r.lon for r in rows])
    units = unit_or_nearest(placed)
    now = utcnow()
    updates = [
        {"id": row.id, "territorial_unit_id": unit, "updated_at": now}
        for row, unit in zip(rows, units, strict=True)
        if row.territorial_unit_id != unit
    ]
    return bulk_update(Project, updates)


def reassign_visits() -> int:
    rows = db.session.execute(
        sa.select(Visit.id, Visit.track, Visit.project_id, Visit.territorial_unit_id)
    ).all()
    if not rows:
        return 0
    wanted: dict[int, int | None] = {}
    tracked = [(r.id, r.track[0]) for r in rows if r.track and len(r.track[0]) >= 2]
    if tracked:
        placed = locator.place_many([p[1] for _i, p in tracked], [p[0] for _i, p in tracked])
        wanted.update(zip((i for i, _p in tracked), unit_or_nearest(placed), strict=True))
    untracked = [r for r in rows if r.id not in wanted]
    project_units = dict(
        db.session.execute(sa.select(Project.id, Project.territorial_unit_id)).all()
    )
    first_finding_units = first_finding_unit_by_visit()
    for row in untracked:
        if row.project_id is not None:
            wanted[row.id] = project_units.get(row.project_id)
        elif row.id in first_finding_units:
            wanted[row.id] = first_finding_units[row.id]
    now = utcnow()
    updates = [
        {"id": row.id, "territorial_unit_id": wanted[row.id], "updated_at": now}
        for row in rows
        if row.id in wanted and row.territorial_unit_id != wanted[row.id]
    ]
    return bulk_update(Visit, updates)


def first_finding_unit_by_visit() -> dict[int, int | None]:
    """For each visit with findings: the UT (or nearest UT) of its earliest finding."""
    ranked = sa.select(
        Finding.visit_id,
        sa.func.coalesce(Finding.territorial_unit_id, Finding.nearest_unit_id).label("unit"),
        sa.func.row_number()
        .over(partition_by=Finding.visit_id, order_by=(Finding.captured_at, Finding.id))
        .label("n"),
    ).where(Finding.visit_id.is_not(None))
    sub = ranked.subquery()
    rows = db.session.execute(sa.select(sub.c.visit_id, sub.c.unit).where(sub.c.n == 1))
    return dict(rows.all())


def unit_or_nearest(placed) -> list[int | None]:
    ids = np.where(placed.unit_ids != NO_UNIT, placed.unit_ids, placed.nearest_unit_ids)
    return nullable(ids)


def nullable(ids: np.ndarray) -> list[int | None]:
    return [None if i == NO_UNIT else int(i) for i in ids.tolist()]


def same_distance(old: float | None, new: float | None) -> bool:
    if old is None or new is None:
        return old is new
    return abs(old - new) < 0.05


def bulk_update(model, updates: list[dict]) -> int:
    """One executemany UPDATE by primary key (the ORM's bulk form, no per-row objects)."""
    if updates:
        db.session.execute(sa.update(model), updates)
    return len(updates)
