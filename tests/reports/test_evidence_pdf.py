"""The visit evidence PDF, read back: facts, hashes, verification; who may get it."""

import hashlib

import sqlalchemy as sa

from fieldapp.auth.models import Role
from fieldapp.extensions import db
from fieldapp.media.storage import get_storage
from fieldapp.reports.models import IssuedDocument
from tests.reports.builders import (
    make_category,
    make_unit,
    make_visit,
    pdf_pages,
    pdf_text,
    squeezed,
)


def setup_visit(make_user, **kwargs):
    inspector = make_user(Role.INSPECTOR)
    unit = make_unit()
    visit = make_visit(inspector, unit, make_category(), **kwargs)
    db.session.commit()
    return inspector, visit


def test_evidence_pdf_holds_the_facts_and_hashes(make_user, auth, client):
    _, visit = setup_visit(make_user)
    make_user(Role.SUPERVISOR)
    auth.login("supervisor@example.mx")
    response = client.get(f"/visits/{visit.uuid}/evidence.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "no-store" in response.headers["Cache-Control"]
    text = pdf_text(response.data)
    flat = squeezed(text)
    for fact in [
        "Participación Ciudadana",
        "Evidencia de visita: Recorrido",
        "V-" + visit.uuid.hex[:8].upper(),
        "06-010 Peñón de los Baños",
        "José Peña",
        "Begoña Núñez",
        "Comité vecinal",
        "Alumbrado público",
        "Luminaria fundida núm. 3 en la calle Ñandú",
        "19.400000, -99.100000 (± 7 m)",
        "19.402000, -99.098000 (± 9 m)",
        "12 de agosto de 2025",  # start, local time
        "10:30",
        "Generado el",
    ]:
        assert squeezed(fact) in flat, fact
    for finding in visit.findings:
        for photo in finding.photos:
            assert photo.sha256 in flat  # the original's hash, not the display variant's
            assert photo.display_key and photo.sha256 not in photo.display_key
    assert visit.signatures[0].sha256 in flat
    assert "Ramona" not in text and "1234" not in text  # requesters stay out of evidence
    document = db.session.scalar(sa.select(IssuedDocument))
    assert document.kind == "evidencia_visita" and document.target == str(visit.uuid)
    assert document.sha256 == hashlib.sha256(response.data).hexdigest()
    assert document.size == len(response.data)
    assert response.headers["X-Verification-Code"] == document.code
    assert squeezed(f"{document.code[:5]}-{document.code[5:]}") in flat
    assert f"/verify/{document.code}" in flat


def test_each_download_is_a_new_issued_document(make_user, auth, client):
    inspector, visit = setup_visit(make_user, findings=1, photos=1)
    auth.login(inspector.email)
    first = client.get(f"/visits/{visit.uuid}/evidence.pdf")
    second = client.get(f"/visits/{visit.uuid}/evidence.pdf")
    assert first.status_code == second.status_code == 200
    codes = {first.headers["X-Verification-Code"], second.headers["X-Verification-Code"]}
    assert len(codes) == 2
    assert db.session.scalar(sa.select(sa.func.count(IssuedDocument.id))) == 2


def test_photo_missing_from_storage_is_said_not_fatal(make_user, auth, client):
    inspector, visit = setup_visit(make_user, findings=2, photos=1)
    lost = visit.findings[0].photos[0]
    storage = get_storage()
    storage.path(lost.display_key).unlink()
    storage.path(lost.storage_key).unlink()
    auth.login(inspector.email)
    response = client.get(f"/visits/{visit.uuid}/evidence.pdf")
    assert response.status_code == 200
    text = pdf_text(response.data)
    assert "Foto no disponible" in text
    assert "1 foto no está en el almacenamiento" in text
    assert lost.sha256 in squeezed(text)  # its hash is still printed


def test_visit_without_findings_or_track(make_user, auth, client):
    inspector, visit = setup_visit(make_user, findings=0)
    visit.track = None
    visit.territorial_unit = None
    db.session.commit()
    auth.login(inspector.email)
    response = client.get(f"/visits/{visit.uuid}/evidence.pdf")
    assert response.status_code == 200
    text = pdf_text(response.data)
    assert "La visita no tiene hallazgos." in text
    assert pdf_pages(response.data) >= 1


def test_someone_elses_visit_is_not_found(make_user, auth, client):
    _, visit = setup_visit(make_user, findings=1, photos=0)
    make_user(Role.INSPECTOR, email="otra@example.mx")
    auth.login("otra@example.mx")
    response = client.get(f"/visits/{visit.uuid}/evidence.pdf")
    assert response.status_code == 404
    assert "No existe esa visita o no tienes acceso a ella." in response.get_data(as_text=True)
    missing = client.get("/visits/5b0f2b52-6f7e-4a8e-9d6a-1f3c2b1a0e99/evidence.pdf")
    assert missing.status_code == 404
    assert client.get("/visits/no-es-uuid/evidence.pdf").status_code == 404


def test_anonymous_must_sign_in(make_user, client):
    _, visit = setup_visit(make_user, findings=0)
    response = client.get(f"/visits/{visit.uuid}/evidence.pdf")
    assert response.status_code in (302, 401)
