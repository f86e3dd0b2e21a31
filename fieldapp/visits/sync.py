"""Visits arriving from phones: upsert by the phone's UUID, so a retry changes nothing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from fieldapp.auth.models import User
from fieldapp.domain_errors import Conflict, Forbidden, Unprocessable
from fieldapp.extensions import db
from fieldapp.projects.models import Project
from fieldapp.territory.services import locator
from fieldapp.visits.models import Visit, VisitKind, VisitStatus

CLOCK_TOLERANCE = timedelta(minutes=5)


@dataclass
class VisitInput:
    kind: VisitKind
    started_at: datetime
    ended_at: datetime | None
    status: VisitStatus
    track: list | None
    participants: list[dict]
    notes: str
    project: uuid.UUID | None
    place: str | None = None
    attendance_count: int | None = None
    progress_pct: float | None = None
    checklist: list[dict] | None = None


def correct_future(
    value: datetime,
    now: datetime,
    previous_claim: datetime | None = None,
    previous_value: datetime | None = None,
) -> tuple[datetime, datetime | None]:
    """A phone clock ahead of the server: keep the claim aside and use the receipt time.

    A replay of the same claim keeps the time first recorded, so retries change nothing.
    """
    if value <= now + CLOCK_TOLERANCE:
        return value, None
    if previous_claim is not None and previous_claim == value and previous_value is not None:
        return previous_value, value
    return now, value


def find_project(key: uuid.UUID | None) -> Project | None:
    if key is None:
        return None
    project = db.session.scalar(sa.select(Project).where(Project.uuid == key))
    if project is None:
        message = _("El proyecto %(id)s no existe.", id=key)
        raise Unprocessable(message, fields={"project": [message]})
    return project


def visit_fields(
    data: VisitInput, project: Project | None, now: datetime, previous: Visit | None = None
) -> dict:
    started, device_started = correct_future(
        data.started_at,
        now,
        previous and previous.device_started_at,
        previous and previous.started_at,
    )
    ended = data.ended_at
    if ended is not None and ended > now + CLOCK_TOLERANCE:
        ended = started  # the phone's clock is wrong; the duration cannot be trusted
    return {
        "kind": data.kind,
        "started_at": started,
        "device_started_at": device_started,
        "ended_at": ended,
        "track": data.track,
        "participants": data.participants,
        "notes": data.notes,
        "project_id": project.id if project else None,
        "place": data.place,
        "attendance_count": data.attendance_count,
        "progress_pct": data.progress_pct,
        "checklist": data.checklist,
    }


def unchanged(visit: Visit, fields: dict, status: VisitStatus) -> bool:
    # A draft never changes the status; "enviada" is news only to a draft or returned visit.
    same_status = status == VisitStatus.BORRADOR or visit.status in (
        VisitStatus.ENVIADA,
        VisitStatus.VALIDADA,
    )
    fields = {k: v for k, v in fields.items() if k != "device_started_at"}
    return same_status and all(getattr(visit, k) == v for k, v in fields.items())


def upsert_visit(key: uuid.UUID, data: VisitInput, user: User, now: datetime) -> tuple[Visit, bool]:
    """Create or update the visit ``key`` of ``user``; returns (visit, created)."""
    project = find_project(data.project)
    visit = db.session.scalar(sa.select(Visit).where(Visit.uuid == key))
    fields = visit_fields(data, project, now, visit)
    if visit is None:
        visit = Visit(uuid=key, inspector_id=user.id, status=data.status, **fields)
        if data.status == VisitStatus.ENVIADA:
            visit.submitted_at = now
        place_visit(visit, project)
        db.session.add(visit)
        db.session.flush()
        update_project_progress(visit, project)
        return visit, True
    if visit.inspector_id != user.id:
        raise Forbidden(_("Esta visita es de otra persona."))
    if unchanged(visit, fields, data.status):
        return visit, False
    if visit.status == VisitStatus.VALIDADA:
        raise Conflict(
            _("La visita ya fue validada; ya no se puede modificar."), code="visit_validated"
        )
    for name, value in fields.items():
        setattr(visit, name, value)
    # An old draft replayed late never un-sends a visit; sending again answers a return.
    if data.status == VisitStatus.ENVIADA and visit.status != VisitStatus.ENVIADA:
        visit.status, visit.submitted_at = VisitStatus.ENVIADA, now
    place_visit(visit, project)
    db.session.flush()
    update_project_progress(visit, project)
    return visit, False


def place_visit(visit: Visit, project: Project | None) -> None:
    """A visit's UT: where its track starts, else its project's, else (later) its first finding."""
    if visit.track:
        lon, lat = visit.track[0][0], visit.track[0][1]
        placement = locator.place(lat, lon)
        visit.territorial_unit_id = placement.unit_id or placement.nearest_unit_id
    elif project is not None and project.territorial_unit_id:
        visit.territorial_unit_id = project.territorial_unit_id


def update_project_progress(visit: Visit, project: Project | None) -> None:
    """The project's % avance is the one of its latest supervision."""
    if project is None or visit.progress_pct is None or visit.kind != VisitKind.SUPERVISION_OBRA:
        return
    latest = db.session.scalar(
        sa.select(Visit.progress_pct)
        .where(Visit.project_id == project.id, Visit.progress_pct.is_not(None))
        .order_by(Visit.started_at.desc())
        .limit(1)
    )
    if latest is not None:
        project.progress_pct = latest
