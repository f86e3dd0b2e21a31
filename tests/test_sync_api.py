"""The sync API the phone's outbox replays: idempotent upserts, clear 4xx for bad input."""

import hashlib
import io
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import shapely
import sqlalchemy as sa
from PIL import Image

from fieldapp.auth.models import Role
from fieldapp.findings.models import Area, Category, Finding, FindingStatus
from fieldapp.media.models import Photo
from fieldapp.territory.services import upsert_unit
from fieldapp.visits.models import Visit, VisitStatus
from tests.helpers import PASSWORD, count

# A 0.01° square UT around (19.40, -99.10), and a point well outside it.
INSIDE = {"lat": 19.4, "lon": -99.1, "accuracy_m": 8}
OUTSIDE = {"lat": 19.45, "lon": -99.1, "accuracy_m": 8}


@pytest.fixture
def world(db, make_user):
    upsert_unit(
        "06-001", "Unidad de prueba", shapely.box(-99.105, 19.395, -99.095, 19.405), "Iztacalco"
    )
    area = Area(code="servicios", name="Servicios Urbanos")
    db.session.add(Category(code="alumbrado", name="Alumbrado", default_area=area))
    db.session.commit()
    make_user(Role.INSPECTOR)
    make_user(Role.INSPECTOR, email="otra@example.mx")
    make_user(Role.SUPERVISOR)


def token_for(client, email):
    response = client.post("/api/v1/tokens", json={"email": email, "password": PASSWORD})
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


@pytest.fixture
def api(client, world):
    headers = token_for(client, "inspector@example.mx")

    class Api:
        def put(self, path, body=None, raw=None, extra=None, as_headers=None):
            h = {**(as_headers or headers), **(extra or {})}
            if raw is not None:
                return client.put(path, data=raw, headers=h)
            return client.put(path, json=body, headers=h)

        def get(self, path, as_headers=None):
            response = client.get(path, headers=as_headers or headers, buffered=True)
            response.close()  # file responses hold the file open until closed
            return response

    return Api()


def now_iso(delta=timedelta()):
    return (datetime.now(UTC) + delta).astimezone().isoformat(timespec="seconds")


def visit_body(**extra):
    return {
        "kind": "recorrido",
        "started_at": "2026-03-10T10:00:00-06:00",
        "ended_at": None,
        "track": {
            "type": "LineString",
            "coordinates": [[-99.1, 19.4, 6, 1], [-99.101, 19.401, 7, 2]],
        },
        "participants": [{"name": "Vecina", "role": "líder"}],
        "notes": "",
        "project": None,
        **extra,
    }


def finding_body(visit_key, **extra):
    return {
        "visit": visit_key,
        "category": "alumbrado",
        "description": "Luminaria fundida",
        "location": INSIDE,
        "captured_at": "2026-03-10T10:15:00-06:00",
        "priority": "media",
        "requester": None,
        **extra,
    }


@pytest.fixture
def visit(api):
    key = str(uuid.uuid4())
    assert api.put(f"/api/v1/visits/{key}", visit_body()).status_code == 201
    return key


@pytest.fixture
def finding(api, visit):
    key = str(uuid.uuid4())
    assert api.put(f"/api/v1/findings/{key}", finding_body(visit)).status_code == 201
    return key


def jpeg(colour=(200, 30, 30), size=(1200, 900), exif=None) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG", quality=85, exif=exif or b"")
    return buffer.getvalue()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def put_photo(api, data, target, key=None, digest=None, **headers):
    key = key or str(uuid.uuid4())
    return api.put(
        f"/api/v1/photos/{key}?{target}",
        raw=data,
        extra={"Content-Type": "image/jpeg", "X-Content-SHA256": digest or sha(data), **headers},
    )


# Visits


