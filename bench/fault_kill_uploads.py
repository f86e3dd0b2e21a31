"""Fault: the server is killed (SIGKILL, master and workers) in the middle of photo uploads.

A temporary instance under gunicorn (``-w 2``) on 127.0.0.1; one visit with 10 findings;
then 4 client threads upload 15 photos each (1600 x 1200 JPEGs, what the phone sends),
retrying like the phone's outbox on network errors and 5xx until each photo is accepted.
While they upload, the whole gunicorn process group is killed with SIGKILL ``--kills``
times (after every ~20 % of the photos are in), and started again on the same port a second
later. Afterwards:

- every photo is stored exactly once (one row per UUID, none missing), with the SHA-256
  that was sent, and its file on disk hashes to it;
- ``flask media check`` reports what the kills left (stale ``.upload-*`` files of writes cut
  short; orphans — files whose row was never committed — are usually adopted by the retry,
  which writes the same bytes under the same content address), ``--fix --grace 0`` removes
  them, and a last ``media check`` is clean;
- on SQLite, ``PRAGMA integrity_check`` answers ok.

    .venv/bin/python bench/fault_kill_uploads.py                 # SQLite and PostgreSQL
    .venv/bin/python bench/fault_kill_uploads.py --databases sqlite
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import signal
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _photos import machine  # noqa: E402
from _server import (  # noqa: E402
    INSPECTOR,
    Gunicorn,
    Instance,
    ThrowawayPostgres,
    api_token,
    phone_photo_pool,
    photo_headers,
    request,
    scratch_database,
    sha256,
    temporary_dir,
    unique_photo,
    verify_photos,
    visit_body,
)

CLIENTS, PHOTOS_PER_CLIENT, FINDINGS = 4, 15, 10


def setup(port: int, token: str) -> list[str]:
    auth = {"Authorization": f"Bearer {token}"}
    visit = str(uuid.uuid4())
    status, data, _ = request(port, "PUT", f"/api/v1/visits/{visit}", visit_body(0), auth)
    assert status == 201, data
    status, data, _ = request(port, "GET", "/api/v1/categories", headers=auth)
    category = json.loads(data)["categories"][0]["code"]
    findings = []
    for n in range(FINDINGS):
        key = str(uuid.uuid4())
        body = {
            "visit": visit,
            "category": category,
            "description": f"Hallazgo {n} de la prueba de fallas",
            "location": {"lat": 19.39, "lon": -99.1 + n * 0.001, "accuracy_m": 5},
            "captured_at": "2026-03-10T10:15:00-06:00",
            "priority": "media",
            "requester": None,
        }
        status, data, _ = request(port, "PUT", f"/api/v1/findings/{key}", body, auth)
        assert status == 201, data
        findings.append(key)
    return findings


def run_database(name: str, database_url: str | None, args) -> dict:
    print(f"\n== {name} ==", flush=True)
    with temporary_dir(f"fieldapp-fault-{name.lower()}-") as tmp:
        instance = Instance(Path(tmp), database_url)
        server = Gunicorn(instance, workers=2)
        server.start()
        port = server.port
        token = api_token(port, INSPECTOR, instance.passwords[INSPECTOR], "Teléfono de fallas")
        findings = setup(port, token)
        pool = phone_photo_pool(4)
        jobs = []
        for n in range(CLIENTS * PHOTOS_PER_CLIENT):
            key = str(uuid.uuid4())
            data = unique_photo(pool[n % len(pool)], f"FieldApp falla {key}")
            jobs.append((key, findings[n % FINDINGS], data))
        expected = {key: sha256(data) for key, _f, data in jobs}
        outcomes, lock = Counter(), threading.Lock()
        accepted = [0]
        in_flight = [0]
        deadline = time.monotonic() + args.time_limit

        def client(own):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            for key, finding, data in own:
                while time.monotonic() < deadline:
                    with lock:
                        in_flight[0] += 1
                    try:
                        status, _body, _ = request(
                            port,
                            "PUT",
                            f"/api/v1/photos/{key}?finding={finding}",
                            data,
                            photo_headers(token, data),
                            conn,
                        )
                        outcome = status
                    except (OSError, http.client.HTTPException) as exc:
                        conn.close()
                        status, outcome = None, type(exc).__name__
                    finally:
                        with lock:
                            in_flight[0] -= 1
                    with lock:
                        outcomes[outcome] += 1
                    if status in (200, 201):
                        with lock:
                            accepted[0] += 1
                        break
                    if status is not None and status < 500:
                        raise SystemExit(f"photo refused: {status} {_body[:300]!r}")
                    time.sleep(0.2)  # the outbox's backoff, shortened
            conn.close()

        threads = [
            threading.Thread(target=client, args=(jobs[c::CLIENTS],), daemon=True)
            for c in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        kills, cut = [], []
        total = len(jobs)
        for k in range(args.kills):
            threshold = total * (k + 1) // (args.kills + 2)
            while accepted[0] < threshold and time.monotonic() < deadline:
                time.sleep(0.01)
            with lock:
                cut.append(in_flight[0])
            server.kill()
            kills.append(accepted[0])
            time.sleep(1)
            server.start()
        for thread in threads:
            thread.join(max(0, deadline - time.monotonic()))
        server.stop()

        photos = verify_photos(instance, expected)
        integrity = "n/a"
        if instance.database_url.startswith("sqlite"):
            engine = sa.create_engine(instance.database_url)
            with engine.connect() as conn:
                integrity = conn.exec_driver_sql("PRAGMA integrity_check").scalar()
            engine.dispose()
        before_code, before = instance.media_check("--grace", "0")
        fix_code, fixed = instance.media_check("--fix", "--grace", "0")
        after_code, after = instance.media_check()
        print(f"  {total} photos from {CLIENTS} clients, gunicorn -w 2, {args.kills} SIGKILLs")
        for n, (at, flying) in enumerate(zip(kills, cut, strict=True), 1):
            print(f"  kill {n}: after {at} photos accepted, {flying} uploads in flight")
        print(f"  answers: {dict(outcomes)}")
        print(
            f"  photos stored: {photos['rows']} rows, {photos['distinct']} distinct, "
            f"{photos['missing']} missing, {photos['wrong_hash']} wrong hashes, "
            f"{photos['bad_files']} files missing or not matching"
        )
        print(f"  SQLite integrity_check: {integrity}")
        print("  media check before --fix:", *before.strip().splitlines(), sep="\n    ")
        print(f"  media check --fix: exit {fix_code}; afterwards: exit {after_code}")
        exact = photos["rows"] == photos["distinct"] == total and not (
            photos["missing"] or photos["wrong_hash"] or photos["bad_files"]
        )
        return {
            "name": name,
            "photos": total,
            "kills": len(kills),
            "in_flight_at_kill": cut,
            "exactly_once": exact,
            "integrity": integrity,
            "media_check_before_exit": before_code,
            "media_check_after_fix_exit": after_code,
            "ok": exact and integrity in ("ok", "n/a") and after_code == 0,
        }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=300)
    parser.add_argument(
        "--databases", default=os.environ.get("BENCH_DATABASES", "sqlite,postgresql")
    )
    args = parser.parse_args(argv)
    print("fault_kill_uploads:", machine())
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    results = []
    wanted = args.databases.split(",")
    if "sqlite" in wanted:
        results.append(run_database("SQLite", None, args))
    if "postgresql" in wanted:
        server = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
        with contextlib.ExitStack() as stack:
            if not server:
                server = stack.enter_context(ThrowawayPostgres())
            url = stack.enter_context(scratch_database(server))
            results.append(run_database("PostgreSQL", url, args))
    print()
    for r in results:
        print(
            f"RESULT fault_kill_uploads {r['name']}: {r['photos']} photos, {r['kills']} SIGKILLs "
            f"(uploads in flight: {r['in_flight_at_kill']}), "
            f"{'each stored exactly once, hashes match' if r['exactly_once'] else 'PHOTOS WRONG'}"
            f", media check after --fix "
            f"{'clean' if r['media_check_after_fix_exit'] == 0 else 'NOT CLEAN'}"
            f" ({'ok' if r['ok'] else 'FAILED'})"
        )
    ok = all(r["ok"] for r in results)
    with contextlib.suppress(ImportError):
        from _results import record

        record("fault_kill_uploads", {"databases": results}, target_met=ok)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
