"""Lighthouse audit of the field app (``/app``) and the supervisors' map (``/mapa``).

Run from the repository root:  make lighthouse   (or .venv/bin/python bench/lighthouse_audit.py)

Lighthouse 11 (the last version with the PWA category) is installed from
``tools/lighthouse/package.json`` by ``make lighthouse``; it drives Debian's Chromium
(``CHROME_PATH=/usr/bin/chromium``) and never downloads a browser. Not part of ``make test``:
it needs npm and takes a few minutes.

1. a fresh instance in a temporary folder: ``flask db upgrade``, ``flask demo`` (the
   inspector's and the supervisor's passwords are read from its output);
2. gunicorn on a free port on 127.0.0.1, audited as ``http://localhost:PORT`` (localhost is a
   secure context, so the PWA can be installable without HTTPS);
3. a small tile server on another free port stands in for OpenStreetMap (unreachable from
   here): ``TILE_URL`` points at it, every tile the same light 256 px PNG;
4. a session for each page, by logging in through the login form (CSRF token included), is
   handed to Lighthouse as ``--extra-headers {"Cookie": "session=..."}``;
5. Lighthouse with its defaults (mobile emulation, simulated slow 4G and 4x CPU slowdown),
   ``--runs`` times per page; the run with the median performance score is kept.

Targets (issue 7): PWA installable and every automated PWA check passing, performance >= 90,
accessibility >= 95, best practices >= 95. Prints the scores and every failing audit, writes
the reports to ``test-artifacts/lighthouse/`` (HTML and JSON), records the figures in
``bench/results.json`` and exits non-zero when a target is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import http.cookiejar
import http.server
import io
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _photos import machine  # noqa: E402
from _results import RESULTS, record  # noqa: E402
from bench_sync_throughput import flask, free_port  # noqa: E402  (one copy of each)

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LIGHTHOUSE = ROOT / "tools" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)
OUT = ROOT / "test-artifacts" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "pwa")
TARGETS = {"performance": 0.90, "accessibility": 0.95, "best-practices": 0.95}
# (page, path, demo account that may open it)
PAGES = (
    ("app", "/app", "inspector@demo.fieldapp.mx"),
    ("mapa", "/mapa/", "supervisor@demo.fieldapp.mx"),
)


@contextlib.contextmanager
def tile_server():
    """Every tile the same light-grey PNG, as a tile server would answer (cacheable)."""
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (238, 238, 232)).save(buffer, "PNG", optimize=True)
    tile = buffer.getvalue()

    class Tiles(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(tile)))
            self.send_header("Cache-Control", "public, max-age=86400")
            self.send_header("Access-Control-Allow-Origin", "*")
            self.end_headers()
            self.wfile.write(tile)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/{{z}}/{{x}}/{{y}}.png"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def gunicorn(env: dict, instance: Path):
    port = free_port()
    log = open(instance / "gunicorn.log", "w")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "fieldapp:create_app()"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"gunicorn exited: {(instance / 'gunicorn.log').read_text()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("gunicorn did not answer /healthz within 60 s") from None
                time.sleep(0.2)
        yield port
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        log.close()


def session_cookie(base: str, email: str, password: str) -> str:
    """Log in through the login form, as a browser would; the ``session`` cookie's value."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/login", timeout=30) as response:
        page = response.read().decode()
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page
    )
    if not match:
        raise SystemExit("no csrf_token on the login page")
    form = urllib.parse.urlencode(
        {"csrf_token": match.group(1), "email": email, "password": password}
    ).encode()
    with opener.open(f"{base}/login", data=form, timeout=30) as response:
        response.read()
    for cookie in jar:
        if cookie.name == "session":
            return cookie.value
    raise SystemExit(f"login as {email} gave no session cookie")


