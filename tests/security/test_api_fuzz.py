"""Fuzz the sync API from its own OpenAPI document (schemathesis): no answer is a 500.

A fixed, small budget (``max_examples`` per operation, derandomized, no example database)
keeps it deterministic and well under a minute in ``make test``.
"""

from __future__ import annotations

import os
import uuid
from collections import Counter

import pytest
import schemathesis
import shapely
from hypothesis import HealthCheck, given, settings

from fieldapp.auth.models import Role
from fieldapp.extensions import db as _db
from fieldapp.findings.models import Area, Category
from fieldapp.territory.services import upsert_unit
from tests.helpers import PASSWORD

MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))


@pytest.fixture
def bearer(client, make_user):
    """An inspector with a UT, a category and a visit, so that reads return data."""
    upsert_unit("06-001", "Prueba", shapely.box(-99.105, 19.395, -99.095, 19.405), "Iztacalco")
    _db.session.add(
        Category(code="alumbrado", name="Alumbrado", default_area=Area(code="s", name="S"))
    )
    _db.session.commit()
    make_user(Role.INSPECTOR)
    token = client.post(
        "/api/v1/tokens", json={"email": "inspector@example.mx", "password": PASSWORD}
    ).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    visit = {"kind": "recorrido", "started_at": "2026-03-10T10:00:00-06:00"}
    client.put(f"/api/v1/visits/{uuid.uuid4()}", json=visit, headers=headers)
    return headers


def test_no_operation_answers_500(app, bearer):
    # Schemathesis' own pytest plugin does not load under this pytest, so each operation's
    # strategy is driven by Hypothesis here.
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    failures, seen = [], Counter()

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case):
            response = case.call(headers=bearer)
            seen[(case.operation.label, response.status_code // 100)] += 1
            if response.status_code >= 500:
                failures.append(f"{response.status_code} {case.as_curl_command()}")

        fuzz()
    print(sorted(seen.items()))
    assert failures == []
    # The token works: every read answered 2xx at least once, not only 401s and 422s.
    reads = [op.label for op in operations if op.method.upper() == "GET"]
    assert all(seen[(label, 2)] for label in reads), sorted(seen.items())


def test_ids_too_large_for_the_database_are_404_not_500(client, bearer):
    """Found by the fuzzer: DELETE /api/v1/tokens/212895888260261871616 overflowed SQLite's
    INTEGER (and PostgreSQL's 32-bit one) and answered 500."""
    huge = 2**70
    assert client.delete(f"/api/v1/tokens/{huge}", headers=bearer).status_code == 404
    assert client.delete(f"/api/v1/tokens/{2**31}", headers=bearer).status_code == 404
    assert client.get(f"/mapa/hallazgos/{huge}.json").status_code in (302, 404)
