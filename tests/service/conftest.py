"""Fixtures for the exam service's tests: the real app in-process, seeded exams, databases."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from servicekit import AsgiService, asgi_service, drop_pg_schema, fresh_pg_url, sqlite_url

from proctor_console.simulator.hall_setup import ExamSetup, create_exam

API = "/api/v1"
DEVICE = {"device_id": "dev-1", "platform": "android", "os_version": "12", "app_version": "3.5.0", "model": "Mi 10", "screen": "2340x1080"}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each storage test runs against SQLite and against PostgreSQL (a fresh schema)."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
        return
    url = fresh_pg_url()
    if url is None:
        pytest.skip("PostgreSQL tests need PROCTOR_TEST_PG_URL (e.g. postgresql+asyncpg://root@127.0.0.1:5432/test)")
    try:
        yield url
    finally:
        drop_pg_schema(url)


@pytest_asyncio.fixture
async def svc(db_url: str) -> AsyncIterator[AsgiService]:
    """The real service in-process, on SQLite and (when configured) on PostgreSQL."""
    async with asgi_service(db_url=db_url) as service:
        yield service


@pytest_asyncio.fixture
async def exam(svc: AsgiService) -> ExamSetup:
    return await create_exam(svc.client, svc.base_url, svc.admin_user, svc.admin_password, hall_rows=3, hall_cols=4)


class Phone:
    """A candidate's phone speaking the device API (test helper, not a mock of the service)."""

    def __init__(self, svc: AsgiService, exam_code: str, candidate_no: str, device_id: str = "dev-1", app_version: str = "3.5.0") -> None:
        self.svc = svc
        self.exam_code = exam_code
        self.candidate_no = candidate_no
        self.device = {**DEVICE, "device_id": device_id, "app_version": app_version}
        self.token = ""
        self.attempt_id = ""
        self.joined: dict[str, Any] = {}

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def join(self, expect: int = 200) -> dict[str, Any]:
        r = await self.svc.client.post(f"{API}/device/join", json={"exam_code": self.exam_code, "candidate_no": self.candidate_no, "device": self.device})
        assert r.status_code == expect, r.text
        body = r.json()
        if r.status_code == 200:
            self.token = body["device_token"]
            self.attempt_id = body["attempt_id"]
            self.joined = body
        return body

    async def post(self, path: str, body: dict[str, Any] | None = None, expect: int = 200) -> dict[str, Any]:
        r = await self.svc.client.post(f"{API}/device/{path}", json=body or {}, headers=self.headers)
        assert r.status_code == expect, r.text
        return r.json()

    async def heartbeat(self, phase: str = "answering", **extra: Any) -> dict[str, Any]:
        body = {"battery_pct": 80, "charging": False, "network": "wifi", "phase": phase, "answered": 3, **extra}
        return await self.post("heartbeat", body)

    async def start(self) -> dict[str, Any]:
        await self.join()
        return await self.post("start")


@pytest_asyncio.fixture
async def proctor_headers(svc: AsgiService, exam: ExamSetup) -> dict[str, str]:
    return await svc.login(exam.proctor.username, exam.proctor.password)


@pytest_asyncio.fixture
async def support_headers(svc: AsgiService, exam: ExamSetup) -> dict[str, str]:
    return await svc.login(exam.support.username, exam.support.password)
