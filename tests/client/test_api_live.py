"""ConsoleApi against the real exam service (a `proctor-console serve` subprocess)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from servicekit import ServiceProcess

from proctor_console.client.api import ConsoleApi, new_idempotency_key
from proctor_console.client.errors import (
    Conflict,
    Forbidden,
    InvalidRequest,
    NotFound,
    Unauthorized,
)
from proctor_console.domain.states import AttemptState, Role
from proctor_console.simulator.hall_setup import ExamSetup

from .conftest import Phone, signed_in

pytestmark = pytest.mark.asyncio


async def locked_phone(new_phone: Callable[[], Phone]) -> Phone:
    phone = new_phone()
    await phone.join_and_start()
    await phone.lock("call")
    return phone


async def test_login_me_logout(
    http: httpx.AsyncClient, service: ServiceProcess, exam: ExamSetup
) -> None:
    api = ConsoleApi(service.base_url + "/", http)
    result = await api.login(exam.proctor.username, exam.proctor.password)
    assert result.user.username == exam.proctor.username
    assert result.user.role is Role.PROCTOR and exam.hall_id in result.user.hall_ids
    assert result.expires_at is not None and result.expires_at > datetime.now(UTC)
    assert api.token == result.token
    assert (await api.me()).id == result.user.id
    await api.logout()
    assert api.token is None
    api.token = result.token  # the revoked token no longer works
    with pytest.raises(Unauthorized):
        await api.me()


async def test_wrong_password_says_so_without_echoing_it(
    http: httpx.AsyncClient, service: ServiceProcess, exam: ExamSetup
) -> None:
    api = ConsoleApi(service.base_url, http)
    with pytest.raises(Unauthorized) as caught:
        await api.login(exam.proctor.username, "not-the-password-42")
    assert "Wrong username or password" in str(caught.value)
    assert "not-the-password-42" not in str(caught.value)
    assert api.token is None


async def test_server_info_and_clock_offset(proctor_api: ConsoleApi) -> None:
    info = await proctor_api.server_info()
    assert info.title and info.version
    # The same machine's clock: the offset measured from X-Server-Time is tiny.
    assert proctor_api.clock_offset_known
    assert abs(proctor_api.clock_offset) < 1.0
    assert abs((proctor_api.server_now() - datetime.now(UTC)).total_seconds()) < 1.0


async def test_a_skewed_server_clock_is_corrected() -> None:
    # The real service runs on our clock; a skewed one is played by a mock.
    ahead = datetime.now(UTC) + timedelta(minutes=3)

    def handler(request: httpx.Request) -> httpx.Response:
        stamp = ahead.isoformat().replace("+00:00", "Z")
        return httpx.Response(
            200, json={"id": "u", "username": "x", "role": "lead"}, headers={"X-Server-Time": stamp}
        )

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        api = ConsoleApi("http://skewed.test", http, token="t")
        await api.me()
    assert 175 < api.clock_offset < 185
    assert 175 < (api.server_now() - datetime.now(UTC)).total_seconds() < 185


async def test_sessions_halls_and_snapshot_of_the_proctors_halls(
    proctor_api: ConsoleApi, exam: ExamSetup
) -> None:
    sessions = await proctor_api.sessions()
    session = next(s for s in sessions if s.id == exam.session_id)
    assert session.exam_code == exam.exam_code and session.max_locks == 5
    assert {h.id for h in await proctor_api.halls()} == {exam.hall_id}
    snapshot = await proctor_api.snapshot(exam.session_id)
    assert snapshot.problems == [] and snapshot.cursor != ""
    assert {r.candidate_no for r in snapshot.rows} == set(
        exam.candidate_numbers
    )  # not the other hall
    first = next(r for r in snapshot.rows if r.candidate_no == exam.candidates[0].candidate_no)
    assert first.name == exam.candidates[0].name and first.seat == exam.candidates[0].seat
    hall_only = await proctor_api.snapshot(exam.session_id, exam.hall_id)
    assert len(hall_only.rows) == len(exam.candidates)


async def test_no_access_and_unknown_ids(proctor_api: ConsoleApi, exam: ExamSetup) -> None:
    with pytest.raises(Forbidden) as wrong_hall:
        await proctor_api.snapshot(exam.session_id, exam.other_hall_id)
    assert wrong_hall.value.code == "wrong_hall"
    with pytest.raises(NotFound):
        await proctor_api.snapshot("no-such-session")
    with pytest.raises(NotFound):
        await proctor_api.timeline("no-such-attempt")


async def test_unlock_by_push_reaches_the_phone(
    proctor_api: ConsoleApi, exam: ExamSetup, new_phone: Callable[[], Phone]
) -> None:
    phone = await locked_phone(new_phone)
    result = await proctor_api.unlock(phone.attempt_id, "candidate returned", "push")
    assert result.status == "queued" and result.command_id
    beat = await phone.heartbeat("locked")
    assert {"type": "unlock", "id": result.command_id}.items() <= beat["commands"][0].items()
    await phone.heartbeat("answering")
    kinds = [e.kind for e in await proctor_api.timeline(phone.attempt_id)]
    assert kinds[-3:] == ["locked", "unlock_issued", "unlocked"]
    issued = next(
        e for e in await proctor_api.timeline(phone.attempt_id) if e.kind == "unlock_issued"
    )
    assert issued.actor == exam.proctor.username
    assert issued.detail["mode"] == "push" and issued.detail["reason"] == "candidate returned"


async def test_unlock_by_code_typed_on_the_phone(
    proctor_api: ConsoleApi, exam: ExamSetup, new_phone: Callable[[], Phone]
) -> None:
    phone = await locked_phone(new_phone)
    result = await proctor_api.unlock(phone.attempt_id, "checked the phone", "code")
    assert result.code is not None and len(result.code) == 6 and result.code.isdigit()
    assert result.expires_at is not None
    assert (
        timedelta(minutes=4)
        < result.expires_at - proctor_api.server_now()
        <= timedelta(minutes=5, seconds=5)
    )
    assert (await phone.call("unlock", {"code": result.code}))["state"] == "answering"
    snapshot = await proctor_api.snapshot(exam.session_id)
    row = next(r for r in snapshot.rows if r.attempt_id == phone.attempt_id)
    assert row.state is AttemptState.ANSWERING and row.last_unlock_mode == "code"
    # The code itself is never in the timeline.
    for event in await proctor_api.timeline(phone.attempt_id):
        assert result.code not in str(event.detail)


async def test_unlocking_a_candidate_who_is_not_locked_is_a_conflict(
    proctor_api: ConsoleApi, new_phone: Callable[[], Phone]
) -> None:
    phone = new_phone()
    await phone.join_and_start()
    with pytest.raises(Conflict, match="not locked"):
        await proctor_api.unlock(phone.attempt_id, "by mistake", "push")


async def test_the_same_idempotency_key_does_not_unlock_twice(
    proctor_api: ConsoleApi, new_phone: Callable[[], Phone]
) -> None:
    phone = await locked_phone(new_phone)
    key = new_idempotency_key()
    first = await proctor_api.unlock(phone.attempt_id, "retry me", "push", idempotency_key=key)
    again = await proctor_api.unlock(phone.attempt_id, "retry me", "push", idempotency_key=key)
    assert first.command_id == again.command_id
    issued = [e for e in await proctor_api.timeline(phone.attempt_id) if e.kind == "unlock_issued"]
    assert len(issued) == 1


async def test_batch_unlock_answers_per_candidate(
    proctor_api: ConsoleApi, new_phone: Callable[[], Phone]
) -> None:
    locked = await locked_phone(new_phone)
    answering = new_phone()
    await answering.join_and_start()
    results = await proctor_api.unlock_many(
        [locked.attempt_id, answering.attempt_id], "row 3 checked", "push"
    )
    by_attempt = {item.attempt_id: item for item in results}
    assert by_attempt[locked.attempt_id].ok and by_attempt[locked.attempt_id].result is not None
    refused = by_attempt[answering.attempt_id]
    assert not refused.ok and refused.error_code == "not_locked" and refused.message


async def test_escalation_raised_by_the_proctor_worked_by_support(
    proctor_api: ConsoleApi,
    support_api: ConsoleApi,
    exam: ExamSetup,
    new_phone: Callable[[], Phone],
) -> None:
    phone = new_phone()
    await phone.join_and_start()
    raised = await proctor_api.raise_escalation(
        phone.attempt_id, "wrong_paper", "试卷与报考专业不符"
    )
    assert (
        raised.status == "open"
        and raised.candidate_no == phone.candidate_no
        and raised.note == "试卷与报考专业不符"
    )
    queue = await support_api.escalations(status="open", session_id=exam.session_id)
    assert raised.id in {e.id for e in queue}
    with pytest.raises(Forbidden):
        await proctor_api.claim(raised.id)
    claimed = await support_api.claim(raised.id)
    assert claimed.status == "claimed" and claimed.claimed_by == exam.support.username
    commented = await support_api.comment(raised.id, "new paper assigned")
    assert [c.text for c in commented.comments] == ["new paper assigned"]
    resolved = await support_api.resolve(raised.id, "paper replaced")
    assert resolved.status == "resolved" and resolved.resolution == "paper replaced"


async def test_support_actions_and_talking_with_the_phone(
    proctor_api: ConsoleApi, support_api: ConsoleApi, new_phone: Callable[[], Phone]
) -> None:
    phone = await locked_phone(new_phone)
    before = next(e for e in await proctor_api.timeline(phone.attempt_id) if e.kind == "locked")
    assert before.detail["reason"] == "call"
    with pytest.raises(Forbidden):
        await proctor_api.reset_locks(phone.attempt_id, "not mine to do")
    row = await support_api.reset_locks(phone.attempt_id, "locks caused by a system fault")
    assert row.lock_count == 0
    extended = await support_api.extend(phone.attempt_id, "phone replaced", 10)
    assert extended.deadline is not None and row.deadline is not None
    assert extended.deadline - row.deadline == timedelta(minutes=10)
    with pytest.raises(InvalidRequest):
        await support_api.extend(phone.attempt_id, "too much", 100_000)

    command_id = await proctor_api.message(phone.attempt_id, "请稍等，监考老师马上过来")
    assert command_id
    await phone.call("help", {"reason": "device", "note": "screen frozen"})
    acked = await proctor_api.help_ack(phone.attempt_id)
    assert acked.help_requested_since is None

    submitted = await proctor_api.force_submit(phone.attempt_id, "candidate left the hall")
    assert submitted.state is AttemptState.AUTO_SUBMITTED and submitted.submit_cause == "proctor"
    reopened = await support_api.reopen(phone.attempt_id, "left by mistake")
    assert reopened.state is AttemptState.ANSWERING


async def test_summary_export_and_audit(
    http: httpx.AsyncClient, service: ServiceProcess, exam: ExamSetup
) -> None:
    lead = await signed_in(http, service.base_url, exam.lead.username, exam.lead.password)
    summary = await lead.summary(exam.session_id)
    assert isinstance(summary, dict) and summary
    data = await lead.export_csv(exam.session_id)
    text = data.decode("utf-8-sig")
    assert exam.candidates[0].candidate_no in text and exam.candidates[0].name in text
    entries = await lead.audit(exam.session_id)
    assert all(e.action for e in entries)
    some_attempt = (await lead.snapshot(exam.session_id)).rows[0].attempt_id
    with pytest.raises(Forbidden):
        await lead.unlock(some_attempt, "leads may not", "push")
