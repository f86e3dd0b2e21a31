"""GET endpoints: what the phone caches for offline use, and findings as GeoJSON."""

from __future__ import annotations

import math

import sqlalchemy as sa
from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from fieldapp.api import bp
from fieldapp.api.serializers import finding_feature, project_json, visit_json
from fieldapp.api.validation import Invalid, parse_datetime, parse_uuid
from fieldapp.extensions import db
from fieldapp.findings.models import FindingStatus
from fieldapp.findings.services import FindingFilters, find_findings
from fieldapp.projects.models import Project
from fieldapp.visits.models import Visit
from fieldapp.visits.services import visible_visits

MAX_LIMIT = 5000


def parse_bbox(value: str | None):
    if not value:
        return None
    try:
        parts = [float(v) for v in value.split(",")]
    except ValueError:
        parts = []
    ok = (
        len(parts) == 4
        and all(math.isfinite(v) for v in parts)
        and (-180 <= parts[0] <= parts[2] <= 180 and -90 <= parts[1] <= parts[3] <= 90)
    )
    if not ok:
        raise Invalid({"bbox": [_("Usa bbox=lon_min,lat_min,lon_max,lat_max.")]})
    return tuple(parts)


def finding_filters(args) -> FindingFilters:
    errors: dict[str, list[str]] = {}
    status = args.get("status")
    if status and status not in {s.value for s in FindingStatus}:
        errors["status"] = [_("Estado desconocido.")]
    dates = {}
    for name in ("from", "to"):
        dates[name] = parse_datetime(args[name]) if args.get(name) else None
        if args.get(name) and dates[name] is None:
            errors[name] = [_("Fecha y hora ISO 8601 con zona horaria.")]
    visit = parse_uuid(args["visit"]) if args.get("visit") else None
    if args.get("visit") and visit is None:
        errors["visit"] = [_("Debe ser un UUID.")]
    limit = args.get("limit", "1000")
    if not limit.isdigit() or not 1 <= int(limit) <= MAX_LIMIT:
        errors["limit"] = [_("Entre 1 y %(n)d.", n=MAX_LIMIT)]
    if errors:
        raise Invalid(errors)
    return FindingFilters(
        bbox=parse_bbox(args.get("bbox")),
        unit_code=args.get("ut"),
        category=args.get("category"),
        status=FindingStatus(status) if status else None,
        since=dates["from"],
        until=dates["to"],
        visit=visit,
        limit=int(limit),
    )


@bp.get("/findings")
def list_findings():
    """GeoJSON FeatureCollection (RFC 7946) of the findings the user may see."""
    findings = find_findings(current_user, finding_filters(request.args))
    return jsonify(type="FeatureCollection", features=[finding_feature(f) for f in findings])


@bp.get("/visits")
def list_visits():
    """The user's own latest visits, with the supervisor's comments when returned."""
    visits = db.session.scalars(
        visible_visits(current_user, own=True)
        .options(
            selectinload(Visit.findings),
            selectinload(Visit.signatures),
            selectinload(Visit.territorial_unit),
            selectinload(Visit.project),
        )
        .order_by(Visit.started_at.desc())
        .limit(100)
    )
    return jsonify(visits=[visit_json(v) for v in visits])


@bp.get("/projects")
def list_projects():
    projects = db.session.scalars(
        sa.select(Project)
        .options(selectinload(Project.territorial_unit), selectinload(Project.committee))
        .order_by(Project.year.desc(), Project.name)
    )
    return jsonify(projects=[project_json(p) for p in projects])
