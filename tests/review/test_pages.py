"""Queue, visit review, project and dashboard pages, and who may open each."""

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from fieldapp.auth.models import Role
from fieldapp.orm import utcnow
from fieldapp.projects.models import CommitteeMember, Project
from fieldapp.visits.models import Visit, VisitKind, VisitStatus
from tests.helpers import PASSWORD, csrf_from


def test_queue_filters_sorts_and_flags_overdue(client, auth, world):
    world["finding"](days_old=30, description="DESC-VIEJA")  # 7 days expected: overdue
    world["finding"](days_old=1, description="DESC-NUEVA")
    world["finding"](category=world["potholes"], days_old=2, description="DESC-BACHE")
    auth.login(world["supervisor"].email)
    page = client.get("/bandeja").get_data(as_text=True)
    assert (
        page.index("DESC-VIEJA") < page.index("DESC-BACHE") < page.index("DESC-NUEVA")
    )  # oldest first
    assert page.count('class="overdue"') == 1 and "Vencidas: 1" in page
    only = client.get("/bandeja?category=bacheo").get_data(as_text=True)
    assert "DESC-BACHE" in only and "DESC-VIEJA" not in only
    assert "DESC-VIEJA" in client.get("/bandeja?overdue=1").get_data(as_text=True)
    assert "DESC-NUEVA" not in client.get("/bandeja?overdue=1").get_data(as_text=True)
    assert "DESC-NUEVA" not in client.get("/bandeja?age=10").get_data(as_text=True)
    recent = client.get("/bandeja?sort=recent").get_data(as_text=True)
    assert recent.index("DESC-NUEVA") < recent.index("DESC-VIEJA")


@pytest.mark.parametrize(
    "query, message",
    [
        ("status=rara", "El estado «rara» no existe"),
        ("sort=precio", "No se puede ordenar por «precio»"),
        ("age=-3", "antigüedad"),
        ("page=abc", "página"),
    ],
)
def test_queue_explains_nonsense_filters(client, auth, world, query, message):
    auth.login(world["supervisor"].email)
    response = client.get(f"/bandeja?{query}")
    assert response.status_code == 400 and message in response.get_data(as_text=True)


def review(client, visit, **data):
    page = client.get(f"/visits/{visit.uuid}").get_data(as_text=True)
    return client.post(f"/visits/{visit.uuid}/review", data={"csrf_token": csrf_from(page), **data})


def test_supervisor_returns_then_validates(client, auth, world, db):
    visit = world["visit"]
    world["finding"]()
    auth.login(world["supervisor"].email)
    page = client.get(f"/visits/{visit.uuid}").get_data(as_text=True)
    assert "Juan Inspector" in page and "Revisión" in page and "Alumbrado" in page
    missing = review(client, visit, decision="devolver", comment="")
    assert missing.status_code == 422 and "Escribe qué debe corregir" in missing.get_data(
        as_text=True
    )
    assert review(client, visit, decision="devolver", comment="Falta la foto").status_code == 302
    db.session.expire_all()
    stored = db.session.get(Visit, visit.id)
    assert stored.status is VisitStatus.DEVUELTA and stored.review_comment == "Falta la foto"
    assert review(client, visit, decision="validar").status_code == 422  # not sent again yet
    # The inspector's phone sees the comment, corrects and sends again.
    auth.logout()
    token = client.post(
        "/api/v1/tokens", json={"email": world["inspector"].email, "password": PASSWORD}
    ).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    mine = client.get("/api/v1/visits", headers=headers).get_json()["visits"]
    assert [(v["status"], v["review_comment"]) for v in mine] == [("devuelta", "Falta la foto")]
    stored.status = VisitStatus.ENVIADA
    db.session.commit()
    auth.login(world["supervisor"].email)
    assert review(client, visit, decision="validar").status_code == 302
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).status is VisitStatus.VALIDADA


