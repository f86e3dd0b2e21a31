"""The phone app in a real browser: capture offline, survive a reload, sync exactly once."""

from __future__ import annotations

import hashlib
import io
import time
import uuid

import pytest
import sqlalchemy as sa
from PIL import Image

from fieldapp.findings.models import Finding
from fieldapp.media.models import Photo
from fieldapp.visits.models import Visit

pytestmark = pytest.mark.browser

# Inside UT 06-061 of the demo layer (Iztacalco); each step moves ~30 m north.
START = {"latitude": 19.3955, "longitude": -99.0985, "accuracy": 6}
PIXEL_7 = {
    "viewport": {"width": 412, "height": 915},
    "device_scale_factor": 2.625,
    "is_mobile": True,
    "has_touch": True,
    "locale": "es-MX",
    "timezone_id": "America/Mexico_City",
    "geolocation": START,
    "permissions": ["geolocation"],
}


def photo(seed: int, size=(2400, 1800)) -> dict:
    """A JPEG with camera EXIF (time and GPS), like a phone's."""
    image = Image.effect_noise(size, 40 + seed).convert("RGB")
    exif = Image.Exif()
    exif[0x0132] = "2026:03:10 10:15:00"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (19.0, 23.0, 43.8), 3: "W", 4: (99.0, 5.0, 54.6)})
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, exif=exif)
    return {"name": f"foto-{seed}.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


@pytest.fixture
def field(chromium, live_server, runner):
    output = runner.invoke(args=["demo"]).output
    password = next(
        line.split()[1]
        for line in output.splitlines()
        if line.strip().startswith("inspector@demo.fieldapp.mx")
    )
    context = chromium.new_context(**PIXEL_7)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server}/login?next=/app")
    page.fill("#email", "inspector@demo.fieldapp.mx")
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/app")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20000)
    page.wait_for_function(
        "async () => !!(await FA.db.getCached('categories')) &&"
        " !!(await FA.db.getCached('token:' + FA.userId))",
        timeout=20000,
    )
    yield page, context, live_server
    assert errors == [], errors
    context.close()


def walk(context, steps: int) -> None:
    for step in range(1, steps + 1):
        context.set_geolocation({**START, "latitude": START["latitude"] + 0.0003 * step})
        time.sleep(0.4)


def add_finding(page, category: str, note: str, photos: list[dict]) -> None:
    page.click("#add-finding")
    page.wait_for_selector("#camera", state="attached")
    page.set_input_files("#camera", files=photos)
    page.wait_for_function(
        f"() => document.querySelectorAll('img.thumb').length === {len(photos)}", timeout=20000
    )
    page.click(f".chips button[data-value={category}]")
    page.fill("#note", note)
    page.click("#save-finding")
    page.wait_for_selector("#finding-list")


def pending(page) -> int:
    return page.evaluate("async () => (await FA.sync.pending()).total")


def local_state(page) -> dict:
    return page.evaluate("""async () => ({
        visits: (await FA.db.all('visits')).map(v => v.id),
        findings: (await FA.db.all('findings')).map(f => f.id),
        photos: (await FA.db.all('photos')).map(p => ({id: p.id, sha256: p.sha256,
                                                       kept: !!p.blob})),
    })""")


def wait_all_sent(page, timeout_s: float = 30) -> None:
    deadline = time.time() + timeout_s
    while pending(page) and time.time() < deadline:
        page.evaluate("() => FA.sync.run({force: true})")
        time.sleep(0.5)
    assert pending(page) == 0


def test_offline_capture_survives_reload_and_syncs_exactly_once(field, db, screenshot):
    page, context, base = field
    page.click("button[data-kind=recorrido]")
    page.wait_for_selector("#add-finding")
    walk(context, 4)
    context.set_offline(True)
    for n, category in enumerate(("alumbrado", "bacheo", "basura")):
        add_finding(
            page,
            category,
            f"Hallazgo {n} <script>alert(1)</script>",
            [photo(n * 2), photo(n * 2 + 1)] if n == 0 else [photo(n * 2)],
        )
        walk(context, 1)
    screenshot(page, "field-visit")
    before = local_state(page)
    assert len(before["findings"]) == 3 and len(before["photos"]) == 4
    page.reload()  # still offline: the service worker serves the app, IndexedDB keeps the rest
    page.wait_for_selector("#finding-list li >> nth=2")  # the open visit, its three findings
    page.click("header a[href='#/']")
    page.wait_for_selector("#pending-badge")
    assert "por enviar" in page.inner_text("#pending-badge")
    screenshot(page, "field-home-offline")
    assert local_state(page) == before
    context.set_offline(False)
    wait_all_sent(page)
    screenshot(page, "field-home-synced")

    visit_id = before["visits"][0]
    visit = db.session.scalar(sa.select(Visit).where(Visit.uuid == uuid.UUID(visit_id)))
    assert visit is not None and len(visit.track) >= 4
    findings = db.session.scalars(sa.select(Finding).where(Finding.visit_id == visit.id)).all()
    assert sorted(str(f.uuid) for f in findings) == sorted(before["findings"])
    assert all(f.territorial_unit.code == "06-061" for f in findings)
    stored = db.session.scalars(
        sa.select(Photo).where(Photo.finding_id.in_([f.id for f in findings]))
    ).all()
    assert sorted((str(p.uuid), p.sha256) for p in stored) == sorted(
        (p["id"], p["sha256"]) for p in before["photos"]
    )
    for photo_row in stored:  # resized on the phone, EXIF time and GPS sent along
        assert max(photo_row.width, photo_row.height) == 1600
        assert photo_row.exif_lat == pytest.approx(19.39550, abs=1e-4)
    after = local_state(page)
    assert not any(p["kept"] for p in after["photos"])  # blobs dropped once confirmed


