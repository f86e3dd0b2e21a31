"""Benchmark of the re-assignment after an import: N findings in a database, placed again.

Run from the repository root:  .venv/bin/python bench/bench_reassign.py [--findings N]

Builds a throwaway SQLite database (or BENCH_DATABASE_URL's, which it empties: never point
it at a database that tests or people are using), imports ../shared/data/colonias_geo.json,
inserts N findings at random points of the layer's bounding box with no UT, and times
``reassign_all()``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fieldapp import create_app  # noqa: E402
from fieldapp.extensions import db  # noqa: E402
from fieldapp.findings.models import Category, Finding  # noqa: E402
from fieldapp.orm import utcnow  # noqa: E402
from fieldapp.territory.assignment import reassign_all  # noqa: E402
from fieldapp.territory.importer import ImportOptions, import_units  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from _results import record  # noqa: E402

LAYER = ROOT.parent / "shared" / "data" / "colonias_geo.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench.db"
        app = create_app({"INSTANCE_PATH": folder, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            db.drop_all()
            db.create_all()
            try:
                figures = run(args.findings, url)
            finally:
                db.session.rollback()
                # A temporary SQLite file goes with its folder. Dropping 100,000 findings on
                # SQLite checks the self-reference (duplicate of) row by row: hours.
                if not url.startswith("sqlite"):
                    db.drop_all()
    # No target in issue 3 for this one: the figures are for comparing runs.
    record("reassign", figures, target_met=True)


def run(n: int, url: str) -> dict:
    options = ImportOptions(None, "colonia", parent_field="alcaldia")
    start = time.perf_counter()
    report = import_units(LAYER, options)
    db.session.commit()
    print(
        f"import of {LAYER.name}: {len(report.created):,} UTs "
        f"in {time.perf_counter() - start:.2f} s"
    )
    category = Category(code="bench", name="Bench")
    db.session.add(category)
    db.session.flush()
    rng = np.random.default_rng(7)
    lats, lons = rng.uniform(19.13, 19.59, n), rng.uniform(-99.36, -98.94, n)
    now = utcnow()
    rows = [
        {
            "uuid": uuid.uuid4(),
            "category_id": category.id,
            "lat": float(la),
            "lon": float(lo),
            "captured_at": now,
            "created_at": now,
            "updated_at": now,
            "description": "",
            "status": "reportada",
            "priority": "media",
            "outside_unit": False,
        }
        for la, lo in zip(lats, lons, strict=True)
    ]
    db.session.execute(Finding.__table__.insert(), rows)
    db.session.commit()
    start = time.perf_counter()
    changed = reassign_all()
    db.session.commit()
    elapsed = time.perf_counter() - start
    print(
        f"{db.engine.dialect.name}: reassign_all() placed {n:,} findings "
        f"({changed['findings']:,} changed) in {elapsed:.2f} s = {n / elapsed:,.0f} findings/s"
    )
    start = time.perf_counter()
    again = reassign_all()
    again_s = time.perf_counter() - start
    print(f"again, nothing to change ({again['findings']} changed): {again_s:.2f} s")
    return {
        "database": db.engine.dialect.name,
        "findings": n,
        "seconds": elapsed,
        "findings_per_s": n / elapsed,
        "again_nothing_to_change_s": again_s,
    }


if __name__ == "__main__":
    main()
