"""Fixtures: one app per session, a clean database per test, a logged-in client helper.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set
(`.ci/run` does both). DATABASE_URL is never used here, so a developer's real
database is never touched.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from flask import g
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from fieldapp import create_app
from fieldapp.auth.models import Role
from fieldapp.auth.services import create_user
from fieldapp.extensions import db as _db
from fieldapp.territory.services import locator
from tests.helpers import PASSWORD, csrf_from


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """`make test` compiles the catalogues; do it here too when pytest runs alone."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parent.parent / "fieldapp" / "translations"
    for po in root.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with open(po, "rb") as src, open(mo, "wb") as dst:
                write_mo(dst, read_po(src))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    return os.environ.get("TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    )


class RequestIsolatingClient(FlaskClient):
    """The ``db`` fixture keeps an app context open, and Flask reuses it for test requests;
    start each request with an empty ``g`` (cached user, locale) as a real request would."""

    def open(self, *args, **kwargs):
        vars(g).clear()
        try:
            return super().open(*args, **kwargs)
        finally:
            vars(g).clear()


@pytest.fixture(scope="session")
def app(tmp_path_factory, database_url):
    instance = tmp_path_factory.mktemp("instance")
    app = create_app(
        {
            "INSTANCE_PATH": str(instance),
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "MEDIA_ROOT": str(instance / "media"),
        }
    )
    app.test_client_class = RequestIsolatingClient
    with app.app_context():
        _db.drop_all()
        _db.create_all()
    yield app
    with app.app_context():
        _db.drop_all()
        _db.engine.dispose()


@pytest.fixture(autouse=True)
def db(app):
    """A clean database for each test: every table emptied afterwards."""
    with app.app_context():
        locator.invalidate()
        yield _db
        _db.session.rollback()
        _db.session.remove()
        with _db.engine.begin() as conn:
            for table in reversed(_db.metadata.sorted_tables):
                conn.execute(table.delete())
        locator.invalidate()


@pytest.fixture
def live_server(app):
    """The app on a free local port, for browsers and scripts."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(db):
    def _make(role: Role = Role.INSPECTOR, email: str | None = None, name: str = "Ana Prueba"):
        user = create_user(email or f"{role.value}@example.mx", name, role, PASSWORD)
        db.session.commit()
        return user

    return _make


class AuthActions:
    def __init__(self, client):
        self.client = client

    def csrf(self, path: str = "/login") -> str:
        return csrf_from(self.client.get(path).get_data(as_text=True))

    def login(self, email: str, password: str = PASSWORD, **extra):
        data = {"email": email, "password": password, "csrf_token": self.csrf(), **extra}
        return self.client.post("/login", data=data)

    def logout(self):
        return self.client.post("/logout", data={"csrf_token": self.csrf("/account")})


@pytest.fixture
def auth(client):
    return AuthActions(client)
