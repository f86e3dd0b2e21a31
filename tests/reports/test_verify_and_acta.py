"""/verify/<code> (public) and the acta de entrega-recepción of a project."""

import hashlib
import io

import sqlalchemy as sa

from fieldapp.auth.models import Role
from fieldapp.extensions import db
from fieldapp.reports.documents import normalize_code
from fieldapp.reports.models import IssuedDocument
from fieldapp.visits.models import Visit, VisitKind
from tests.helpers import csrf_from
from tests.reports.builders import (
    make_category,
    make_project,
    make_unit,
    make_visit,
    pdf_text,
    squeezed,
)


def issue_evidence(make_user, auth, client):
    inspector = make_user(Role.INSPECTOR)
    visit = make_visit(inspector, make_unit(), make_category(), findings=1, photos=1)
    db.session.commit()
    auth.login(inspector.email)
    response = client.get(f"/visits/{visit.uuid}/evidence.pdf")
    assert response.status_code == 200
    return response


def test_verify_page_is_public_and_shows_the_hash(make_user, auth, client):
    pdf = issue_evidence(make_user, auth, client)
    code = pdf.headers["X-Verification-Code"]
    auth.logout()
    page = client.get(f"/verify/{code}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert hashlib.sha256(pdf.data).hexdigest() in html
    assert "Evidencia de visita" in html and "Recorrido" in html
    assert "06-010 Peñón de los Baños" in html
    assert "Ramona" not in html  # no personal data on a public page
    typed = f"{code[:5]}-{code[5:]}".lower()
    assert client.get(f"/verify/{typed}").status_code == 200


def test_uploaded_file_is_compared(make_user, auth, client):
    pdf = issue_evidence(make_user, auth, client)
    code = pdf.headers["X-Verification-Code"]
    auth.logout()
    url = f"/verify/{code}"

    def upload(data: bytes):
        token = csrf_from(client.get(url).get_data(as_text=True))
        form = {"csrf_token": token, "pdf_file": (io.BytesIO(data), "evidencia.pdf")}
        return client.post(url, data=form, content_type="multipart/form-data")

    same = upload(pdf.data)
    assert same.status_code == 200
    assert "El archivo coincide" in same.get_data(as_text=True)
    changed = upload(pdf.data + b"\n% one byte more is another file\n")
    assert "El archivo NO coincide" in changed.get_data(as_text=True)
    token = csrf_from(client.get(url).get_data(as_text=True))
    empty = client.post(url, data={"csrf_token": token})
    assert empty.status_code == 400 and "Elige el archivo PDF." in empty.get_data(as_text=True)


def test_unknown_code_says_so(client):
    page = client.get("/verify/ZZZZZ-ZZZZZ")
    assert page.status_code == 404
    assert "No hay ningún documento emitido con el código" in page.get_data(as_text=True)


def test_codes_read_from_paper_are_forgiven():
    assert normalize_code("abcde-fghjk") == "ABCDEFGHJK"
    assert normalize_code(" 0O1IL ") == "00111"


def test_acta_de_entrega(make_user, auth, client):
    inspector = make_user(Role.INSPECTOR)
    make_user(Role.SUPERVISOR)
    unit = make_unit()
    project = make_project(unit)
    visit = make_visit(
        inspector, unit, make_category(), findings=1, photos=1, kind=VisitKind.SUPERVISION_OBRA
    )
    visit.project, visit.progress_pct = project, 100
    db.session.commit()
    auth.login("supervisor@example.mx")
    response = client.get(f"/projects/{project.uuid}/acta.pdf")
    assert response.status_code == 200
    text = pdf_text(response.data)
    flat = squeezed(text)
    for fact in [
        "Acta de entrega-recepción",
        "Luminarias solares en el Andador Peñitas",
        "06-010 Peñón de los Baños",
        "Avance físico final",
        "100 %",
        "María Hernández Ñúñez",
        "Joaquín Ortíz",
        "Comité de vigilancia",
        "Recorrido con el comité de la colonia.",
        "$ 1,450,000.00 MXN",
    ]:
        assert squeezed(fact) in flat, fact
    signature = db.session.scalar(
        sa.select(IssuedDocument).where(IssuedDocument.kind == "acta_entrega")
    )
    assert signature.sha256 == hashlib.sha256(response.data).hexdigest()
    photo = db.session.scalar(sa.select(Visit).where(Visit.id == visit.id)).findings[0].photos[0]
    assert photo.sha256 in flat
    assert "55 0000 1111" not in text  # committee phones are private


def test_acta_is_for_supervisors(make_user, auth, client):
    project = make_project(make_unit(), with_signature=False)
    inspector = make_user(Role.INSPECTOR)
    db.session.commit()
    auth.login(inspector.email)
    assert client.get(f"/projects/{project.uuid}/acta.pdf").status_code == 403
    auth.logout()
    make_user(Role.ADMIN)
    auth.login("admin@example.mx")
    assert client.get("/projects/5b0f2b52-6f7e-4a8e-9d6a-1f3c2b1a0e99/acta.pdf").status_code == 404
