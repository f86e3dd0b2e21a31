import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, StatementError

from fieldapp.auth.models import Role
from fieldapp.findings.models import (
    AppendOnlyError,
    Category,
    Finding,
    FindingStatus,
    FindingUpdate,
)
from fieldapp.templating import localtime
from fieldapp.visits.models import Visit, VisitKind, VisitStatus


@pytest.fixture
def category(db):
    cat = Category(code="bacheo", name="Bacheo", expected_days=15)
    db.session.add(cat)
    db.session.commit()
    return cat


def make_finding(db, category, **fields):
    finding = Finding(category=category, lat=19.39, lon=-99.1, **fields)
    db.session.add(finding)
    db.session.commit()
    return finding


def test_timestamps_round_trip_as_aware_utc(db, make_user):
    inspector = make_user(Role.INSPECTOR)
    cdmx_noon = datetime(2026, 3, 10, 12, 0, tzinfo=timezone(timedelta(hours=-6)))
    visit = Visit(kind=VisitKind.RECORRIDO, inspector=inspector, started_at=cdmx_noon)
    db.session.add(visit)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Visit, visit.id).started_at
    assert stored.tzinfo is not None and stored.utcoffset() == timedelta(0)
    assert stored == datetime(2026, 3, 10, 18, 0, tzinfo=UTC)
    assert visit.status is VisitStatus.BORRADOR


def test_naive_datetimes_are_refused(db, make_user):
    visit = Visit(
        kind=VisitKind.RECORRIDO, inspector=make_user(), started_at=datetime(2026, 3, 10, 12, 0)
    )
    db.session.add(visit)
    with pytest.raises(StatementError, match="naive datetime"):
        db.session.commit()


def test_times_are_shown_in_mexico_city(app):
    with app.test_request_context("/"):
        # Mexico City has been UTC-6 all year since 2022 (no daylight saving).
        assert localtime(datetime(2026, 1, 15, 6, 0, tzinfo=UTC), "yyyy-MM-dd HH:mm") == (
            "2026-01-15 00:00"
        )
        assert localtime(datetime(2026, 7, 15, 6, 0, tzinfo=UTC), "yyyy-MM-dd HH:mm") == (
            "2026-07-15 00:00"
        )
        assert localtime(None) == "—"


def test_client_uuid_is_unique(db, make_user):
    inspector = make_user()
    shared = uuid.uuid4()
    db.session.add(Visit(uuid=shared, kind=VisitKind.RECORRIDO, inspector=inspector))
    db.session.commit()
    db.session.add(Visit(uuid=shared, kind=VisitKind.ASAMBLEA, inspector=inspector))
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_uuid_is_generated_when_not_given(db, category):
    assert isinstance(make_finding(db, category).uuid, uuid.UUID)


@pytest.mark.parametrize("fields", [{"lat": 91.0}, {"lon": -181.0}, {"accuracy_m": -1.0}])
def test_impossible_coordinates_are_refused_by_the_database(db, category, fields):
    db.session.add(Finding(category=category, **{"lat": 19.39, "lon": -99.1, **fields}))
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_unknown_enum_values_are_refused(db, make_user):
    with pytest.raises((StatementError, LookupError)):
        db.session.add(Visit(kind="paseo", inspector=make_user()))
        db.session.commit()


def test_the_database_itself_checks_enum_values(db, make_user):
    inspector = make_user()
    with pytest.raises(IntegrityError):
        db.session.execute(
            sa.text(
                "INSERT INTO visits (uuid, kind, status, inspector_id, started_at, notes, "
                "participants, created_at, updated_at) VALUES "
                "(:uuid, 'paseo', 'borrador', :inspector, :now, '', '[]', :now, :now)"
            ),
            {
                "uuid": uuid.uuid4().hex if db.engine.dialect.name == "sqlite" else uuid.uuid4(),
                "inspector": inspector.id,
                "now": datetime(2026, 1, 1),
            },
        )


def test_finding_updates_are_append_only(db, category):
    finding = make_finding(db, category)
    update = FindingUpdate(
        finding=finding,
        from_status=FindingStatus.REPORTADA,
        to_status=FindingStatus.CANALIZADA,
        note="Canalizada",
    )
    db.session.add(update)
    db.session.commit()
    update.note = "reescrita"
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(update)
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()
    db.session.add(
        FindingUpdate(
            finding=finding,
            from_status=FindingStatus.CANALIZADA,
            to_status=FindingStatus.EN_ATENCION,
        )
    )
    db.session.commit()
    assert [u.note for u in db.session.get(Finding, finding.id).updates] == ["Canalizada", ""]


def test_every_model_has_a_readable_repr(db, category):
    assert repr(category) == "<Category bacheo>"
    assert "reportada" in repr(make_finding(db, category))
