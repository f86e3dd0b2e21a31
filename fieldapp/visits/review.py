"""A supervisor validates a sent visit, or returns it with comments for the inspector."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from fieldapp.audit.services import record_event
from fieldapp.auth.models import Role, User
from fieldapp.domain_errors import Forbidden, Unprocessable
from fieldapp.visits.models import Visit, VisitStatus

REVIEWERS = (Role.SUPERVISOR, Role.ADMIN)


def review_visit(visit: Visit, user: User, accept: bool, comment: str, now: datetime) -> None:
    """``enviada`` → ``validada`` (comment optional) or ``devuelta`` (comment required)."""
    if user.role not in REVIEWERS:
        raise Forbidden(_("Solo supervisión puede validar o devolver visitas."))
    if visit.inspector_id == user.id:
        raise Forbidden(_("Nadie valida sus propias visitas."))
    if visit.status != VisitStatus.ENVIADA:
        raise Unprocessable(
            _(
                "Solo se revisan visitas enviadas; esta está «%(status)s».",
                status=visit.status.value,
            )
        )
    comment = (comment or "").strip()
    if len(comment) > 5000:
        raise Unprocessable(_("El comentario es demasiado largo (máximo 5000 caracteres)."))
    if not accept and not comment:
        raise Unprocessable(
            _("Escribe qué debe corregir el inspector."),
            fields={"comment": [_("Obligatorio para devolver.")]},
        )
    visit.status = VisitStatus.VALIDADA if accept else VisitStatus.DEVUELTA
    visit.review_comment = comment or None
    visit.reviewed_by_id = user.id
    visit.reviewed_at = now
    record_event(
        "visit_validated" if accept else "visit_returned",
        actor=user,
        target_type="visit",
        target_id=str(visit.uuid),
    )
