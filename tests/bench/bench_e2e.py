"""Benchmark 2: end to end, from the service's commit of a lock to the console's model.

Three processes on loopback: the exam service (``proctor-console serve``), a
simulated hall (``proctor-console simulate``, the rough scenario: many locks),
and this one, the console's side: ``ConsoleApi`` + ``LiveFeed`` + ``LiveHall``
on a qasync loop, as the console runs them. For every lock the model shows
(a row turning ``locked`` with a new ``locked_since``), the latency is the
model's ``dataChanged`` time minus ``locked_since``, the time the service
stamped in the lock's transaction (same machine clock).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from .common import TESTS, Report, cpu_seconds, spread

SIZES = {
    # (phones, simulated minutes, speed-up) per run. The speed-up multiplies every phone's
    # request rate: 5,000 phones run in real time (~700 heartbeats/s and the joins of a
    # whole hall in its first minute, as a real hall), since at 4x they would ask ~2,700
    # heartbeats/s of a Python simulator sharing the 2 cores with the service and console.
    "tiny": {"halls": [(40, 4.0, 30.0)]},
    "full": {"halls": [(1000, 12.0, 4.0), (5000, 4.0, 1.0)]},
}


async def _one_hall(phones: int, minutes: float, speed: float, report: Report) -> None:
    from servicekit import ServiceProcess

    from proctor_console.client.api import ConsoleApi
    from proctor_console.domain.states import AttemptState
    from proctor_console.gui.live_hall import LiveHall
    from proctor_console.simulator.hall_setup import create_exam

    with tempfile.TemporaryDirectory(prefix="bench-e2e-") as tmp, ServiceProcess.start(Path(tmp) / "svc") as svc:
        assert svc.proc is not None
        async with httpx.AsyncClient(timeout=120) as client:
            cols = 100 if phones > 1000 else 20
            exam = await create_exam(client, svc.base_url, svc.admin_user, svc.admin_password, hall_rows=(phones + cols - 1) // cols,
                                     hall_cols=cols, candidates=phones, seed=1, duration_minutes=180)  # fmt: skip
        roster = Path(tmp) / "roster.csv"
        roster.write_text("".join(f"{c.candidate_no}\n" for c in exam.candidates))

        live = LiveHall()
        latencies: list[float] = []
        seen: set[tuple[str, int]] = set()

        def on_data_changed(top: Any, bottom: Any, _roles: Any = None) -> None:
            now = datetime.now(UTC)
            for pos in range(top.row(), bottom.row() + 1):
                row = live.table.row_at(pos)
                if row.state is AttemptState.LOCKED and row.locked_since is not None and (row.attempt_id, row.lock_count) not in seen:
                    seen.add((row.attempt_id, row.lock_count))
                    latencies.append((now - row.locked_since).total_seconds() * 1000)

        live.table.dataChanged.connect(on_data_changed)
        from proctor_console.client.feed import LiveFeed

        async with httpx.AsyncClient(timeout=60) as http:
            api = ConsoleApi(svc.base_url, http)
            await api.login(exam.proctor.username, exam.proctor.password)
            feed = LiveFeed(api, exam.session_id, on_rows=live.feed_rows, on_status=lambda status: None)
            following = asyncio.create_task(feed.run())
            cpu0, wall0, console0 = cpu_seconds(svc.proc.pid), time.perf_counter(), time.process_time()
            sim = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "proctor_console.cli", "simulate", "--server", svc.base_url, "--exam-code", exam.exam_code,
                "--candidates-file", str(roster), "--scenario", str(Path(__file__).with_name("bench-locks.toml")), "--speed", str(speed), "--duration", str(minutes), "--quiet",
                cwd=str(TESTS.parent), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
            )  # fmt: skip
            out, _ = await sim.communicate()
            wall = time.perf_counter() - wall0
            svc_cpu = cpu_seconds(svc.proc.pid) - cpu0
            console_cpu = time.process_time() - console0
            await asyncio.sleep(1.0)  # the last locks' events reach the model
            feed.stop()
            await following
        if sim.returncode != 0:
            raise RuntimeError(f"the simulator failed ({sim.returncode}):\n{out.decode(errors='replace')[-2000:]}")
        s = spread(latencies)
        report.rows.append({"phones": phones, "speed": speed, "locks_seen": s["n"], "p50_ms": s["p50_ms"], "p95_ms": s["p95_ms"], "p99_ms": s["p99_ms"],
                            "max_ms": s["max_ms"], "wall_s": round(wall), "svc_cpu_busy": round(svc_cpu / wall, 2),
                            "console_cpu_busy": round(console_cpu / wall, 2)})  # fmt: skip
        report.notes.append(f"{phones} phones, simulator summary: {' | '.join(out.decode(errors='replace').strip().splitlines()[-4:])[:600] if out.strip() else '-'}")
        if phones >= 5000:
            report.target("lock commit → console model at 5,000 phones, p95 (ms)", s["p95_ms"] if s["n"] else "no locks seen", "< 300", s["n"] >= 20 and s["p95_ms"] < 300)
        live.deleteLater()


def run(size: str) -> Report:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import qasync
    from PySide6.QtWidgets import QApplication

    cfg = SIZES[size]
    report = Report("e2e", size, ["phones", "speed", "locks_seen", "p50_ms", "p95_ms", "p99_ms", "max_ms", "wall_s", "svc_cpu_busy", "console_cpu_busy"])
    app = QApplication.instance() or QApplication([])
    for phones, minutes, speed in cfg["halls"]:
        with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
            runner.run(_one_hall(phones, minutes, speed, report))
    if size != "full":
        report.notes.append("the 5,000-phone target is judged at --size full only")
    return report
