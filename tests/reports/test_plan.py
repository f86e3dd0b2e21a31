"""POA: the list, adding and editing targets, CSV import with clear Spanish errors."""

import io

import pytest
import sqlalchemy as sa

from fieldapp.auth.models import Role
from fieldapp.extensions import db
from fieldapp.findings.models import Area
from fieldapp.reports.models import PlannedActivity
from tests.helpers import count, csrf_from


@pytest.fixture
def admin(make_user, auth):
    db.session.add(Area(code="participacion", name="Dirección de Participación Ciudadana"))
    user = make_user(Role.ADMIN)
    auth.login(user.email)
    return user


def upload(client, text: str, encoding="utf-8"):
    token = csrf_from(client.get("/poa?anio=2026").get_data(as_text=True))
    data = {"csrf_token": token, "plan_file": (io.BytesIO(text.encode(encoding)), "poa.csv")}
    return client.post("/poa/importar?anio=2026", data=data, content_type="multipart/form-data")


GOOD = (
    "anio,trimestre,actividad,area,meta,descripcion\n"
    "2026,1,recorrido,participacion,24,Recorridos con comités de Peñón 🚶\n"
    "2026,1,supervision_obra,,57,Las 57 UT\n"
    "2026,2,asamblea,participacion,6,\n"
)


def test_import_then_reimport_updates(admin, client):
    response = upload(client, GOOD)
    assert response.status_code == 302
    assert count(PlannedActivity) == 3
    page = client.get("/poa?anio=2026").get_data(as_text=True)
    assert "Plan importado: 3 metas nuevas, 0 actualizadas." in page
    assert "Recorridos con comités de Peñón 🚶" in page
    upload(client, GOOD.replace(",24,", ",30,"))
    assert count(PlannedActivity) == 3
    target = db.session.scalar(
        sa.select(PlannedActivity.target_count).where(PlannedActivity.activity_kind == "recorrido")
    )
    assert target == 30


def test_semicolons_and_windows_encoding(admin, client):
    text = "Año;Trimestre;Actividad;Área;Meta;Descripción\n2026;3;recorrido;;12;Peñón\n"
    assert upload(client, text, encoding="cp1252").status_code == 302
    assert db.session.scalar(sa.select(PlannedActivity.description)) == "Peñón"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("anio,trimestre,actividad\n2026,1,recorrido\n", "faltan las columnas: meta"),
        ("anio,trimestre,actividad,meta,color\n2026,1,recorrido,3,rojo\n",
         "columnas desconocidas: color"),
        ("anio,trimestre,actividad,meta\n2026,1,recorrido,-4\n",
         "Fila 2: la meta debe ser un número entero de 0 o más (se leyó «-4»)."),
        ("anio,trimestre,actividad,meta\n2026,1,recorrido,3\n2026,1,caminata,2\n",
         "Fila 3: actividad desconocida «caminata»"),
        ("anio,trimestre,actividad,meta\n2026,5,recorrido,3\n",
         "Fila 2: el trimestre debe ser 1, 2, 3 o 4."),
        ("anio,trimestre,actividad,area,meta\n2026,1,recorrido,obras,3\n",
         "Fila 2: área desconocida «obras»."),
        ("anio,trimestre,actividad,meta\n2026,1,recorrido,3\n2026,1,recorrido,4\n",
         "Fila 3: repite la meta de la fila 2."),
        ("", "El archivo está vacío."),
    ],
)  # fmt: skip
def test_bad_csv_stores_nothing(admin, client, text, message):
    response = upload(client, text)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(PlannedActivity) == 0


def test_all_row_errors_listed_at_once(admin, client):
    text = "anio,trimestre,actividad,meta\n2026,1,recorrido,-1\n2026,9,paseo,x\n"
    html = upload(client, text).get_data(as_text=True)
    assert "Fila 2: la meta" in html and "Fila 3: el trimestre" in html
    assert "Fila 3: actividad desconocida «paseo»" in html
    assert count(PlannedActivity) == 0


def test_add_and_edit_a_target(admin, client):
    token = csrf_from(client.get("/poa?anio=2026").get_data(as_text=True))
    form = {"csrf_token": token, "year": "2026", "quarter": "2", "activity_kind": "asamblea",
            "area_id": "0", "target_count": "-3", "description": "Asambleas"}  # fmt: skip
    bad = client.post("/poa", data=form)
    assert bad.status_code == 400
    assert "La meta no puede ser negativa." in bad.get_data(as_text=True)
    assert count(PlannedActivity) == 0
    assert client.post("/poa", data={**form, "target_count": "6"}).status_code == 302
    again = client.post("/poa", data={**form, "target_count": "7"})
    assert again.status_code == 409
    assert "Ya hay una meta para esa actividad" in again.get_data(as_text=True)
    activity = db.session.scalar(sa.select(PlannedActivity))
    page = client.get(f"/poa/{activity.id}/editar")
    assert page.status_code == 200
    token = csrf_from(page.get_data(as_text=True))
    edited = client.post(
        f"/poa/{activity.id}/editar", data={**form, "csrf_token": token, "target_count": "9"}
    )
    assert edited.status_code == 302
    db.session.refresh(activity)
    assert activity.target_count == 9


def test_supervisors_read_inspectors_do_not(make_user, auth, client):
    make_user(Role.SUPERVISOR)
    auth.login("supervisor@example.mx")
    assert client.get("/poa").status_code == 200
    assert client.get("/poa/plantilla.csv").status_code == 200
    token = csrf_from(client.get("/account").get_data(as_text=True))
    assert client.post("/poa", data={"csrf_token": token}).status_code == 403
    auth.logout()
    make_user(Role.INSPECTOR)
    auth.login("inspector@example.mx")
    assert client.get("/poa").status_code == 403
