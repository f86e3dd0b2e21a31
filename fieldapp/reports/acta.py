"""Acta de entrega-recepción of a project: the works handed over to the community."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from fieldapp.domain_errors import NotFound
from fieldapp.extensions import db
from fieldapp.projects.models import Project
from fieldapp.reports.documents import issue_pdf
from fieldapp.reports.pdf import photo_item, render_pdf, signature_uri
from fieldapp.visits.models import Signature, VisitKind, VisitStatus

MAX_PHOTOS = 8


def find_project(key) -> Project:
    project = db.session.scalar(
        sa.select(Project)
        .where(Project.uuid == key)
        .options(selectinload(Project.committee), selectinload(Project.supervisions))
    )
    if project is None:
        raise NotFound(_("No existe ese proyecto."))
    return project


def committee_rows(project: Project) -> list[dict]:
    """Each active committee member with their signature for this project, when there is
    one; signatures from people outside the committee list are added as well."""
    signatures = list(
        db.session.scalars(
            sa.select(Signature)
            .where(Signature.project_id == project.id)
            .order_by(Signature.signed_at)
        )
    )
    by_name = {s.signer_name.strip().casefold(): s for s in signatures}
    rows = []
    for member in project.committee:
        if not member.active:
            continue
        signature = by_name.pop(member.name.strip().casefold(), None)
        rows.append({"name": member.name, "role": member.role, "signature": signature})
    for signature in by_name.values():
        rows.append(
            {"name": signature.signer_name, "role": signature.signer_role or "",
             "signature": signature}
        )  # fmt: skip
    for row in rows:
        row["uri"] = signature_uri(row["signature"]) if row["signature"] else None
    return rows


def acta_context(project: Project) -> dict:
    supervisions = [
        v for v in project.supervisions
        if v.kind == VisitKind.SUPERVISION_OBRA and v.status != VisitStatus.BORRADOR
    ]  # fmt: skip
    photos = []
    for visit in reversed(supervisions):
        photos += visit.photos + [p for f in visit.findings for p in f.photos]
    observations = [(v, text) for v in supervisions for text in (v.notes, v.review_comment) if text]
    return {
        "project": project,
        "unit": project.territorial_unit,
        "supervisions": supervisions,
        "last": supervisions[-1] if supervisions else None,
        "committee": committee_rows(project),
        "observations": observations,
        "photos": [photo_item(p) for p in photos[:MAX_PHOTOS]],
    }


def issue_acta(user, key):
    """Render and record the acta of a project: (bytes, document)."""
    project = find_project(key)
    context = acta_context(project)
    unit = project.territorial_unit
    summary = f"{project.name} ({project.year})" + (f" · UT {unit.code}" if unit else "")
    return issue_pdf(
        "acta_entrega",
        str(project.uuid),
        summary,
        user,
        lambda stamp: render_pdf("reports/acta_pdf.html", stamp=stamp, **context),
    )
