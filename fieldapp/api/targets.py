"""What an upload belongs to: a finding or a visit of the uploader, named by UUID.

Phones send a visit before its findings and a finding before its photos, so an unknown
owner is a 409 the outbox retries later."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask_babel import gettext as _

from fieldapp.auth.models import User
from fieldapp.domain_errors import Conflict, Forbidden, Unprocessable
from fieldapp.extensions import db
from fieldapp.findings.models import Finding
from fieldapp.findings.sync import own_visit


def _uuid(value: str | None, name: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        raise Unprocessable(
            _("«%(name)s» no es un UUID.", name=name), code="invalid_uuid"
        ) from None


def _own_finding(key, user: User) -> Finding:
    finding = db.session.scalar(sa.select(Finding).where(Finding.uuid == key))
    if finding is None:
        raise Conflict(
            _("El hallazgo %(id)s aún no llega al servidor; envíalo primero.", id=key),
            code="unknown_finding",
        )
    if finding.created_by_id != user.id:
        raise Forbidden(_("Ese hallazgo es de otra persona."))
    return finding


def photo_target(args, user: User) -> dict:
    """``?finding=<uuid>`` or ``?visit=<uuid>`` → the foreign key for the photo row."""
    finding_key, visit_key = (
        _uuid(args.get("finding"), "finding"),
        _uuid(args.get("visit"), "visit"),
    )
    if (finding_key is None) == (visit_key is None):
        raise Unprocessable(
            _("Indica ?finding=<uuid> o ?visit=<uuid> (uno de los dos)."), code="missing_target"
        )
    if finding_key is not None:
        return {"finding_id": _own_finding(finding_key, user).id}
    return {"visit_id": own_visit(visit_key, user).id}


def signature_target(args, user: User) -> dict:
    """``?visit=<uuid>&name=...&role=...`` → visit id and the signer."""
    visit_key = _uuid(args.get("visit"), "visit")
    name = (args.get("name") or "").strip()
    if visit_key is None or not name or len(name) > 200:
        raise Unprocessable(
            _("Indica ?visit=<uuid> y &name= (nombre de quien firma)."), code="missing_target"
        )
    role = (args.get("role") or "").strip()[:120] or None
    return {"visit_id": own_visit(visit_key, user).id, "signer_name": name, "signer_role": role}