def test_visit_put_is_idempotent(api, db):
    key = str(uuid.uuid4())
    first = api.put(f"/api/v1/visits/{key}", visit_body())
    again = api.put(f"/api/v1/visits/{key}", visit_body())
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json() == again.get_json()
    assert count(Visit) == 1
    body = first.get_json()
    assert body["territorial_unit"] == {"code": "06-001", "name": "Unidad de prueba"}
    assert body["started_at"] == "2026-03-10T16:00:00+00:00" and body["status"] == "borrador"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"kind": "paseo"}, "kind"),
        ({"started_at": "2026-03-10T10:00:00"}, "started_at"),
        ({"started_at": None}, "started_at"),
        ({"ended_at": "2026-03-10T09:00:00-06:00"}, "ended_at"),
        ({"track": {"type": "Point", "coordinates": [1, 2]}}, "track"),
        ({"track": {"type": "LineString", "coordinates": [[-99.1, 95]]}}, "track"),
        ({"participants": [{"role": "sin nombre"}]}, "participants"),
        ({"project": "no-es-uuid"}, "project"),
        ({"status": "validada"}, "status"),
        ({"notes": "x" * 10_001}, "notes"),
    ],
)
def test_bad_visits_are_refused_field_by_field(api, change, field):
    response = api.put(f"/api/v1/visits/{uuid.uuid4()}", visit_body(**change))
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert count(Visit) == 0


def test_non_uuid_and_non_json_are_refused(api):
    assert api.put("/api/v1/visits/not-a-uuid", visit_body()).status_code == 422
    bad = api.put(
        f"/api/v1/visits/{uuid.uuid4()}",
        raw=b"{no json",
        extra={"Content-Type": "application/json"},
    )
    assert bad.status_code == 422 and "_body" in bad.get_json()["error"]["fields"]


def test_someone_elses_visit_cannot_be_overwritten(api, client, visit):
    other = token_for(client, "otra@example.mx")
    response = api.put(f"/api/v1/visits/{visit}", visit_body(notes="mío"), as_headers=other)
    assert response.status_code == 403
    assert api.get(f"/api/v1/findings?visit={visit}", as_headers=other).get_json()["features"] == []


def test_sending_and_late_draft_replays(api, db, visit):
    sent = api.put(f"/api/v1/visits/{visit}", visit_body(status="enviada"))
    assert sent.get_json()["status"] == "enviada" and sent.get_json()["submitted_at"]
    late_draft = api.put(f"/api/v1/visits/{visit}", visit_body())
    assert late_draft.status_code == 200 and late_draft.get_json()["status"] == "enviada"


def test_validated_visit_accepts_replays_but_no_changes(api, db, visit):
    api.put(f"/api/v1/visits/{visit}", visit_body(status="enviada"))
    db.session.scalar(sa.select(Visit)).status = VisitStatus.VALIDADA
    db.session.commit()
    assert api.put(f"/api/v1/visits/{visit}", visit_body(status="enviada")).status_code == 200
    changed = api.put(f"/api/v1/visits/{visit}", visit_body(status="enviada", notes="otra"))
    assert changed.status_code == 409
    assert db.session.scalar(sa.select(Visit.notes)) == ""


def test_returned_visit_can_be_corrected_and_sent_again(api, db, visit):
    db.session.scalar(sa.select(Visit)).status = VisitStatus.DEVUELTA
    db.session.commit()
    response = api.put(f"/api/v1/visits/{visit}", visit_body(status="enviada", notes="ya"))
    assert response.status_code == 200 and response.get_json()["status"] == "enviada"


def test_phone_clock_in_the_future_is_corrected_and_replays_stay_equal(api, db):
    key = str(uuid.uuid4())
    future = now_iso(timedelta(days=2))
    first = api.put(f"/api/v1/visits/{key}", visit_body(started_at=future)).get_json()
    started = datetime.fromisoformat(first["started_at"])
    assert abs(started - datetime.now(UTC)) < timedelta(minutes=1)
    assert datetime.fromisoformat(first["device_started_at"]) == datetime.fromisoformat(future)
    again = api.put(f"/api/v1/visits/{key}", visit_body(started_at=future))
    assert again.status_code == 200 and again.get_json() == first


