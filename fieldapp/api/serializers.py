"""The server's view of records, as JSON for the phone."""

from __future__ import annotations

from flask import url_for

from fieldapp.findings.models import Finding
from fieldapp.media.models import Photo
from fieldapp.projects.models import Project
from fieldapp.territory.models import TerritorialUnit
from fieldapp.visits.models import Visit


def iso(value):
    return value.isoformat() if value is not None else None


def unit_ref(unit: TerritorialUnit | None) -> dict | None:
    return {"code": unit.code, "name": unit.name} if unit is not None else None


def photo_json(photo: Photo) -> dict:
    return {
        "id": str(photo.uuid),
        "sha256": photo.sha256,
        "size": photo.size,
        "width": photo.width,
        "height": photo.height,
        "content_type": photo.content_type,
        "taken_at": iso(photo.exif_taken_at),
        "url": url_for("media.photo_file", key=photo.uuid, variant="display"),
        "thumb_url": url_for("media.photo_file", key=photo.uuid, variant="thumb"),
    }


def finding_json(finding: Finding, private: bool = False) -> dict:
    body = {
        "id": str(finding.uuid),
        "visit": str(finding.visit.uuid) if finding.visit else None,
        "category": finding.category.code,
        "description": finding.description,
        "location": {"lat": finding.lat, "lon": finding.lon, "accuracy_m": finding.accuracy_m},
        "captured_at": iso(finding.captured_at),
        "device_captured_at": iso(finding.device_captured_at),
        "priority": finding.priority.value,
        "status": finding.status.value,
        "area": finding.area.code if finding.area else None,
        "territorial_unit": unit_ref(finding.territorial_unit),
        "outside_unit": finding.outside_unit,
        "nearest_unit": unit_ref(finding.nearest_unit) if finding.outside_unit else None,
        "nearest_distance_m": finding.nearest_distance_m if finding.outside_unit else None,
        "photos": [photo_json(p) for p in finding.photos],
    }
    if private:
        body["requester"] = {"name": finding.requester_name, "phone": finding.requester_phone}
    return body


def finding_feature(finding: Finding) -> dict:
    """RFC 7946 Feature; the requester never leaves the server in lists."""
    props = finding_json(finding)
    location = props.pop("location")
    props["accuracy_m"] = location["accuracy_m"]
    props["territorial_unit"] = finding.territorial_unit.code if finding.territorial_unit else None
    return {
        "type": "Feature",
        "id": str(finding.uuid),
        "geometry": {"type": "Point", "coordinates": [finding.lon, finding.lat]},
        "properties": props,
    }


def visit_json(visit: Visit) -> dict:
    return {
        "id": str(visit.uuid),
        "kind": visit.kind.value,
        "status": visit.status.value,
        "started_at": iso(visit.started_at),
        "ended_at": iso(visit.ended_at),
        "device_started_at": iso(visit.device_started_at),
        "submitted_at": iso(visit.submitted_at),
        "track": {"type": "LineString", "coordinates": visit.track} if visit.track else None,
        "participants": visit.participants,
        "notes": visit.notes,
        "project": str(visit.project.uuid) if visit.project else None,
        "place": visit.place,
        "attendance_count": visit.attendance_count,
        "progress_pct": visit.progress_pct,
        "checklist": visit.checklist,
        "territorial_unit": unit_ref(visit.territorial_unit),
        "outside_unit": visit.territorial_unit_id is None,
        "review_comment": visit.review_comment,
        "reviewed_at": iso(visit.reviewed_at),
        "findings": [str(f.uuid) for f in visit.findings],
        "signatures": [
            {"id": str(s.uuid), "name": s.signer_name, "role": s.signer_role, "sha256": s.sha256}
            for s in visit.signatures
        ],
    }


def project_json(project: Project) -> dict:
    return {
        "id": str(project.uuid),
        "name": project.name,
        "year": project.year,
        "program": project.program,
        "progress_pct": project.progress_pct,
        "territorial_unit": unit_ref(project.territorial_unit),
        "location": {"lat": project.lat, "lon": project.lon} if project.lat is not None else None,
        "committee": [{"name": m.name, "role": m.role} for m in project.committee if m.active],
    }
