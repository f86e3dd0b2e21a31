"""A demand from report to verification, with the rules that keep its history honest."""

import io

import pytest
import sqlalchemy as sa

from fieldapp.findings.models import Finding, FindingStatus, FindingUpdate
from fieldapp.media.models import Photo
from tests.helpers import count, csrf_from
from tests.review.conftest import jpeg


def move(client, finding, **fields):
    page = client.get(f"/findings/{finding.uuid}").get_data(as_text=True)
    data = {
        "csrf_token": csrf_from(page),
        "note": "",
        "area": "",
        "external_folio": "",
        "duplicate_of": "",
        **fields,
    }
    photos = data.pop("photos", None)
    if photos:
        data["photos"] = [(io.BytesIO(p), f"foto{i}.jpg") for i, p in enumerate(photos)]
    return client.post(
        f"/findings/{finding.uuid}/status", data=data, content_type="multipart/form-data"
    )


def status_of(db, finding):
    return db.session.scalar(sa.select(Finding.status).where(Finding.id == finding.id))


def test_full_lifecycle_with_folio_and_after_photo(client, auth, world, db):
    finding = world["finding"]()
    auth.login(world["supervisor"].email)
    steps = [
        {
            "to_status": "canalizada",
            "area": "obras",
            "external_folio": "CESAC-2026-00123",
            "note": "Turnada a Obras",
        },
        {"to_status": "en_atencion"},
        {"to_status": "atendida", "note": "Cuadrilla cambió la luminaria"},
        {"to_status": "verificada", "photos": [jpeg((1, 200, 1))], "note": "Ya enciende"},
    ]
    for step in steps:
        response = move(client, finding, **step)
        assert response.status_code == 302, response.get_data(as_text=True)[-800:]
    db.session.expire_all()
    stored = db.session.get(Finding, finding.id)
    assert stored.status is FindingStatus.VERIFICADA
    assert stored.area.code == "obras" and stored.external_folio == "CESAC-2026-00123"
    history = [(u.from_status.value, u.to_status.value) for u in stored.updates]
    assert history == [
        ("reportada", "canalizada"),
        ("canalizada", "en_atencion"),
        ("en_atencion", "atendida"),
        ("atendida", "verificada"),
    ]
    assert all(u.author_id == world["supervisor"].id for u in stored.updates)
    after = db.session.scalars(sa.select(Photo).where(Photo.finding_update_id.is_not(None))).all()
    assert len(after) == 1
    page = client.get(f"/findings/{finding.uuid}").get_data(as_text=True)
    assert "Antes" in page and "Después" in page and str(after[0].uuid) in page


@pytest.mark.parametrize(
    "step, message",
    [
        ({"to_status": "verificada"}, "no puede pasar"),  # from reportada
        ({"to_status": "atendida"}, "no puede pasar"),
        ({"to_status": "canalizada", "external_folio": "CESAC\x07-1"}, "texto imprimible"),
        ({"to_status": "canalizada", "area": "no-existe"}, "no existe"),
        ({"to_status": "no_procede"}, "por qué no procede"),
        ({"to_status": "duplicada"}, "demanda original"),
        ({"to_status": "duplicada", "duplicate_of": "no-es-uuid"}, "no es el identificador"),
        ({"to_status": "inventada"}, "no"),
    ],
)
def test_bad_changes_are_explained_and_change_nothing(client, auth, world, db, step, message):
    finding = world["finding"]()
    auth.login(world["supervisor"].email)
    response = move(client, finding, **step)
    assert response.status_code in (400, 422)
    assert message in response.get_data(as_text=True)
    assert status_of(db, finding) is FindingStatus.REPORTADA
    assert count(FindingUpdate) == 0


def test_verification_needs_an_after_photo(client, auth, world, db):
    finding = world["finding"]()
    auth.login(world["supervisor"].email)
    for step in ({"to_status": "canalizada"}, {"to_status": "atendida"}):
        assert move(client, finding, **step).status_code == 302
    response = move(client, finding, to_status="verificada")
    assert response.status_code == 422 and "foto de «después»" in response.get_data(as_text=True)
    assert status_of(db, finding) is FindingStatus.ATENDIDA


def test_inspector_cannot_route_but_can_verify_own(client, auth, world, db):
    finding = world["finding"]()
    auth.login(world["inspector"].email)
    assert move(client, finding, to_status="canalizada").status_code == 403
    auth.logout()
    auth.login(world["supervisor"].email)
    move(client, finding, to_status="canalizada")
    move(client, finding, to_status="atendida")
    auth.logout()
    auth.login(world["inspector"].email)
    response = move(client, finding, to_status="verificada", photos=[jpeg()])
    assert response.status_code == 302
    assert status_of(db, finding) is FindingStatus.VERIFICADA


def test_other_inspectors_do_not_see_the_finding(client, auth, world):
    finding = world["finding"]()
    auth.login(world["other"].email)
    assert client.get(f"/findings/{finding.uuid}").status_code == 404


def test_closed_unfixed_stays_distinguishable(client, auth, world, db):
    finding = world["finding"]()
    auth.login(world["supervisor"].email)
    move(client, finding, to_status="no_procede", note="Es propiedad privada")
    page = client.get(f"/findings/{finding.uuid}").get_data(as_text=True)
    assert "Cerrada sin atender" in page
    assert move(client, finding, to_status="reportada", note="Se reabre").status_code == 302


def test_duplicates_are_suggested_and_marked(client, auth, world, db):
    original = world["finding"](days_old=3)
    near = world["finding"](lat=19.40020, lon=-99.1)  # ~22 m north
    world["finding"](lat=19.4010, lon=-99.1)  # ~111 m: too far
    world["finding"](category=world["potholes"])  # same place, other category
    auth.login(world["supervisor"].email)
    page = client.get(f"/findings/{near.uuid}").get_data(as_text=True)
    assert page.count("<code>") == 1 and str(original.uuid) in page
    assert (
        move(
            client,
            near,
            to_status="duplicada",
            duplicate_of=str(original.uuid),
            note="Misma luminaria",
        ).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(Finding, near.id).duplicate_of_id == original.id
    assert (
        move(client, original, to_status="duplicada", duplicate_of=str(near.uuid)).status_code
        == 422
    )  # no loops