# Findings


def test_finding_put_is_idempotent_and_placed(api, visit):
    key = str(uuid.uuid4())
    first = api.put(f"/api/v1/findings/{key}", finding_body(visit))
    again = api.put(f"/api/v1/findings/{key}", finding_body(visit))
    assert (first.status_code, again.status_code) == (201, 200)
    body = first.get_json()
    assert body == again.get_json()
    assert body["territorial_unit"]["code"] == "06-001" and body["outside_unit"] is False
    assert body["area"] == "servicios" and body["status"] == "reportada"
    assert count(Finding) == 1


def test_finding_outside_every_unit_is_kept_and_flagged(api, visit):
    body = api.put(
        f"/api/v1/findings/{uuid.uuid4()}", finding_body(visit, location=OUTSIDE)
    ).get_json()
    assert body["territorial_unit"] is None and body["outside_unit"] is True
    assert body["nearest_unit"]["code"] == "06-001"
    assert 4500 < body["nearest_distance_m"] < 5100  # 0.045° of latitude ≈ 4.98 km


@pytest.mark.parametrize(
    "change, field",
    [
        ({"location": {"lat": 91, "lon": -99.1, "accuracy_m": 8}}, "lat"),
        ({"location": {"lat": 19.4, "lon": -181, "accuracy_m": 8}}, "lon"),
        ({"location": {"lat": 19.4, "lon": -99.1, "accuracy_m": -1}}, "accuracy_m"),
        ({"location": {"lat": "19.4", "lon": -99.1}}, "lat"),
        ({"location": None}, "location"),
        ({"category": None}, "category"),
        ({"captured_at": "ayer"}, "captured_at"),
        ({"priority": "urgente"}, "priority"),
        ({"requester": "Juan"}, "requester"),
        ({"visit": "nope"}, "visit"),
    ],
)
def test_bad_findings_are_refused_field_by_field(api, visit, change, field):
    response = api.put(f"/api/v1/findings/{uuid.uuid4()}", finding_body(visit, **change))
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    assert count(Finding) == 0


def test_nan_coordinates_are_refused(api, visit):
    raw = json.dumps(finding_body(visit)).replace("19.4", "NaN").encode()
    response = api.put(
        f"/api/v1/findings/{uuid.uuid4()}", raw=raw, extra={"Content-Type": "application/json"}
    )
    assert response.status_code == 422 and count(Finding) == 0


def test_unknown_category_and_unknown_visit(api, visit):
    bad_cat = api.put(f"/api/v1/findings/{uuid.uuid4()}", finding_body(visit, category="ovnis"))
    assert bad_cat.status_code == 422
    assert "ovnis" in bad_cat.get_json()["error"]["fields"]["category"][0]
    orphan = api.put(f"/api/v1/findings/{uuid.uuid4()}", finding_body(str(uuid.uuid4())))
    assert orphan.status_code == 409 and orphan.get_json()["error"]["code"] == "unknown_visit"
    assert count(Finding) == 0


def test_html_in_text_is_stored_as_text(api, visit):
    nasty = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    body = api.put(
        f"/api/v1/findings/{uuid.uuid4()}", finding_body(visit, description=nasty)
    ).get_json()
    assert body["description"] == nasty  # kept verbatim; every page escapes it on output


def test_finding_in_follow_up_is_not_changed_from_the_phone(api, db, visit, finding):
    db.session.scalar(sa.select(Finding)).status = FindingStatus.CANALIZADA
    db.session.commit()
    assert api.put(f"/api/v1/findings/{finding}", finding_body(visit)).status_code == 200
    changed = api.put(f"/api/v1/findings/{finding}", finding_body(visit, description="otra"))
    assert changed.status_code == 409


