"""Reading projects: progress over time and the photo timeline, from their supervisions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from fieldapp.extensions import db
from fieldapp.findings.models import Finding
from fieldapp.media.models import Photo
from fieldapp.projects.models import Project
from fieldapp.visits.models import Visit, VisitKind


@dataclass
class ProgressPoint:
    at: datetime
    progress_pct: float
    visit: Visit


def supervisions(project: Project) -> list[Visit]:
    return list(
        db.session.scalars(
            sa.select(Visit)
            .where(Visit.project_id == project.id, Visit.kind == VisitKind.SUPERVISION_OBRA)
            .options(selectinload(Visit.inspector), selectinload(Visit.photos))
            .order_by(Visit.started_at)
        )
    )


def progress_history(project: Project) -> list[ProgressPoint]:
    """% avance físico as recorded by each supervision, oldest first."""
    return [
        ProgressPoint(v.started_at, v.progress_pct, v)
        for v in supervisions(project)
        if v.progress_pct is not None
    ]


def photo_timeline(project: Project) -> list[tuple[Visit, list[Photo]]]:
    """Each supervision with its photos (of the works and of its findings), oldest first."""
    timeline = []
    for visit in supervisions(project):
        finding_photos = db.session.scalars(
            sa.select(Photo)
            .join(Finding, Photo.finding_id == Finding.id)
            .where(Finding.visit_id == visit.id)
            .order_by(Photo.created_at)
        ).all()
        photos = sorted([*visit.photos, *finding_photos], key=lambda p: p.created_at)
        if photos:
            timeline.append((visit, photos))
    return timeline


def list_projects(year: int | None = None) -> list[Project]:
    query = sa.select(Project).options(selectinload(Project.territorial_unit))
    if year:
        query = query.where(Project.year == year)
    return list(db.session.scalars(query.order_by(Project.year.desc(), Project.name)))
