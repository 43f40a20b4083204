"""Benchmark smoke run: many phones heartbeating against a real `proctor-console serve`.

It prints the service's CPU time per heartbeat: 5,000 phones every 5-10 s
are 500-1,000 heartbeats a second, so this must stay around a millisecond.
The assertion is generous (shared CI machines); the printout is the measure.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from servicekit import ServiceProcess

from proctor_console.simulator.hall_setup import create_exam

from .conftest import DEVICE

pytestmark = [pytest.mark.asyncio, pytest.mark.bench, pytest.mark.slow]

PHONES = 300
ROUNDS = 4


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().split()
    return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")


@pytest.fixture
def service(tmp_path: Path) -> Iterator[ServiceProcess]:
    if not Path("/proc/self/stat").exists():
        pytest.skip("needs /proc to measure the service's CPU time")
    with ServiceProcess.start(tmp_path / "svc") as svc:
        yield svc


async def test_heartbeats_are_cheap_and_batched(service: ServiceProcess) -> None:
    api = service.api
    limits = httpx.Limits(max_connections=50, max_keepalive_connections=50, keepalive_expiry=2)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        exam = await create_exam(client, service.base_url, service.admin_user, service.admin_password, hall_rows=20, hall_cols=20, candidates=PHONES)
        gate = asyncio.Semaphore(40)

        async def join(candidate_no: str) -> dict[str, str]:
            async with gate:
                r = await client.post(f"{api}/device/join", json={"exam_code": exam.exam_code, "candidate_no": candidate_no, "device": {**DEVICE, "device_id": candidate_no}})
                r.raise_for_status()
                headers = {"Authorization": f"Bearer {r.json()['device_token']}"}
                (await client.post(f"{api}/device/start", headers=headers)).raise_for_status()
                return headers

        phones = await asyncio.gather(*(join(c.candidate_no) for c in exam.candidates))
        statuses: list[int] = []

        async def beat(headers: dict[str, str], battery: int) -> None:
            async with gate:
                r = await client.post(f"{api}/device/heartbeat", json={"battery_pct": battery, "charging": False, "network": "4g", "phase": "answering", "answered": 5}, headers=headers)
                statuses.append(r.status_code)

        await asyncio.gather(*(beat(h, 90) for h in phones))  # first beats fill the service's cache
        assert service.proc is not None
        cpu_before, wall_before = cpu_seconds(service.proc.pid), time.monotonic()
        for n in range(ROUNDS):
            await asyncio.gather(*(beat(h, 80 - n) for h in phones))
        wall = time.monotonic() - wall_before
        per_beat_ms = (cpu_seconds(service.proc.pid) - cpu_before) / (ROUNDS * PHONES) * 1000
        print(f"\n{ROUNDS * PHONES} heartbeats in {wall:.1f} s ({ROUNDS * PHONES / wall:.0f}/s); service CPU {per_beat_ms:.2f} ms per heartbeat")
        assert set(statuses) == {200}
        assert per_beat_ms < 10

        # The batched telemetry reaches the rows (written about once a second).
        proctor = {"Authorization": "Bearer " + (await client.post(f"{api}/auth/login", json={"username": exam.proctor.username, "password": exam.proctor.password})).json()["access_token"]}
        until = time.monotonic() + 20
        while True:
            rows = (await client.get(f"{api}/sessions/{exam.session_id}/candidates", headers=proctor)).json()["candidates"]
            if {r["battery_pct"] for r in rows} == {80 - ROUNDS + 1} or time.monotonic() > until:
                break
            await asyncio.sleep(0.2)
        assert {r["battery_pct"] for r in rows} == {80 - ROUNDS + 1} and all(r["network"] == "4g" for r in rows)
