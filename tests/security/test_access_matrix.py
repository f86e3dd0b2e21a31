"""Every URL rule × every role gets the intended answer, and CSRF guards every HTML form.

The table is written out by hand: a new route fails ``test_the_table_names_every_route``
until someone decides who may use it. Object URLs name real objects owned by "inspector";
"other_inspector" is an inspector who does not own them.
"""

from __future__ import annotations

import pytest
from flask import url_for

from tests.helpers import PASSWORD, csrf_from
from tests.security.access_world import EMAILS, ROLES, build_access_world

# GET rule -> status for (anonymous, inspector, other_inspector, supervisor, admin).
# 302 = sent to the login page; API answers 401 instead of redirecting.
EXPECTED_GET: dict[str, tuple[int, int, int, int, int]] = {
    # rule                                      anon  insp  other  sup  admin
    "/": (302, 200, 200, 200, 200),
    "/account": (302, 200, 200, 200, 200),
    "/admin/users": (302, 403, 403, 403, 200),
    "/admin/users/new": (302, 403, 403, 403, 200),
    "/api/v1/categories": (401, 200, 200, 200, 200),
    "/api/v1/findings": (401, 200, 200, 200, 200),  # each sees their own (below)
    "/api/v1/locate": (401, 422, 422, 422, 422),  # no lat/lon given
    "/api/v1/me": (401, 200, 200, 200, 200),
    "/api/v1/openapi.json": (200, 200, 200, 200, 200),  # public description
    "/api/v1/projects": (401, 200, 200, 200, 200),
    "/api/v1/territorial-units": (401, 200, 200, 200, 200),
    "/api/v1/tokens": (401, 200, 200, 200, 200),  # each their own tokens
    "/api/v1/visits": (401, 200, 200, 200, 200),  # each sees their own (below)
    "/app": (302, 200, 200, 200, 200),
    "/bandeja": (302, 403, 403, 200, 200),
    "/exports/": (302, 200, 200, 200, 200),
    "/exports/<name>": (302, 403, 403, 200, 200),
    "/findings/<uuid:key>": (302, 200, 404, 200, 200),  # 404: not told it exists
    "/healthz": (200, 200, 200, 200, 200),
    "/icons/icon-<int:size>.png": (200, 200, 200, 200, 200),
    "/informes/trimestral": (302, 403, 403, 200, 200),
    "/informes/trimestral.pdf": (302, 403, 403, 200, 200),
    "/login": (200, 302, 302, 302, 302),  # signed in: sent on
    "/manifest.webmanifest": (200, 200, 200, 200, 200),
    "/mapa/": (302, 403, 403, 200, 200),
    "/mapa/datos.json": (302, 403, 403, 200, 200),
    "/mapa/hallazgos/<int:finding_id>.json": (302, 403, 403, 200, 200),
    "/media/photos/<uuid:key>/<variant>": (302, 200, 404, 200, 200),
    "/poa": (302, 403, 403, 200, 200),
    "/poa/<int:activity_id>/editar": (302, 403, 403, 403, 200),
    "/poa/plantilla.csv": (302, 403, 403, 200, 200),
    "/projects": (302, 200, 200, 200, 200),  # inspectors supervise works too
    "/projects/<uuid:key>": (302, 200, 200, 200, 200),
    "/projects/<uuid:key>/acta.pdf": (302, 403, 403, 200, 200),
    "/signatures/<uuid:key>.png": (302, 200, 404, 200, 200),
    "/static/<path:filename>": (200, 200, 200, 200, 200),
    "/sw.js": (200, 200, 200, 200, 200),
    "/tablero": (302, 403, 403, 200, 200),
    "/uts/": (302, 403, 403, 200, 200),
    "/uts/<path:code>": (302, 403, 403, 200, 200),
    "/uts/importar": (302, 403, 403, 403, 200),
    "/vendor/<package>/<path:filename>": (200, 200, 200, 200, 200),
    "/verify/<code>": (200, 200, 200, 200, 200),  # public verification of a PDF
    "/visits": (302, 200, 200, 200, 200),  # inspectors: their own (below)
    "/visits/<uuid:key>": (302, 200, 404, 200, 200),
    "/visits/<uuid:key>/evidence.pdf": (302, 200, 404, 200, 200),
}  # fmt: skip


