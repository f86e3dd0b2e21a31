"""Findings arriving from phones: upsert by UUID, placed in their UT on the server."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from fieldapp.auth.models import User
from fieldapp.domain_errors import Conflict, Forbidden, Unprocessable
from fieldapp.extensions import db
from fieldapp.findings.models import Category, Finding, FindingStatus, Priority
from fieldapp.territory.services import locator
from fieldapp.visits.models import Visit
from fieldapp.visits.sync import correct_future

FIELD_NAMES = (
    "visit_id",
    "category_id",
    "description",
    "lat",
    "lon",
    "accuracy_m",
    "captured_at",
    "priority",
    "requester_name",
    "requester_phone",
)


@dataclass
class FindingInput:
    visit: uuid.UUID
    category: str
    description: str
    lat: float
    lon: float
    accuracy_m: float | None
    captured_at: datetime
    priority: Priority
    requester_name: str | None = None
    requester_phone: str | None = None


def own_visit(key: uuid.UUID, user: User) -> Visit:
    visit = db.session.scalar(sa.select(Visit).where(Visit.uuid == key))
    if visit is None:
        # Phones send a visit before its findings; the outbox retries this one later.
        raise Conflict(
            _("La visita %(id)s aún no llega al servidor; envíala primero.", id=key),
            code="unknown_visit",
        )
    if visit.inspector_id != user.id:
        raise Forbidden(_("Esa visita es de otra persona."))
    return visit


def active_category(code: str) -> Category:
    category = db.session.scalar(
        sa.select(Category).where(Category.code == code, Category.active.is_(True))
    )
    if category is None:
        message = _("La categoría «%(code)s» no existe.", code=code)
        raise Unprocessable(message, fields={"category": [message]})
    return category


def upsert_finding(
    key: uuid.UUID, data: FindingInput, user: User, now: datetime
) -> tuple[Finding, bool]:
    """Create or update finding ``key``; returns (finding, created)."""
    visit = own_visit(data.visit, user)
    category = active_category(data.category)
    finding = db.session.scalar(sa.select(Finding).where(Finding.uuid == key))
    captured, device_captured = correct_future(
        data.captured_at,
        now,
        finding and finding.device_captured_at,
        finding and finding.captured_at,
    )
    fields = {
        "visit_id": visit.id,
        "category_id": category.id,
        "description": data.description,
        "lat": data.lat,
        "lon": data.lon,
        "accuracy_m": data.accuracy_m,
        "captured_at": captured,
        "priority": data.priority,
        "requester_name": data.requester_name,
        "requester_phone": data.requester_phone,
    }
    if finding is None:
        finding = Finding(
            uuid=key,
            created_by_id=user.id,
            area_id=category.default_area_id,
            device_captured_at=device_captured,
            **fields,
        )
        place_finding(finding, visit)
        db.session.add(finding)
        db.session.flush()
        return finding, True
    if finding.created_by_id != user.id:
        raise Forbidden(_("Ese hallazgo es de otra persona."))
    if all(getattr(finding, name) == fields[name] for name in FIELD_NAMES):
        return finding, False
    if finding.status != FindingStatus.REPORTADA:
        raise Conflict(
            _("El hallazgo ya está en seguimiento; ya no se modifica desde el teléfono."),
            code="finding_in_follow_up",
        )
    moved = (finding.lat, finding.lon) != (data.lat, data.lon)
    if finding.category_id != category.id:
        finding.area_id = category.default_area_id
    for name, value in fields.items():
        setattr(finding, name, value)
    finding.device_captured_at = device_captured
    if moved:
        place_finding(finding, visit)
    db.session.flush()
    return finding, False


def place_finding(finding: Finding, visit: Visit) -> None:
    """Its UT from GPS; outside every UT it is kept, flagged, with the nearest UT."""
    placement = locator.place(finding.lat, finding.lon)
    finding.territorial_unit_id = placement.unit_id
    finding.outside_unit = placement.outside
    finding.nearest_unit_id = placement.nearest_unit_id
    finding.nearest_distance_m = placement.distance_m
    if visit.territorial_unit_id is None:
        visit.territorial_unit_id = placement.unit_id or placement.nearest_unit_id
