"""The evidence PDF of a visit: who, when, where, what was found, photos, signatures."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from fieldapp.domain_errors import NotFound
from fieldapp.extensions import db
from fieldapp.findings.models import Finding
from fieldapp.labels import label
from fieldapp.reports.documents import issue_pdf
from fieldapp.reports.mapimage import visit_map_svg
from fieldapp.reports.pdf import PhotoItem, photo_item, render_pdf, signature_uri, svg_data_uri
from fieldapp.visits.models import Visit
from fieldapp.visits.services import visible_visits


@dataclass
class FindingEntry:
    number: int
    finding: Finding
    photos: list[PhotoItem]


def visible_visit(user, key) -> Visit:
    """The visit with UUID ``key`` if ``user`` may see it; the same 404 otherwise, so the
    answer never tells whether someone else's visit exists."""
    visit = db.session.scalar(
        visible_visits(user)
        .where(Visit.uuid == key)
        .options(
            selectinload(Visit.findings).selectinload(Finding.photos),
            selectinload(Visit.findings).selectinload(Finding.category),
            selectinload(Visit.findings).selectinload(Finding.territorial_unit),
            selectinload(Visit.signatures),
            selectinload(Visit.photos),
        )
    )
    if visit is None:
        raise NotFound(_("No existe esa visita o no tienes acceso a ella."))
    return visit


def visit_folio(visit: Visit) -> str:
    return "V-" + visit.uuid.hex[:8].upper()


def evidence_context(visit: Visit) -> dict:
    """Everything the evidence template shows, with findings numbered by capture time."""
    findings = sorted(visit.findings, key=lambda f: (f.captured_at, f.id))
    entries = [
        FindingEntry(n, f, [photo_item(p) for p in f.photos])
        for n, f in enumerate(findings, start=1)
    ]
    units = {f.territorial_unit for f in findings if f.territorial_unit}
    if visit.territorial_unit:
        units.add(visit.territorial_unit)
    svg = visit_map_svg(
        visit.track, [(e.number, e.finding.lon, e.finding.lat) for e in entries],
        visit.territorial_unit_id,
    )  # fmt: skip
    return {
        "visit": visit,
        "folio": visit_folio(visit),
        "entries": entries,
        "units": sorted(units, key=lambda u: u.code),
        "map_uri": svg_data_uri(svg) if svg else None,
        "visit_photos": [photo_item(p) for p in visit.photos],
        "signatures": [(s, signature_uri(s)) for s in visit.signatures],
        "missing_photos": sum(p.uri is None for e in entries for p in e.photos),
    }


def evidence_summary(visit: Visit) -> str:
    unit = visit.territorial_unit
    where = f"UT {unit.code} {unit.name}" if unit else _("sin UT")
    when = format_date(visit.started_at, "long")
    return f"{label(visit.kind)} {visit_folio(visit)} · {where} · {when}"


def issue_visit_evidence(user, key):
    """Render and record the evidence PDF of a visit the user may see: (bytes, document)."""
    visit = visible_visit(user, key)
    context = evidence_context(visit)
    return issue_pdf(
        "evidencia_visita",
        str(visit.uuid),
        evidence_summary(visit),
        user,
        lambda stamp: render_pdf("reports/evidence_pdf.html", stamp=stamp, **context),
    )
