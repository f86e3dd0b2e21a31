"""A small world for the review pages: a UT, areas, categories, an inspector's visit."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta

import pytest
import shapely
from PIL import Image

from fieldapp.auth.models import Role
from fieldapp.findings.models import Area, Category, Finding
from fieldapp.media.services import store_photo
from fieldapp.orm import utcnow
from fieldapp.territory.services import upsert_unit
from fieldapp.visits.models import Visit, VisitKind, VisitStatus


def jpeg(colour=(10, 120, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def world(db, make_user):
    unit, _changed = upsert_unit("06-001", "Unidad uno", shapely.box(-99.11, 19.39, -99.09, 19.41))
    services = Area(code="servicios", name="Servicios Urbanos")
    works = Area(code="obras", name="Obras")
    lamps = Category(code="alumbrado", name="Alumbrado", default_area=services, expected_days=7)
    potholes = Category(code="bacheo", name="Bacheo", default_area=works, expected_days=15)
    db.session.add_all([services, works, lamps, potholes])
    inspector = make_user(Role.INSPECTOR, name="Juan Inspector")
    other = make_user(Role.INSPECTOR, email="otro@example.mx", name="Otro Inspector")
    supervisor = make_user(Role.SUPERVISOR, name="Laura Supervisora")
    admin = make_user(Role.ADMIN, name="Ana Admin")
    visit = Visit(
        uuid=uuid.uuid4(),
        kind=VisitKind.RECORRIDO,
        inspector_id=inspector.id,
        status=VisitStatus.ENVIADA,
        started_at=utcnow() - timedelta(days=1),
        territorial_unit=unit,
        track=[[-99.1, 19.4, 5, 0], [-99.101, 19.401, 5, 1]],
    )
    db.session.add(visit)
    db.session.flush()

    def finding(category=lamps, days_old=1, lat=19.4, lon=-99.1, by=inspector, **extra):
        f = Finding(
            uuid=uuid.uuid4(),
            visit_id=visit.id,
            category=category,
            area=category.default_area,
            created_by_id=by.id,
            lat=lat,
            lon=lon,
            accuracy_m=6,
            territorial_unit_id=unit.id,
            captured_at=utcnow() - timedelta(days=days_old),
            **extra,
        )
        db.session.add(f)
        db.session.flush()
        store_photo(jpeg(), finding_id=f.id)
        db.session.commit()
        return f

    db.session.commit()
    return {
        "unit": unit,
        "lamps": lamps,
        "potholes": potholes,
        "inspector": inspector,
        "other": other,
        "supervisor": supervisor,
        "admin": admin,
        "visit": visit,
        "finding": finding,
        "areas": {"servicios": services, "obras": works},
    }
