"""A NUL character anywhere in a request is a 400, never a 500.

Found probing the API on PostgreSQL: GET /api/v1/findings?category=a%00b answered 500
(PostgreSQL refuses NUL in text); SQLite let it through.
"""

from __future__ import annotations

import uuid

from fieldapp.auth.models import Role
from fieldapp.visits.models import Visit
from tests.helpers import count
from tests.test_sync_api import api, finding_body, visit, visit_body, world  # noqa: F401


def test_nul_in_the_query_of_api_reads(api):  # noqa: F811
    for path in (
        "/api/v1/findings?category=a%00b",
        "/api/v1/findings?ut=%00",
        "/api/v1/locate?lat=%00",
    ):
        response = api.get(path)
        assert response.status_code == 400, path
        assert response.get_json()["error"]["code"] == "bad_request"


def test_nul_in_json_fields_is_a_field_error(api, visit):  # noqa: F811
    before = count(Visit)
    response = api.put(f"/api/v1/visits/{uuid.uuid4()}", visit_body(notes="a\x00b"))
    assert response.status_code == 422 and "notes" in response.get_json()["error"]["fields"]
    response = api.put(f"/api/v1/findings/{uuid.uuid4()}", finding_body(visit, description="\x00"))
    assert response.status_code == 422
    assert count(Visit) == before


def test_nul_in_pages_paths_and_forms(client, auth, make_user):
    make_user(Role.SUPERVISOR)
    auth.login("supervisor@example.mx")
    for path in ("/bandeja?categoria=%00", "/uts/06%00", "/mapa/datos.json?estado=%00"):
        assert client.get(path).status_code == 400, path
    token = auth.csrf("/account")
    response = client.post("/account/tokens", data={"name": "x\x00", "csrf_token": token})
    assert response.status_code == 400
