"""One file for every benchmark's latest figures: ``bench/results.json``.

Each benchmark calls, at the end of its ``main``::

    from _results import record
    record("photo_ingest", {"ratio": 2.38, "fieldapp_photos_per_s": 5.64}, target_met=True)

``record`` replaces that benchmark's entry (and only that one) with its figures, whether the
target was met, the time, the command and the machine, and writes the file atomically under a
lock, so benchmarks may run one after another or side by side. ``bench/summarize.py`` turns the
file into the table at the top of ``docs/performance.md``.
"""

from __future__ import annotations

import fcntl
import json
import os
import platform
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(os.environ.get("BENCH_RESULTS", Path(__file__).resolve().parent / "results.json"))


def machine_info() -> dict:
    """What the figures depend on: CPUs, CPU model, RAM, load, Python."""
    cpu, ram_gib = "unknown", None
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(
                (line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")),
                cpu,
            )
        with open("/proc/meminfo") as fh:
            ram_gib = round(int(fh.readline().split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "ram_gib": ram_gib,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "system": f"{platform.system()} {platform.machine()}",
        "python": platform.python_version(),
    }


def _jsonable(value):
    """Round floats (figures, not noise) and make numpy scalars plain."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()  # numpy scalar
    if isinstance(value, float):
        return round(value, 4) if value == value else None  # NaN -> null
    return value


def record(name: str, figures: dict, target_met: bool) -> None:
    """Store (or replace) benchmark ``name``'s latest figures in ``bench/results.json``."""
    entry = {
        "name": name,
        "target_met": bool(target_met),
        "figures": _jsonable(figures),
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(
            [".venv/bin/python", os.path.relpath(sys.argv[0], RESULTS.parent.parent)] + sys.argv[1:]
        ),
        "machine": machine_info(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with open(RESULTS.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            data = json.loads(RESULTS.read_text())
        except (OSError, ValueError):
            data = {}
        benchmarks = data.get("benchmarks", {})
        benchmarks[name] = entry
        data = {
            "updated": entry["timestamp"],
            "benchmarks": dict(sorted(benchmarks.items())),
        }
        fd, tmp = tempfile.mkstemp(dir=RESULTS.parent, prefix=".results-", suffix=".json")
        with os.fdopen(fd, "w") as fh:
            json.dump(data, fh, indent=2, ensure_ascii=False)
            fh.write("\n")
        os.replace(tmp, RESULTS)
    print(f"recorded {name} in {os.path.relpath(RESULTS)}")
