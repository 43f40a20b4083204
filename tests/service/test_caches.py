"""The service's in-memory caches for heartbeats stay true to the database.

A heartbeat is answered from memory (the attempt as the last write left it); these
tests check that what memory holds after each kind of write is what the database
holds, and that a write by another service process on the same database reaches
this process's answers.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from servicekit import AsgiService, asgi_service

from proctor_console.service.exam import load_attempt
from proctor_console.simulator.hall_setup import ExamSetup

from .conftest import API, Phone

#: Written by the telemetry buffer behind the cache's back; a heartbeat's answer does not use them.
TELEMETRY_KEYS = {"battery_pct", "charging", "network", "answered", "last_seen", "seen_in_event", "version"}


async def cached_equals_stored(svc: AsgiService, attempt_id: str) -> dict[str, Any]:
    state = svc.app.state.service
    hit = state.attempt_cache.rows.get(attempt_id)
    assert hit is not None, "the write left no row in the cache: the next heartbeat would query"
    async with state.store.read() as conn:
        stored = await load_attempt(conn, attempt_id)
    cached = hit[0]
    differs = {k: (cached.get(k), stored[k]) for k in stored if k not in TELEMETRY_KEYS and cached.get(k) != stored[k]}
    assert differs == {}
    return stored


@pytest.mark.asyncio
async def test_each_write_leaves_the_row_as_stored_in_the_cache(
    svc: AsgiService, exam: ExamSetup, proctor_headers: dict[str, str]
) -> None:
    phone = Phone(svc, exam.exam_code, exam.candidates[0].candidate_no)
    await phone.join()
    await cached_equals_stored(svc, phone.attempt_id)
    await phone.post("start")
    assert (await cached_equals_stored(svc, phone.attempt_id))["state"] == "answering"
    await phone.post("lock", {"reason": "app_switch"})
    assert (await cached_equals_stored(svc, phone.attempt_id))["state"] == "locked"
    r = await svc.client.post(f"{API}/attempts/{phone.attempt_id}/unlock", json={"reason": "left the app by mistake", "mode": "push"},
                              headers={**proctor_headers, "Idempotency-Key": "cache-1"})  # fmt: skip
    assert r.status_code == 200, r.text
    assert (await cached_equals_stored(svc, phone.attempt_id))["pending_commands"] == 1
    beat = await phone.heartbeat(phase="locked")
    assert [c["type"] for c in beat["commands"]] == ["unlock"]
    await cached_equals_stored(svc, phone.attempt_id)
    beat = await phone.heartbeat(phase="answering")
    assert beat["state"] == "answering"
    await cached_equals_stored(svc, phone.attempt_id)
    done = await phone.post("submit", {"submission_id": "cache-sub-1", "answers": {"1": "A"}})
    stored = await cached_equals_stored(svc, phone.attempt_id)
    assert stored["receipt_id"] == done["receipt_id"]
    assert (await phone.heartbeat(phase="submitted"))["state"] == "submitted"


@pytest.mark.asyncio
async def test_a_write_by_another_service_process_reaches_this_ones_heartbeats(
    svc: AsgiService, exam: ExamSetup, db_url: str
) -> None:
    phone = Phone(svc, exam.exam_code, exam.candidates[1].candidate_no)
    await phone.start()
    assert (await phone.heartbeat())["state"] == "answering"  # now cached here
    async with asgi_service(db_url=db_url) as other:
        r = await other.client.post(f"{API}/device/lock", json={"reason": "call"}, headers=phone.headers)
        assert r.status_code == 200, r.text
        deadline = time.monotonic() + 10
        while (beat := await phone.heartbeat(phase="locked"))["state"] != "locked":
            assert time.monotonic() < deadline, f"this process still answers {beat['state']!r} after the other locked the phone"
            await asyncio.sleep(0.05)
        assert beat["lock_count"] == 1


@pytest.mark.asyncio
async def test_a_telemetry_resend_carries_the_stored_row_not_a_stale_cached_one(db_url: str, tmp_path: Any) -> None:
    """Another process locks the phone; this one still caches it answering and then flushes a
    battery change: the re-sent row must say locked (a lock must never be lost on screen)."""
    from sqlalchemy import select

    from proctor_console.service.storage import events
    from proctor_console.simulator.hall_setup import create_exam

    async with asgi_service(db_url=db_url, run_background=False) as here, asgi_service(db_url=db_url, run_background=False) as other:
        setup = await create_exam(here.client, here.base_url, here.admin_user, here.admin_password, hall_rows=2, hall_cols=2)
        phone = Phone(here, setup.exam_code, setup.candidates[0].candidate_no)
        await phone.start()
        assert (await phone.heartbeat(battery_pct=80))["state"] == "answering"
        state = here.app.state.service
        await state.telemetry.flush()
        r = await other.client.post(f"{API}/device/lock", json={"reason": "call"}, headers=phone.headers)
        assert r.status_code == 200, r.text
        assert state.attempt_cache.rows[phone.attempt_id][0]["state"] == "answering"  # stale here, as intended
        await phone.heartbeat(battery_pct=41)
        assert await state.telemetry.flush() == 1
        async with state.store.read() as conn:
            data = (await conn.execute(select(events.c.data).where(events.c.attempt_id == phone.attempt_id).order_by(events.c.id.desc()).limit(1))).scalar_one()
            stored = await load_attempt(conn, phone.attempt_id)
        assert (data["state"], data["battery_pct"], data["lock_count"]) == ("locked", 41, 1)
        assert data["version"] == stored["version"]
        assert state.attempt_cache.rows[phone.attempt_id][0]["state"] == "locked"  # and the cache learnt it


@pytest.mark.asyncio
async def test_heartbeats_answered_from_memory_are_counted_in_the_log_not_logged_one_by_one(
    svc: AsgiService, exam: ExamSetup, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from proctor_console.service import app as service_app

    phone = Phone(svc, exam.exam_code, exam.candidates[3].candidate_no)
    await phone.start()
    with caplog.at_level("INFO", logger="proctor_console.service.access"):
        for _ in range(5):
            await phone.heartbeat()
        await phone.post("lock", {"reason": "call"})
        lines = [r.getMessage() for r in caplog.records if r.name == "proctor_console.service.access"]
        assert not [line for line in lines if "/device/heartbeat" in line]
        assert [line for line in lines if line.startswith("POST /api/v1/device/lock 200")]
        monkeypatch.setattr(service_app, "QUICK_LOG_INTERVAL_S", 0.0)
        await phone.post("answers", {"answers": {"1": "B"}})
        lines = [r.getMessage() for r in caplog.records if r.name == "proctor_console.service.access"]
    assert [line for line in lines if line.startswith("POST /api/v1/device/heartbeat 200: 5 answered in the last")]
