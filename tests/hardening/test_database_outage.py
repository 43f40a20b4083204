"""PostgreSQL stopped for 10 s under a running service: 503 with a clear error meanwhile, then
recovery without a restart, nothing acknowledged lost.

The machine's shared PostgreSQL is never touched: the test starts a private throw-away
cluster (initdb + pg_ctl, run as the `postgres` user when we are root) on a free port.
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from servicekit import ServiceProcess, free_port

from proctor_console.simulator.hall_setup import create_exam

pytestmark = [pytest.mark.asyncio, pytest.mark.slow, pytest.mark.postgres]

API = "/api/v1"
DEVICE = {
    "device_id": "pg-1",
    "platform": "ios",
    "os_version": "16",
    "app_version": "3.5.0",
    "model": "iPhone",
    "screen": "2532x1170",
}


class PrivateCluster:
    def __init__(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found:
            pytest.skip("no PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb)")
        self.bin = Path(found[-1]).parent
        self.root = Path(tempfile.mkdtemp(prefix="proctor-pg-", dir="/tmp"))
        self.data = self.root / "data"
        self.port = free_port()
        self.as_postgres: list[str] = []
        if os.geteuid() == 0:  # initdb refuses to run as root
            if shutil.which("runuser") is None:
                pytest.skip("running as root without runuser: cannot start a private PostgreSQL")
            self.as_postgres = ["runuser", "-u", "postgres", "--"]
            subprocess.run(["chown", "postgres:", str(self.root)], check=True)

    def run(self, *args: str, timeout: float = 60) -> None:
        subprocess.run([*self.as_postgres, *args], check=True, capture_output=True, timeout=timeout)

    def init(self) -> None:
        self.run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "proctor",
            "--no-sync",
        )
        self.start()

    def start(self) -> None:
        opts = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            opts,
            "-l",
            str(self.root / "pg.log"),
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self) -> None:
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://proctor@127.0.0.1:{self.port}/postgres"

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def cluster() -> Iterator[PrivateCluster]:
    pg = PrivateCluster()
    try:
        pg.init()
        yield pg
    finally:
        pg.remove()


async def test_database_stopped_for_10_s_is_503_then_recovers_without_restart(
    cluster: PrivateCluster, tmp_path: Path
) -> None:
    with ServiceProcess.start(tmp_path / "svc", db_url=cluster.url) as svc:
        assert svc.proc is not None
        pid = svc.proc.pid
        async with httpx.AsyncClient(base_url=svc.api, timeout=15) as client:
            exam = await create_exam(
                client, svc.base_url, svc.admin_user, svc.admin_password, hall_rows=2, hall_cols=2
            )
            r = await client.post(
                "/auth/login",
                json={"username": exam.proctor.username, "password": exam.proctor.password},
            )
            proctor = {"Authorization": f"Bearer {r.json()['access_token']}"}
            r = await client.post(
                "/device/join",
                json={
                    "exam_code": exam.exam_code,
                    "candidate_no": exam.candidates[0].candidate_no,
                    "device": DEVICE,
                },
            )
            phone = {"Authorization": f"Bearer {r.json()['device_token']}"}
            assert (await client.post("/device/start", headers=phone)).status_code == 200
            assert (
                await client.post("/device/lock", json={"reason": "call"}, headers=phone)
            ).status_code == 200

            cluster.stop()
            down_at = time.monotonic()
            answers: list[tuple[int, dict[str, object]]] = []
            while time.monotonic() - down_at < 10:
                for method, path, kw in [
                    ("GET", f"/sessions/{exam.session_id}/candidates", {"headers": proctor}),
                    (
                        "POST",
                        f"/attempts/{r.json()['attempt_id']}/unlock",
                        {"headers": proctor, "json": {"reason": "r", "mode": "push"}},
                    ),
                    (
                        "POST",
                        "/auth/login",
                        {"json": {"username": exam.lead.username, "password": exam.lead.password}},
                    ),
                ]:
                    resp = await client.request(method, path, **kw)  # type: ignore[arg-type]
                    answers.append((resp.status_code, resp.json()))
                await asyncio.sleep(0.5)
            assert answers and all(status == 503 for status, _ in answers), {s for s, _ in answers}
            for _, body in answers:
                error = body["error"]
                assert isinstance(error, dict) and error["code"] == "service_unavailable"
                assert (
                    "database" in str(error["message"]).lower()
                    or "try again" in str(error["message"]).lower()
                ), error

            cluster.start()
            deadline = time.monotonic() + 30
            while True:
                resp = await client.get(f"/sessions/{exam.session_id}/candidates", headers=proctor)
                if resp.status_code == 200 or time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.3)
            assert resp.status_code == 200, resp.text
            assert svc.proc.pid == pid and svc.proc.poll() is None, "recovered without a restart"
            row = next(
                c
                for c in resp.json()["candidates"]
                if c["candidate_no"] == exam.candidates[0].candidate_no
            )
            assert row["state"] == "locked" and row["lock_count"] == 1, (
                "the lock acknowledged before the outage is kept"
            )
            r = await client.post(
                f"/attempts/{row['attempt_id']}/unlock",
                json={"reason": "r", "mode": "code"},
                headers=proctor,
            )
            assert r.status_code == 200, r.text