def test_moving_a_finding_places_it_again(api, visit, finding):
    body = api.put(f"/api/v1/findings/{finding}", finding_body(visit, location=OUTSIDE))
    assert body.status_code == 200 and body.get_json()["outside_unit"] is True


def test_requester_is_private(api, client, visit):
    key = str(uuid.uuid4())
    own = api.put(
        f"/api/v1/findings/{key}",
        finding_body(visit, requester={"name": "Doña Rosa", "phone": "5512345678"}),
    ).get_json()
    assert own["requester"] == {"name": "Doña Rosa", "phone": "5512345678"}
    supervisor = token_for(client, "supervisor@example.mx")
    listed = api.get("/api/v1/findings", as_headers=supervisor).get_data(as_text=True)
    assert key in listed and "Doña Rosa" not in listed and "5512345678" not in listed


# Photos


def test_photo_codes_follow_the_contract(api, finding):
    a, b = jpeg((10, 20, 30)), jpeg((200, 210, 220))
    key = str(uuid.uuid4())
    target = f"finding={finding}"
    codes = [
        put_photo(api, a, target, key).status_code,
        put_photo(api, a, target, key).status_code,
        put_photo(api, b, target, key).status_code,
        put_photo(api, a[: len(a) // 3], target).status_code,
        put_photo(api, b, target, digest=sha(a)).status_code,
    ]
    assert codes == [201, 200, 409, 422, 422]
    assert count(Photo) == 1


def test_listing_shows_exactly_the_stored_photo(api, visit, finding):
    a = jpeg()
    put_photo(api, a, f"finding={finding}")
    features = api.get(f"/api/v1/findings?visit={visit}").get_json()["features"]
    assert [f["id"] for f in features] == [finding]
    assert [p["sha256"] for p in features[0]["properties"]["photos"]] == [sha(a)]


def test_variants_are_upright_and_small(api, finding):
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was turned: display must be rotated 90°
    body = put_photo(api, jpeg(size=(4000, 3000), exif=exif), f"finding={finding}").get_json()
    display, thumb = api.get(body["url"]), api.get(body["thumb_url"])
    with Image.open(io.BytesIO(display.data)) as im:
        assert im.size == (1200, 1600) and not im.getexif()
    with Image.open(io.BytesIO(thumb.data)) as im:
        assert max(im.size) == 320
    assert (body["width"], body["height"]) == (4000, 3000)  # the original is kept as sent


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",
        b"",
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
    ],
)
def test_non_images_are_refused(api, finding, data):
    assert put_photo(api, data, f"finding={finding}").status_code == 422
    assert count(Photo) == 0


def test_decompression_bomb_is_refused(api, finding):
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, "PNG")  # tiny file, 400 Mpx when decoded
    data = buffer.getvalue()
    assert len(data) < 200_000
    response = put_photo(api, data, f"finding={finding}")
    assert response.status_code == 422 and count(Photo) == 0


def test_too_large_photo_gets_413(api, app, finding, monkeypatch):
    monkeypatch.setitem(app.config, "PHOTO_MAX_MB", 1)
    data = jpeg(size=(4000, 4000)) + b"\0" * (1024 * 1024)
    assert put_photo(api, data, f"finding={finding}").status_code == 413
    assert count(Photo) == 0


def test_photo_for_unknown_or_foreign_finding(api, client, finding):
    assert put_photo(api, jpeg(), f"finding={uuid.uuid4()}").status_code == 409
    assert put_photo(api, jpeg(), "").status_code == 422
    other = token_for(client, "otra@example.mx")
    data = jpeg()
    response = client.put(
        f"/api/v1/photos/{uuid.uuid4()}?finding={finding}",
        data=data,
        headers={**other, "X-Content-SHA256": sha(data)},
    )
    assert response.status_code == 403


