"""The rules of an attempt, each checked through the real service in-process (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import base64
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
import pytest
from servicekit import AsgiService
from sqlalchemy import update

from proctor_console.service.storage import attempts, mark_changed, unlock_codes
from proctor_console.simulator.hall_setup import ExamSetup

from .conftest import API, Phone

pytestmark = pytest.mark.asyncio


async def snapshot_row(svc: AsgiService, headers: dict[str, str], exam: ExamSetup, attempt_id: str) -> dict[str, Any]:
    r = await svc.client.get(f"{API}/attempts/{attempt_id}", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


async def unlock(svc: AsgiService, headers: dict[str, str], attempt_id: str, mode: str = "code", **extra: Any) -> Any:
    return await svc.client.post(f"{API}/attempts/{attempt_id}/unlock", json={"reason": "walked over", "mode": mode}, headers={**headers, **extra})


async def test_the_lock_that_reaches_max_locks_auto_submits(svc: AsgiService, exam: ExamSetup, proctor_headers: dict[str, str]) -> None:
    phone = Phone(svc, exam.exam_code, exam.candidates[0].candidate_no)
    await phone.start()
    await phone.post("answers", {"answers": {"1": "B"}})
    for n in range(1, 5):
        assert (await phone.post("lock", {"reason": "app_switch"}))["lock_count"] == n
        code = (await unlock(svc, proctor_headers, phone.attempt_id)).json()["code"]
        await phone.post("unlock", {"code": code})
    last = await phone.post("lock", {"reason": "call"})
    assert last["state"] == "auto_submitted" and last["lock_count"] == 5 and last["receipt_id"]
    row = await snapshot_row(svc, proctor_headers, exam, phone.attempt_id)
    assert row["state"] == "auto_submitted" and row["submit_cause"] == "lock_limit"
    assert row["receipt_id"] == last["receipt_id"] and row["answered"] == 1
    r = await unlock(svc, proctor_headers, phone.attempt_id)
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_locked"


async def test_joining_again_resumes_and_a_new_device_is_counted(svc: AsgiService, exam: ExamSetup, proctor_headers: dict[str, str]) -> None:
    phone = Phone(svc, exam.exam_code, exam.candidates[1].candidate_no)
    await phone.start()
    first = phone.attempt_id
    again = await phone.join()
    assert again["attempt_id"] == first and again["resumed"] is True and again["state"] == "answering"
    row = await snapshot_row(svc, proctor_headers, exam, first)
    assert row["resumes"] == 1 and row["device_count"] == 1
    swapped = Phone(svc, exam.exam_code, exam.candidates[1].candidate_no, device_id="dev-2")
    assert (await swapped.join())["attempt_id"] == first
    row2 = await snapshot_row(svc, proctor_headers, exam, first)
    assert row2["resumes"] == 2 and row2["device_count"] == 2
    assert row2["version"] == row["version"] + 1  # one change, one step
    kinds = [e["kind"] for e in (await svc.client.get(f"{API}/attempts/{first}/timeline", headers=proctor_headers)).json()["events"]]
    assert kinds == ["joined", "started", "resumed", "resumed", "device_changed"]


async def test_version_rises_by_one_with_each_change(svc: AsgiService, exam: ExamSetup, proctor_headers: dict[str, str]) -> None:
    phone = Phone(svc, exam.exam_code, exam.candidates[2].candidate_no)
    v0 = (await snapshot_row(svc, proctor_headers, exam, (await phone.join())["attempt_id"]))["version"]
    await phone.post("start")
    await phone.post("lock", {"reason": "other"})
    assert (await snapshot_row(svc, proctor_headers, exam, phone.attempt_id))["version"] == v0 + 2


async def test_submitting_without_receipt_is_pending_and_shown(svc: AsgiService, exam: ExamSetup, proctor_headers: dict[str, str]) -> None:
    phone = Phone(svc, exam.exam_code, exam.candidates[3].candidate_no)
    await phone.start()
    beat = await phone.heartbeat(phase="submitting")
    assert beat["state"] == "submitting"
    row = await snapshot_row(svc, proctor_headers, exam, phone.attempt_id)
    assert row["state"] == "submitting" and row["submit_pending_since"] and row["receipt_id"] is None
    since = row["submit_pending_since"]
    await phone.heartbeat(phase="submitting")
    assert (await snapshot_row(svc, proctor_headers, exam, phone.attempt_id))["submit_pending_since"] == since
    receipt = await phone.post("submit", {"submission_id": "s-1", "answers": {}})
    row = await snapshot_row(svc, proctor_headers, exam, phone.attempt_id)
    assert row["state"] == "submitted" and row["receipt_id"] == receipt["receipt_id"]
    # The phone still spins after the server holds the paper: still pending, with the receipt.
    await phone.heartbeat(phase="submitting")
    assert (await snapshot_row(svc, proctor_headers, exam, phone.attempt_id))["submit_pending_since"] == since
    await phone.heartbeat(phase="submitted")
    row = await snapshot_row(svc, proctor_headers, exam, phone.attempt_id)
    assert row["submit_pending_since"] is None and row["state"] == "submitted"
    # A second submission with a new id gets the receipt the server already holds.
    again = await phone.post("submit", {"submission_id": "s-2", "answers": {}})
    assert again["receipt_id"] == receipt["receipt_id"]


async def test_unlock_code_is_one_time_bound_and_expires(svc: AsgiService, exam: ExamSetup, proctor_headers: dict[str, str]) -> None:
    a = Phone(svc, exam.exam_code, exam.candidates[4].candidate_no)
    b = Phone(svc, exam.exam_code, exam.candidates[5].candidate_no, device_id="dev-b")
    await a.start()
    await b.start()
    await a.post("lock", {"reason": "call"})
    await b.post("lock", {"reason": "call"})
    code_a = (await unlock(svc, proctor_headers, a.attempt_id)).json()["code"]
    err = await b.post("unlock", {"code": code_a}, expect=403)  # bound to attempt a
    assert err["error"]["code"] == "wrong_code" and code_a not in err["error"]["message"]
    # Expired after 5 minutes (made old in storage: the service's clock is not ours to move).
    store = svc.app.state.service.store
    async with store.write() as conn:
        await conn.execute(update(unlock_codes).where(unlock_codes.c.attempt_id == a.attempt_id).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    err = await a.post("unlock", {"code": code_a}, expect=403)
    assert err["error"]["code"] == "code_expired"
    fresh = (await unlock(svc, proctor_headers, a.attempt_id)).json()
    expires = datetime.fromisoformat(fresh["expires_at"].replace("Z", "+00:00"))
    assert timedelta(minutes=4, seconds=50) < expires - datetime.now(UTC) <= timedelta(minutes=5)
    await a.post("unlock", {"code": fresh["code"]})


async def test_wrong_codes_are_limited_per_lock(svc: AsgiService, exam: ExamSetup, proctor_headers: dict[str, str]) -> None:
    phone = Phone(svc, exam.exam_code, exam.candidates[6].candidate_no)
    await phone.start()
    await phone.post("lock", {"reason": "screenshot"})
    code = (await unlock(svc, proctor_headers, phone.attempt_id)).json()["code"]
    wrong = "000000" if code != "000000" else "111111"
    tries = [(await phone.post("unlock", {"code": wrong}, expect=403))["error"]["tries_left"] for _ in range(5)]
    assert tries == [4, 3, 2, 1, 0]
    err = await phone.post("unlock", {"code": code}, expect=429)
    assert err["error"]["code"] == "too_many_wrong_codes"
    # The push unlock still works.
    assert (await unlock(svc, proctor_headers, phone.attempt_id, mode="push")).status_code == 200


async def test_push_unlock_needs_delivery_before_answering(svc: AsgiService, exam: ExamSetup, proctor_headers: dict[str, str]) -> None:
    phone = Phone(svc, exam.exam_code, exam.candidates[7].candidate_no)
    await phone.start()
    await phone.post("lock", {"reason": "app_switch"})
    assert (await phone.heartbeat(phase="answering"))["state"] == "locked"  # no unlock delivered yet
    await unlock(svc, proctor_headers, phone.attempt_id, mode="push")
    beat = await phone.heartbeat(phase="answering")  # delivers; the phone has not applied it yet
    assert beat["state"] == "locked" and beat["commands"][0]["type"] == "unlock"
    assert (await phone.heartbeat(phase="answering"))["state"] == "answering"


async def test_offline_unlock_with_hotp(svc: AsgiService, exam: ExamSetup, proctor_headers: dict[str, str]) -> None:
    phone = Phone(svc, exam.exam_code, exam.candidates[8].candidate_no)
    await phone.start()
    seed = phone.joined["unlock_seed"]
    assert len(base64.b32decode(seed)) >= 20  # at least 160 bits
    await phone.post("lock", {"reason": "call"})
    answer = (await unlock(svc, proctor_headers, phone.attempt_id, mode="offline")).json()
    assert answer["code"] == pyotp.HOTP(seed).at(1)
    await phone.post("unlock", {"code": pyotp.HOTP(seed).at(2), "offline": True}, expect=403)  # another lock's code
    ok = await phone.post("unlock", {"code": answer["code"], "offline": True, "unlocked_at": "2026-11-30T10:00:00Z"})
    assert ok["state"] == "answering"
    row = await snapshot_row(svc, proctor_headers, exam, phone.attempt_id)
    assert row["last_unlock_mode"] == "offline"
    await phone.post("lock", {"reason": "call"})
    await phone.post("unlock", {"code": answer["code"], "offline": True}, expect=403)  # one lock only


async def test_time_over_auto_submits(svc: AsgiService, exam: ExamSetup, proctor_headers: dict[str, str]) -> None:
    a = Phone(svc, exam.exam_code, exam.candidates[0].candidate_no)
    c = Phone(svc, exam.exam_code, exam.candidates[2].candidate_no, device_id="dev-c")
    await a.start()
    await c.start()
    await a.post("answers", {"answers": {"1": "A"}})
    # Time runs out (made so in storage: the service's clock is not ours to move).
    store = svc.app.state.service.store
    past = datetime.now(UTC) - timedelta(seconds=1)
    async with store.write() as conn:
        await conn.execute(update(attempts).where(attempts.c.session_id == exam.session_id).values(deadline=past))
        for phone in (a, c):  # as every write of the service does: its caches forget these rows
            mark_changed(conn, phone.attempt_id)
    # The next device call sees it at once ...
    assert (await c.heartbeat())["state"] == "auto_submitted"
    # ... and the sweeper (about once a second) gets the phone that says nothing.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        row = await snapshot_row(svc, proctor_headers, exam, a.attempt_id)
        if row["state"] == "auto_submitted":
            break
        await asyncio.sleep(0.2)
    assert row["state"] == "auto_submitted" and row["submit_cause"] == "time" and row["receipt_id"] and row["answered"] == 1
    b = Phone(svc, exam.exam_code, exam.candidates[1].candidate_no)
    err = await b.join(expect=409)
    assert err["error"]["code"] == "exam_over"


async def test_proctor_of_another_hall_is_refused(svc: AsgiService, exam: ExamSetup, proctor_headers: dict[str, str]) -> None:
    phone = Phone(svc, exam.exam_code, exam.candidates[0].candidate_no)
    await phone.start()
    await phone.post("lock", {"reason": "call"})
    other = await svc.login(exam.other_proctor.username, exam.other_proctor.password)
    for r in [
        await svc.client.get(f"{API}/sessions/{exam.session_id}/candidates", params={"hall_id": exam.hall_id}, headers=other),
        await unlock(svc, other, phone.attempt_id),
        await svc.client.get(f"{API}/attempts/{phone.attempt_id}/timeline", headers=other),
        await svc.client.post(f"{API}/escalations", json={"attempt_id": phone.attempt_id, "category": "other", "note": "x"}, headers=other),
    ]:
        assert r.status_code == 403, r.text
        assert r.json()["error"]["code"] == "wrong_hall"
    snap = (await svc.client.get(f"{API}/sessions/{exam.session_id}/candidates", headers=other)).json()
    assert {c["hall_id"] for c in snap["candidates"]} == {exam.other_hall_id}


async def test_roles_and_token_kinds(svc: AsgiService, exam: ExamSetup) -> None:
    phone = Phone(svc, exam.exam_code, exam.candidates[0].candidate_no)
    await phone.start()
    await phone.post("lock", {"reason": "call"})
    r = await svc.client.get(f"{API}/sessions/{exam.session_id}/candidates", headers=phone.headers)
    assert r.status_code == 403 and r.json()["error"]["code"] == "device_token"
    lead = await svc.login(exam.lead.username, exam.lead.password)
    r = await unlock(svc, lead, phone.attempt_id)
    assert r.status_code == 403 and r.json()["error"]["code"] == "role_not_allowed"
    assert (await svc.client.get(f"{API}/sessions/{exam.session_id}/summary", headers=lead)).status_code == 200
    r = await svc.client.post(f"{API}/device/heartbeat", json={"phase": "answering"}, headers=lead)
    assert r.status_code == 403
    proctor = await svc.login(exam.proctor.username, exam.proctor.password)
    r = await svc.client.post(f"{API}/halls", json={"name": "x", "rows": 1, "columns": 1}, headers=proctor)
    assert r.status_code == 403
    support = await svc.login(exam.support.username, exam.support.password)
    assert (await unlock(svc, support, phone.attempt_id, mode="push")).status_code == 200
    await svc.client.post(f"{API}/auth/logout", headers=proctor)
    assert (await svc.client.get(f"{API}/me", headers=proctor)).status_code == 401


async def test_outdated_app_is_told_to_update(svc: AsgiService, exam: ExamSetup) -> None:
    phone = Phone(svc, exam.exam_code, exam.candidates[0].candidate_no, app_version="3.4.1")
    err = await phone.join(expect=426)
    assert err["error"]["code"] == "app_outdated" and "update" in err["error"]["message"].lower() and "3.4.2" in err["error"]["message"]
    assert (await Phone(svc, exam.exam_code, exam.candidates[0].candidate_no, app_version="3.4.2").join())["state"] == "joined"


async def test_unknown_code_and_candidate(svc: AsgiService, exam: ExamSetup) -> None:
    wrong_code = "999999" if exam.exam_code != "999999" else "888888"
    assert (await Phone(svc, wrong_code, "x").join(expect=404))["error"]["code"] == "exam_code_not_found"
    assert (await Phone(svc, exam.exam_code, "nobody").join(expect=404))["error"]["code"] == "candidate_not_found"


async def test_idempotency_key_gives_the_same_answer(svc: AsgiService, exam: ExamSetup, proctor_headers: dict[str, str]) -> None:
    phone = Phone(svc, exam.exam_code, exam.candidates[0].candidate_no)
    await phone.start()
    await phone.post("lock", {"reason": "call"})
    first = await unlock(svc, proctor_headers, phone.attempt_id, **{"Idempotency-Key": "k-1"})
    second = await unlock(svc, proctor_headers, phone.attempt_id, **{"Idempotency-Key": "k-1"})
    assert first.status_code == second.status_code == 200 and first.json() == second.json()
    timeline = (await svc.client.get(f"{API}/attempts/{phone.attempt_id}/timeline", headers=proctor_headers)).json()["events"]
    assert [e["kind"] for e in timeline].count("unlock_issued") == 1
    await phone.post("unlock", {"code": first.json()["code"]})
    # A refused action is remembered too; a new key sees the new state.
    refused = await unlock(svc, proctor_headers, phone.attempt_id, **{"Idempotency-Key": "k-2"})
    assert refused.status_code == 409
    assert (await unlock(svc, proctor_headers, phone.attempt_id, **{"Idempotency-Key": "k-2"})).json() == refused.json()


async def test_batch_unlock_answers_per_attempt(svc: AsgiService, exam: ExamSetup, proctor_headers: dict[str, str]) -> None:
    phones = [Phone(svc, exam.exam_code, c.candidate_no, device_id=f"d{i}") for i, c in enumerate(exam.candidates[:3])]
    for p in phones:
        await p.start()
    await phones[0].post("lock", {"reason": "call"})
    await phones[1].post("lock", {"reason": "app_switch"})
    ids = [p.attempt_id for p in phones] + ["nope"]
    r = await svc.client.post(f"{API}/attempts/unlock", json={"attempt_ids": ids, "reason": "network blip", "mode": "push"}, headers=proctor_headers)
    assert r.status_code == 200, r.text
    results = {x["attempt_id"]: x for x in r.json()["results"]}
    assert results[ids[0]]["ok"] and results[ids[0]]["http_status"] == 200 and results[ids[0]]["command_id"]
    assert results[ids[1]]["ok"]
    assert results[ids[2]]["http_status"] == 409 and results["nope"]["http_status"] == 404
    assert r.json()["ok"] == 2 and r.json()["failed"] == 2


async def test_escalation_claim_comment_resolve(svc: AsgiService, exam: ExamSetup, proctor_headers: dict[str, str], support_headers: dict[str, str]) -> None:
    phone = Phone(svc, exam.exam_code, exam.candidates[0].candidate_no)
    await phone.start()
    r = await svc.client.post(f"{API}/escalations", json={"attempt_id": phone.attempt_id, "category": "no_paper", "note": "试卷不显示"}, headers=proctor_headers)
    assert r.status_code == 201, r.text
    esc = r.json()
    assert esc["status"] == "open" and esc["raised_by"] == exam.proctor.username and esc["candidate_no"] == exam.candidates[0].candidate_no
    assert (await snapshot_row(svc, proctor_headers, exam, phone.attempt_id))["open_escalations"] == 1
    r = await svc.client.post(f"{API}/escalations/{esc['id']}/claim", headers=proctor_headers)
    assert r.status_code == 403
    r = await svc.client.post(f"{API}/escalations/{esc['id']}/claim", headers=support_headers)
    assert r.json()["status"] == "claimed" and r.json()["claimed_by"] == exam.support.username
    r = await svc.client.post(f"{API}/escalations/{esc['id']}/comment", json={"text": "重新进入后可见"}, headers=support_headers)
    assert r.json()["comments"][0]["text"] == "重新进入后可见"
    r = await svc.client.get(f"{API}/escalations", params={"status": "claimed", "session_id": exam.session_id}, headers=support_headers)
    assert [e["id"] for e in r.json()["escalations"]] == [esc["id"]]
    r = await svc.client.post(f"{API}/escalations/{esc['id']}/resolve", json={"resolution": "paper reassigned"}, headers=support_headers)
    assert r.json()["status"] == "resolved" and r.json()["resolution"] == "paper reassigned"
    assert (await snapshot_row(svc, proctor_headers, exam, phone.attempt_id))["open_escalations"] == 0
    kinds = [e["kind"] for e in (await svc.client.get(f"{API}/attempts/{phone.attempt_id}/timeline", headers=support_headers)).json()["events"]]
    assert kinds[-4:] == ["escalation_raised", "escalation_claimed", "escalation_commented", "escalation_resolved"]
    assert (await svc.client.post(f"{API}/escalations", json={"attempt_id": phone.attempt_id, "category": "bogus", "note": ""}, headers=proctor_headers)).status_code == 422


async def test_support_reopen_reset_extend_and_audit(svc: AsgiService, exam: ExamSetup, proctor_headers: dict[str, str], support_headers: dict[str, str]) -> None:
    phone = Phone(svc, exam.exam_code, exam.candidates[0].candidate_no)
    await phone.start()
    await phone.post("lock", {"reason": "call"})
    r = await svc.client.post(f"{API}/attempts/{phone.attempt_id}/reset-locks", json={"reason": "teacher's mistake"}, headers=proctor_headers)
    assert r.status_code == 403 and r.json()["error"]["code"] == "support_only"
    r = await svc.client.post(f"{API}/attempts/{phone.attempt_id}/reset-locks", json={"reason": "teacher's mistake"}, headers=support_headers)
    assert r.status_code == 200 and r.json()["lock_count"] == 0
    before = datetime.fromisoformat(r.json()["deadline"].replace("Z", "+00:00"))
    r = await svc.client.post(f"{API}/attempts/{phone.attempt_id}/extend", json={"reason": "power cut", "minutes": 10}, headers=support_headers)
    assert datetime.fromisoformat(r.json()["deadline"].replace("Z", "+00:00")) - before == timedelta(minutes=10)
    assert (await svc.client.post(f"{API}/attempts/{phone.attempt_id}/extend", json={"reason": "x"}, headers=support_headers)).status_code == 422
    r = await svc.client.post(f"{API}/attempts/{phone.attempt_id}/force-submit", json={"reason": "cheating"}, headers=proctor_headers)
    assert r.json()["state"] == "auto_submitted" and r.json()["submit_cause"] == "proctor"
    r = await svc.client.post(f"{API}/attempts/{phone.attempt_id}/reopen", json={"reason": "submitted by mistake"}, headers=support_headers)
    assert r.json()["state"] == "answering" and r.json()["receipt_id"] is None
    r = await svc.client.get(f"{API}/audit", params={"session_id": exam.session_id}, headers=support_headers)
    actions = [(e["action"], e["actor"], e["reason"]) for e in r.json()["entries"] if e["attempt_id"] == phone.attempt_id]
    assert actions == [
        ("reset_locks", exam.support.username, "teacher's mistake"),
        ("extend", exam.support.username, "power cut"),
        ("force_submit", exam.proctor.username, "cheating"),
        ("reopen", exam.support.username, "submitted by mistake"),
    ]


async def test_message_help_and_ack(svc: AsgiService, exam: ExamSetup, proctor_headers: dict[str, str]) -> None:
    phone = Phone(svc, exam.exam_code, exam.candidates[0].candidate_no)
    await phone.start()
    r = await svc.client.post(f"{API}/attempts/{phone.attempt_id}/message", json={"text": "请把手机调成勿扰模式"}, headers=proctor_headers)
    cid = r.json()["command_id"]
    assert (await svc.client.post(f"{API}/attempts/{phone.attempt_id}/message", json={"text": "x" * 201}, headers=proctor_headers)).status_code == 422
    beat = await phone.heartbeat()
    assert beat["commands"] == [{"type": "message", "id": cid, "text": "请把手机调成勿扰模式"}]
    assert (await phone.heartbeat())["commands"] == []
    await phone.post("help", {"reason": "paper", "note": "第3题图片不显示"})
    row = await snapshot_row(svc, proctor_headers, exam, phone.attempt_id)
    assert row["help_requested_since"] and row["help_reason"] == "paper"
    r = await svc.client.post(f"{API}/attempts/{phone.attempt_id}/help/ack", headers=proctor_headers)
    assert r.json()["help_requested_since"] is None
    timeline = (await svc.client.get(f"{API}/attempts/{phone.attempt_id}/timeline", headers=proctor_headers)).json()["events"]
    by_kind = {e["kind"]: e for e in timeline}
    assert by_kind["message_delivered"]["detail"]["command_id"] == cid
    assert by_kind["help_acked"]["actor"] == exam.proctor.username


async def test_export_csv_has_bom_and_a_row_per_candidate(svc: AsgiService, exam: ExamSetup) -> None:
    lead = await svc.login(exam.lead.username, exam.lead.password)
    r = await svc.client.get(f"{API}/sessions/{exam.session_id}/export.csv", headers=lead)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith(b"\xef\xbb\xbf")
    lines = r.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("candidate_no,name,hall_id,seat,state")
    assert len(lines) == 1 + len(exam.candidates) + len(exam.other_candidates)
    assert exam.candidates[0].name in r.content.decode("utf-8-sig")


async def test_a_cursor_older_than_the_pruned_log_answers_410(svc: AsgiService, exam: ExamSetup, proctor_headers: dict[str, str]) -> None:
    from proctor_console.service.background import prune_events

    phone = Phone(svc, exam.exam_code, exam.candidates[0].candidate_no)
    await phone.start()
    await phone.post("lock", {"reason": "call"})
    assert await prune_events(svc.app.state.service.store, older_than=timedelta(0)) > 0  # the roster's rows
    r = await svc.client.get(f"{API}/sessions/{exam.session_id}/events", params={"after": 0}, headers=proctor_headers)
    assert r.status_code == 410 and r.json()["error"]["code"] == "cursor_too_old"
    # The timeline is never pruned.
    kinds = [e["kind"] for e in (await svc.client.get(f"{API}/attempts/{phone.attempt_id}/timeline", headers=proctor_headers)).json()["events"]]
    assert kinds == ["joined", "started", "locked"]


async def test_session_log_pages_with_rows_for_replay(svc: AsgiService, exam: ExamSetup, proctor_headers: dict[str, str]) -> None:
    phone = Phone(svc, exam.exam_code, exam.candidates[0].candidate_no)
    await phone.start()
    await phone.post("lock", {"reason": "call"})
    url = f"{API}/sessions/{exam.session_id}/timeline"
    first = (await svc.client.get(url, params={"limit": 2}, headers=proctor_headers)).json()
    assert [e["kind"] for e in first["events"]] == ["joined", "started"] and first["more"] is True
    rest = (await svc.client.get(url, params={"after": first["next_after"]}, headers=proctor_headers)).json()
    assert [e["kind"] for e in rest["events"]] == ["locked"] and rest["more"] is False
    with_rows = (await svc.client.get(url, params={"include_rows": "true"}, headers=proctor_headers)).json()["events"]
    assert any(e["kind"] is None for e in with_rows)  # the roster's rows, telemetry-like entries
    locked = next(e for e in with_rows if e["kind"] == "locked")
    assert locked["row"]["state"] == "locked" and locked["row"]["lock_count"] == 1
    assert {e["row"]["hall_id"] for e in with_rows} == {exam.hall_id}  # the proctor's hall only
