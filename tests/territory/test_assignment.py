"""After an import every finding, visit and project is placed again, in bulk."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from fieldapp.auth.models import Role
from fieldapp.findings.models import Category, Finding
from fieldapp.orm import utcnow
from fieldapp.projects.models import Project
from fieldapp.territory.assignment import reassign_all
from fieldapp.territory.models import TerritorialUnit
from fieldapp.visits.models import Visit, VisitKind
from tests.territory.conftest import centre, feature, square, write_geojson


def unit_id(db, code: str) -> int:
    return db.session.scalar(sa.select(TerritorialUnit.id).where(TerritorialUnit.code == code))


@pytest.fixture
def records(db, make_user):
    """Findings, visits and projects saved before any UT exists."""
    inspector = make_user(Role.INSPECTOR)
    category = Category(code="bacheo", name="Bacheo")
    db.session.add(category)
    now = utcnow()
    lat_a, lon_a = centre(0)
    lat_c, lon_c = centre(2)
    visit_track = Visit(
        kind=VisitKind.RECORRIDO,
        inspector_id=inspector.id,
        started_at=now,
        track=[[lon_c, lat_c, 5.0, 0], [lon_a, lat_a, 5.0, 1]],
    )
    project = Project(year=now.year, name="Luminarias", lat=lat_a, lon=lon_a, progress_pct=40)
    visit_project = Visit(
        kind=VisitKind.SUPERVISION_OBRA, inspector_id=inspector.id, started_at=now, project=project
    )
    visit_findings = Visit(kind=VisitKind.ASAMBLEA, inspector_id=inspector.id, started_at=now)
    findings = [
        Finding(
            category=category,
            lat=lat_a,
            lon=lon_a,
            visit=visit_findings,
            captured_at=now + timedelta(minutes=2),
        ),
        Finding(category=category, lat=lat_c, lon=lon_c, visit=visit_findings, captured_at=now),
        Finding(category=category, lat=lat_a + 0.03, lon=lon_a, captured_at=now),  # outside
    ]
    db.session.add_all([visit_track, project, visit_project, visit_findings, *findings])
    db.session.commit()
    return {
        "visit_track": visit_track,
        "visit_project": visit_project,
        "visit_findings": visit_findings,
        "project": project,
        "findings": findings,
    }


def test_import_places_existing_records(import_layer, db, records, three_squares):
    report = import_layer(three_squares)
    assert report.reassigned == {"findings": 3, "projects": 1, "visits": 3}
    a, c = unit_id(db, "T-001"), unit_id(db, "T-003")
    inside_a, inside_c, outside = records["findings"]
    assert (inside_a.territorial_unit_id, inside_a.outside_unit) == (a, False)
    assert inside_c.territorial_unit_id == c
    assert outside.territorial_unit_id is None and outside.outside_unit
    assert outside.nearest_unit_id == a
    assert outside.nearest_distance_m == pytest.approx(0.025 * 110_700, rel=0.02)
    assert records["project"].territorial_unit_id == a
    assert records["visit_track"].territorial_unit_id == c  # where its track starts
    assert records["visit_project"].territorial_unit_id == a  # its project's UT
    assert records["visit_findings"].territorial_unit_id == c  # its earliest finding's UT


def test_moving_a_boundary_moves_the_records(import_layer, db, records, tmp_path, three_squares):
    import_layer(three_squares)
    # T-003 now also covers square A: A's points stay in T-001 (lowest id on overlaps),
    # so shrink T-001 away instead.
    moved = write_geojson(
        tmp_path / "v2.geojson",
        [
            feature(square(0, 3), clave="T-001", nombre="Alfa"),
            feature(square(1), clave="T-002", nombre="Beta"),
            feature(square(2).union(square(0)), clave="T-003", nombre="Gama"),
        ],
    )
    report = import_layer(moved)
    assert report.updated == ["T-001", "T-003"]
    c = unit_id(db, "T-003")
    assert records["findings"][0].territorial_unit_id == c
    assert records["project"].territorial_unit_id == c
    assert report.reassigned["findings"] >= 1


def test_reassign_twice_changes_nothing(import_layer, db, records, three_squares):
    import_layer(three_squares)
    assert reassign_all() == {"findings": 0, "projects": 0, "visits": 0}


def test_replace_detaches_then_places_again(import_layer, db, records, tmp_path, three_squares):
    import_layer(three_squares)
    only_b = write_geojson(
        tmp_path / "b.geojson", [feature(square(1), clave="T-002", nombre="Beta")]
    )
    import_layer(only_b, replace=True)
    b = unit_id(db, "T-002")
    for finding in records["findings"]:
        assert finding.territorial_unit_id is None and finding.outside_unit
        assert finding.nearest_unit_id == b
    assert records["project"].territorial_unit_id == b  # outside: the nearest UT
