"""Importing a UT layer: all or nothing, upsert by code, then place every record again."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import sqlalchemy as sa

from fieldapp.audit.services import record_event
from fieldapp.extensions import db
from fieldapp.territory.assignment import detach_units, reassign_all
from fieldapp.territory.features import Layer, Rejection
from fieldapp.territory.layers import read_layer
from fieldapp.territory.locator import locator
from fieldapp.territory.models import TerritorialUnit
from fieldapp.territory.services import apply_unit


@dataclass
class ImportOptions:
    """How to read the layer: which fields hold the code, name and parent UT."""

    code_field: str | None
    name_field: str
    parent_field: str | None = None
    parent: str | None = None  # one parent for every unit, when the layer has no such field
    layer: str | None = None
    assume_crs: str | None = None
    replace: bool = False


@dataclass
class ImportReport:
    """The summary shown after an import (or an attempt refused because of bad features)."""

    source: str
    features_read: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    deleted: list[str] = field(default_factory=list)
    kept: int = 0  # stored UTs absent from the file, kept because --replace was not given
    repaired: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    generated_codes: bool = False
    reassigned: dict[str, int] = field(default_factory=dict)

    @property
    def applied(self) -> bool:
        """False when any feature was rejected: then nothing at all was stored."""
        return not self.rejected

    @property
    def changes(self) -> int:
        return len(self.created) + len(self.updated) + len(self.deleted)


def import_units(path: str | os.PathLike, options: ImportOptions, actor=None, source=None):
    """Read ``path``, check every feature and, only if all are good, store them.

    Raises ``LayerError`` when the file cannot be used at all. Returns an ``ImportReport``;
    when features were rejected it lists them and the database is untouched. Otherwise UTs
    are upserted by code (``replace`` also deletes UTs absent from the file), the locator
    is refreshed and findings, visits and projects are placed again. Flushes only.
    """
    layer = read_layer(
        path,
        options.code_field,
        options.name_field,
        options.parent_field,
        options.parent,
        options.layer,
        options.assume_crs,
    )
    report = report_from(layer, source or os.path.basename(str(path)))
    if not report.applied:
        return report
    store(layer, options.replace, report)
    if report.changes:
        locator.invalidate()
        report.reassigned = reassign_all()
        record_event(
            "territory.import",
            actor,
            "territorial_units",
            None,
            source=report.source,
            created=len(report.created),
            updated=len(report.updated),
            deleted=len(report.deleted),
            repaired=len(report.repaired),
        )
    return report


def report_from(layer: Layer, source: str) -> ImportReport:
    return ImportReport(
        source=source,
        features_read=layer.features_read,
        repaired=list(layer.repaired),
        rejected=list(layer.rejected),
        notes=list(layer.notes),
        generated_codes=layer.generated_codes,
    )


def store(layer: Layer, replace: bool, report: ImportReport) -> None:
    """Upsert every record by code; with ``replace``, delete the UTs not in the layer."""
    existing = {u.code: u for u in db.session.scalars(sa.select(TerritorialUnit))}
    for record in layer.records:
        unit = existing.get(record.code)
        if unit is None:
            unit = TerritorialUnit(code=record.code)
            db.session.add(unit)
        changed = apply_unit(unit, record.name, record.geometry, record.parent)
        if record.code not in existing:
            report.created.append(record.code)
        elif changed:
            report.updated.append(record.code)
        else:
            report.unchanged += 1
    codes = {r.code for r in layer.records}
    missing = [u for code, u in existing.items() if code not in codes]
    if replace and missing:
        detach_units(u.id for u in missing)
        for unit in missing:
            db.session.delete(unit)
        report.deleted = sorted(u.code for u in missing)
    else:
        report.kept = len(missing)
    db.session.flush()
