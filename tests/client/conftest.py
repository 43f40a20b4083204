"""Fixtures for the client's tests: a real `proctor-console serve` subprocess, a seeded exam, phones.

Phones here are a few device-API calls made by hand (not the simulator), so
each test decides exactly when a candidate joins, locks or unlocks.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import pytest_asyncio
from servicekit import ServiceProcess

from proctor_console.client.api import ConsoleApi
from proctor_console.client.connect import make_http_client
from proctor_console.simulator.hall_setup import ExamSetup, create_exam

_device_ids = itertools.count(1)


async def wait_for(
    condition: Callable[[], bool], timeout: float = 10.0, what: str = "condition"
) -> None:
    """Poll ``condition`` until it holds; fail after ``timeout`` seconds."""
    try:
        async with asyncio.timeout(timeout):
            while not condition():
                await asyncio.sleep(0.02)
    except TimeoutError:
        raise AssertionError(f"timed out after {timeout} s waiting for {what}") from None


@dataclass
class Phone:
    """One candidate's phone speaking the device API."""

    http: httpx.AsyncClient
    base_url: str
    exam_code: str
    candidate_no: str
    attempt_id: str = ""
    token: str = ""

    async def call(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await self.http.post(
            f"{self.base_url}/api/v1/device/{path}",
            json=body or {},
            headers={"Authorization": f"Bearer {self.token}"} if self.token else {},
        )
        assert response.status_code < 400, f"device {path}: {response.status_code} {response.text}"
        data: dict[str, Any] = response.json()
        return data

    async def join_and_start(self) -> None:
        device = {
            "device_id": f"client-test-{next(_device_ids)}",
            "platform": "android",
            "os_version": "12",
            "app_version": "3.5.0",
            "model": "Test phone",
            "screen": "2340x1080",
        }
        answer = await self.call(
            "join",
            {"exam_code": self.exam_code, "candidate_no": self.candidate_no, "device": device},
        )
        self.attempt_id, self.token = answer["attempt_id"], answer["device_token"]
        await self.call("start")

    async def lock(self, reason: str = "app_switch") -> dict[str, Any]:
        return await self.call("lock", {"reason": reason})

    async def heartbeat(self, phase: str) -> dict[str, Any]:
        return await self.call(
            "heartbeat", {"battery_pct": 80, "charging": False, "network": "wifi", "phase": phase}
        )


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceProcess]:
    """One real service for a module's tests (each test uses its own candidates)."""
    with ServiceProcess.start(tmp_path_factory.mktemp("service")) as svc:
        yield svc


async def seed_exam(svc: ServiceProcess, candidates: int = 12) -> ExamSetup:
    async with httpx.AsyncClient(timeout=30) as http:
        return await create_exam(
            http,
            svc.base_url,
            svc.admin_user,
            svc.admin_password,
            hall_rows=4,
            hall_cols=5,
            candidates=candidates,
        )


@pytest.fixture(scope="module")
def exam(service: ServiceProcess) -> ExamSetup:
    """An open exam: a 4x5 hall with 12 candidates, another hall, and accounts of every role."""
    return asyncio.run(seed_exam(service))


class CandidatePool:
    """Hands out candidates not used by an earlier test of the module."""

    def __init__(self, exam: ExamSetup) -> None:
        self._numbers = iter(exam.candidate_numbers)

    def take(self) -> str:
        return next(self._numbers)


@pytest.fixture(scope="module")
def pool(exam: ExamSetup) -> CandidatePool:
    return CandidatePool(exam)


@pytest_asyncio.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with make_http_client() as client:
        yield client


async def signed_in(
    http: httpx.AsyncClient, base_url: str, username: str, password: str
) -> ConsoleApi:
    api = ConsoleApi(base_url, http)
    await api.login(username, password)
    return api


@pytest_asyncio.fixture
async def proctor_api(
    http: httpx.AsyncClient, service: ServiceProcess, exam: ExamSetup
) -> ConsoleApi:
    return await signed_in(http, service.base_url, exam.proctor.username, exam.proctor.password)


@pytest_asyncio.fixture
async def support_api(
    http: httpx.AsyncClient, service: ServiceProcess, exam: ExamSetup
) -> ConsoleApi:
    return await signed_in(http, service.base_url, exam.support.username, exam.support.password)


@pytest.fixture
def new_phone(
    http: httpx.AsyncClient, service: ServiceProcess, exam: ExamSetup, pool: CandidatePool
) -> Callable[[], Phone]:
    def make() -> Phone:
        return Phone(http, service.base_url, exam.exam_code, pool.take())

    return make
