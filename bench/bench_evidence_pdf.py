"""Evidence PDF of a big visit: 30 findings, 60 photos (issue 6). Time and bytes.

Builds a temporary instance (SQLite, media folder) with the demo UT layer, one recorrido
with a 120-point GPS track, 30 findings and 2 photos each. The photos are what the phone
uploads (docs/photos.md): 1600 x 1200 JPEGs at quality 80 with photo-like detail (1/f
noise over gradients, not flat colour), so display variants and PDF sizes are realistic.
Then GET /visits/<uuid>/evidence.pdf is timed through the app (login, query, map,
WeasyPrint, SHA-256, IssuedDocument row): one warm-up, then RUNS timed requests.

    .venv/bin/python bench/bench_evidence_pdf.py [--out evidence.pdf]   # --out: keep the PDF
"""

from __future__ import annotations

import io
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from _photos import machine  # noqa: E402
from _results import record  # noqa: E402
from PIL import Image  # noqa: E402

FINDINGS, PHOTOS_PER_FINDING, RUNS = 30, 2, 5
PASSWORD = "tortuga-azul-en-bici"


def upload_jpeg(seed: int, width: int = 1600, height: int = 1200) -> bytes:
    """A photo-like JPEG the size the phone sends (1/f luminance detail, soft colour)."""
    rng = np.random.default_rng(seed)
    fy, fx = np.fft.fftfreq(height)[:, None], np.fft.rfftfreq(width)[None, :]
    f = np.sqrt(fx**2 + fy**2)
    f[0, 0] = 1.0
    spectrum = (rng.normal(size=f.shape) + 1j * rng.normal(size=f.shape)) / f
    spectrum[0, 0] = 0
    noise = np.fft.irfft2(spectrum, s=(height, width)).astype(np.float32)
    noise *= 22 / noise.std()
    y = np.linspace(0, 1, height, dtype=np.float32)[:, None, None]
    pixels = rng.uniform(90, 150, 3) + rng.uniform(-40, 40, 3) * (1 - y) + noise[..., None]
    image = Image.fromarray(pixels.clip(0, 255).astype(np.uint8), "RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def build_visit(app) -> uuid.UUID:
    import random

    import sqlalchemy as sa

    from fieldapp.auth.models import Role
    from fieldapp.auth.services import create_user
    from fieldapp.demo.services import load_demo, random_point_in
    from fieldapp.extensions import db
    from fieldapp.findings.models import Category, Finding
    from fieldapp.media.services import store_photo
    from fieldapp.orm import utcnow
    from fieldapp.territory.models import TerritorialUnit
    from fieldapp.visits.models import Visit, VisitKind, VisitStatus

    with app.app_context():
        db.create_all()
        load_demo()
        user = create_user("bench@example.mx", "Supervisora Bench", Role.SUPERVISOR, PASSWORD)
        unit = db.session.scalar(sa.select(TerritorialUnit).order_by(TerritorialUnit.code))
        categories = list(db.session.scalars(sa.select(Category)))
        rng, start = random.Random(6), utcnow() - timedelta(hours=4)
        track = []
        for i in range(120):
            lat, lon = random_point_in(unit.geometry, rng)
            track.append([lon, lat, 6.0, int((start + timedelta(minutes=i)).timestamp() * 1000)])
        visit = Visit(
            kind=VisitKind.RECORRIDO, status=VisitStatus.ENVIADA, inspector=user,
            started_at=start, ended_at=start + timedelta(hours=2), territorial_unit=unit,
            track=track, participants=[{"name": "Señora Ñúñez 🌳", "role": "Vecina"}],
        )  # fmt: skip
        db.session.add(visit)
        db.session.flush()
        for n in range(FINDINGS):
            lat, lon = random_point_in(unit.geometry, rng)
            finding = Finding(
                visit=visit, category=categories[n % len(categories)], lat=lat, lon=lon,
                accuracy_m=8, territorial_unit_id=unit.id, created_by_id=user.id,
                description=f"Hallazgo {n + 1}: luminaria fundida frente al número {n}",
                captured_at=start + timedelta(minutes=3 * n + 1),
            )  # fmt: skip
            db.session.add(finding)
            db.session.flush()
            for k in range(PHOTOS_PER_FINDING):
                store_photo(upload_jpeg(n * 10 + k), finding_id=finding.id)
        db.session.commit()
        return visit.uuid


def main() -> None:
    from fieldapp import create_app

    folder = Path(tempfile.mkdtemp(prefix="fieldapp-bench-pdf-"))
    app = create_app(
        {
            "INSTANCE_PATH": str(folder),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
            "MEDIA_ROOT": str(folder / "media"),
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
        }
    )
    t0 = time.perf_counter()
    key = build_visit(app)
    print(f"setup (30 findings, 60 photos stored): {time.perf_counter() - t0:.1f} s")
    client = app.test_client()
    client.post("/login", data={"email": "bench@example.mx", "password": PASSWORD})
    times, sizes = [], []
    for run in range(RUNS + 1):
        t0 = time.perf_counter()
        response = client.get(f"/visits/{key}/evidence.pdf")
        elapsed = time.perf_counter() - t0
        assert response.status_code == 200, response.status_code
        if run:  # the first request warms up fonts and imports
            times.append(elapsed)
            sizes.append(len(response.data))
    pages = "?"
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", "-"], input=response.data, capture_output=True)
        pages = re.search(rb"Pages:\s+(\d+)", info.stdout)[1].decode()
    if "--out" in sys.argv:
        Path(sys.argv[sys.argv.index("--out") + 1]).write_bytes(response.data)
    print(f"machine: {machine()}, load average {os.getloadavg()[0]:.1f}")
    print(
        f"evidence PDF, {FINDINGS} findings / {FINDINGS * PHOTOS_PER_FINDING} photos: "
        f"median {statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f}, "
        f"{RUNS} runs), {statistics.median(sizes) / 1e6:.2f} MB, {pages} pages"
    )
    figures = {
        "findings": FINDINGS,
        "photos": FINDINGS * PHOTOS_PER_FINDING,
        "median_s": statistics.median(times),
        "min_s": min(times),
        "max_s": max(times),
        "runs": RUNS,
        "pdf_mb": statistics.median(sizes) / 1e6,
        "pages": pages,
    }
    # Issue 6: "a few seconds and a few MB".
    record("evidence_pdf", figures, figures["median_s"] < 5 and figures["pdf_mb"] < 10)


if __name__ == "__main__":
    main()
