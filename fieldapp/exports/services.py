"""One export: check the name and the reader's right to it, build the rows, write them."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from fieldapp.auth.models import Role
from fieldapp.domain_errors import Forbidden, NotFound, Unprocessable
from fieldapp.exports.datasets import DATASETS
from fieldapp.exports.filters import parse_options
from fieldapp.exports.formats import FORMATS, MIMETYPES, WRITERS
from fieldapp.orm import utcnow

INTERNAL_ROLES = (Role.SUPERVISOR, Role.ADMIN)


@dataclass
class ExportFile:
    data: bytes
    mimetype: str
    filename: str
    rows: int


def split_name(name: str) -> tuple[str, str]:
    """``findings.geojson`` -> (dataset, format), refusing unknown names in plain words."""
    dataset, _dot, fmt = name.rpartition(".")
    if dataset not in DATASETS:
        raise NotFound(
            _("No hay exportación «%(name)s». Conjuntos: %(sets)s.",
              name=dataset or name, sets=", ".join(DATASETS))
        )  # fmt: skip
    if fmt not in FORMATS:
        raise NotFound(
            _("Formato desconocido «%(fmt)s». Formatos: %(all)s.",
              fmt=fmt, all=", ".join(FORMATS))
        )  # fmt: skip
    if fmt == "gpx" and dataset != "visits":
        raise Unprocessable(_("GPX es para trayectos: solo se exportan así las visitas."))
    return dataset, fmt


def export(user, name: str, args) -> ExportFile:
    """The export ``name`` for ``user`` with the map's filters in ``args``.

    ``?public=1`` (any signed-in user) leaves out requesters' names and phones, committee
    and participant names, inspectors, GPS accuracy and photo hashes, and rounds
    coordinates to 3 decimals; the internal export keeps them, for supervisors and admins.
    """
    dataset, fmt = split_name(name)
    options = parse_options(args)
    if not options.public and not user.has_role(*INTERNAL_ROLES):
        raise Forbidden(
            _("La exportación interna (con datos personales) es solo para supervisores y "
              "administradores. Pide la versión pública con ?public=1.")
        )  # fmt: skip
    frame = DATASETS[dataset](options)
    data = WRITERS[fmt](frame, dataset)
    stamp = utcnow().strftime("%Y%m%d")
    kind = "publico" if options.public else "interno"
    return ExportFile(data, MIMETYPES[fmt], f"{dataset}-{kind}-{stamp}.{fmt}", len(frame))
