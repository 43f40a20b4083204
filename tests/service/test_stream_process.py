"""The event stream of a real `proctor-console serve` subprocess."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from servicekit import ServiceProcess

from proctor_console.simulator.hall_setup import ExamSetup, create_exam

from .conftest import DEVICE

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]


@pytest.fixture
def service(tmp_path: Path) -> Iterator[ServiceProcess]:
    with ServiceProcess.start(tmp_path / "svc") as svc:
        yield svc


async def login(client: httpx.AsyncClient, base: str, username: str, password: str) -> dict[str, str]:
    r = await client.post(f"{base}/api/v1/auth/login", json={"username": username, "password": password})
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def read_events(response: httpx.Response) -> AsyncIterator[dict[str, Any]]:
    """Parse an SSE body into {id, event, data} dicts (comments become {comment})."""
    fields: dict[str, Any] = {}
    async for line in response.aiter_lines():
        if line == "":
            if fields:
                yield fields
            fields = {}
        elif line.startswith(":"):
            yield {"comment": line[1:].strip()}
        else:
            name, _, value = line.partition(":")
            fields[name] = value[1:] if value.startswith(" ") else value


async def next_candidate_event(stream: AsyncIterator[dict[str, Any]], attempt_id: str, state: str, timeout: float = 10.0) -> dict[str, Any]:
    async def wait() -> dict[str, Any]:
        async for ev in stream:
            if ev.get("event") == "candidate":
                data = json.loads(ev["data"])
                if data["attempt_id"] == attempt_id and data["state"] == state:
                    return {"id": int(ev["id"]), "data": data}
        raise AssertionError("stream ended")

    return await asyncio.wait_for(wait(), timeout)


async def join_and_start(client: httpx.AsyncClient, base: str, exam: ExamSetup, index: int = 0) -> tuple[str, dict[str, str]]:
    r = await client.post(f"{base}/api/v1/device/join", json={"exam_code": exam.exam_code, "candidate_no": exam.candidates[index].candidate_no, "device": DEVICE})
    r.raise_for_status()
    headers = {"Authorization": f"Bearer {r.json()['device_token']}"}
    (await client.post(f"{base}/api/v1/device/start", headers=headers)).raise_for_status()
    return r.json()["attempt_id"], headers


async def test_stream_follows_locks_and_replays_from_a_cursor(service: ServiceProcess) -> None:
    base = service.base_url
    async with httpx.AsyncClient(timeout=20) as client:
        exam = await create_exam(client, base, service.admin_user, service.admin_password, hall_rows=2, hall_cols=3)
        proctor = await login(client, base, exam.proctor.username, exam.proctor.password)
        snap = (await client.get(f"{base}/api/v1/sessions/{exam.session_id}/candidates", headers=proctor)).json()
        async with client.stream("GET", f"{base}/api/v1/sessions/{exam.session_id}/events", params={"after": snap["cursor"]}, headers=proctor) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            assert "x-server-time" in response.headers
            stream = read_events(response)
            aid, device = await join_and_start(client, base, exam)
            r = await client.post(f"{base}/api/v1/device/lock", json={"reason": "app_switch"}, headers=device)
            assert r.json()["state"] == "locked"
            locked = await next_candidate_event(stream, aid, "locked")
            assert locked["data"]["lock_count"] == 1 and locked["data"]["last_lock_reason"] == "app_switch"

        # Reconnect with Last-Event-ID from before the lock: the lock is replayed.
        async with client.stream("GET", f"{base}/api/v1/sessions/{exam.session_id}/events", headers={**proctor, "Last-Event-ID": str(locked["id"] - 1)}) as response:
            replayed = await next_candidate_event(read_events(response), aid, "locked")
            assert replayed["id"] == locked["id"]

        # A cursor the log never had answers 410: take a new snapshot.
        r = await client.get(f"{base}/api/v1/sessions/{exam.session_id}/events", params={"after": locked["id"] + 10_000}, headers=proctor)
        assert r.status_code == 410 and r.json()["error"]["code"] == "cursor_gone"

        # A quiet stream still says something at least every 15 s.
        async with client.stream("GET", f"{base}/api/v1/sessions/{exam.session_id}/events", headers=proctor) as response:
            started = asyncio.get_running_loop().time()
            comments = []
            async for ev in read_events(response):
                if "comment" in ev:
                    comments.append((ev["comment"], asyncio.get_running_loop().time() - started))
                if len(comments) == 2:
                    break
            assert comments[1][0] == "keep-alive" and comments[1][1] < 15

        # The other hall's proctor sees nothing of this hall.
        other = await login(client, base, exam.other_proctor.username, exam.other_proctor.password)
        r = await client.get(f"{base}/api/v1/sessions/{exam.session_id}/events", params={"hall_id": exam.hall_id}, headers=other)
        assert r.status_code == 403
