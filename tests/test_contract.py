"""The shared, executable sync API contract, run against the app on a local port."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

CONTRACT = Path(__file__).resolve().parents[2] / "shared" / "checks" / "api_contract.py"


def test_sync_api_contract_holds(live_server, runner):
    if not CONTRACT.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CONTRACT} is missing; CI must check the contract")
        pytest.skip(f"{CONTRACT} is not beside the checkout")
    output = runner.invoke(args=["demo"]).output
    password = next(
        line.split()[1]
        for line in output.splitlines()
        if line.strip().startswith("inspector@demo.fieldapp.mx")
    )
    result = subprocess.run(
        [sys.executable, str(CONTRACT), live_server, "inspector@demo.fieldapp.mx", password],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("contract holds")
