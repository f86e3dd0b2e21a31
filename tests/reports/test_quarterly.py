"""The quarterly report: POA indicator, UT coverage, demands, projects; page and PDF."""

from datetime import timedelta

import pytest

from fieldapp.auth.models import Role
from fieldapp.extensions import db
from fieldapp.reports.models import PlannedActivity
from fieldapp.visits.models import VisitKind, VisitStatus
from tests.reports.builders import (
    WHEN,
    close_finding,
    make_category,
    make_project,
    make_unit,
    make_visit,
    pdf_text,
    squeezed,
)


@pytest.fixture
def quarter_data(make_user):
    inspector = make_user(Role.INSPECTOR)
    make_user(Role.SUPERVISOR)
    unit, other = make_unit(), make_unit("06-011", "Santa Anita", dx=0.02)
    category = make_category()
    visits = [
        make_visit(inspector, unit, category, findings=2, photos=1),
        make_visit(inspector, unit, category, findings=0, status=VisitStatus.VALIDADA),
        make_visit(inspector, unit, category, findings=0, started=WHEN + timedelta(days=3)),
        make_visit(inspector, other, category, findings=0, status=VisitStatus.BORRADOR),
        # Next quarter: not counted.
        make_visit(inspector, other, category, findings=0, started=WHEN + timedelta(days=90)),
    ]
    supervision = make_visit(inspector, unit, category, findings=0, kind=VisitKind.SUPERVISION_OBRA)
    supervision.project, supervision.progress_pct = make_project(unit), 80
    close_finding(visits[0].findings[0], after_days=4)
    db.session.add_all(
        [
            PlannedActivity(year=2025, quarter=3, activity_kind="recorrido", target_count=4,
                            description="Recorridos con comités"),
            PlannedActivity(year=2025, quarter=3, activity_kind="asamblea", target_count=2),
        ]
    )  # fmt: skip
    db.session.commit()
    return visits


def test_report_page(quarter_data, auth, client):
    auth.login("supervisor@example.mx")
    html = client.get("/informes/trimestral?trimestre=2025-3").get_data(as_text=True)
    assert "Informe del trimestre 3 de 2025" in html
    assert "del 1 de julio de 2025 al 30 de septiembre de 2025" in html
    # recorrido: 3 sent or validated of 4 planned (the draft does not count)
    assert '>3</td><td class="num">4</td>' in html.replace("\n", "")
    assert "75.0 %" in html
    assert "0.0 %" in html  # asamblea: none of 2
    assert "50.0 %" in html  # total: 3 of 6
    assert "<strong>1</strong> de <strong>2</strong>" in html  # UTs visited
    assert "Alumbrado público" in html and "Servicios Urbanos y Señalética" in html
    assert "4.0" in html  # median days to attend
    assert "Luminarias solares en el Andador Peñitas" in html and "80.0 %" in html


def test_report_pdf(quarter_data, auth, client):
    auth.login("supervisor@example.mx")
    response = client.get("/informes/trimestral.pdf?trimestre=2025-3")
    assert response.status_code == 200
    flat = squeezed(pdf_text(response.data))
    for fact in ["Informe del trimestre 3 de 2025", "Recorridos con comités", "75.0 %",
                 "50.0 %", "Sin visita: 06-011", "Fotos destacadas",
                 "Luminarias solares en el Andador Peñitas"]:  # fmt: skip
        assert squeezed(fact) in flat, fact
    photo = quarter_data[0].findings[0].photos[0]
    assert photo.sha256 in flat


def test_quarter_without_plan(quarter_data, auth, client):
    auth.login("supervisor@example.mx")
    html = client.get("/informes/trimestral?trimestre=2025-4").get_data(as_text=True)
    assert "No hay plan (POA) capturado para el trimestre 4 de 2025" in html
    response = client.get("/informes/trimestral.pdf?trimestre=2025-4")
    assert response.status_code == 200
    assert "No hay plan (POA) capturado" in pdf_text(response.data)


def test_bad_quarter_and_roles(quarter_data, auth, client, make_user):
    auth.login("supervisor@example.mx")
    bad = client.get("/informes/trimestral?trimestre=2025-7")
    assert bad.status_code == 422
    assert "Trimestre no válido" in bad.get_data(as_text=True)
    auth.logout()
    auth.login("inspector@example.mx")
    assert client.get("/informes/trimestral").status_code == 403
