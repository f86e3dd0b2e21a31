"""Checking the features of a layer: codes, names, polygons, repairs and duplicates."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import shapely
from flask_babel import gettext as _
from flask_babel import ngettext

from fieldapp.territory.models import TerritorialUnit

# Mexico's extent in lon/lat with a small margin (Isla Guadalupe to Quintana Roo).
MEXICO_BOUNDS = (-118.7, 14.0, -86.4, 33.0)
POLYGONAL = {"Polygon", "MultiPolygon"}
CODE_MAX = TerritorialUnit.__table__.c.code.type.length
NAME_MAX = TerritorialUnit.__table__.c.name.type.length


@dataclass(frozen=True)
class UnitRecord:
    row: int  # 1-based feature number in the file
    code: str
    name: str
    parent: str | None
    geometry: shapely.Geometry


@dataclass(frozen=True)
class Rejection:
    row: int
    code: str | None
    reason: str


@dataclass
class Layer:
    """What was read: the good records, the repaired and rejected features, the notes."""

    features_read: int = 0
    records: list[UnitRecord] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    generated_codes: bool = False


def check_feature(result: Layer, row: int, code, name, parent, geometry) -> None:
    """Repair, check and keep one feature, or record why it is rejected."""
    if not code:
        return reject(result, row, None, _("no tiene código"))
    if not name:
        return reject(result, row, code, _("no tiene nombre"))
    if len(code) > CODE_MAX or len(name) > NAME_MAX or len(parent or "") > NAME_MAX:
        return reject(
            result,
            row,
            code[:CODE_MAX],
            _(
                "el código (máximo %(code)d caracteres) o el nombre (máximo %(name)d) es "
                "demasiado largo",
                code=CODE_MAX,
                name=NAME_MAX,
            ),
        )
    if geometry is None or geometry.is_empty:
        return reject(result, row, code, _("la geometría está vacía"))
    kind = geometry.geom_type
    geometry = shapely.force_2d(geometry)
    repaired = not geometry.is_valid
    if repaired:
        geometry = shapely.make_valid(geometry)
    geometry = polygonal_part(geometry)
    if geometry is None:
        return reject(result, row, code, _("no es un polígono sino %(kind)s", kind=kind))
    if not within_mexico(geometry):
        return reject(
            result,
            row,
            code,
            _("sus coordenadas quedan fuera de México (%(bounds)s)", bounds=bounds_text(geometry)),
        )
    if repaired:
        result.repaired.append(code)
    result.records.append(UnitRecord(row, code, name, parent, geometry))


def reject(result: Layer, row: int, code: str | None, reason: str) -> None:
    result.rejected.append(Rejection(row, code, reason))


def polygonal_part(geometry: shapely.Geometry) -> shapely.Geometry | None:
    """The polygons of a (repaired) geometry: Polygon or MultiPolygon, else None."""
    if geometry.geom_type in POLYGONAL:
        return geometry
    parts = [p for p in shapely.get_parts(geometry) if p.geom_type in POLYGONAL]
    polygons = [q for p in parts for q in shapely.get_parts(p) if not q.is_empty]
    if not polygons:
        return None
    return polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)


def within_mexico(geometry: shapely.Geometry) -> bool:
    min_x, min_y, max_x, max_y = geometry.bounds
    west, south, east, north = MEXICO_BOUNDS
    return west <= min_x and max_x <= east and south <= min_y and max_y <= north


def bounds_text(geometry: shapely.Geometry) -> str:
    min_x, min_y, max_x, max_y = geometry.bounds
    return f"lon {min_x:.4f}…{max_x:.4f}, lat {min_y:.4f}…{max_y:.4f}"


def reject_duplicates(result: Layer) -> None:
    """Features sharing a code: exact copies count once; otherwise all are rejected."""
    groups: dict[str, list[UnitRecord]] = {}
    for record in result.records:
        groups.setdefault(record.code, []).append(record)
    copies, conflicts = [], set()
    for code, group in groups.items():
        if len(group) == 1:
            continue
        if all(same_unit(group[0], other) for other in group[1:]):
            copies.extend(r.row for r in group[1:])
            continue
        conflicts.add(code)
        for record in group:
            others = ", ".join(str(r.row) for r in group if r is not record)
            reason = _("código repetido (también en %(rows)s)", rows=others)
            reject(result, record.row, code, reason)
    if copies:
        result.notes.append(
            ngettext(
                "%(num)d elemento era copia exacta de otro (mismo código, nombre y polígono) "
                "y se importó una sola vez: %(rows)s.",
                "%(num)d elementos eran copias exactas de otros (mismo código, nombre y "
                "polígono) y se importaron una sola vez: %(rows)s.",
                len(copies),
                rows=", ".join(str(r) for r in copies),
            )
        )
    result.records = [
        r for r in result.records if r.code not in conflicts and r.row not in set(copies)
    ]
    result.rejected.sort(key=lambda r: r.row)


def same_unit(a: UnitRecord, b: UnitRecord) -> bool:
    return (a.name, a.parent) == (b.name, b.parent) and a.geometry.equals(b.geometry)


def clean_text(value) -> str:
    """Field values as text: numbers without a spurious ``.0``, blanks and NaN as ''."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def generated_codes(names: list[str], parents: list, geometries, result: Layer) -> list[str]:
    """Stable codes for a layer without them: a hash of the parent and the name.

    Features sharing both (``colonias_geo.json`` has two "Santa Cecilia Tepetlapa" in
    Xochimilco) are told apart by where they are: their centroid to about 100 m.
    """
    codes = [
        short_hash(f"{(p or '').casefold()}|{n.casefold()}", 10)
        for n, p in zip(names, parents, strict=True)
    ]
    counts = Counter(codes)
    shared = 0
    for i, geometry in enumerate(geometries):
        if counts[codes[i]] > 1 and geometry is not None and not geometry.is_empty:
            centroid = geometry.centroid
            codes[i] += "-" + short_hash(f"{centroid.x:.3f},{centroid.y:.3f}", 4)
            shared += 1
    if shared:
        result.notes.append(
            ngettext(
                "%(num)d elemento comparte nombre y unidad superior con otro; su código "
                "generado incluye además su ubicación.",
                "%(num)d elementos comparten nombre y unidad superior; su código generado "
                "incluye además su ubicación.",
                shared,
            )
        )
    return ["G-" + code if code else "" for code in codes]


def short_hash(text: str, length: int) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:length].upper()