@pytest.fixture
def world(app, db):
    return build_access_world(app.test_client())


def client_for(app, role):
    client = app.test_client()
    if role != "anonymous":
        token = csrf_from(client.get("/login").get_data(as_text=True))
        data = {"email": EMAILS[role], "password": PASSWORD, "csrf_token": token}
        assert client.post("/login", data=data).status_code == 302
    return client


def get_rules(app):
    return sorted(
        (rule for rule in app.url_map.iter_rules() if "GET" in rule.methods),
        key=lambda rule: rule.rule,
    )


def test_get_matrix(app, world):
    actual = {}
    clients = {role: client_for(app, role) for role in ROLES}
    for rule in get_rules(app):
        with app.test_request_context():
            path = url_for(rule.endpoint, **world.values.get(rule.endpoint, {}))
        codes = []
        for role in ROLES:
            response = clients[role].get(path)
            codes.append(response.status_code)
            response.close()
        actual[rule.rule] = tuple(codes)
    wrong = {rule: (codes, EXPECTED_GET.get(rule)) for rule, codes in actual.items()
             if codes != EXPECTED_GET.get(rule)}  # fmt: skip
    assert wrong == {}, "rule: (actual, expected)"
    assert set(actual) == set(EXPECTED_GET)


def test_an_inspector_lists_only_their_own_visits_and_findings(app, world):
    visit = str(world.values["review.visit_page"]["key"])
    finding = str(world.values["review.finding_page"]["key"])
    # The API's visit list is what each phone caches: its own user's visits, whatever the
    # role; the review pages and the API's findings show supervisors everything.
    expected = {
        "inspector": (True, True, True),
        "other_inspector": (False, False, False),
        "supervisor": (True, False, True),
    }
    for role, sees in expected.items():
        client = client_for(app, role)
        paths = (("/visits", visit), ("/api/v1/visits", visit), ("/api/v1/findings", finding))
        for (path, key), shown in zip(paths, sees, strict=True):
            body = client.get(path).get_data(as_text=True)
            assert (key in body) is shown, (role, path)


# Every HTML route that changes something; all are POST forms guarded by CSRF.
CSRF_POSTS = {
    "auth.login": "anonymous",
    "auth.logout": "admin",
    "auth.create_token": "admin",
    "auth.revoke_token": "inspector",
    "admin.new_user": "admin",
    "admin.toggle_active": "admin",
    "review.change_status": "supervisor",
    "review.review": "supervisor",
    "reports.plan_add": "admin",
    "reports.plan_edit": "admin",
    "reports.plan_import": "admin",
    "reports.verify": "anonymous",
    "territory.import_layer": "admin",
}


def snapshot(db) -> dict:
    with db.engine.connect() as conn:
        return {
            t.name: sorted(map(repr, conn.execute(t.select()))) for t in db.metadata.sorted_tables
        }


def test_csrf_is_enforced_on_every_html_form(app, db, world):
    posts = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.methods & {"POST", "PUT", "PATCH", "DELETE"}
        and not rule.endpoint.startswith("api.")
    }
    assert posts == set(CSRF_POSTS)
    clients = {role: client_for(app, role) for role in set(CSRF_POSTS.values())}
    before = snapshot(db)
    for endpoint, role in CSRF_POSTS.items():
        with app.test_request_context():
            path = url_for(endpoint, **world.values.get(endpoint, {}))
        form = {
            "email": EMAILS["admin"],
            "password": PASSWORD,
            "name": "x",
            "status": "canalizada",
            "decision": "validar",
            "year": "2025",
            "quarter": "3",
            "target_count": "9",
        }
        response = clients[role].post(path, data=form)
        assert response.status_code == 400, (endpoint, response.status_code)
        assert "El formulario caducó" in response.get_data(as_text=True), endpoint
    assert snapshot(db) == before


def test_the_api_refuses_cookie_writes_without_the_csrf_header(app, db, world):
    client = client_for(app, "inspector")
    before = snapshot(db)
    key = world.values["api.put_visit"]["key"]
    response = client.put(f"/api/v1/visits/{key}", json={"kind": "asamblea"})
    assert response.status_code in (400, 403)
    assert client.post("/api/v1/tokens/device", json={"name": "x"}).status_code in (400, 403)
    assert snapshot(db) == before
