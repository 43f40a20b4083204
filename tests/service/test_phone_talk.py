"""Talking with the phone, against the real service: messages, help and its
answer, force-submit (answers kept, leads refused), offline HOTP unlock."""

from __future__ import annotations

import base64

import pyotp
import pytest
from servicekit import AsgiService

from proctor_console.service.exam import offline_code
from proctor_console.simulator.hall_setup import ExamSetup

from .conftest import API, Phone


async def timeline(svc: AsgiService, headers: dict[str, str], attempt_id: str) -> list[dict]:  # type: ignore[type-arg]
    r = await svc.client.get(f"{API}/attempts/{attempt_id}/timeline", headers=headers)
    assert r.status_code == 200, r.text
    return list(r.json()["events"])


def test_offline_code_is_rfc_4226_hotp() -> None:
    """RFC 4226, appendix D: the secret "12345678901234567890", counts 0 to 9."""
    secret = base64.b32encode(b"12345678901234567890").decode()
    expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]
    assert [offline_code(secret, count) for count in range(10)] == expected


@pytest.mark.asyncio
async def test_message_reaches_the_phone_once_and_is_recorded_delivered(
    svc: AsgiService, exam: ExamSetup, proctor_headers: dict[str, str]
) -> None:
    phone = Phone(svc, exam.exam_code, exam.candidates[1].candidate_no)
    await phone.start()
    texts = ["请到前台来 / Please come to the front desk", "考试时间延长10分钟 / Your time is extended by 10 minutes"]
    ids = []
    for text in texts:
        r = await svc.client.post(f"{API}/attempts/{phone.attempt_id}/message", json={"text": text}, headers=proctor_headers)
        assert r.status_code == 200, r.text
        ids.append(r.json()["command_id"])
    events = await timeline(svc, proctor_headers, phone.attempt_id)
    assert [e["detail"]["command_id"] for e in events if e["kind"] == "message_sent"] == ids
    assert not [e for e in events if e["kind"] == "message_delivered"]
    beat = await phone.heartbeat()
    assert beat["commands"] == [{"type": "message", "id": i, "text": t} for i, t in zip(ids, texts, strict=True)]
    assert (await phone.heartbeat())["commands"] == []  # delivered once
    events = await timeline(svc, proctor_headers, phone.attempt_id)
    delivered = [e for e in events if e["kind"] == "message_delivered"]
    assert [e["detail"]["command_id"] for e in delivered] == ids and all(e["actor"] is None for e in delivered)
    sent = next(e for e in events if e["kind"] == "message_sent")
    assert sent["actor"] == exam.proctor.username


@pytest.mark.asyncio
async def test_the_phone_hears_that_help_is_on_the_way(
    svc: AsgiService, exam: ExamSetup, proctor_headers: dict[str, str]
) -> None:
    phone = Phone(svc, exam.exam_code, exam.candidates[2].candidate_no)
    await phone.start()
    await phone.post("help", {"reason": "device", "note": "屏幕卡住"})
    r = await svc.client.post(f"{API}/attempts/{phone.attempt_id}/help/ack", headers=proctor_headers)
    assert r.status_code == 200 and r.json()["help_requested_since"] is None
    commands = (await phone.heartbeat())["commands"]
    assert [c["type"] for c in commands] == ["help_ack"]
    assert (await phone.heartbeat())["commands"] == []
    # Answering twice is a conflict, not a second "on my way".
    r = await svc.client.post(f"{API}/attempts/{phone.attempt_id}/help/ack", headers=proctor_headers)
    assert r.status_code == 409 and r.json()["error"]["code"] == "no_help_requested"


@pytest.mark.asyncio
async def test_force_submit_keeps_the_saved_answers_and_is_refused_to_a_lead(
    svc: AsgiService, exam: ExamSetup, proctor_headers: dict[str, str]
) -> None:
    phone = Phone(svc, exam.exam_code, exam.candidates[3].candidate_no)
    await phone.start()
    await phone.post("answers", {"answers": {"1": "A", "5": "B", "7": ""}})
    url = f"{API}/attempts/{phone.attempt_id}/force-submit"
    lead = await svc.login(exam.lead.username, exam.lead.password)
    r = await svc.client.post(url, json={"reason": "left the hall"}, headers=lead)
    assert r.status_code == 403 and "error" in r.json()
    r = await svc.client.post(url, json={"reason": ""}, headers=proctor_headers)
    assert r.status_code == 422  # a reason is required
    r = await svc.client.post(url, json={"reason": "left the hall"}, headers=proctor_headers)
    assert r.status_code == 200, r.text
    row = r.json()
    assert row["state"] == "auto_submitted" and row["submit_cause"] == "proctor"
    assert row["answered"] == 2 and row["receipt_id"]  # the blank one is not an answer
    # The phone learns it at once and cannot submit over it.
    assert (await phone.heartbeat())["state"] == "auto_submitted"
    events = await timeline(svc, proctor_headers, phone.attempt_id)
    forced = [e for e in events if e["kind"] == "force_submitted"]
    assert len(forced) == 1 and forced[0]["actor"] == exam.proctor.username
    r = await svc.client.post(url, json={"reason": "again"}, headers=proctor_headers)
    assert r.status_code == 409  # no open paper any more


@pytest.mark.asyncio
async def test_offline_unlock_reported_later_is_recorded_as_offline(
    svc: AsgiService, exam: ExamSetup, proctor_headers: dict[str, str]
) -> None:
    phone = Phone(svc, exam.exam_code, exam.candidates[4].candidate_no)
    await phone.start()
    seed = phone.joined["unlock_seed"]
    await phone.post("lock", {"reason": "app_switch"})
    r = await svc.client.post(
        f"{API}/attempts/{phone.attempt_id}/unlock",
        json={"reason": "network down", "mode": "offline"},
        headers={**proctor_headers, "Idempotency-Key": "offline-1"},
    )
    code = r.json()["code"]
    # The phone, network down, checks the code itself.
    assert pyotp.HOTP(seed).verify(code, phone.joined.get("lock_count", 0) + 1)
    # Back online, it reports when it unlocked.
    ok = await phone.post("unlock", {"code": code, "offline": True, "unlocked_at": "2026-11-30T09:00:00Z"})
    assert ok["state"] == "answering"
    events = await timeline(svc, proctor_headers, phone.attempt_id)
    unlocked = [e for e in events if e["kind"] == "unlocked"]
    assert unlocked[-1]["detail"]["mode"] == "offline"
    assert code not in str(events)  # the code itself is never recorded
    # The next lock needs a new code.
    await phone.post("lock", {"reason": "app_switch"})
    r = await svc.client.post(f"{API}/device/unlock", json={"code": code, "offline": True}, headers=phone.headers)
    assert r.status_code == 403
