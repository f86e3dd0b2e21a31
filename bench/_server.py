"""Shared by the load and fault scripts: a FieldApp instance under gunicorn on 127.0.0.1,
that can be started, killed (SIGKILL, master and workers) and started again; a browser-like
session for supervisors; phone-sized test photos; and what the database holds afterwards.

The PostgreSQL helpers (throwaway cluster, scratch database) come from
``bench_sync_throughput``.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import io
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import numpy as np
import sqlalchemy as sa
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_sync_throughput import (  # noqa: E402,F401  (re-exported)
    BIN,
    ROOT,
    ThrowawayPostgres,
    app_env,
    flask,
    free_port,
    percentile,
    scratch_database,
)

INSPECTOR = "inspector@demo.fieldapp.mx"
SUPERVISOR = "supervisor@demo.fieldapp.mx"
REQUEST_TIMEOUT = 60


class Instance:
    """A temporary instance folder with a migrated database and the demo data."""

    def __init__(self, tmp: Path, database_url: str | None):
        self.path = tmp / "instance"
        self.path.mkdir()
        self.database_url = database_url or f"sqlite:///{self.path / 'fieldapp.db'}"
        self.env = app_env(self.path, self.database_url)
        self.media = self.path / "media"
        flask(self.env, "db", "upgrade")
        demo = flask(self.env, "demo")
        self.passwords = dict(re.findall(r"(\S+@demo\.fieldapp\.mx)\s+(\S+)", demo))
        if INSPECTOR not in self.passwords or SUPERVISOR not in self.passwords:
            raise SystemExit(f"no demo passwords in `flask demo` output:\n{demo}")

    def media_check(self, *args: str) -> tuple[int, str]:
        done = subprocess.run(
            [str(BIN / "flask"), "--app", "fieldapp", "media", "check", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        return done.returncode, done.stdout + done.stderr


class Gunicorn:
    """gunicorn -w N (sync workers) on a fixed free port; ``kill()`` is a crash."""

    def __init__(self, instance: Instance, workers: int = 4, extra: list[str] | None = None):
        self.instance = instance
        self.workers = workers
        self.extra = extra or []
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.log_path = instance.path / "gunicorn.log"

    def start(self, timeout: float = 60) -> int:
        log = open(self.log_path, "a")  # noqa: SIM115 (the child keeps it)
        self.proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}"]
            + ["--timeout", "60", "--graceful-timeout", "10", *self.extra]
            + ["fieldapp:create_app()"],
            cwd=ROOT,
            env=self.instance.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill() reaches the workers
        )
        log.close()
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited: {self.log_tail()}")
            try:
                if request(self.port, "GET", "/healthz")[0] == 200:
                    return self.port
            except (OSError, http.client.HTTPException):
                pass
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn did not answer /healthz in time")
            time.sleep(0.2)

    def kill(self) -> None:
        """SIGKILL to the master and every worker at once (its process group)."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        # Workers left behind by a kill() of the master only would die with the group.
        if self.proc:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)

    def log_tail(self, lines: int = 15) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()


def request(port, method, path, body=None, headers=None, conn=None):
    """(status, body bytes, response headers); ``body`` bytes go as they are, else JSON."""
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    headers = dict(headers or {})
    if body is not None and not isinstance(body, bytes):
        body = json.dumps(body).encode()
        headers.setdefault("Content-Type", "application/json")
    try:
        conn.request(method, path, body, headers)
        response = conn.getresponse()
        data = response.read()
        if response.getheader("Connection", "").lower() == "close":
            conn.close()
        return response.status, data, response
    finally:
        if own:
            conn.close()


def api_token(port: int, email: str, password: str, name: str) -> str:
    status, data, _ = request(
        port, "POST", "/api/v1/tokens", {"email": email, "password": password, "name": name}
    )
    if status != 201:
        raise SystemExit(f"token: {status} {data[:300]!r}")
    return json.loads(data)["token"]


