"""The life of a demand: who may move it where, and the append-only record of each step.

reportada → canalizada (to an area, optional external folio) → en_atencion → atendida →
verificada; no_procede and duplicada close a demand without fixing it, so a closed demand
always says whether it was solved.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from fieldapp.auth.models import Role, User
from fieldapp.domain_errors import Forbidden, Unprocessable
from fieldapp.extensions import db
from fieldapp.findings.models import Area, Finding, FindingStatus, FindingUpdate
from fieldapp.media.services import store_photo

S = FindingStatus
OPEN = (S.REPORTADA, S.CANALIZADA, S.EN_ATENCION)
FIXED = (S.ATENDIDA, S.VERIFICADA)
CLOSED_UNFIXED = (S.NO_PROCEDE, S.DUPLICADA)
REVIEWERS = (Role.SUPERVISOR, Role.ADMIN)

# target status -> (statuses it may come from, roles that may move it there)
TRANSITIONS: dict[FindingStatus, tuple[tuple[FindingStatus, ...], tuple[Role, ...]]] = {
    S.CANALIZADA: ((S.REPORTADA, S.CANALIZADA), REVIEWERS),  # again: routed elsewhere
    S.EN_ATENCION: ((S.CANALIZADA, S.ATENDIDA), REVIEWERS),  # from atendida: not fixed after all
    S.ATENDIDA: ((S.CANALIZADA, S.EN_ATENCION), REVIEWERS),
    # Checking a fix in the field is also the inspectors' job.
    S.VERIFICADA: ((S.ATENDIDA,), (*REVIEWERS, Role.INSPECTOR)),
    S.NO_PROCEDE: ((S.REPORTADA, S.CANALIZADA, S.EN_ATENCION), REVIEWERS),
    S.DUPLICADA: ((S.REPORTADA, S.CANALIZADA), REVIEWERS),
    S.REPORTADA: ((S.NO_PROCEDE, S.DUPLICADA), REVIEWERS),  # reopen a closed-unfixed one
}


@dataclass
class Change:
    """What the person asked for; validated by ``apply_change``."""

    to_status: FindingStatus
    note: str = ""
    area_code: str | None = None
    external_folio: str | None = None
    duplicate_of: Finding | None = None
    photos: list[bytes] = field(default_factory=list)


def allowed_targets(finding: Finding, user: User) -> list[FindingStatus]:
    """The statuses ``user`` may move ``finding`` to now."""
    return [
        target
        for target, (sources, roles) in TRANSITIONS.items()
        if finding.status in sources
        and user.role in roles
        and (user.role != Role.INSPECTOR or finding.created_by_id == user.id)
    ]


def clean_folio(value: str | None) -> str | None:
    """An external folio (CESAC, SUAC, SISAI): printable text, at most 80 characters."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if len(value) > 80 or any(unicodedata.category(c).startswith("C") for c in value):
        raise Unprocessable(
            _("El folio solo puede tener texto imprimible (máximo 80 caracteres)."),
            fields={"external_folio": [_("Folio no válido.")]},
        )
    return value


def apply_change(finding: Finding, change: Change, user: User) -> FindingUpdate:
    """Move ``finding`` as asked, recording who, when, why and the photos (flushes).

    Everything is checked before anything changes, so a refused change leaves no trace.
    """
    target = change.to_status
    if target not in allowed_targets(finding, user):
        _sources, roles = TRANSITIONS.get(target, ((), ()))
        if user.role not in roles:
            raise Forbidden(
                _("Tu rol no puede pasar demandas a «%(status)s».", status=target.value)
            )
        raise Unprocessable(
            _(
                "Una demanda «%(current)s» no puede pasar a «%(status)s».",
                current=finding.status.value,
                status=target.value,
            )
        )
    note = (change.note or "").strip()
    if len(note) > 5000:
        raise Unprocessable(_("La nota es demasiado larga (máximo 5000 caracteres)."))
    folio = clean_folio(change.external_folio)
    area = _area_for(finding, change.area_code) if target == S.CANALIZADA else None
    original = _original_of(finding, change.duplicate_of) if target == S.DUPLICADA else None
    if target == S.VERIFICADA and not change.photos:
        raise Unprocessable(
            _("Para verificar hace falta la foto de «después»."),
            fields={"photos": [_("Sube al menos una foto.")]},
        )
    if target == S.NO_PROCEDE and not note:
        raise Unprocessable(
            _("Explica en la nota por qué no procede."),
            fields={"note": [_("Obligatoria para cerrar sin atender.")]},
        )
    update = FindingUpdate(
        finding_id=finding.id,
        author_id=user.id,
        from_status=finding.status,
        to_status=target,
        note=note,
        external_folio=folio,
        area_id=area.id if area else None,
    )
    db.session.add(update)
    if area is not None:
        finding.area_id = area.id
    if folio:
        finding.external_folio = folio
    if original is not None:
        finding.duplicate_of_id = original.id
    finding.status = target
    db.session.flush()
    for data in change.photos:
        store_photo(data, finding_update_id=update.id, uploaded_by_id=user.id)
    return update


def _area_for(finding: Finding, code: str | None) -> Area:
    """The chosen area, or the category's default one."""
    if code:
        area = db.session.scalar(sa.select(Area).where(Area.code == code, Area.active.is_(True)))
        if area is None:
            raise Unprocessable(
                _("El área «%(code)s» no existe.", code=code),
                fields={"area": [_("Elige un área de la lista.")]},
            )
        return area
    if finding.category.default_area is None:
        raise Unprocessable(_("Elige el área responsable."), fields={"area": [_("Obligatoria.")]})
    return finding.category.default_area


def _original_of(finding: Finding, original: Finding | None) -> Finding:
    """The first demand of a chain of duplicates; never the finding itself."""
    if original is None or original.id == finding.id:
        raise Unprocessable(
            _("Indica la demanda original (no puede ser la misma)."),
            fields={"duplicate_of": [_("Elige la demanda original.")]},
        )
    while original.duplicate_of is not None:
        original = original.duplicate_of
        if original.id == finding.id:
            raise Unprocessable(_("Esa demanda ya es un duplicado de esta."))
    return original
