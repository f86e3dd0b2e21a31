"""Spanish (translatable) names for the values stored in code."""

from flask_babel import lazy_gettext as _l

from fieldapp.auth.models import Role
from fieldapp.findings.models import FindingStatus, Priority
from fieldapp.visits.models import VisitKind, VisitStatus

LABELS = {
    Role.INSPECTOR: _l("Inspector(a)"),
    Role.SUPERVISOR: _l("Supervisor(a)"),
    Role.ADMIN: _l("Administrador(a)"),
    VisitKind.RECORRIDO: _l("Recorrido"),
    VisitKind.SUPERVISION_OBRA: _l("Supervisión de obra"),
    VisitKind.EVALUACION_SERVICIO: _l("Evaluación de servicio"),
    VisitKind.ASAMBLEA: _l("Asamblea"),
    VisitStatus.BORRADOR: _l("Borrador"),
    VisitStatus.ENVIADA: _l("Enviada"),
    VisitStatus.VALIDADA: _l("Validada"),
    VisitStatus.DEVUELTA: _l("Devuelta"),
    FindingStatus.REPORTADA: _l("Reportada"),
    FindingStatus.CANALIZADA: _l("Canalizada"),
    FindingStatus.EN_ATENCION: _l("En atención"),
    FindingStatus.ATENDIDA: _l("Atendida"),
    FindingStatus.VERIFICADA: _l("Verificada"),
    FindingStatus.NO_PROCEDE: _l("No procede"),
    FindingStatus.DUPLICADA: _l("Duplicada"),
    Priority.BAJA: _l("Baja"),
    Priority.MEDIA: _l("Media"),
    Priority.ALTA: _l("Alta"),
}


def label(value):
    """The display name of an enum member; unknown values are shown as they are."""
    return LABELS.get(value, value)
