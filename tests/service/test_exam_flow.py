"""One candidate's exam through the real service, in-process: join, info, start, locks, unlocks, submit."""

from __future__ import annotations

from typing import Any

import pytest
from servicekit import AsgiService

from proctor_console.simulator.hall_setup import ExamSetup, create_exam

from .conftest import API, Phone

pytestmark = pytest.mark.asyncio


async def row_of(svc: AsgiService, headers: dict[str, str], exam: ExamSetup, attempt_id: str) -> dict[str, Any]:
    r = await svc.client.get(f"{API}/sessions/{exam.session_id}/candidates", headers=headers)
    assert r.status_code == 200, r.text
    rows = {c["attempt_id"]: c for c in r.json()["candidates"]}
    return rows[attempt_id]


async def test_snapshot_lists_the_whole_roster_before_anyone_joins(svc: AsgiService, exam: ExamSetup, proctor_headers: dict[str, str]) -> None:
    r = await svc.client.get(f"{API}/sessions/{exam.session_id}/candidates", headers=proctor_headers)
    assert r.status_code == 200
    body = r.json()
    assert isinstance(body["cursor"], int) and body["server_time"].endswith("Z")
    assert len(body["candidates"]) == 12  # the proctor's hall only: 3x4, not the other hall
    first = body["candidates"][0]
    assert first["state"] == "not_joined" and first["seat"] == "1-1" and first["max_locks"] == 5
    assert first["name"] == exam.candidates[0].name
    assert r.headers["x-server-time"].endswith("Z")


async def test_whole_exam_of_one_candidate(svc: AsgiService, exam: ExamSetup, proctor_headers: dict[str, str]) -> None:
    phone = Phone(svc, exam.exam_code, exam.candidates[0].candidate_no)
    joined = await phone.join()
    assert joined["state"] == "joined" and joined["requires_info"] is False
    assert joined["session"]["exam_code"] == exam.exam_code
    assert len(joined["unlock_seed"]) >= 32  # base32 of 160 bits
    assert (await phone.post("start"))["state"] == "answering"

    beat = await phone.heartbeat()
    assert beat["state"] == "answering" and beat["commands"] == [] and beat["lock_count"] == 0

    locked = await phone.post("lock", {"reason": "call"})
    assert locked == {"state": "locked", "lock_count": 1, "max_locks": 5, "receipt_id": None}
    row = await row_of(svc, proctor_headers, exam, phone.attempt_id)
    assert row["state"] == "locked" and row["last_lock_reason"] == "call" and row["locked_since"]

    # Unlock by push: queued, delivered in the next heartbeat, applied in the one after.
    r = await svc.client.post(f"{API}/attempts/{phone.attempt_id}/unlock", json={"reason": "phone call ended", "mode": "push"}, headers=proctor_headers)
    assert r.status_code == 200, r.text
    command_id = r.json()["command_id"]
    assert r.json()["status"] == "queued"
    beat = await phone.heartbeat(phase="locked")
    assert beat["commands"] == [{"type": "unlock", "id": command_id}] and beat["state"] == "locked"
    beat = await phone.heartbeat(phase="answering")
    assert beat["state"] == "answering" and beat["commands"] == []
    row = await row_of(svc, proctor_headers, exam, phone.attempt_id)
    assert row["state"] == "answering" and row["last_unlock_mode"] == "push" and row["locked_since"] is None

    # Unlock by code.
    await phone.post("lock", {"reason": "app_switch"})
    r = await svc.client.post(f"{API}/attempts/{phone.attempt_id}/unlock", json={"reason": "switched to WeChat", "mode": "code"}, headers=proctor_headers)
    code = r.json()["code"]
    assert len(code) == 6 and code.isdigit() and r.json()["expires_at"].endswith("Z")
    assert (await phone.post("unlock", {"code": code}))["state"] == "answering"
    assert (await phone.post("lock", {"reason": "screenshot"}))["lock_count"] == 3
    await phone.post("unlock", {"code": code}, expect=403)  # one-time: not again, and not for the next lock

    r = await svc.client.post(f"{API}/attempts/{phone.attempt_id}/unlock", json={"reason": "ok", "mode": "code"}, headers=proctor_headers)
    await phone.post("unlock", {"code": r.json()["code"]})
    await phone.post("answers", {"answers": {"1": "A", "2": "C", "3": None}})
    receipt = await phone.post("submit", {"submission_id": "sub-1", "answers": {"1": "A", "2": "C", "3": "D"}})
    assert receipt["receipt_id"] and receipt["received_at"].endswith("Z")
    again = await phone.post("submit", {"submission_id": "sub-1", "answers": {"1": "A"}})
    assert again["receipt_id"] == receipt["receipt_id"] and again["received_at"] == receipt["received_at"]

    row = await row_of(svc, proctor_headers, exam, phone.attempt_id)
    assert row["state"] == "submitted" and row["receipt_id"] == receipt["receipt_id"] and row["answered"] == 3

    r = await svc.client.get(f"{API}/attempts/{phone.attempt_id}/timeline", headers=proctor_headers)
    kinds = [e["kind"] for e in r.json()["events"]]
    assert kinds[:2] == ["joined", "started"]
    assert kinds.count("locked") == 3 and kinds.count("unlocked") == 3 and kinds[-1] == "submitted"
    issued = [e for e in r.json()["events"] if e["kind"] == "unlock_issued"]
    assert issued[0]["actor"] == exam.proctor.username and issued[0]["detail"]["mode"] == "push"
    assert all(code not in str(e["detail"]) for e in issued)

    r = await svc.client.get(f"{API}/sessions/{exam.session_id}/summary", headers=proctor_headers)
    summary = r.json()
    assert summary["submitted"] == 1 and summary["locks"]["total"] == 3
    assert summary["unlocks"]["by_mode"] == {"push": 1, "code": 2}


async def test_info_collection_is_required_before_start(svc: AsgiService) -> None:
    exam = await create_exam(svc.client, svc.base_url, svc.admin_user, svc.admin_password, hall_rows=2, hall_cols=2, info_collection=True)
    phone = Phone(svc, exam.exam_code, exam.candidates[0].candidate_no)
    joined = await phone.join()
    assert joined["state"] == "info_pending" and joined["requires_info"] is True
    err = await phone.post("start", expect=409)
    assert err["error"]["code"] == "info_required"
    err = await phone.post("info", {"fields": {"name": "王伟", "shoe_size": "42"}}, expect=422)
    assert "id_last4" in err["error"]["message"] and "shoe_size" in err["error"]["message"]
    assert (await phone.post("info", {"fields": {"name": "王伟", "id_last4": "1234"}}))["state"] == "ready"
    assert (await phone.post("start"))["state"] == "answering"
