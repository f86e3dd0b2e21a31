"""Recording audit events."""

from __future__ import annotations

from flask import has_request_context, request

from fieldapp.audit.models import AuditEvent
from fieldapp.extensions import db


def client_ip() -> str | None:
    """The client's address as the WSGI server saw it (ProxyFix sets it behind a proxy)."""
    return request.remote_addr if has_request_context() else None


def record_event(
    action: str,
    actor=None,
    target_type: str | None = None,
    target_id: str | int | None = None,
    **details,
) -> AuditEvent:
    """Add an audit event to the session (the caller's transaction commits it)."""
    event = AuditEvent(
        action=action,
        actor_id=getattr(actor, "id", None),
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        ip=client_ip(),
        details=details,
    )
    db.session.add(event)
    return event
