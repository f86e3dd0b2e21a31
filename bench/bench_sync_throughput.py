"""Findings accepted per second through ``PUT /api/v1/findings/<uuid>``, 20 concurrent
clients, gunicorn with several workers, on SQLite (WAL) and on PostgreSQL — against raw
single-row inserts into the same database in the same run.

For each database:

1. a fresh instance in a temporary folder: ``flask db upgrade``, ``flask demo`` (the
   inspector's password is read from its output), on SQLite the default database file in
   the instance, on PostgreSQL a new empty database;
2. gunicorn (``-w BENCH_WORKERS``, sync workers as in the README) on a free port on
   127.0.0.1; the benchmark waits for ``/healthz``;
3. 20 clients (threads, stdlib ``http.client``), each with its own token as 20 phones
   would, PUT their visit, then BENCH_REQUESTS findings in all (new UUIDs, points spread
   over Iztacalco so every one is placed in its UT); every answer but 201 is an error —
   a 503 or a 500 from "database is locked" included;
4. the first 200 requests are replayed (the outbox retrying): each must answer 200;
5. gunicorn stops; the findings table is read back: every UUID once, none missing;
6. raw inserts: 20 threads, each INSERT + COMMIT of one row at a time through SQLAlchemy
   Core into a table of the same database (same driver, same SQLite pragmas, which
   ``fieldapp`` sets on every connection), the same number of rows.

PostgreSQL: ``BENCH_DATABASE_URL`` or ``TEST_DATABASE_URL`` names a server where a scratch
database may be created (and is dropped afterwards); without them a throwaway PostgreSQL
cluster is started like ``.ci/run`` does (initdb / pg_ctl, as the postgres user when run as
root, temporary folder, free port) and stopped at the end, also on failure. Unlike
``.ci/run`` it keeps fsync on: durable commits, as in production. BENCH_DATABASES=sqlite
runs SQLite only.

All traffic goes to 127.0.0.1; every phase stops after BENCH_PHASE_LIMIT seconds at most.

    .venv/bin/python bench/bench_sync_throughput.py
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _photos import machine  # noqa: E402
from _results import record  # noqa: E402

import fieldapp  # noqa: E402,F401  (registers the SQLite pragmas on every engine)

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CLIENTS = 20
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "2000"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
REPLAYS = min(200, REQUESTS)
PHASE_LIMIT = float(os.environ.get("BENCH_PHASE_LIMIT", "300"))
REQUEST_TIMEOUT = 60
INSPECTOR = "inspector@demo.fieldapp.mx"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
# Iztacalco, where the demo's 57 UTs are.
LAT_RANGE, LON_RANGE = (19.375, 19.405), (-99.13, -99.07)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


# --- PostgreSQL ------------------------------------------------------------------------


def as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


class ThrowawayPostgres:
    """A PostgreSQL 15 cluster in a temporary folder on a free local port."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="fieldapp-bench-pg-"))
        self.port = free_port()
        self.started = False

    def __enter__(self) -> str:
        if not (PG_BIN / "initdb").exists():
            raise SystemExit(f"PostgreSQL 15 is not installed ({PG_BIN}); set BENCH_DATABASE_URL")
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        data = str(self.dir / "data")
        subprocess.run(
            as_postgres(
                [str(PG_BIN / "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "-E"]
                + ["UTF8", "--locale=C.UTF-8"]
            ),
            check=True,
            capture_output=True,
            timeout=120,
        )
        options = f"-h 127.0.0.1 -p {self.port} -k {self.dir} -c max_connections=100"
        subprocess.run(
            as_postgres(
                [str(PG_BIN / "pg_ctl"), "-D", data, "-l", str(self.dir / "server.log"), "-w"]
                + ["-t", "60", "-o", options, "start"]
            ),
            check=True,
            capture_output=True,
            timeout=90,
        )
        self.started = True
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def __exit__(self, *exc):
        if self.started:
            subprocess.run(
                as_postgres(
                    [str(PG_BIN / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "fast", "stop"]
                ),
                capture_output=True,
                timeout=60,
            )
        shutil.rmtree(self.dir, ignore_errors=True)


@contextlib.contextmanager
def scratch_database(server_url: str):
    """A new empty database on ``server_url``'s server, dropped afterwards."""
    name = f"fieldapp_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    parts = urlsplit(server_url)
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# --- the app under gunicorn ------------------------------------------------------------


def app_env(instance: Path, database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "GUNICORN"))}
    env.update(FIELDAPP_INSTANCE_PATH=str(instance), DATABASE_URL=database_url)
    env.pop("MEDIA_ROOT", None)
    return env


def flask(env: dict, *args: str) -> str:
    done = subprocess.run(
        [str(BIN / "flask"), "--app", "fieldapp", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


@contextlib.contextmanager
def gunicorn(env: dict, instance: Path):
    port = free_port()
    log = open(instance / "gunicorn.log", "w")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", str(WORKERS), "-b", f"127.0.0.1:{port}"]
        + ["--timeout", "60", "--graceful-timeout", "10", "fieldapp:create_app()"],
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
                status, _ = request(port, "GET", "/healthz")
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn did not answer /healthz within 60 s")
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


def request(port, method, path, body=None, token=None, conn=None):
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        conn.request(method, path, json.dumps(body) if body is not None else None, headers)
        response = conn.getresponse()
        data = response.read()
        if response.getheader("Connection", "").lower() == "close":
            conn.close()
        return response.status, data
    finally:
        if own:
            conn.close()


def finding_body(visit: str, category: str, n: int, rng: random.Random) -> dict:
    captured = datetime(2026, 3, 10, 16, 0, tzinfo=UTC) + timedelta(seconds=n)
    return {
        "visit": visit,
        "category": category,
        "description": f"Hallazgo de prueba de carga n.º {n}: luminaria fundida frente al 12",
        "location": {
            "lat": round(rng.uniform(*LAT_RANGE), 6),
            "lon": round(rng.uniform(*LON_RANGE), 6),
            "accuracy_m": round(rng.uniform(3, 25), 1),
        },
        "captured_at": captured.isoformat(),
        "priority": "media",
        "requester": None,
    }


def fire(port, jobs, expected):
    """Send ``jobs`` [(client, path, body, token)] from CLIENTS threads; per-request
    latencies and outcomes. Stops taking new jobs after PHASE_LIMIT seconds."""
    queues = [[job for job in jobs if job[0] == c] for c in range(CLIENTS)]
    latencies, outcomes, samples = [], Counter(), []
    lock = threading.Lock()
    deadline = time.monotonic() + PHASE_LIMIT

    def client(own_jobs):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        for _client, path, body, token in own_jobs:
            if time.monotonic() > deadline:
                with lock:
                    outcomes["not sent (time limit)"] += 1
                continue
            start = time.perf_counter()
            try:
                status, data = request(port, "PUT", path, body, token, conn=conn)
                outcome = status
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                status, data, outcome = None, str(exc).encode(), type(exc).__name__
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                outcomes[outcome] += 1
                if status != expected and len(samples) < 5:
                    samples.append(f"{outcome}: {data[:300]!r}")
        conn.close()

    threads = [threading.Thread(target=client, args=(q,)) for q in queues]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, latencies, outcomes, samples


def api_phase(port: int, password: str):
    tokens = []
    for n in range(CLIENTS):
        status, data = request(
            port,
            "POST",
            "/api/v1/tokens",
            {"email": INSPECTOR, "password": password, "name": f"Teléfono de carga {n}"},
        )
        if status != 201:
            raise SystemExit(f"token: {status} {data[:300]!r}")
        tokens.append(json.loads(data)["token"])
    status, data = request(port, "GET", "/api/v1/categories", token=tokens[0])
    categories = [c["code"] for c in json.loads(data)["categories"]]
    visits = []
    for n, token in enumerate(tokens):
        key = str(uuid.uuid4())
        body = {
            "kind": "recorrido",
            "started_at": "2026-03-10T10:00:00-06:00",
            "ended_at": None,
            "track": None,
            "participants": [{"name": "Vecina", "role": "líder"}],
            "notes": f"Recorrido de carga {n}",
            "project": None,
        }
        status, data = request(port, "PUT", f"/api/v1/visits/{key}", body, token)
        if status != 201:
            raise SystemExit(f"visit: {status} {data[:300]!r}")
        visits.append(key)
    rng = random.Random(4)
    jobs = []
    for n in range(REQUESTS):
        client = n % CLIENTS
        body = finding_body(visits[client], categories[n % len(categories)], n, rng)
        jobs.append((client, f"/api/v1/findings/{uuid.uuid4()}", body, tokens[client]))
    result = fire(port, jobs, 201)
    replay = fire(port, jobs[:REPLAYS], 200)
    keys = {path.rsplit("/", 1)[1] for _c, path, _b, _t in jobs}
    return result, replay, keys


# --- raw inserts -----------------------------------------------------------------------

RAW = sa.Table(
    "bench_raw_inserts",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("uuid", sa.String(36), nullable=False, unique=True),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("lat", sa.Float, nullable=False),
    sa.Column("lon", sa.Float, nullable=False),
    sa.Column("captured_at", sa.DateTime(timezone=True), nullable=False),
)


def raw_phase(database_url: str):
    """CLIENTS threads, each INSERT + COMMIT of one row at a time."""
    engine = sa.create_engine(database_url, pool_size=CLIENTS, max_overflow=0)
    RAW.create(engine, checkfirst=True)
    rng = random.Random(5)
    rows = [
        {
            "uuid": str(uuid.uuid4()),
            "description": f"Hallazgo de prueba de carga n.º {n}: luminaria fundida frente al 12",
            "lat": rng.uniform(*LAT_RANGE),
            "lon": rng.uniform(*LON_RANGE),
            "captured_at": datetime.now(UTC),
        }
        for n in range(REQUESTS)
    ]
    latencies, outcomes, samples = [], Counter(), []
    lock = threading.Lock()
    deadline = time.monotonic() + PHASE_LIMIT

    def worker(own_rows):
        for row in own_rows:
            if time.monotonic() > deadline:
                with lock:
                    outcomes["not sent (time limit)"] += 1
                continue
            start = time.perf_counter()
            try:
                with engine.begin() as conn:
                    conn.execute(RAW.insert(), row)
                outcome = "ok"
            except sa.exc.SQLAlchemyError as exc:
                outcome = type(exc.orig or exc).__name__
                with lock:
                    if len(samples) < 5:
                        samples.append(str(exc).splitlines()[0][:300])
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                outcomes[outcome] += 1

    threads = [threading.Thread(target=worker, args=(rows[c::CLIENTS],)) for c in range(CLIENTS)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    with engine.connect() as conn:
        stored = conn.scalar(sa.select(sa.func.count()).select_from(RAW))
    engine.dispose()
    return (elapsed, latencies, outcomes, samples), stored


def stored_findings(database_url: str, keys: set[str]) -> tuple[int, int, int]:
    """(rows with our UUIDs, distinct among them, our UUIDs missing)."""
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        stored = conn.scalars(sa.text("SELECT uuid FROM findings"))
        values = [str(uuid.UUID(str(v))) for v in stored]
    engine.dispose()
    ours = [v for v in values if v in keys]
    return len(ours), len(set(ours)), len(keys - set(ours))


# --- reporting -------------------------------------------------------------------------


def describe(label, phase, ok_outcome):
    elapsed, latencies, outcomes, samples = phase
    ok = outcomes.get(ok_outcome, 0)
    errors = sum(outcomes.values()) - ok
    rate = ok / elapsed if elapsed else 0.0
    print(
        f"  {label:<34} {ok:5d} ok in {elapsed:6.2f} s = {rate:7.1f}/s   "
        f"p50 {percentile(latencies, 0.50) * 1000:6.1f} ms  "
        f"p95 {percentile(latencies, 0.95) * 1000:6.1f} ms  "
        f"p99 {percentile(latencies, 0.99) * 1000:6.1f} ms   errors {errors}"
    )
    if errors:
        print(f"    outcomes: {dict(outcomes)}")
        for sample in samples:
            print(f"    e.g. {sample}")
    return rate, errors


def bench_database(name: str, database_url: str | None) -> dict:
    print(f"\n== {name} ==")
    with tempfile.TemporaryDirectory(prefix=f"fieldapp-bench-{name.lower()}-") as tmp:
        instance = Path(tmp) / "instance"
        instance.mkdir()
        database_url = database_url or f"sqlite:///{instance / 'fieldapp.db'}"
        env = app_env(instance, database_url)
        flask(env, "db", "upgrade")
        demo = flask(env, "demo")
        match = re.search(rf"{re.escape(INSPECTOR)}\s+(\S+)", demo)
        if not match:
            raise SystemExit(f"no inspector password in `flask demo` output:\n{demo}")
        if database_url.startswith("sqlite"):
            engine = sa.create_engine(database_url)
            with engine.connect() as conn:
                mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
                sync = conn.exec_driver_sql("PRAGMA synchronous").scalar()
            engine.dispose()
            print(f"  SQLite journal_mode={mode}, synchronous={sync} (0 off, 1 normal, 2 full)")
        with gunicorn(env, instance) as port:
            api, replay, keys = api_phase(port, match.group(1))
        rows, distinct, missing = stored_findings(database_url, keys)
        raw, raw_stored = raw_phase(database_url)
        print(f"  {CLIENTS} clients, gunicorn -w {WORKERS} (sync workers), {REQUESTS} requests")
        api_rate, api_errors = describe("PUT /api/v1/findings (201)", api, 201)
        _, replay_errors = describe(f"replay of the first {REPLAYS} (200)", replay, 200)
        raw_rate, raw_errors = describe("raw INSERT + COMMIT, 1 row each", raw, "ok")
        ratio = api_rate / raw_rate if raw_rate else float("nan")
        print(
            f"  rows: {rows} findings with our UUIDs ({distinct} distinct, {missing} missing, "
            f"expected {REQUESTS}); raw table {raw_stored} rows"
        )
        print(f"  ratio API / raw inserts: {ratio:.2f}")
        lossless = rows == distinct == REQUESTS and missing == 0 and raw_stored == REQUESTS
        errors = api_errors + replay_errors + raw_errors
        if errors:
            log = (instance / "gunicorn.log").read_text().splitlines()
            print("  gunicorn log (last lines):", *log[-15:], sep="\n    ")
        return {
            "name": name,
            "ratio": ratio,
            "errors": errors,
            "lossless": lossless,
            "api_per_s": api_rate,
            "raw_per_s": raw_rate,
        }


def main() -> int:
    print("bench_sync_throughput:", machine())
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the cleanups
    wanted = os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")
    results = []
    if "sqlite" in wanted:
        results.append(bench_database("SQLite", None))
    if "postgresql" in wanted:
        server = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
        with contextlib.ExitStack() as stack:
            if not server:
                server = stack.enter_context(ThrowawayPostgres())
                print("\n(throwaway PostgreSQL 15 cluster on 127.0.0.1, fsync on)")
            url = stack.enter_context(scratch_database(server))
            results.append(bench_database("PostgreSQL", url))
    print()
    ok = True
    for r in results:
        met = r["errors"] == 0 and r["lossless"]
        ok = ok and met
        print(
            f"RESULT sync {r['name']}: API/raw {r['ratio']:.2f}, {r['errors']} errors, "
            f"{'no loss, no duplicates' if r['lossless'] else 'ROWS WRONG'} "
            f"-> target {'met' if met else 'NOT met'}"
        )
    record("sync_throughput", {"clients": CLIENTS, "requests": REQUESTS, "databases": results}, ok)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
