"""Reading the queue's filters from the query string, with Spanish messages for nonsense."""

from __future__ import annotations

from flask_babel import gettext as _

from fieldapp.findings.models import FindingStatus
from fieldapp.findings.queue import SORTS, QueueFilters


def _int(value: str | None, name: str, errors: list[str], low: int, high: int) -> int | None:
    if value in (None, ""):
        return None
    if not value.isdigit() or not low <= int(value) <= high:
        errors.append(
            _(
                "«%(name)s» debe ser un número entre %(low)d y %(high)d.",
                name=name,
                low=low,
                high=high,
            )
        )
        return None
    return int(value)


def queue_filters(args) -> tuple[QueueFilters, list[str]]:
    """Filters from ``args``; unknown values are dropped and explained."""
    errors: list[str] = []
    status = args.get("status") or None
    if status and status not in {s.value for s in FindingStatus} | {"all"}:
        errors.append(_("El estado «%(value)s» no existe.", value=status[:40]))
        status = None
    sort = args.get("sort") or "age"
    if sort not in SORTS:
        errors.append(_("No se puede ordenar por «%(value)s».", value=sort[:40]))
        sort = "age"
    filters = QueueFilters(
        status=FindingStatus(status) if status and status != "all" else None,
        open_only=status != "all",
        area=(args.get("area") or None),
        category=(args.get("category") or None),
        unit=(args.get("ut") or None),
        inspector=_int(args.get("inspector"), "inspector", errors, 1, 10**9),
        min_age_days=_int(args.get("age"), _("antigüedad"), errors, 0, 3650),
        overdue_only=args.get("overdue") == "1",
        sort=sort,
        page=_int(args.get("page"), _("página"), errors, 1, 10**6) or 1,
    )
    return filters, errors