def test_exif_hints_from_the_phone_are_kept_when_sane(api, db, finding):
    put_photo(
        api,
        jpeg(),
        f"finding={finding}",
        **{
            "X-Exif-Taken-At": "2026-03-10T09:58:00-06:00",
            "X-Exif-Lat": "19.4001",
            "X-Exif-Lon": "-99.1002",
        },
    )
    put_photo(
        api, jpeg((1, 2, 3)), f"finding={finding}", **{"X-Exif-Lat": "123", "X-Exif-Lon": "-99.1"}
    )
    photos = db.session.scalars(sa.select(Photo).order_by(Photo.id)).all()
    assert photos[0].exif_taken_at == datetime(2026, 3, 10, 15, 58, tzinfo=UTC)
    assert (photos[0].exif_lat, photos[0].exif_lon) == (19.4001, -99.1002)
    assert (photos[1].exif_lat, photos[1].exif_lon) == (None, None)


def test_photo_files_are_only_shown_to_those_allowed(api, client, finding):
    url = put_photo(api, jpeg(), f"finding={finding}").get_json()["url"]
    assert api.get(url).status_code == 200
    assert api.get(url, as_headers=token_for(client, "supervisor@example.mx")).status_code == 200
    assert api.get(url, as_headers=token_for(client, "otra@example.mx")).status_code == 404
    anonymous = client.get(url)
    assert anonymous.status_code == 302  # to the login page


# Signatures, reads


def png(size=(300, 120)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", size, (0, 0, 0, 0)).save(buffer, "PNG")
    return buffer.getvalue()


def test_signatures_are_idempotent_pngs(api, visit):
    data, key = png(), str(uuid.uuid4())
    path = f"/api/v1/signatures/{key}?visit={visit}&name=Rosa%20Mart%C3%ADnez&role=L%C3%ADder"
    headers = {"X-Content-SHA256": sha(data), "Content-Type": "image/png"}
    first = api.put(path, raw=data, extra=headers)
    assert first.status_code == 201 and first.get_json()["name"] == "Rosa Martínez"
    assert api.put(path, raw=data, extra=headers).status_code == 200
    photo = jpeg()
    not_png = api.put(
        f"/api/v1/signatures/{uuid.uuid4()}?visit={visit}&name=X",
        raw=photo,
        extra={"X-Content-SHA256": sha(photo)},
    )
    assert not_png.status_code == 422
    visits = api.get("/api/v1/visits").get_json()["visits"]
    assert [s["name"] for s in visits[0]["signatures"]] == ["Rosa Martínez"]


def test_findings_filters(api, visit):
    inside, outside = str(uuid.uuid4()), str(uuid.uuid4())
    api.put(f"/api/v1/findings/{inside}", finding_body(visit))
    api.put(f"/api/v1/findings/{outside}", finding_body(visit, location=OUTSIDE))

    def ids(query):
        return {f["id"] for f in api.get(f"/api/v1/findings?{query}").get_json()["features"]}

    assert ids("bbox=-99.2,19.39,-99.0,19.41") == {inside}
    assert ids("ut=06-001") == {inside}
    assert ids("status=reportada") == {inside, outside}
    assert ids("status=verificada") == set()
    assert ids("category=alumbrado&limit=1") <= {inside, outside}
    assert len(ids("category=alumbrado&limit=1")) == 1
    for bad in ("bbox=1,2,3", "status=rara", "from=ayer", "limit=0", "visit=x"):
        assert api.get(f"/api/v1/findings?{bad}").status_code == 422, bad


def test_visits_list_shows_return_comments(api, db, visit):
    stored = db.session.scalar(sa.select(Visit))
    stored.status, stored.review_comment = VisitStatus.DEVUELTA, "Falta la foto."
    db.session.commit()
    visits = api.get("/api/v1/visits").get_json()["visits"]
    assert [(v["id"], v["status"], v["review_comment"]) for v in visits] == [
        (visit, "devuelta", "Falta la foto.")
    ]
