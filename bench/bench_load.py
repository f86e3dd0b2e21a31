"""Load: inspectors syncing while supervisors read the map and the queue.

Each simulated inspector (its own API token, as its own phone would have) syncs what the
phone's outbox sends after a walk: ``PUT /api/v1/visits/<uuid>``, then for each of 10
findings ``PUT /api/v1/findings/<uuid>`` and its 2 photos ``PUT /api/v1/photos/<uuid>``
(1600 x 1200 JPEGs of ~150-300 KB, what the phone app sends after resizing). Like the
outbox, a 5xx, a 429 or a dropped connection is retried (after 0.5 s, at most 5 times) —
and every such answer is counted as an error. Meanwhile each supervisor logs in through the
login form (CSRF token from the page, session cookie) and loads ``/mapa/``,
``/mapa/datos.json`` and ``/bandeja`` over and over, looking at each page for ``--think``
seconds (1 s), until the inspectors are done.

Against gunicorn (``-w 4`` sync workers) on SQLite (WAL) and on PostgreSQL (a throwaway
cluster, as ``bench_sync_throughput.py`` starts it, or ``BENCH_DATABASE_URL``). Afterwards
the database is counted: every visit, finding and photo once, none missing, each photo's
SHA-256 the one sent and its file on disk hashing to it; ``flask media check`` must find
nothing to fix. Target: zero errors, zero lost or duplicated records.

Bounded: 127.0.0.1 only, a fixed amount of work, and every phase stops after
``--time-limit`` seconds.

    .venv/bin/python bench/bench_load.py            # 20 inspectors, 5 supervisors
    .venv/bin/python bench/bench_load.py --full     # 50 inspectors (the issue's size)
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import signal
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _photos import machine  # noqa: E402
from _server import (  # noqa: E402
    INSPECTOR,
    SUPERVISOR,
    BrowserSession,
    Gunicorn,
    Instance,
    ThrowawayPostgres,
    api_token,
    percentile,
    phone_photo_pool,
    photo_headers,
    request,
    scratch_database,
    sha256,
    stored,
    temporary_dir,
    unique_photo,
    verify_photos,
    visit_body,
)

FINDINGS, PHOTOS = 10, 2
SUPERVISORS = 5
RETRIES, RETRY_DELAY = 5, 0.5
LAT_RANGE, LON_RANGE = (19.375, 19.405), (-99.13, -99.07)  # Iztacalco
SUPERVISOR_PAGES = [("mapa", "/mapa/"), ("datos", "/mapa/datos.json"), ("bandeja", "/bandeja")]


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency = defaultdict(list)
        self.errors = Counter()
        self.samples: list[str] = []

    def add(self, group: str, seconds: float, error: str | None = None):
        with self.lock:
            self.latency[group].append(seconds)
            if error:
                self.errors[group] += 1
                if len(self.samples) < 8:
                    self.samples.append(f"{group}: {error}")


def send(port, conn, stats, group, method, path, body, headers, ok=(200, 201)):
    """One outbox entry: retried like the phone on 5xx, 429 and network errors."""
    for _attempt in range(RETRIES + 1):
        start = time.perf_counter()
        try:
            status, data, _ = request(port, method, path, body, headers, conn)
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            stats.add(group, time.perf_counter() - start, type(exc).__name__)
            time.sleep(RETRY_DELAY)
            continue
        elapsed = time.perf_counter() - start
        if status in ok:
            stats.add(group, elapsed)
            return True
        stats.add(group, elapsed, f"{status} {data[:200]!r}")
        if status < 500 and status != 429:
            return False
        time.sleep(RETRY_DELAY)
    return False


def inspector(port, n, token, categories, pool, stats, sent, deadline):
    rng = random.Random(n)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    auth = {"Authorization": f"Bearer {token}"}
    visit = str(uuid.uuid4())
    if not send(
        port, conn, stats, "PUT visits", "PUT", f"/api/v1/visits/{visit}", visit_body(n), auth
    ):
        return
    sent["visits"].add(visit)
    for f in range(FINDINGS):
        if time.monotonic() > deadline:
            return
        key = str(uuid.uuid4())
        body = _finding(visit, categories[(n + f) % len(categories)], n * FINDINGS + f, rng)
        if not send(
            port, conn, stats, "PUT findings", "PUT", f"/api/v1/findings/{key}", body, auth
        ):
            continue
        sent["findings"].add(key)
        for p in range(PHOTOS):
            photo = str(uuid.uuid4())
            data = unique_photo(pool[(n + f + p) % len(pool)], f"FieldApp carga {photo}")
            if send(
                port,
                conn,
                stats,
                "PUT photos",
                "PUT",
                f"/api/v1/photos/{photo}?finding={key}",
                data,
                photo_headers(token, data),
            ):
                sent["photos"][photo] = sha256(data)
    conn.close()


def _finding(visit: str, category: str, n: int, rng: random.Random) -> dict:
    captured = datetime(2026, 3, 10, 16, 0, tzinfo=UTC) + timedelta(seconds=n)
    return {
        "visit": visit,
        "category": category,
        "description": f"Hallazgo de carga n.º {n}: bache frente al número {n % 200}",
        "location": {
            "lat": round(rng.uniform(*LAT_RANGE), 6),
            "lon": round(rng.uniform(*LON_RANGE), 6),
            "accuracy_m": round(rng.uniform(3, 25), 1),
        },
        "captured_at": captured.isoformat(),
        "priority": "media",
        "requester": None,
    }


def supervisor(port, password, stats, done, deadline, think):
    session = BrowserSession(port)
    session.login(SUPERVISOR, password)
    while not done.is_set() and time.monotonic() < deadline:
        for group, path in SUPERVISOR_PAGES:
            start = time.perf_counter()
            try:
                status, data = session.get(path, {"Accept-Encoding": "gzip"})
                error = None if status == 200 else f"{status} {data[:200]!r}"
            except (OSError, http.client.HTTPException) as exc:
                error = type(exc).__name__
            stats.add(f"GET {group}", time.perf_counter() - start, error)
            done.wait(think)  # reading the page


def run_database(name: str, database_url: str | None, args) -> dict:
    print(f"\n== {name} ==", flush=True)
    with temporary_dir(f"fieldapp-load-{name.lower()}-") as tmp:
        instance = Instance(Path(tmp), database_url)
        pool = phone_photo_pool()
        sizes = sorted(len(p) // 1024 for p in pool)
        print(f"  photos: 1600 x 1200 JPEG, {sizes[0]}-{sizes[-1]} KB")
        stats = Stats()
        sent = {"visits": set(), "findings": set(), "photos": {}}
        with Gunicorn(instance, workers=args.workers) as server:
            port = server.port
            password = instance.passwords[INSPECTOR]
            tokens = [
                api_token(port, INSPECTOR, password, f"Teléfono de carga {n}")
                for n in range(args.inspectors)
            ]
            status, data, _ = request(
                port, "GET", "/api/v1/categories", headers={"Authorization": f"Bearer {tokens[0]}"}
            )
            categories = [c["code"] for c in json.loads(data)["categories"]]
            deadline = time.monotonic() + args.time_limit
            done = threading.Event()
            supervisors = [
                threading.Thread(
                    target=supervisor,
                    args=(port, instance.passwords[SUPERVISOR], stats, done, deadline, args.think),
                )
                for _ in range(SUPERVISORS)
            ]
            inspectors = [
                threading.Thread(
                    target=inspector,
                    args=(port, n, tokens[n], categories, pool, stats, sent, deadline),
                )
                for n in range(args.inspectors)
            ]
            start = time.perf_counter()
            for thread in supervisors + inspectors:
                thread.start()
            for thread in inspectors:
                thread.join()
            elapsed = time.perf_counter() - start
            done.set()
            for thread in supervisors:
                thread.join()
            log_tail = server.log_tail()
        return report(name, instance, args, stats, sent, elapsed, log_tail)


def report(name, instance, args, stats, sent, elapsed, log_tail) -> dict:
    n = args.inspectors
    print(
        f"  {n} inspectors x (1 visit + {FINDINGS} findings + {FINDINGS * PHOTOS} photos), "
        f"{SUPERVISORS} supervisors, gunicorn -w {args.workers}: {elapsed:.1f} s"
    )
    print(f"  {'group':<16} {'requests':>8} {'req/s':>7} {'p50':>8} {'p95':>8} {'p99':>8}  errors")
    groups = {}
    for group in sorted(stats.latency):
        values = stats.latency[group]
        figures = {
            "requests": len(values),
            "per_s": len(values) / elapsed,
            "p50_ms": percentile(values, 0.50) * 1000,
            "p95_ms": percentile(values, 0.95) * 1000,
            "p99_ms": percentile(values, 0.99) * 1000,
            "errors": stats.errors[group],
        }
        groups[group] = figures
        print(
            f"  {group:<16} {figures['requests']:8d} {figures['per_s']:7.1f} "
            f"{figures['p50_ms']:6.0f} ms {figures['p95_ms']:6.0f} ms "
            f"{figures['p99_ms']:6.0f} ms  {figures['errors']}"
        )
    for sample in stats.samples:
        print(f"    e.g. {sample}")
    counts = {}
    for table in ("visits", "findings"):
        ours = [r[0] for r in stored(instance.database_url, table) if r[0] in sent[table]]
        counts[table] = {"rows": len(ours), "distinct": len(set(ours)), "sent": len(sent[table])}
    photos = verify_photos(instance, sent["photos"])
    check_code, check_output = instance.media_check()
    expected = {"visits": n, "findings": n * FINDINGS, "photos": n * FINDINGS * PHOTOS}
    lossless = (
        all(counts[t]["rows"] == counts[t]["distinct"] == expected[t] for t in counts)
        and photos["rows"] == photos["distinct"] == expected["photos"]
        and photos["missing"] == photos["wrong_hash"] == photos["bad_files"] == 0
    )
    duplicates = sum(c["rows"] - c["distinct"] for c in counts.values())
    duplicates += photos["rows"] - photos["distinct"]
    print(
        f"  database: {counts['visits']['rows']} visits, {counts['findings']['rows']} findings, "
        f"{photos['rows']} photos (expected {expected['visits']}, {expected['findings']}, "
        f"{expected['photos']}); duplicates {duplicates}, photo hash mismatches "
        f"{photos['wrong_hash']}, bad files {photos['bad_files']}"
    )
    print(f"  flask media check: exit {check_code}; " + check_output.strip().splitlines()[-1])
    errors = sum(stats.errors.values())
    if errors:
        print("  gunicorn log (last lines):", *log_tail.splitlines(), sep="\n    ")
    return {
        "name": name,
        "elapsed_s": elapsed,
        "groups": groups,
        "errors": errors,
        "lossless": lossless,
        "media_check_clean": check_code == 0,
        "counts": {**{t: c["rows"] for t, c in counts.items()}, "photos": photos["rows"]},
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inspectors", type=int, default=20)
    parser.add_argument("--full", action="store_true", help="50 inspectors, as in issue 7")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", "4")))
    parser.add_argument("--time-limit", type=float, default=600)
    parser.add_argument(
        "--think", type=float, default=1.0, help="seconds a supervisor looks at each page"
    )
    parser.add_argument(
        "--databases", default=os.environ.get("BENCH_DATABASES", "sqlite,postgresql")
    )
    args = parser.parse_args(argv)
    if args.full:
        args.inspectors = 50
    print("bench_load:", machine())
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the cleanups
    results = []
    wanted = args.databases.split(",")
    if "sqlite" in wanted:
        results.append(run_database("SQLite", None, args))
    if "postgresql" in wanted:
        server = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
        with contextlib.ExitStack() as stack:
            if not server:
                server = stack.enter_context(ThrowawayPostgres())
                print("\n(throwaway PostgreSQL 15 cluster on 127.0.0.1, fsync on)")
            url = stack.enter_context(scratch_database(server))
            results.append(run_database("PostgreSQL", url, args))
    print()
    ok = True
    for r in results:
        met = r["errors"] == 0 and r["lossless"] and r["media_check_clean"]
        ok = ok and met
        print(
            f"RESULT load {r['name']}: {args.inspectors} inspectors + {SUPERVISORS} supervisors "
            f"in {r['elapsed_s']:.1f} s, {r['errors']} errors, "
            f"{'no loss, no duplicates' if r['lossless'] else 'RECORDS WRONG'}, media check "
            f"{'clean' if r['media_check_clean'] else 'NOT CLEAN'} "
            f"({'target met' if met else 'TARGET MISSED'})"
        )
    with contextlib.suppress(ImportError):
        from _results import record

        record("load", {"inspectors": args.inspectors, "databases": results}, target_met=ok)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
