"""Benchmark of the supervisors' map: naive Folium markers against /mapa, and 100,000 findings
in headless Chromium.

Run from the repository root:  .venv/bin/python bench/bench_map.py [--runs 3]

In one run, on a temporary SQLite database with the demo data plus synthetic findings
(``flask demo --findings`` does the same):

1. 10,000 findings: the naive map (one ``folium.Marker`` with an escaped ``folium.Popup``
   each, plus the UT outlines, rendered to HTML) against FieldApp's way (the ``/mapa`` page,
   built by Folium without findings, plus ``/mapa/datos.json`` gzip-compressed): build time
   and bytes. Target: at least 50x faster.
2. 100,000 findings: FieldApp's build time and bytes again, then the time until the map is
   interactive in headless Chromium (Debian's, never downloaded), tiles blocked. Interactive
   means: all findings drawn (as clusters), a click on a cluster handled (the map zoomed in
   and redrew), and — after jumping to street level — a click on a point opened its popup
   with the finding's details fetched. Each time is counted from the start of navigation.
   Target: under 3 s.

Prints a RESULT line and exits non-zero when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import folium  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from sqlalchemy.orm import selectinload  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from fieldapp import create_app  # noqa: E402
from fieldapp.auth.models import User  # noqa: E402
from fieldapp.demo.services import load_demo  # noqa: E402
from fieldapp.demo.synthetic import add_synthetic_findings  # noqa: E402
from fieldapp.extensions import db  # noqa: E402
from fieldapp.findings.models import Finding  # noqa: E402
from fieldapp.labels import label  # noqa: E402
from fieldapp.maps import geojson_layer, new_map, popup  # noqa: E402
from fieldapp.maps.folium_maps import localize_assets  # noqa: E402
from fieldapp.supervisor_map.layers import (  # noqa: E402
    choropleth_classes,
    unit_features,
    units_bounds,
)
from fieldapp.templating import localtime  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from _results import record  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
# Tiles are unreachable (no internet here); the resolver rule makes that immediate and the same
# on every machine, without routing each tile request through Playwright's Python side.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--host-resolver-rules=MAP tile.openstreetmap.org ~NOTFOUND",
]
PASSWORD = "bench-map-contraseña-larga"
SUPERVISOR = "supervisor@demo.fieldapp.mx"
LAYER = "document.querySelector('.folium-map')._fieldappFindings"


def naive_map() -> tuple[float, int]:
    """One folium.Marker with a popup per finding: what one writes first."""
    start = time.perf_counter()
    findings = db.session.scalars(
        sa.select(Finding).options(
            selectinload(Finding.category), selectinload(Finding.territorial_unit)
        )
    ).all()
    fmap = new_map(bounds=units_bounds(None))
    geojson_layer(unit_features({}, choropleth_classes([], "visitas"), "visitas"), "UT").add_to(
        fmap
    )
    for f in findings:
        unit = f.territorial_unit.code if f.territorial_unit else "—"
        lines = [str(label(f.status)), localtime(f.captured_at, "short"), unit, f.description]
        folium.Marker(
            [f.lat, f.lon], popup=popup(f.category.name, lines, url=f"/findings/{f.uuid}")
        ).add_to(fmap)
    localize_assets(fmap)
    html = fmap.get_root().render()
    return time.perf_counter() - start, len(html.encode())


def fieldapp_map(client) -> dict:
    """The /mapa page and its gzip-compressed data, as the browser asks for them."""
    start = time.perf_counter()
    page = client.get("/mapa/")
    page_done = time.perf_counter()
    data = client.get(
        "/mapa/datos.json", headers={"Accept": "application/json", "Accept-Encoding": "gzip"}
    )
    done = time.perf_counter()
    assert page.status_code == 200 and data.status_code == 200
    assert data.headers["Content-Encoding"] == "gzip"
    raw = client.get("/mapa/datos.json", headers={"Accept": "application/json"})
    return {
        "seconds": done - start,
        "page_s": page_done - start,
        "data_s": done - page_done,
        "page_bytes": len(page.data),
        "data_gzip_bytes": len(data.data),
        "data_bytes": len(raw.data),
    }


def logged_in_client(app):
    client = app.test_client()
    with app.app_context():
        uid = db.session.scalar(sa.select(User.id).where(User.email == SUPERVISOR))
    with client.session_transaction() as session:
        session["_user_id"] = str(uid)
        session["_fresh"] = True
    return client


def best_of(fn, runs: int):
    results = [fn() for _ in range(runs)]
    return min(results, key=lambda r: r["seconds"] if isinstance(r, dict) else r[0])


def browser_interactive(base: str, runs: int) -> list[dict]:
    from playwright.sync_api import sync_playwright

    timings = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="es-MX")
            page = context.new_page()
            page.goto(f"{base}/login")
            page.fill("#email", SUPERVISOR)
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/")
            timings.append(interactive_once(page, base))
            context.close()
        browser.close()
    return timings


def interactive_once(page, base: str) -> dict:
    page.goto(f"{base}/mapa/", wait_until="commit")
    page.wait_for_selector(".folium-map[data-findings=ready]", timeout=60000)
    ready = page.evaluate("() => performance.now()")
    count = int(page.get_attribute(".folium-map", "data-findings-count"))
    box = page.locator(".folium-map").bounding_box()
    cluster = page.evaluate(
        f"""() => {{ const l = {LAYER}, s = l._map.getSize();
        return l.drawnClusters().find(c => c.x > 40 && c.y > 40 && c.x < s.x - 300
                                      && c.y < s.y - 40); }}"""
    )
    zoom = page.evaluate(f"() => {LAYER}._map.getZoom()")
    page.mouse.click(box["x"] + cluster["x"], box["y"] + cluster["y"])
    page.wait_for_function(
        f"""() => {{ const l = {LAYER}; return l._map.getZoom() >= {zoom + 2}
        && l._canvas.style.visibility !== 'hidden'; }}"""
    )
    clustered = page.evaluate("() => performance.now()")
    page.evaluate(f"() => {{ {LAYER}._map.setZoom(18, {{animate: false}}); }}")
    point = page.evaluate(
        f"""() => {{ const l = {LAYER}, s = l._map.getSize();
        return l.drawnPoints().find(p => p.x > 60 && p.y > 200 && p.x < s.x - 300
                                    && p.y < s.y - 60); }}"""
    )
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_selector(".fa-popup .fa-link")
    popup_at = page.evaluate("() => performance.now()")
    return {"count": count, "ready": ready, "cluster": clustered, "popup": popup_at}


def setup(folder: str):
    app = create_app(
        {
            "INSTANCE_PATH": folder,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db",
            "SECRET_KEY": "bench",
            "MEDIA_ROOT": f"{folder}/media",
        }
    )
    with app.app_context():
        db.create_all()
        load_demo()
        user = db.session.scalar(sa.select(User).where(User.email == SUPERVISOR))
        user.set_password(PASSWORD)
        db.session.commit()
    return app


def add_findings(app, n: int) -> tuple[int, float]:
    with app.app_context():
        start = time.perf_counter()
        add_synthetic_findings(n, seed=n)
        db.session.commit()
        elapsed = time.perf_counter() - start
        return db.session.scalar(sa.select(sa.func.count(Finding.id))), elapsed


def serve(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: nproc {os.cpu_count()}, load {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="fieldapp-bench-map-") as folder:
        app = setup(folder)
        total, seconds = add_findings(app, 10_000)
        print(f"findings: {total} (10,000 synthetic added in {seconds:.1f} s)")
        client = logged_in_client(app)
        with app.test_request_context():
            naive_s, naive_bytes = naive_map()
        print(f"naive, {total}: {naive_s:.2f} s, {naive_bytes / 1e6:.1f} MB of HTML")
        fieldapp_map(client)  # warm-up (imports, first queries)
        ours_10k = best_of(lambda: fieldapp_map(client), args.runs)
        speedup = naive_s / ours_10k["seconds"]
        print(f"fieldapp, {total}: {ours_10k} -> {speedup:.0f}x faster")
        total, seconds = add_findings(app, 90_000)
        print(f"findings: {total} (90,000 more added in {seconds:.1f} s)")
        ours_100k = best_of(lambda: fieldapp_map(client), args.runs)
        print(f"fieldapp, {total}: {ours_100k}")
        server, base = serve(app)
        try:
            runs = browser_interactive(base, args.runs)
        finally:
            server.shutdown()
    for run in runs:
        print(
            f"chromium, {run['count']} findings: drawn {run['ready']:.0f} ms, cluster click "
            f"handled {run['cluster']:.0f} ms, point popup {run['popup']:.0f} ms"
        )
    interactive = statistics.median(r["popup"] for r in runs) / 1000
    ok = speedup >= 50 and interactive < 3
    print(
        f"RESULT {'ok' if ok else 'FAILED'}: {speedup:.0f}x faster than naive at 10,000 "
        f"(target 50x); 100,000 interactive in {interactive:.2f} s (median; target < 3 s)"
    )
    figures = {
        "naive_10k_s": naive_s,
        "naive_10k_bytes": naive_bytes,
        "fieldapp_10k": ours_10k,
        "speedup_10k": speedup,
        "fieldapp_100k": ours_100k,
        "interactive_100k_median_s": interactive,
        "browser_runs_ms": runs,
    }
    record("map", figures, ok)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