class BrowserSession:
    """A supervisor in a browser: logs in through the form (CSRF token from the page) and
    sends the session cookie with every request."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)

    def _headers(self, extra=None) -> dict:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {**({"Cookie": cookie} if cookie else {}), **(extra or {})}

    def get(self, path: str, headers=None):
        return self._send("GET", path, None, headers)

    def _send(self, method, path, body, headers):
        try:
            status, data, response = request(
                self.port, method, path, body, self._headers(headers), self.conn
            )
        except (OSError, http.client.HTTPException):
            self.conn.close()
            raise
        for value in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                self.cookies[name] = morsel.value
        return status, data

    def login(self, email: str, password: str) -> None:
        status, page = self.get("/login")
        match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page)
        if status != 200 or not match:
            raise SystemExit(f"login page: {status}, no CSRF token")
        form = urlencode(
            {"csrf_token": match.group(1).decode(), "email": email, "password": password}
        )
        status, data = self._send(
            "POST", "/login", form.encode(), {"Content-Type": "application/x-www-form-urlencoded"}
        )
        if status != 302:
            raise SystemExit(f"login as {email}: {status} {data[:200]!r}")


def phone_photo_pool(count: int = 8, seed: int = 7) -> list[bytes]:
    """1600 x 1200 JPEGs like the phone app sends (already resized, quality ~0.75-0.8):
    photo-like detail (1/f noise over gradients), ~150-300 KB each."""
    pool = []
    height, width = 1200, 1600
    fy = np.fft.fftfreq(height)[:, None]
    fx = np.fft.rfftfreq(width)[None, :]
    f = np.sqrt(fx**2 + fy**2)
    f[0, 0] = 1.0
    for n in range(count):
        rng = np.random.default_rng(seed + n)
        spectrum = (rng.normal(size=f.shape) + 1j * rng.normal(size=f.shape)) / f**1.15
        spectrum[0, 0] = 0
        noise = np.fft.irfft2(spectrum, s=(height, width)).astype(np.float32)
        noise *= 20 / noise.std()
        y = np.linspace(0, 1, height, dtype=np.float32)[:, None, None]
        x = np.linspace(0, 1, width, dtype=np.float32)[None, :, None]
        pixels = rng.uniform(90, 150, 3) + rng.uniform(-40, 40, 3) * (1 - y)
        pixels = pixels + rng.uniform(-40, 40, 3) * x + noise[..., None]
        image = Image.fromarray(pixels.clip(0, 255).astype(np.uint8), "RGB")
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=75)
        pool.append(buffer.getvalue())
    return pool


def unique_photo(base: bytes, tag: str) -> bytes:
    """``base`` with a JPEG comment segment right after SOI: a valid, distinct file."""
    comment = tag.encode()[:60000]
    segment = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
    return base[:2] + segment + base[2:]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def visit_body(n: int) -> dict:
    return {
        "kind": "recorrido",
        "started_at": "2026-03-10T10:00:00-06:00",
        "ended_at": None,
        "track": None,
        "participants": [{"name": "Vecina", "role": "líder"}],
        "notes": f"Recorrido de carga {n}",
        "project": None,
    }


def photo_headers(token: str, data: bytes) -> dict:
    return {
        "Authorization": f"Bearer {token}",
        "Content-Type": "image/jpeg",
        "X-Content-SHA256": sha256(data),
    }


def stored(database_url: str, table: str, columns: str = "uuid") -> list[tuple]:
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text(f"SELECT {columns} FROM {table}")).all()  # noqa: S608
    engine.dispose()
    return [
        tuple(str(uuid.UUID(str(r[0]))) if i == 0 else v for i, v in enumerate(r)) for r in rows
    ]


def verify_photos(instance: Instance, expected: dict[str, str]) -> dict:
    """Photos with our UUIDs: once each, the row's SHA-256 the one sent, the file on disk
    hashing to it. ``expected``: photo UUID → SHA-256 sent."""
    rows = stored(instance.database_url, "photos", "uuid, sha256, storage_key")
    ours = [r for r in rows if r[0] in expected]
    keys = [r[0] for r in ours]
    wrong_hash = sum(1 for key, digest, _ in ours if digest != expected[key])
    bad_files = 0
    for _key, digest, storage_key in ours:
        path = instance.media / storage_key
        if not path.is_file() or sha256(path.read_bytes()) != digest:
            bad_files += 1
    return {
        "rows": len(ours),
        "distinct": len(set(keys)),
        "missing": len(set(expected) - set(keys)),
        "wrong_hash": wrong_hash,
        "bad_files": bad_files,
    }


def temporary_dir(prefix: str):
    return tempfile.TemporaryDirectory(prefix=prefix)