def run_lighthouse(url: str, cookie: str, out: Path) -> dict:
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        f"--chrome-flags={CHROME_FLAGS}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--extra-headers",
        json.dumps({"Cookie": f"session={cookie}"}),
        "--output=json",
        "--output=html",
        f"--output-path={out}",
        "--max-wait-for-load=60000",
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    report_path = out.with_suffix(".report.json")
    if done.returncode or not report_path.exists():
        raise SystemExit(f"lighthouse failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(report_path.read_text())


def pwa_checks(report: dict) -> dict[str, bool]:
    """The automated PWA audits (manual ones have no score) -> passed."""
    checks = {}
    for ref in report["categories"]["pwa"]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if audit["scoreDisplayMode"] in ("binary", "numeric"):
            checks[ref["id"]] = audit["score"] == 1
    return checks


def failing(report: dict) -> list[str]:
    """Audits that lose points, with Lighthouse's own title and the first items."""
    lines = []
    seen = set()
    for name in CATEGORIES:
        for ref in report["categories"][name]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["id"] in seen or audit["score"] is None or audit["score"] >= 0.9:
                continue
            if audit["scoreDisplayMode"] not in ("binary", "numeric", "metricSavings"):
                continue
            seen.add(ref["id"])
            detail = audit.get("displayValue") or ""
            items = (audit.get("details") or {}).get("items") or []
            shown = []
            for item in items[:3]:
                node = item.get("node") or {}
                shown.append(
                    str(
                        item.get("url")
                        or node.get("snippet")
                        or item.get("description")
                        or item.get("reason")
                        or item
                    )[:160]
                )
            lines.append(
                f"{name}: {ref['id']} ({audit['score']}) {audit['title']} {detail}"
                + "".join(f"\n      {s}" for s in shown)
            )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page")
    parser.add_argument(
        "--page", choices=[p[0] for p in PAGES], action="append", help="only these pages"
    )
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit(f"{LIGHTHOUSE} is missing: run `make lighthouse` (npm install)")
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install chromium")
    version = subprocess.run(
        [str(LIGHTHOUSE), "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    chromium = subprocess.run(
        [CHROMIUM, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    print(f"lighthouse_audit: Lighthouse {version}, {chromium}; {machine()}")
    OUT.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the cleanups
    results, ok = {}, True
    with tempfile.TemporaryDirectory(prefix="fieldapp-lighthouse-") as tmp, tile_server() as tiles:
        instance = Path(tmp) / "instance"
        instance.mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "GUNICORN"))}
        env.update(
            FIELDAPP_INSTANCE_PATH=str(instance),
            DATABASE_URL=f"sqlite:///{instance / 'fieldapp.db'}",
            TILE_URL=tiles,
        )
        env.pop("MEDIA_ROOT", None)
        flask(env, "db", "upgrade")
        demo = flask(env, "demo")
        with gunicorn(env, instance) as port:
            base = f"http://localhost:{port}"
            for page, path, email in PAGES:
                if args.page and page not in args.page:
                    continue
                match = re.search(rf"{re.escape(email)}\s+(\S+)", demo)
                if not match:
                    raise SystemExit(f"no password for {email} in `flask demo` output:\n{demo}")
                cookie = session_cookie(base, email, match.group(1))
                reports = []
                for n in range(args.runs):
                    report = run_lighthouse(f"{base}{path}", cookie, OUT / f"{page}-{n + 1}")
                    if report.get("finalDisplayedUrl", "").rstrip("/").endswith("/login"):
                        raise SystemExit(f"{path}: Lighthouse was sent to the login page")
                    reports.append(report)
                    scores = {c: report["categories"][c]["score"] for c in CATEGORIES}
                    print(
                        f"  {path} run {n + 1}: " + ", ".join(f"{c} {s}" for c, s in scores.items())
                    )
                perf = [r["categories"]["performance"]["score"] for r in reports]
                report = reports[perf.index(statistics.median_low(perf))]
                scores = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
                checks = pwa_checks(report)
                installable = checks.get("installable-manifest", False)
                met = (
                    all(scores[c] >= TARGETS[c] * 100 for c in TARGETS)
                    and installable
                    and all(checks.values())
                )
                ok = ok and met
                metrics = {
                    key: round(report["audits"][key]["numericValue"])
                    for key in (
                        "first-contentful-paint",
                        "largest-contentful-paint",
                        "total-blocking-time",
                        "speed-index",
                    )
                }
                metrics["cumulative-layout-shift"] = round(
                    report["audits"]["cumulative-layout-shift"]["numericValue"], 3
                )
                results[page] = {
                    "path": path,
                    "scores": scores,
                    "performance_runs": [round(p * 100) for p in perf],
                    "pwa_checks": checks,
                    "metrics_ms": metrics,
                    "target_met": met,
                }
                print(f"\n== {path} (median of {len(reports)} by performance) ==")
                print("  scores: " + ", ".join(f"{c} {s}" for c, s in scores.items()))
                print(
                    "  PWA checks: "
                    + ", ".join(f"{k} {'ok' if v else 'FAILED'}" for k, v in checks.items())
                )
                print("  metrics: " + ", ".join(f"{k} {v}" for k, v in metrics.items()))
                for line in failing(report):
                    print(f"  - {line}")
                print()
    if args.page:  # only some pages audited: keep the others' latest figures
        with contextlib.suppress(OSError, ValueError, KeyError):
            previous = json.loads(RESULTS.read_text())["benchmarks"]["lighthouse"]["figures"]
            results = {**previous["pages"], **results}
            ok = all(r["target_met"] for r in results.values())
    record(
        "lighthouse",
        {"lighthouse": version, "chromium": chromium, "runs": args.runs, "pages": results},
        ok,
    )
    for r in results.values():
        print(
            f"RESULT lighthouse {r['path']}: "
            + ", ".join(f"{c} {s}" for c, s in r["scores"].items())
            + f", PWA checks {sum(r['pwa_checks'].values())}/{len(r['pwa_checks'])}"
            + f" -> target {'met' if r['target_met'] else 'NOT met'}"
        )
    print(f"reports: {OUT.relative_to(ROOT)}/")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
