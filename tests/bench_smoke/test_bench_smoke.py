"""Each benchmark of tests/bench at tiny size, so that they do not rot.

Only that they run and report: every benchmark prints its table and writes
its JSON with rows and targets. Timings are not asserted here (the machine is
shared); `python -m tests.bench.run --size full` is the measure.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.bench, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", ["model", "service", "startup", "e2e"])
def test_benchmark_runs_at_tiny_size(name: str, tmp_path: Path) -> None:
    out = tmp_path / f"{name}.json"
    done = subprocess.run(
        [sys.executable, "-m", "tests.bench.run", name, "--size", "tiny", "--json", str(out)],
        cwd=ROOT, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert f"== {name} (tiny)" in done.stdout
    (report,) = json.loads(out.read_text())
    assert report["benchmark"] == name and report["rows"], report
    assert report["machine"]["nproc"] and report["machine"]["python"]
    if name != "e2e":  # e2e judges its target at 5,000 phones, full size only
        assert report["targets"], report