def test_inspector_sees_own_visit_without_review_form(client, auth, world):
    auth.login(world["inspector"].email)
    page = client.get(f"/visits/{world['visit'].uuid}").get_data(as_text=True)
    assert "Juan Inspector" in page and "Guardar revisión" not in page
    auth.logout()
    auth.login(world["other"].email)
    assert client.get(f"/visits/{world['visit'].uuid}").status_code == 404


def test_project_page_shows_progress_over_time(client, auth, world, db):
    project = Project(
        uuid=uuid.uuid4(),
        year=2026,
        name="Luminarias <b>LED</b>",
        territorial_unit=world["unit"],
        progress_pct=70,
    )
    project.committee = [CommitteeMember(name="Rosa Ñandú", role="Vigilancia")]
    db.session.add(project)
    for days, pct in ((20, 30), (5, 70)):
        db.session.add(
            Visit(
                uuid=uuid.uuid4(),
                kind=VisitKind.SUPERVISION_OBRA,
                inspector_id=world["inspector"].id,
                project=project,
                progress_pct=pct,
                started_at=utcnow() - timedelta(days=days),
            )
        )
    db.session.commit()
    auth.login(world["supervisor"].email)
    page = client.get(f"/projects/{project.uuid}").get_data(as_text=True)
    assert "Luminarias &lt;b&gt;LED&lt;/b&gt;" in page and "Rosa Ñandú" in page
    assert page.index("30 %") < page.index("70 %", page.index("Avance en el tiempo"))


def test_dashboard_counts_the_quarter(client, auth, world, app):
    from fieldapp.territory.stats import Quarter

    world["finding"](days_old=30)  # overdue (7 days expected)
    quarter = Quarter.containing(world["visit"].started_at, app.config["BABEL_DEFAULT_TIMEZONE"])
    auth.login(world["supervisor"].email)
    page = client.get(f"/tablero?q={quarter}").get_data(as_text=True)
    assert '<span class="num">1 / 1</span><span>UT visitadas</span>' in page
    assert '<span class="num">1</span><span>demandas vencidas hoy</span>' in page
    before = client.get(f"/tablero?q={quarter.previous().previous()}").get_data(as_text=True)
    assert '<span class="num">0 / 1</span>' in before


ROUTES = [
    ("/bandeja", {Role.SUPERVISOR: 200, Role.ADMIN: 200, Role.INSPECTOR: 403}),
    ("/tablero", {Role.SUPERVISOR: 200, Role.ADMIN: 200, Role.INSPECTOR: 403}),
    ("/visits", {Role.SUPERVISOR: 200, Role.ADMIN: 200, Role.INSPECTOR: 200}),
    ("/projects", {Role.SUPERVISOR: 200, Role.ADMIN: 200, Role.INSPECTOR: 200}),
    ("/admin/users", {Role.SUPERVISOR: 403, Role.ADMIN: 200, Role.INSPECTOR: 403}),
]


@pytest.mark.parametrize("path, expected", ROUTES)
def test_every_review_page_checks_the_role(client, auth, world, path, expected):
    assert client.get(path).status_code == 302  # anonymous: to the login page
    for role, status in expected.items():
        user = {
            Role.SUPERVISOR: world["supervisor"],
            Role.ADMIN: world["admin"],
            Role.INSPECTOR: world["inspector"],
        }[role]
        auth.login(user.email)
        assert client.get(path).status_code == status, (path, role)
        auth.logout()


def test_posts_need_csrf(client, auth, world, db):
    finding = world["finding"]()
    auth.login(world["supervisor"].email)
    assert (
        client.post(
            f"/findings/{finding.uuid}/status", data={"to_status": "canalizada"}
        ).status_code
        == 400
    )
    assert (
        client.post(
            f"/visits/{world['visit'].uuid}/review", data={"decision": "validar"}
        ).status_code
        == 400
    )
    assert db.session.scalar(sa.select(Visit.status)) is VisitStatus.ENVIADA