def test_network_cut_during_sync_loses_and_duplicates_nothing(field, db, screenshot):
    page, context, base = field
    page.click("button[data-kind=recorrido]")
    page.wait_for_selector("#add-finding")
    context.set_offline(True)
    add_finding(page, "drenaje", "Coladera tapada", [photo(7), photo(8)])
    state = local_state(page)
    cut = {"done": False}

    def drop_first_photo(route):
        if not cut["done"]:
            cut["done"] = True
            route.abort("connectionreset")  # the connection dies mid-upload
        else:
            route.continue_()

    page.route("**/api/v1/photos/**", drop_first_photo)
    context.set_offline(False)
    page.evaluate("() => FA.sync.run({force: true})")
    assert cut["done"]
    wait_all_sent(page)
    finding_key = uuid.UUID(state["findings"][0])
    finding = db.session.scalar(sa.select(Finding).where(Finding.uuid == finding_key))
    photos = db.session.scalars(sa.select(Photo).where(Photo.finding_id == finding.id)).all()
    assert sorted((str(p.uuid), p.sha256) for p in photos) == sorted(
        (p["id"], p["sha256"]) for p in state["photos"]
    )
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Visit)
            .where(Visit.uuid == uuid.UUID(state["visits"][0]))
        )
        == 1
    )


def test_close_visit_with_signature(field, db, screenshot):
    page, context, base = field
    page.click("button[data-kind=asamblea]")
    page.wait_for_selector("#place")
    page.fill("#place", "Salón ejidal")
    page.fill("#attendance", "42")
    page.click("#close-visit")
    page.fill("#participant-name", "Rosa Martínez")
    page.fill("#participant-role", "Presidenta del comité")
    page.click("#add-participant")
    page.click("text=Firmar")
    box = page.locator("canvas.signature").bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 40)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * 25, box["y"] + 40 + (step % 3) * 20)
    page.mouse.up()
    page.click("#save-signature")
    page.wait_for_selector("text=Firmó")
    screenshot(page, "field-close")
    page.click("#send-visit")
    page.wait_for_selector("#pending-badge")
    wait_all_sent(page)
    visit_id = page.evaluate("async () => (await FA.db.all('visits'))[0].id")
    visit = db.session.scalar(sa.select(Visit).where(Visit.uuid == uuid.UUID(visit_id)))
    assert visit.status.value == "enviada" and visit.place == "Salón ejidal"
    assert visit.attendance_count == 42
    assert [(s.signer_name, s.signer_role) for s in visit.signatures] == [
        ("Rosa Martínez", "Presidenta del comité")
    ]
    signature = visit.signatures[0]
    from fieldapp.media.storage import get_storage

    assert hashlib.sha256(get_storage().read(signature.storage_key)).hexdigest() == (
        signature.sha256
    )


def test_supervision_of_works(field, db, screenshot):
    from fieldapp.projects.models import Project

    page, context, base = field
    page.click("button[data-kind=supervision_obra]")
    page.wait_for_selector("#project option >> nth=2", state="attached")
    options = page.eval_on_selector_all("#project option", "els => els.map(e => e.value)")
    project_id = options[1]  # the nearest project comes first
    page.select_option("#project", project_id)
    page.wait_for_selector("#progress")
    page.fill("#progress", "75")
    page.press("#progress", "Tab")
    page.click(".check-row >> nth=0 >> button[data-value=ok]")
    page.click(".check-row >> nth=1 >> button[data-value=falla]")
    page.check("fieldset label.check >> nth=0 >> input")
    page.set_input_files("#works-camera", files=[photo(21)])
    page.wait_for_selector("label[for=works-camera]:has-text('(1)')")
    screenshot(page, "field-supervision")
    page.click("#close-visit")
    page.click("#send-visit")
    page.wait_for_selector("#pending-badge")
    wait_all_sent(page)
    project = db.session.scalar(sa.select(Project).where(Project.uuid == uuid.UUID(project_id)))
    visit = db.session.scalar(
        sa.select(Visit).where(Visit.project_id == project.id, Visit.progress_pct == 75)
    )
    assert visit.status.value == "enviada" and project.progress_pct == 75
    assert [c["result"] for c in visit.checklist] == ["ok", "falla"]
    assert [p["name"] for p in visit.participants] == [project.committee[0].name]
    assert len(visit.photos) == 1
