"""A busy or unreachable database answers 503 + Retry-After (the outbox retries), never a
500 with the driver's text; and API requests do not take SQLite's write lock needlessly."""

import sqlite3
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from fieldapp.api import sync
from fieldapp.auth.models import ApiToken, Role
from fieldapp.errors import is_transient_db_error
from fieldapp.orm import utcnow
from tests.helpers import PASSWORD


class FakePsycopgError(Exception):
    """Stands for psycopg.OperationalError (e.g. the server went away)."""


def operational(orig: Exception) -> sa_exc.OperationalError:
    return sa_exc.OperationalError("INSERT INTO findings ...", {}, orig)


@pytest.fixture
def headers(client, make_user):
    make_user(Role.INSPECTOR)
    response = client.post(
        "/api/v1/tokens", json={"email": "inspector@example.mx", "password": PASSWORD}
    )
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def failing_upsert(exc: Exception):
    def upsert(*args, **kwargs):
        raise exc

    return upsert


@pytest.mark.parametrize(
    "exc",
    [
        operational(sqlite3.OperationalError("database is locked")),
        operational(FakePsycopgError("server closed the connection unexpectedly")),
        sa_exc.TimeoutError("QueuePool limit of size 5 overflow 10 reached"),
    ],
)
def test_busy_database_is_a_503_with_retry_after(client, headers, monkeypatch, exc):
    monkeypatch.setattr(sync, "parse_finding", lambda data: object())
    monkeypatch.setattr(sync, "upsert_finding", failing_upsert(exc))
    response = client.put(f"/api/v1/findings/{uuid.uuid4()}", json={}, headers=headers)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    error = response.get_json()["error"]
    assert error["code"] == "database_unavailable" and error["status"] == 503
    assert "no está disponible" in error["message"]
    assert "locked" not in response.get_data(as_text=True)
    assert "server closed" not in response.get_data(as_text=True)
    # the session was rolled back: the next request works
    assert client.get("/api/v1/me", headers=headers).status_code == 200


def test_other_sqlite_errors_stay_500(client, headers, monkeypatch):
    monkeypatch.setattr(sync, "parse_finding", lambda data: object())
    broken = operational(sqlite3.OperationalError("no such table: findings"))
    monkeypatch.setattr(sync, "upsert_finding", failing_upsert(broken))
    response = client.put(f"/api/v1/findings/{uuid.uuid4()}", json={}, headers=headers)
    assert response.status_code == 500 and "Retry-After" not in response.headers
    assert "no such table" not in response.get_data(as_text=True)


def test_transient_classification():
    assert is_transient_db_error(operational(sqlite3.OperationalError("database is locked")))
    assert is_transient_db_error(operational(sqlite3.OperationalError("database table is locked")))
    assert not is_transient_db_error(operational(sqlite3.OperationalError("near 'x': syntax")))
    assert is_transient_db_error(operational(FakePsycopgError("could not serialize access")))
    assert not is_transient_db_error(sa_exc.IntegrityError("INSERT", {}, Exception("dup")))
    assert not is_transient_db_error(ValueError("nope"))


def test_token_use_is_written_at_most_once_a_minute(client, headers, db):
    """Writing last_used_at on every request would make every API call a writer from its
    first query on, holding SQLite's single write lock for the whole request."""
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    db.session.expire_all()
    token = db.session.scalar(sa.select(ApiToken))
    first = token.last_used_at
    assert first is not None
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    db.session.expire_all()
    assert db.session.scalar(sa.select(ApiToken)).last_used_at == first
    token = db.session.scalar(sa.select(ApiToken))
    token.last_used_at = utcnow() - timedelta(minutes=2)
    db.session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    db.session.expire_all()
    assert db.session.scalar(sa.select(ApiToken)).last_used_at > first
