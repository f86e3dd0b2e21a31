"""Query parameters of an export: the same names as the map and GET /api/v1/findings."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from fieldapp.domain_errors import Unprocessable
from fieldapp.findings.models import FindingStatus
from fieldapp.findings.services import FindingFilters

MAX_ROWS = 100_000
PUBLIC_DECIMALS = 3  # about 110 m: the block, not the door


@dataclass
class ExportOptions:
    filters: FindingFilters
    public: bool
    decimals: int | None  # coordinates rounded to this many decimals, None: as captured


def _bbox(value: str, errors: dict):
    try:
        parts = [float(v) for v in value.split(",")]
    except ValueError:
        parts = []
    if not (
        len(parts) == 4
        and all(math.isfinite(v) for v in parts)
        and -180 <= parts[0] <= parts[2] <= 180
        and -90 <= parts[1] <= parts[3] <= 90
    ):
        errors["bbox"] = [_("Usa bbox=lon_min,lat_min,lon_max,lat_max.")]
        return None
    return tuple(parts)


def _when(name: str, value: str, errors: dict) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        errors[name] = [_("Fecha y hora ISO 8601 con zona horaria.")]
        return None
    return moment


def parse_options(args) -> ExportOptions:
    """Read and check the parameters; every problem is reported at once, in Spanish."""
    errors: dict[str, list[str]] = {}
    status = args.get("status") or None
    if status and status not in {s.value for s in FindingStatus}:
        errors["status"] = [_("Estado desconocido.")]
    since = _when("from", args["from"], errors) if args.get("from") else None
    until = _when("to", args["to"], errors) if args.get("to") else None
    visit = None
    if args.get("visit"):
        try:
            visit = uuid.UUID(args["visit"])
        except ValueError:
            errors["visit"] = [_("Debe ser un UUID.")]
    limit = args.get("limit", str(MAX_ROWS))
    if not limit.isdigit() or not 1 <= int(limit) <= MAX_ROWS:
        errors["limit"] = [_("Entre 1 y %(n)d.", n=MAX_ROWS)]
    bbox = _bbox(args["bbox"], errors) if args.get("bbox") else None
    public = args.get("public") in {"1", "true", "si", "sí"}
    decimals = PUBLIC_DECIMALS if public else None
    if args.get("round"):
        if not args["round"].isdigit() or not 0 <= int(args["round"]) <= 6:
            errors["round"] = [_("Número de decimales entre 0 y 6.")]
        else:
            wanted = int(args["round"])
            decimals = min(wanted, PUBLIC_DECIMALS) if public else wanted
    if errors:
        raise Unprocessable(_("Revisa los parámetros de la exportación."), fields=errors)
    filters = FindingFilters(
        bbox=bbox,
        unit_code=args.get("ut") or None,
        category=args.get("category") or None,
        status=FindingStatus(status) if status else None,
        since=since,
        until=until,
        visit=visit,
        limit=int(limit),
    )
    return ExportOptions(filters, public, decimals)
