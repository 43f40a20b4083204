"""Benchmark 4: start-up, from launch to a populated table.

A running service holds a session of N candidates (5,000 at full size), all
joined. The console is launched as a fresh process (offscreen), signs in and
opens the session; the time runs from just before the launch to the moment its
hall table holds all N rows. Repeated; median and worst reported, with the
phases (Python up, console imported, hall window shown, populated).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from .common import TESTS, Report, percentile

SIZES = {"tiny": {"rows": 200, "runs": 1}, "full": {"rows": 5_000, "runs": 5}}


def run(size: str) -> Report:
    from servicekit import ServiceProcess

    from proctor_console.simulator.hall_setup import create_exam

    from .bench_service import _join_all

    cfg = SIZES[size]
    rows = int(cfg["rows"])
    report = Report("startup", size, ["run", "python_up_ms", "imported_ms", "hall_shown_ms", "populated_ms"])
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp, ServiceProcess.start(Path(tmp) / "svc") as svc:

        async def seed():  # type: ignore[no-untyped-def]
            async with httpx.AsyncClient(timeout=120) as client:
                cols = 100 if rows > 1000 else 20
                exam = await create_exam(client, svc.base_url, svc.admin_user, svc.admin_password,
                                         hall_rows=(rows + cols - 1) // cols, hall_cols=cols, candidates=rows, seed=1)  # fmt: skip
            await _join_all(svc.port, exam.exam_code, [c.candidate_no for c in exam.candidates])
            return exam

        exam = asyncio.run(seed())
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "BENCH_PASSWORD": exam.proctor.password,
               "XDG_CONFIG_HOME": str(Path(tmp) / "config"), "XDG_CACHE_HOME": str(Path(tmp) / "cache"),
               "XDG_DATA_HOME": str(Path(tmp) / "data"), "XDG_STATE_HOME": str(Path(tmp) / "state"),
               # An installed console has its bytecode (pip compiles it); a checkout with
               # PYTHONDONTWRITEBYTECODE would compile every module at each launch.
               "PYTHONPYCACHEPREFIX": str(Path(tmp) / "pycache")}  # fmt: skip
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        totals: list[float] = []
        for n in range(-1, int(cfg["runs"])):  # run 0 (not counted) writes the bytecode: a cold start
            launched = time.time()
            spy = [str(Path(sys.executable).with_name("py-spy")), "record", "-r", "200", "-f", "raw", "-o",
                   str(Path(os.environ["BENCH_PROFILE"]) / f"startup-{n + 1}.txt"), "--"] if os.environ.get("BENCH_PROFILE") else []  # fmt: skip
            done = subprocess.run(
                [*spy, sys.executable, "-m", "tests.bench.startup_child", svc.base_url, exam.proctor.username, exam.session_id, str(rows)],
                cwd=TESTS.parent, env=env, capture_output=True, text=True, timeout=120,
            )  # fmt: skip
            lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
            if not lines:
                raise RuntimeError(f"the console did not show {rows} rows (exit {done.returncode}):\n{done.stderr[-3000:]}")
            marks = json.loads(lines[-1])

            def ms(key: str, marks: dict[str, float] = marks, launched: float = launched) -> float:
                return round((marks[key] - launched) * 1000, 1) if key in marks else 0.0

            if n >= 0:
                totals.append(ms("populated"))
            report.rows.append({"run": n + 1 if n >= 0 else "cold", "python_up_ms": ms("python_started"), "imported_ms": ms("console_imported"),
                                "hall_shown_ms": ms("hall_shown"), "populated_ms": ms("populated")})  # fmt: skip
    median = round(percentile(totals, 50))
    report.rows.append({"run": "median", "populated_ms": median})
    report.rows.append({"run": "worst", "populated_ms": round(max(totals))})
    report.target(f"launch to a populated table of {rows} candidates (median, ms)", median, "< 2000", median < 2000)
    return report
