"""Real objects for the access matrix: one of each thing a URL can name."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from fieldapp.auth.models import Role
from fieldapp.auth.services import create_user, issue_token
from fieldapp.extensions import db
from fieldapp.media.models import Photo
from fieldapp.reports.evidence import issue_visit_evidence
from fieldapp.reports.models import IssuedDocument, PlannedActivity
from fieldapp.visits.models import Signature
from tests.helpers import PASSWORD
from tests.reports.builders import make_category, make_project, make_unit, make_visit

ROLES = ("anonymous", "inspector", "other_inspector", "supervisor", "admin")
EMAILS = {
    "inspector": "insp@example.mx",  # owns the visit, the finding, the photo, the token
    "other_inspector": "otro@example.mx",
    "supervisor": "sup@example.mx",
    "admin": "admin@example.mx",
}


@dataclass
class AccessWorld:
    values: dict  # endpoint -> the URL values that name a real object


def build_access_world(client) -> AccessWorld:
    users = {
        role: create_user(email, role, Role(role.replace("other_", "")), PASSWORD)
        for role, email in EMAILS.items()
    }
    unit = make_unit()
    visit = make_visit(users["inspector"], unit, make_category(), findings=1, photos=1)
    finding = visit.findings[0]
    project = make_project(unit, with_signature=True)
    activity = PlannedActivity(year=2025, quarter=3, activity_kind="recorrido", target_count=2)
    db.session.add(activity)
    token, _raw = issue_token(users["inspector"], "Teléfono")
    db.session.commit()
    photo = db.session.scalar(sa.select(Photo))
    signature = db.session.scalar(sa.select(Signature).where(Signature.visit_id == visit.id))
    document_code = issue_document_code(client.application, users["supervisor"], visit)
    values = {
        "review.finding_page": {"key": finding.uuid},
        "review.change_status": {"key": finding.uuid},
        "review.visit_page": {"key": visit.uuid},
        "review.review": {"key": visit.uuid},
        "reports.visit_evidence": {"key": visit.uuid},
        "review.project_page": {"key": project.uuid},
        "reports.project_acta": {"key": project.uuid},
        "review.signature_image": {"key": signature.uuid},
        "media.photo_file": {"key": photo.uuid, "variant": "display"},
        "supervisor_map.finding_popup": {"finding_id": finding.id},
        "admin.toggle_active": {"user_id": users["other_inspector"].id},
        "auth.revoke_token": {"token_id": token.id},
        "api.revoke_token": {"token_id": token.id},
        "reports.plan_edit": {"activity_id": activity.id},
        "territory.unit_page": {"code": unit.code},
        "exports.download": {"name": "findings.csv"},
        "field.icon": {"size": 192},
        "static": {"filename": "css/app.css"},
        "vendor.asset": {"package": "leaflet", "filename": "leaflet.js"},
        "reports.verify": {"code": document_code},
        "api.put_visit": {"key": visit.uuid},
        "api.put_finding": {"key": finding.uuid},
        "api.put_photo": {"key": photo.uuid},
        "api.put_signature": {"key": signature.uuid},
    }
    return AccessWorld(values)


def issue_document_code(app, supervisor, visit) -> str:
    """An evidence PDF issued once, so that /verify/<code> names a real document."""
    with app.test_request_context():
        issue_visit_evidence(supervisor, visit.uuid)
        db.session.commit()
    return db.session.scalar(sa.select(IssuedDocument.code))
