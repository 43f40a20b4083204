"""The real `proctor-console serve` as a subprocess: a whole exam, SIGKILL and restart, two processes on one PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from servicekit import ServiceProcess, drop_pg_schema, fresh_pg_url

from proctor_console.simulator.hall_setup import create_exam

from .conftest import DEVICE
from .test_stream_process import join_and_start, login, next_candidate_event, read_events

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]


@pytest.fixture
def service(tmp_path: Path) -> Iterator[ServiceProcess]:
    with ServiceProcess.start(tmp_path / "svc") as svc:
        yield svc


async def test_whole_exam_against_the_process(service: ServiceProcess) -> None:
    api = service.api
    async with httpx.AsyncClient(timeout=20) as client:
        exam = await create_exam(client, service.base_url, service.admin_user, service.admin_password, hall_rows=2, hall_cols=2, info_collection=True)
        r = await client.post(f"{api}/device/join", json={"exam_code": exam.exam_code, "candidate_no": exam.candidates[0].candidate_no, "device": DEVICE})
        assert r.status_code == 200 and r.json()["requires_info"] is True
        phone = {"Authorization": f"Bearer {r.json()['device_token']}"}
        aid = r.json()["attempt_id"]
        assert (await client.post(f"{api}/device/info", json={"fields": {"name": exam.candidates[0].name, "id_last4": "0420"}}, headers=phone)).json()["state"] == "ready"
        assert (await client.post(f"{api}/device/start", headers=phone)).json()["state"] == "answering"
        proctor = await login(client, service.base_url, exam.proctor.username, exam.proctor.password)
        for reason in ("app_switch", "call"):
            assert (await client.post(f"{api}/device/lock", json={"reason": reason}, headers=phone)).json()["state"] == "locked"
            code = (await client.post(f"{api}/attempts/{aid}/unlock", json={"reason": "ok", "mode": "code"}, headers=proctor)).json()["code"]
            assert (await client.post(f"{api}/device/unlock", json={"code": code}, headers=phone)).json()["state"] == "answering"
        receipt = (await client.post(f"{api}/device/submit", json={"submission_id": "final", "answers": {"1": "A"}}, headers=phone)).json()
        assert receipt["receipt_id"]
        lead = await login(client, service.base_url, exam.lead.username, exam.lead.password)
        summary = (await client.get(f"{api}/sessions/{exam.session_id}/summary", headers=lead)).json()
        assert summary["submitted"] == 1 and summary["locks"]["total"] == 2 and summary["not_joined"] == len(exam.candidates) + 2 - 1
    log = service.log_text()
    assert f"created the first admin account '{service.admin_user}'" in log and service.admin_password not in log
    assert "POST /api/v1/device/lock 200" in log and f"device:{aid}" in log and f"user:{exam.proctor.username}" in log
    assert exam.proctor.password not in log and code not in log and phone["Authorization"][7:] not in log


async def test_sigkill_loses_nothing_that_was_answered(service: ServiceProcess) -> None:
    api = service.api
    async with httpx.AsyncClient(timeout=20) as client:
        exam = await create_exam(client, service.base_url, service.admin_user, service.admin_password, hall_rows=2, hall_cols=2)
        proctor = await login(client, service.base_url, exam.proctor.username, exam.proctor.password)
        aid, phone = await join_and_start(client, service.base_url, exam, 0)
        await client.post(f"{api}/device/lock", json={"reason": "call"}, headers=phone)
        code = (await client.post(f"{api}/attempts/{aid}/unlock", json={"reason": "ok", "mode": "code"}, headers=proctor)).json()["code"]
        await client.post(f"{api}/device/unlock", json={"code": code}, headers=phone)
        await client.post(f"{api}/device/lock", json={"reason": "screenshot"}, headers=phone)
        esc = (await client.post(f"{api}/escalations", json={"attempt_id": aid, "category": "device_failure", "note": "screen flickers"}, headers=proctor)).json()
        aid2, phone2 = await join_and_start(client, service.base_url, exam, 1)
        receipt = (await client.post(f"{api}/device/submit", json={"submission_id": "s", "answers": {}}, headers=phone2)).json()

        service.kill()
        service.restart()

        proctor = await login(client, service.base_url, exam.proctor.username, exam.proctor.password)
        snap = {c["attempt_id"]: c for c in (await client.get(f"{api}/sessions/{exam.session_id}/candidates", headers=proctor)).json()["candidates"]}
        assert snap[aid]["state"] == "locked" and snap[aid]["lock_count"] == 2 and snap[aid]["open_escalations"] == 1
        assert snap[aid2]["state"] == "submitted" and snap[aid2]["receipt_id"] == receipt["receipt_id"]
        kinds = [e["kind"] for e in (await client.get(f"{api}/attempts/{aid}/timeline", headers=proctor)).json()["events"]]
        assert kinds == ["joined", "started", "locked", "unlock_issued", "unlocked", "locked", "escalation_raised"]
        support = await login(client, service.base_url, exam.support.username, exam.support.password)
        escs = (await client.get(f"{api}/escalations", params={"session_id": exam.session_id}, headers=support)).json()["escalations"]
        assert [e["id"] for e in escs] == [esc["id"]]
        audit = (await client.get(f"{api}/audit", params={"session_id": exam.session_id}, headers=support)).json()["entries"]
        assert [e["action"] for e in audit if e["attempt_id"] == aid] == ["unlock", "escalation_raise"]
        # The phone's token still works after the restart.
        assert (await client.post(f"{api}/device/heartbeat", json={"phase": "locked"}, headers=phone)).json()["state"] == "locked"


@pytest.mark.postgres
async def test_two_processes_on_one_postgresql_serve_the_same_stream(tmp_path: Path) -> None:
    url = fresh_pg_url()
    if url is None:
        pytest.skip("needs PROCTOR_TEST_PG_URL (e.g. postgresql+asyncpg://root@127.0.0.1:5432/test)")
    try:
        with ServiceProcess.start(tmp_path / "a", url) as first, ServiceProcess.start(tmp_path / "b", url) as second:
            async with httpx.AsyncClient(timeout=20) as client:
                exam = await create_exam(client, first.base_url, first.admin_user, first.admin_password, hall_rows=2, hall_cols=2)
                proctor = await login(client, second.base_url, exam.proctor.username, exam.proctor.password)
                snap = (await client.get(f"{second.api}/sessions/{exam.session_id}/candidates", headers=proctor)).json()
                async with client.stream("GET", f"{second.api}/sessions/{exam.session_id}/events", params={"after": snap["cursor"]}, headers=proctor) as response:
                    stream = read_events(response)
                    aid, phone = await join_and_start(client, first.base_url, exam)
                    await client.post(f"{first.api}/device/lock", json={"reason": "app_switch"}, headers=phone)
                    seen = await next_candidate_event(stream, aid, "locked")
                    assert seen["data"]["lock_count"] == 1
                # An unlock issued on the second reaches the phone through the first,
                # even though the first answered this phone's heartbeat from memory just before.
                assert (await client.post(f"{first.api}/device/heartbeat", json={"phase": "locked"}, headers=phone)).json()["commands"] == []
                cmd = (await client.post(f"{second.api}/attempts/{aid}/unlock", json={"reason": "ok", "mode": "push"}, headers=proctor)).json()
                deadline = asyncio.get_running_loop().time() + 10
                commands: list[dict[str, str]] = []
                while not commands and asyncio.get_running_loop().time() < deadline:
                    await asyncio.sleep(0.1)
                    commands = (await client.post(f"{first.api}/device/heartbeat", json={"phase": "locked"}, headers=phone)).json()["commands"]
                assert commands == [{"type": "unlock", "id": cmd["command_id"]}]
                beat = (await client.post(f"{first.api}/device/heartbeat", json={"phase": "answering"}, headers=phone)).json()
                assert beat["state"] == "answering"
    finally:
        drop_pg_schema(url)
