"""Test data for reports and exports: a UT, a visit with findings, photos and signatures."""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import shapely
from PIL import Image, ImageDraw

from fieldapp.extensions import db
from fieldapp.findings.models import Area, Category, Finding, FindingStatus, FindingUpdate
from fieldapp.media.services import store_photo
from fieldapp.media.signatures import ingest_signature
from fieldapp.projects.models import CommitteeMember, Project
from fieldapp.territory.models import TerritorialUnit
from fieldapp.visits.models import Visit, VisitKind, VisitStatus

# A UT of about 1 km around a point of Iztacalco.
LON, LAT = -99.1, 19.4
WHEN = datetime(2025, 8, 12, 16, 30, tzinfo=UTC)  # 10:30 in Mexico City, quarter 2025-3


def jpeg(colour: str, text: str = "") -> bytes:
    image = Image.new("RGB", (640, 480), colour)
    ImageDraw.Draw(image).text((20, 20), text, fill="white")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def png_signature(seed: int) -> bytes:
    image = Image.new("RGBA", (300, 120), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(10, 100), (80 + seed, 20), (160, 90), (290, 30)], "black", 4)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def make_unit(code="06-010", name="Peñón de los Baños", dx=0.0) -> TerritorialUnit:
    unit = TerritorialUnit(code=code, name=name, parent="Iztacalco")
    unit.geometry = shapely.box(LON - 0.005 + dx, LAT - 0.005, LON + 0.005 + dx, LAT + 0.005)
    db.session.add(unit)
    db.session.flush()
    return unit


def make_category(code="luminarias", name="Alumbrado público", days=10) -> Category:
    area = db.session.query(Area).filter_by(code="servicios").one_or_none()
    if area is None:
        area = Area(code="servicios", name="Servicios Urbanos y Señalética")
        db.session.add(area)
    category = Category(code=code, name=name, default_area=area, expected_days=days)
    db.session.add(category)
    db.session.flush()
    return category


def make_visit(inspector, unit, category, findings=3, photos=2, kind=VisitKind.RECORRIDO,
               status=VisitStatus.ENVIADA, started=WHEN) -> Visit:  # fmt: skip
    visit = Visit(
        kind=kind,
        status=status,
        inspector=inspector,
        started_at=started,
        ended_at=started + timedelta(hours=2),
        territorial_unit=unit,
        track=[[LON - 0.003 + i * 0.001, LAT + 0.001 * (i % 2), 5, 0] for i in range(6)],
        participants=[
            {"name": "Begoña Núñez 🌳", "role": "Comité vecinal"},
            {"name": "José Peña", "role": "Vecino"},
        ],
        notes="Recorrido con el comité de la colonia.",
    )
    db.session.add(visit)
    db.session.flush()
    for n in range(findings):
        finding = Finding(
            visit=visit, category=category, area=category.default_area,
            created_by_id=inspector.id, lat=LAT + 0.001 * n, lon=LON + 0.001 * n,
            accuracy_m=7 + n, territorial_unit_id=unit.id,
            description=f"Luminaria fundida núm. {n + 1} en la calle Ñandú 🚧",
            requester_name="Ramona Ibáñez", requester_phone="55 1234 5678",
            captured_at=started + timedelta(minutes=10 * (n + 1)),
        )  # fmt: skip
        db.session.add(finding)
        db.session.flush()
        for k in range(photos):
            store_photo(jpeg(["#806020", "#205080", "#208050"][k % 3], f"{n}-{k}"),
                        finding_id=finding.id)  # fmt: skip
    for seed, (name, role) in enumerate([("Begoña Núñez 🌳", "Comité vecinal")]):
        data = png_signature(seed)
        ingest_signature(uuid.uuid4(), data, hashlib.sha256(data).hexdigest(),
                         visit_id=visit.id, signer_name=name, signer_role=role)  # fmt: skip
    db.session.flush()
    return visit


def close_finding(finding: Finding, after_days: float) -> None:
    db.session.add(
        FindingUpdate(
            finding=finding, from_status=finding.status, to_status=FindingStatus.ATENDIDA,
            created_at=finding.captured_at + timedelta(days=after_days),
        )
    )  # fmt: skip
    finding.status = FindingStatus.ATENDIDA
    db.session.flush()


def make_project(unit, with_signature=True) -> Project:
    project = Project(
        territorial_unit=unit, year=2026, name="Luminarias solares en el Andador Peñitas",
        amount=1450000, progress_pct=100, lat=LAT, lon=LON,
        description="Proyecto ganador de la consulta ciudadana.",
    )  # fmt: skip
    project.committee = [
        CommitteeMember(name="María Hernández Ñúñez", role="Comité de ejecución",
                        phone="55 0000 1111"),
        CommitteeMember(name="Joaquín Ortíz", role="Comité de vigilancia"),
    ]  # fmt: skip
    db.session.add(project)
    db.session.flush()
    if with_signature:
        data = png_signature(7)
        ingest_signature(uuid.uuid4(), data, hashlib.sha256(data).hexdigest(),
                         project_id=project.id, signer_name="María Hernández Ñúñez",
                         signer_role="Comité de ejecución")  # fmt: skip
    return project


def need_poppler(tool: str = "pdftotext") -> str:
    """The path of a poppler tool (``make test`` installs poppler-utils when root).
    Missing: the test is skipped with the reason, except in CI, where it must run."""
    path = shutil.which(tool)
    if path is None:
        message = f"{tool} is missing: apt-get install poppler-utils (make system-deps)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def _poppler(tool: str, data: bytes, *args: str) -> str:
    """Run a poppler tool on PDF bytes given on standard input ("-")."""
    assert data.startswith(b"%PDF-"), data[:200]
    result = subprocess.run(
        [need_poppler(tool), *args], input=data, capture_output=True, timeout=60, check=True
    )
    return result.stdout.decode("utf-8")


def pdf_text(data: bytes) -> str:
    """All the text of a PDF as ``pdftotext`` reads it back (UTF-8)."""
    # -raw: in the order the text was drawn, so side-by-side captions stay whole.
    return _poppler("pdftotext", data, "-raw", "-enc", "UTF-8", "-", "-")


def squeezed(text: str) -> str:
    """Without whitespace: long hashes may be broken across lines in the PDF."""
    return re.sub(r"\s+", "", text)


def pdf_pages(data: bytes) -> int:
    info = _poppler("pdfinfo", data, "-")
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])
