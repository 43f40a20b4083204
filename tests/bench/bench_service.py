"""Benchmark 3: the exam service's throughput.

A real ``proctor-console serve`` subprocess (SQLite; PostgreSQL when
``PROCTOR_TEST_PG_URL`` is set, in a schema of its own). Phones join and
start over HTTP, then an open-loop load generator sends heartbeats at rising
rates: each request is timed from the moment it was *due*, so a service that
falls behind shows it in the percentiles (no coordinated omission). The
highest rate the service sustains with p99 under 100 ms is the result; the
service's CPU time per request is reported too (steadier than wall-clock on a
shared machine).

Then the end rush: every phone submits once within the window (60 s at full
size) while the others keep beating; zero lost means every submit got a
receipt and the service's snapshot shows that same receipt for every phone.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from .common import RawHttp, Report, cpu_seconds, spread

SIZES = {
    # phones, seconds per heartbeat step, rates to try, end-rush window (s)
    "tiny": {"phones": 40, "step_s": 1.0, "rates": [200], "rush_s": 2.0},
    "profile": {"phones": 5000, "step_s": 10.0, "rates": [1000], "rush_s": 60.0},
    "medium": {"phones": 1000, "step_s": 5.0, "rates": [500, 1000, 2000], "rush_s": 15.0},
    "full": {"phones": 5000, "step_s": 15.0, "rates": [250, 500, 1000, 1500, 2000, 3000], "rush_s": 60.0},
}
DEVICE = {"platform": "android", "os_version": "12", "app_version": "3.5.0", "model": "Mi 10", "screen": "2340x1080"}
CONNECTIONS = 64


async def _join_all(port: int, exam_code: str, candidate_nos: list[str]) -> list[str]:
    """Join and start every phone over 32 raw connections (setup: not measured); their device tokens."""
    pending = list(reversed(candidate_nos))
    tokens: dict[str, str] = {}

    async def worker() -> None:
        conn = RawHttp("127.0.0.1", port)
        try:
            while pending:
                no = pending.pop()
                body = json.dumps({"exam_code": exam_code, "candidate_no": no, "device": {**DEVICE, "device_id": "bench-" + no}}).encode()
                for attempt in range(3):  # a keep-alive connection the server just closed: reconnect once
                    try:
                        status, data = await conn.request("POST", "/api/v1/device/join", body)
                        if status != 200:
                            raise RuntimeError(f"join {no}: HTTP {status} {data[:200]!r}")
                        token = json.loads(data)["device_token"]
                        status, data = await conn.request("POST", "/api/v1/device/start", b"", {"Authorization": f"Bearer {token}"})
                        if status != 200:
                            raise RuntimeError(f"start {no}: HTTP {status} {data[:200]!r}")
                        tokens[no] = token
                        break
                    except (OSError, asyncio.IncompleteReadError):
                        await conn.close()
                        if attempt == 2:
                            raise
        finally:
            await conn.close()

    await asyncio.gather(*(worker() for _ in range(32)))
    return [tokens[no] for no in candidate_nos]


class Load:
    """An open-loop generator over a pool of raw keep-alive connections."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.queue: asyncio.Queue[tuple[float, str, bytes, dict[str, str], list[Any]] | None] = asyncio.Queue()
        self.workers: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        self.workers = [asyncio.create_task(self._work()) for _ in range(CONNECTIONS)]

    async def stop(self) -> None:
        for _ in self.workers:
            self.queue.put_nowait(None)
        await asyncio.gather(*self.workers)

    async def _work(self) -> None:
        conn = RawHttp("127.0.0.1", self.port)
        try:
            while (item := await self.queue.get()) is not None:
                due, path, body, headers, out = item
                try:
                    status, data = await conn.request("POST", path, body, headers)
                except (OSError, asyncio.IncompleteReadError):
                    await conn.close()
                    status, data = 0, b""
                out.append(((time.perf_counter() - due) * 1000, status, data))
        finally:
            await conn.close()

    async def run(self, rate: float, seconds: float, make: Any) -> list[tuple[float, int, bytes]]:
        """Send ``make(i)`` → (path, body, headers) at ``rate``/s for ``seconds``; latencies from when due."""
        out: list[tuple[float, int, bytes]] = []
        total = int(rate * seconds)
        t0 = time.perf_counter()
        for i in range(total):
            due = t0 + i / rate
            delay = due - time.perf_counter()
            if delay > 0.002:
                await asyncio.sleep(delay)
            path, body, headers = make(i)
            self.queue.put_nowait((due, path, body, headers, out))
        while len(out) < total:
            await asyncio.sleep(0.01)
        return out


