import hashlib

import pytest
import shapely
import sqlalchemy as sa

from fieldapp.auth.models import Role, User
from fieldapp.findings.models import Category, Finding
from fieldapp.media.models import Photo
from fieldapp.media.storage import get_storage
from fieldapp.models import Area, PlannedActivity, Project, TerritorialUnit, Visit
from tests.helpers import count

MODELS = (TerritorialUnit, Area, Category, User, Visit, Finding, Photo, Project, PlannedActivity)


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return result


def test_demo_loads_a_living_app(demo, db):
    assert count(TerritorialUnit) == 57
    assert (
        db.session.scalar(sa.select(TerritorialUnit.name).where(TerritorialUnit.code == "06-002"))
        == "Ampliacion Ramos Millan"
    )
    codes = set(db.session.scalars(sa.select(Category.code)))
    assert codes == {
        "alumbrado",
        "bacheo",
        "basura",
        "parques",
        "drenaje",
        "banquetas",
        "poda",
        "seguridad",
        "fugas",
    }
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(Category.default_area_id.is_(None))) == 0
    )
    assert sorted(u.role.value for u in db.session.scalars(sa.select(User))) == [
        "admin",
        "inspector",
        "supervisor",
    ]
    assert {v.kind.value for v in db.session.scalars(sa.select(Visit))} == {
        "recorrido",
        "supervision_obra",
        "evaluacion_servicio",
        "asamblea",
    }
    assert count(Finding) >= 10 and count(Photo) == count(Finding)


def test_demo_prints_each_password_once_and_it_works(demo, runner, client, auth):
    lines = [line.split() for line in demo.output.splitlines() if "@demo.fieldapp.mx" in line]
    assert len(lines) == 3
    email, password = lines[0]
    assert auth.login(email, password).status_code == 302
    assert "@demo.fieldapp.mx" not in runner.invoke(args=["demo"]).output


def test_demo_findings_lie_in_their_unit(demo, db):
    for finding in db.session.scalars(sa.select(Finding)):
        assert not finding.outside_unit
        polygon = finding.territorial_unit.geometry
        assert polygon.covers(shapely.Point(finding.lon, finding.lat)), finding.uuid


def test_demo_photos_are_stored_with_their_hash(demo, db, app):
    storage = get_storage()
    for photo in db.session.scalars(sa.select(Photo)):
        data = storage.read(photo.storage_key)
        assert hashlib.sha256(data).hexdigest() == photo.sha256
        assert len(data) == photo.size and photo.content_type == "image/jpeg"
        assert photo.exif_taken_at is not None


def test_demo_twice_duplicates_nothing(demo, runner, db):
    before = {m.__name__: count(m) for m in MODELS}
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0
    assert "no se agregó nada" in again.output
    assert {m.__name__: count(m) for m in MODELS} == before


def test_demo_on_a_database_with_users_only_adds_whats_missing(runner, make_user, db):
    make_user(Role.ADMIN, email="jefa@alcaldia.gob.mx")
    assert "no se cargan" in runner.invoke(args=["demo", "--if-empty"]).output
    assert count(TerritorialUnit) == 0
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0
    assert count(User) == 4 and count(TerritorialUnit) == 57


def test_demo_restores_a_deleted_part(demo, runner, db):
    finding = db.session.scalar(
        sa.select(Finding).where(~Finding.updates.any()).order_by(Finding.id.desc())
    )
    db.session.delete(finding.photos[0])
    db.session.delete(finding)
    db.session.commit()
    before = count(Finding)
    runner.invoke(args=["demo"])
    assert count(Finding) == before + 1
