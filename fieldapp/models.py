"""Imports every domain's models so metadata is complete (Alembic, tests, shell)."""

from fieldapp.audit.models import AuditEvent
from fieldapp.auth.models import ApiToken, Role, User
from fieldapp.findings.models import Area, Category, Finding, FindingStatus, FindingUpdate, Priority
from fieldapp.media.models import Photo
from fieldapp.projects.models import CommitteeMember, Project
from fieldapp.reports.models import IssuedDocument, PlannedActivity
from fieldapp.territory.models import TerritorialUnit
from fieldapp.visits.models import Signature, Visit, VisitKind, VisitStatus

__all__ = [
    "ApiToken",
    "Area",
    "AuditEvent",
    "Category",
    "CommitteeMember",
    "Finding",
    "FindingStatus",
    "FindingUpdate",
    "IssuedDocument",
    "Photo",
    "PlannedActivity",
    "Priority",
    "Project",
    "Role",
    "Signature",
    "TerritorialUnit",
    "User",
    "Visit",
    "VisitKind",
    "VisitStatus",
]