def _start_profiler(pid: int, seconds: float, label: str) -> subprocess.Popen[bytes] | None:
    """With BENCH_PROFILE=FOLDER, py-spy samples the service (Python, GIL held) during the first heartbeat step and the end rush."""
    folder = os.environ.get("BENCH_PROFILE")
    if not folder:
        return None
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    out = Path(folder) / f"service-{label}.txt"
    return subprocess.Popen([spy, "record", "-p", str(pid), "-d", str(max(1, int(seconds) - 1)), "-r", "200", "-f", "raw", "--gil", "-o", str(out), "--nonblocking"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


def _beat(tokens: list[str]) -> Any:
    """Heartbeats as phones send them: each phone's battery falls by one now and then
    (every call to ``drain()``), so most beats change only last_seen."""
    auth = [{"Authorization": f"Bearer {t}"} for t in tokens]
    battery = [90 - i % 30 for i in range(len(tokens))]
    bodies: list[bytes] = []

    def drain() -> None:
        for i in range(len(battery)):
            battery[i] = max(1, battery[i] - 1)
        bodies[:] = [json.dumps({"battery_pct": b, "charging": False, "network": "wifi", "phase": "answering", "answered": 10}).encode() for b in battery]

    def make(i: int) -> tuple[str, bytes, dict[str, str]]:
        return "/api/v1/device/heartbeat", bodies[i % len(bodies)], auth[i % len(auth)]

    drain()
    make.drain = drain  # type: ignore[attr-defined]
    return make


async def _measure(db_label: str, db_url: str | None, size: str, report: Report) -> None:
    from servicekit import ServiceProcess

    from proctor_console.simulator.hall_setup import create_exam

    cfg = SIZES[size]
    phones = int(cfg["phones"])
    with tempfile.TemporaryDirectory(prefix="bench-service-") as tmp, ServiceProcess.start(Path(tmp), db_url) as svc:
        assert svc.proc is not None
        pid = svc.proc.pid
        async with httpx.AsyncClient(timeout=120) as client:
            cols = 100 if phones > 1000 else 12
            exam = await create_exam(client, svc.base_url, svc.admin_user, svc.admin_password,
                                     hall_rows=(phones + cols - 1) // cols, hall_cols=cols, candidates=phones, seed=1)  # fmt: skip
        t_join = time.perf_counter()
        tokens = await _join_all(svc.port, exam.exam_code, [c.candidate_no for c in exam.candidates])
        join_s = time.perf_counter() - t_join
        report.notes.append(f"{db_label}: {phones} phones joined and started in {join_s:.1f} s ({2 * phones / join_s:.0f} writes/s)")
        load = Load(svc.port)
        await load.start()
        rng = random.Random(1)
        make = _beat(tokens)
        await load.run(min(200, phones), 1.0, make)  # warm the service's caches
        sustained = 0.0
        for step, rate in enumerate(cfg["rates"]):
            profiler = _start_profiler(pid, float(cfg["step_s"]), f"{db_label}-{rate}") if step == 0 else None
            make.drain()
            cpu0, wall0, gen0 = cpu_seconds(pid), time.perf_counter(), time.process_time()
            out = await load.run(rate, float(cfg["step_s"]), make)
            wall = time.perf_counter() - wall0
            cpu = cpu_seconds(pid) - cpu0
            if profiler is not None:
                profiler.wait(60)
            lat = [ms for ms, _, _ in out]
            errors = sum(1 for _, status, _ in out if status != 200)
            s = spread(lat)
            ok = s["p99_ms"] < 100 and errors == 0 and len(out) / wall >= 0.95 * rate
            if ok:
                sustained = max(sustained, rate)
            report.rows.append({"db": db_label, "test": "heartbeats", "offered_per_s": rate, "achieved_per_s": round(len(out) / wall),
                                **{k: v for k, v in s.items() if k != "n"}, "errors": errors,
                                "svc_cpu_ms_per_req": round(cpu / len(out) * 1000, 3), "svc_cpu_busy": round(cpu / wall, 2),
                                "loadgen_cpu_busy": round((time.process_time() - gen0) / wall, 2)})  # fmt: skip
            if s["p99_ms"] > 1000:
                break  # far past saturation: higher rates only queue longer
        report.target(f"{db_label}: heartbeats/s sustained with p99 < 100 ms", sustained, ">= 2000", sustained >= 2000)

        # The end rush: every phone submits once within the window, the rest keep beating.
        rush_s = float(cfg["rush_s"])
        order = list(range(phones))
        rng.shuffle(order)
        submission_ids = [secrets.token_hex(8) for _ in range(phones)]
        answers = json.dumps({str(q): "A" for q in range(1, 101)})
        beat_rate = phones / 7.5

        def submit(i: int) -> tuple[str, bytes, dict[str, str]]:
            p = order[i]
            body = f'{{"submission_id": "{submission_ids[p]}", "answers": {answers}}}'.encode()
            return "/api/v1/device/submit", body, {"Authorization": f"Bearer {tokens[p]}"}

        profiler = _start_profiler(pid, rush_s, f"{db_label}-rush")
        cpu0, wall0 = cpu_seconds(pid), time.perf_counter()
        beats_task = asyncio.create_task(load.run(beat_rate, rush_s, make))
        subs = await load.run(phones / rush_s, rush_s, submit)
        beats = await beats_task
        wall = time.perf_counter() - wall0
        cpu = cpu_seconds(pid) - cpu0
        if profiler is not None:
            profiler.wait(60)
        await load.stop()
        receipts: dict[str, str] = {}
        for i, (_, status, data) in enumerate(subs):
            if status == 200:
                receipts[tokens[order[i]]] = json.loads(data)["receipt_id"]
        # What the service stored: its snapshot of the session.
        async with httpx.AsyncClient(base_url=svc.api, timeout=120) as client:
            r = await client.post("/auth/login", json={"username": exam.proctor.username, "password": exam.proctor.password})
            head = {"Authorization": "Bearer " + r.json()["access_token"]}
            rows = (await client.get(f"/sessions/{exam.session_id}/candidates", headers=head)).json()["candidates"]
        stored = {row["receipt_id"] for row in rows if row.get("receipt_id")}
        lost = phones - len(set(receipts.values()) & stored)
        s = spread([ms for ms, _, _ in subs])
        report.rows.append({"db": db_label, "test": f"end rush {phones} in {rush_s:.0f}s", "offered_per_s": round(phones / rush_s + beat_rate),
                            "achieved_per_s": round((len(subs) + len(beats)) / wall), **{k: v for k, v in s.items() if k != "n"},
                            "errors": sum(1 for _, st, _ in subs + beats if st != 200),
                            "svc_cpu_ms_per_req": round(cpu / (len(subs) + len(beats)) * 1000, 3), "svc_cpu_busy": round(cpu / wall, 2)})  # fmt: skip
        report.target(f"{db_label}: end rush, submissions lost (no receipt, or not stored)", lost, "0", lost == 0)
        report.notes.append(f"{db_label}: end rush heartbeats alongside: p99 {spread([ms for ms, _, _ in beats])['p99_ms']} ms")


def run(size: str) -> Report:
    from servicekit import drop_pg_schema, fresh_pg_url

    report = Report("service", size, ["db", "test", "offered_per_s", "achieved_per_s", "p50_ms", "p95_ms", "p99_ms", "max_ms",
                                      "errors", "svc_cpu_ms_per_req", "svc_cpu_busy", "loadgen_cpu_busy"])  # fmt: skip
    asyncio.run(_measure("sqlite", None, size, report))
    pg = fresh_pg_url()
    if pg is None:
        report.notes.append("PostgreSQL skipped: set PROCTOR_TEST_PG_URL (e.g. postgresql+asyncpg://root@127.0.0.1:5432/test)")
    else:
        try:
            asyncio.run(_measure("postgres", pg, size, report))
        finally:
            drop_pg_schema(pg)
    return report
