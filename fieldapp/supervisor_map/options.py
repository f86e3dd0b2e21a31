"""What the map page offers: the filter choices and the findings layer's settings and words."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from fieldapp.auth.models import Role, User
from fieldapp.extensions import db
from fieldapp.findings.models import Area, Category, Finding, FindingStatus
from fieldapp.labels import label
from fieldapp.territory.models import TerritorialUnit
from fieldapp.visits.models import VisitKind

CLUSTER_PIXELS = 64
POINTS_FROM_ZOOM = 17  # from street level on, every finding is its own point


@dataclass(frozen=True)
class Choice:
    value: str
    text: str


def filter_choices() -> dict[str, list[Choice]]:
    """Options of each select of the filter form (values as the URL carries them)."""
    inspectors = sa.select(User.id, User.name).where(User.role == Role.INSPECTOR)
    # Inspectors who captured something, even if their account is now disabled.
    inspectors = inspectors.where(
        sa.or_(User.active.is_(True), User.id.in_(sa.select(Finding.created_by_id).distinct()))
    )
    return {
        "tipo": [Choice(k.value, str(label(k))) for k in VisitKind],
        "estado": [Choice(s.value, str(label(s))) for s in FindingStatus],
        "categoria": [
            Choice(code, name)
            for code, name in db.session.execute(
                sa.select(Category.code, Category.name).order_by(Category.name)
            )
        ],
        "area": [
            Choice(code, name)
            for code, name in db.session.execute(
                sa.select(Area.code, Area.name).order_by(Area.name)
            )
        ],
        "ut": [
            Choice(code, f"{code} · {name}")
            for code, name in db.session.execute(
                sa.select(TerritorialUnit.code, TerritorialUnit.name).order_by(TerritorialUnit.code)
            )
        ],
        "inspector": [
            Choice(str(uid), name)
            for uid, name in db.session.execute(inspectors.order_by(User.name))
        ],
    }


def findings_layer_options(data_url: str, popup_url: str) -> dict:
    """Settings for ``L.fieldappFindings``; ``popup_url`` has ``{id}`` where the id goes."""
    return {
        "dataUrl": data_url,
        "popupUrl": popup_url,
        "statusElement": "map-status",
        "clusterPixels": CLUSTER_PIXELS,
        "pointsFromZoom": POINTS_FROM_ZOOM,
        "colorBy": "status",
        "labels": {
            "loading": _("Cargando hallazgos…"),
            "error": _("No se pudieron cargar los hallazgos. Recarga la página."),
            "count": _("Hallazgos en el mapa: {n}"),
            "aggregated": _("{n} hallazgos: acerca el mapa para verlos uno por uno."),
            "none": _("Ningún hallazgo coincide con los filtros."),
            "legend": _("Leyenda"),
            "colorBy": _("Color por"),
            "status": _("Estado"),
            "category": _("Categoría"),
            "fill": _("Relleno"),
            "ring": _("Borde"),
            "cluster": _("Grupo de hallazgos: toca para acercar"),
            "date": _("Fecha"),
            "unit": _("UT"),
            "outside": _("Fuera de toda UT"),
            "photo": _("Foto del hallazgo"),
            "open": _("Ver el hallazgo"),
            "popupError": _("No se pudo cargar el detalle."),
        },
    }
