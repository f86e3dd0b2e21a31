"""`make bench` runs bench/bench_*.py: this runs the fault scripts among them.

.venv/bin/python bench/bench_faults.py      # = fault_kill_uploads.py (SQLite, PostgreSQL)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fault_kill_uploads  # noqa: E402

if __name__ == "__main__":
    sys.exit(fault_kill_uploads.main(sys.argv[1:]))
