"""`flask db upgrade` on an empty database gives exactly the models' schema."""

import os
import subprocess
import sys
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from fieldapp.extensions import db


@pytest.fixture
def empty_database(database_url, tmp_path):
    url = sa.make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    name = f"fieldapp_migr_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_upgrade_creates_the_models_schema(app, empty_database, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": empty_database,
        "FIELDAPP_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    flask = os.path.join(os.path.dirname(sys.executable), "flask")
    result = subprocess.run(
        [flask, "--app", "fieldapp", "db", "upgrade"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    engine = sa.create_engine(empty_database)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
            tables = set(sa.inspect(conn).get_table_names())
    finally:
        engine.dispose()
    assert diff == [], f"models and migrations disagree: {diff}"
    assert {
        "users",
        "visits",
        "findings",
        "finding_updates",
        "photos",
        "projects",
        "territorial_units",
        "signatures",
        "planned_activities",
        "audit_events",
    } <= tables


def test_constraints_are_named(app):
    unnamed = [
        (table.name, type(c).__name__)
        for table in db.metadata.tables.values()
        for c in table.constraints
        if c.name is None
    ]
    assert unnamed == []
