"""The phone's outbox under faults: a 503, the tab closed mid-sync, a clock days ahead."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from fieldapp.findings.models import Finding
from fieldapp.media.models import Photo
from fieldapp.visits.models import Visit
from tests.browser import test_field_app as field_app
from tests.browser.test_field_app import add_finding, local_state, photo, wait_all_sent

pytestmark = pytest.mark.browser
field = field_app.field  # the logged-in phone app (fixture)


def start_offline_finding(page, context, photos: list[dict]) -> dict:
    page.click("button[data-kind=recorrido]")
    page.wait_for_selector("#add-finding")
    context.set_offline(True)
    add_finding(page, "alumbrado", "Luminaria fundida", photos)
    return local_state(page)


def records(state: dict) -> dict:
    return {
        "visits": sorted(state["visits"]),
        "findings": sorted(state["findings"]),
        "photos": sorted((p["id"], p["sha256"]) for p in state["photos"]),
    }


def stored_exactly(db, state: dict) -> None:
    """The server holds each record of ``state`` once, photos with their hashes."""
    db.session.expire_all()
    visits = db.session.scalars(
        sa.select(Visit).where(Visit.uuid.in_([uuid.UUID(v) for v in state["visits"]]))
    ).all()
    assert len(visits) == len(state["visits"])
    findings = db.session.scalars(
        sa.select(Finding).where(Finding.uuid.in_([uuid.UUID(f) for f in state["findings"]]))
    ).all()
    assert sorted(str(f.uuid) for f in findings) == sorted(state["findings"])
    photos = db.session.scalars(
        sa.select(Photo).where(Photo.finding_id.in_([f.id for f in findings]))
    ).all()
    assert sorted((str(p.uuid), p.sha256) for p in photos) == sorted(
        (p["id"], p["sha256"]) for p in state["photos"]
    )


def test_503_with_retry_after_is_retried_nothing_lost_or_duplicated(field, db):
    page, context, base = field
    state = start_offline_finding(page, context, [photo(21)])
    answered = []

    def busy_once(route):
        if not answered:
            answered.append(route.request.url)
            route.fulfill(
                status=503,
                headers={"Retry-After": "2", "Content-Type": "application/json"},
                body=json.dumps(
                    {"error": {"status": 503, "code": "database_unavailable", "message": "…"}}
                ),
            )
        else:
            route.continue_()

    page.route("**/api/v1/**", busy_once)
    context.set_offline(False)
    page.evaluate("() => FA.sync.run({force: true})")
    assert len(answered) == 1
    wait_all_sent(page)
    stored_exactly(db, state)


def test_tab_closed_mid_sync_resumes_on_reopen(field, db):
    """The first photo reaches the server and is stored, but the tab is closed before the
    answer arrives: reopened, the outbox sends it again (200, same row) and the rest."""
    page, context, base = field
    state = start_offline_finding(page, context, [photo(22), photo(23)])
    held = []

    def store_then_hang(route):
        if not held:
            held.append(route.fetch())  # the server stores it; the phone never hears back
        else:
            route.abort("connectionreset")

    page.route("**/api/v1/photos/**", store_then_hang)
    context.set_offline(False)
    page.evaluate("() => { FA.sync.run({force: true}); }")
    page.wait_for_timeout(200)
    deadline = datetime.now() + timedelta(seconds=20)
    while not held and datetime.now() < deadline:
        page.wait_for_timeout(100)
    assert held and held[0].status == 201
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Photo)
            .where(Photo.uuid.in_([uuid.UUID(p["id"]) for p in state["photos"]]))
        )
        == 1
    )
    page.close()  # the tab is closed mid-sync

    page = context.new_page()
    page.goto(f"{base}/app")
    page.wait_for_function("() => window.FA && FA.sync", timeout=20000)
    # Nothing was dropped (the app may already be resending, so blobs may be going).
    assert records(local_state(page)) == records(state)
    wait_all_sent(page)
    stored_exactly(db, state)


def test_phone_clock_days_ahead_is_corrected_by_the_server(field, db):
    page, context, base = field
    ahead = datetime.now(UTC) + timedelta(days=3)
    page.clock.set_system_time(ahead)
    assert page.evaluate("() => Date.now()") > (ahead - timedelta(minutes=1)).timestamp() * 1000
    state = start_offline_finding(page, context, [photo(24)])
    context.set_offline(False)
    wait_all_sent(page)
    stored_exactly(db, state)
    received = datetime.now(UTC)
    visit = db.session.scalar(sa.select(Visit).where(Visit.uuid == uuid.UUID(state["visits"][0])))
    finding = db.session.scalar(
        sa.select(Finding).where(Finding.uuid == uuid.UUID(state["findings"][0]))
    )
    for value, claim in (
        (finding.captured_at, finding.device_captured_at),
        (visit.started_at, visit.device_started_at),
    ):
        assert value <= received  # the receipt time, not the phone's future
        assert received - value < timedelta(minutes=10)
        assert claim is not None and abs(claim - ahead) < timedelta(minutes=10)  # kept aside
