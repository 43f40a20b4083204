"""Fixtures for the simulator's tests: a real `proctor-console serve`, seeded exams, a proctor."""

from __future__ import annotations

import asyncio
import dataclasses
import secrets
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from servicekit import ServiceProcess

from proctor_console.simulator.hall import Hall
from proctor_console.simulator.hall_setup import ExamSetup, create_exam
from proctor_console.simulator.roster import Candidate
from proctor_console.simulator.scenario import Scenario, load_scenario


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceProcess]:
    """One real service subprocess per test module (each test seeds its own exam)."""
    with ServiceProcess.start(tmp_path_factory.mktemp("svc")) as svc:
        yield svc


async def seed_exam(service: ServiceProcess, candidates: int, **kwargs: Any) -> ExamSetup:
    async with httpx.AsyncClient() as client:
        return await create_exam(
            client,
            service.base_url,
            service.admin_user,
            service.admin_password,
            hall_rows=max(1, (candidates + 4) // 5),
            hall_cols=5,
            candidates=candidates,
            **kwargs,
        )


def tuned(name: str, **sections: dict[str, Any]) -> Scenario:
    """A named scenario with some values changed: tuned("rough", locks={"per_hour": 9})."""
    s = load_scenario(name)
    changes = {
        section: dataclasses.replace(getattr(s, section), **values)
        for section, values in sections.items()
    }
    return dataclasses.replace(s, **changes)


def make_hall(service: ServiceProcess, exam: ExamSetup, scenario: Scenario, **kwargs: Any) -> Hall:
    candidates = [Candidate(c.candidate_no, c.name) for c in exam.candidates]
    return Hall(service.base_url, exam.exam_code, candidates, scenario, **kwargs)


class Proctor:
    """The hall's proctor acting through the console API (what the console would send)."""

    def __init__(self, client: httpx.AsyncClient, service: ServiceProcess, exam: ExamSetup) -> None:
        self.client = client
        self.api = service.api
        self.exam = exam
        self.headers: dict[str, str] = {}

    async def login(self) -> Proctor:
        r = await self.client.post(
            f"{self.api}/auth/login",
            json={"username": self.exam.proctor.username, "password": self.exam.proctor.password},
        )
        r.raise_for_status()
        self.headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
        return self

    async def rows(self) -> list[dict[str, Any]]:
        r = await self.client.get(
            f"{self.api}/sessions/{self.exam.session_id}/candidates",
            params={"hall_id": self.exam.hall_id},
            headers=self.headers,
        )
        r.raise_for_status()
        return list(r.json()["candidates"])

    async def unlock(self, attempt_id: str, mode: str) -> httpx.Response:
        return await self.client.post(
            f"{self.api}/attempts/{attempt_id}/unlock",
            json={"reason": "candidate was back at the desk", "mode": mode},
            headers={**self.headers, "Idempotency-Key": secrets.token_hex(8)},
        )

    async def timeline(self, attempt_id: str) -> list[dict[str, Any]]:
        r = await self.client.get(
            f"{self.api}/attempts/{attempt_id}/timeline", headers=self.headers
        )
        r.raise_for_status()
        return list(r.json()["events"])

    async def export_csv(self) -> str:
        r = await self.client.get(
            f"{self.api}/sessions/{self.exam.session_id}/export.csv", headers=self.headers
        )
        r.raise_for_status()
        return r.text


async def wait_for(
    check: Callable[[], Awaitable[bool]] | Callable[[], bool], timeout: float, what: str
) -> None:
    """Poll ``check`` until it is true; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.05)


async def send_keypad_line(address: tuple[str, int], line: str) -> dict[str, Any]:
    import json

    reader, writer = await asyncio.open_connection(*address)
    try:
        writer.write(line.encode() + b"\n")
        await writer.drain()
        answer = await asyncio.wait_for(reader.readline(), 5)
        return dict(json.loads(answer))
    finally:
        writer.close()
        await writer.wait_closed()


def tmp_file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
