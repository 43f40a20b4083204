"""The live feed against the real service: locks appear, drops heal, nothing is missed."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from servicekit import ServiceProcess

from proctor_console.client.api import ConsoleApi
from proctor_console.client.feed import FeedStatus, LiveFeed
from proctor_console.domain.rows import CandidateRow
from proctor_console.simulator.hall_setup import ExamSetup

from .conftest import Phone, seed_exam, signed_in, wait_for

pytestmark = pytest.mark.asyncio


@dataclass
class FeedWatcher:
    """What the owner of a feed sees: rows (by attempt, newest version), batches, statuses, events."""

    rows: dict[str, CandidateRow] = field(default_factory=dict)
    batches: list[tuple[int, bool]] = field(default_factory=list)
    statuses: list[FeedStatus] = field(default_factory=list)
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def on_rows(self, rows: list[CandidateRow], reset: bool) -> None:
        self.batches.append((len(rows), reset))
        if reset:
            self.rows = {}
        for row in rows:
            known = self.rows.get(row.attempt_id)
            if known is None or row.version >= known.version:
                self.rows[row.attempt_id] = row

    def on_event(self, kind: str, data: dict[str, Any]) -> None:
        self.events.append((kind, data))

    def state_of(self, attempt_id: str) -> str | None:
        row = self.rows.get(attempt_id)
        return row.state.value if row else None

    @property
    def state(self) -> str:
        return self.statuses[-1].state if self.statuses else "none"


@dataclass
class RunningFeed:
    feed: LiveFeed
    watcher: FeedWatcher
    task: asyncio.Task[None]

    async def stop(self) -> None:
        self.feed.stop()
        await asyncio.wait_for(self.task, 10)


def start_feed(api: ConsoleApi, session_id: str, **options: Any) -> RunningFeed:
    watcher = FeedWatcher()
    feed = LiveFeed(
        api,
        session_id,
        on_rows=watcher.on_rows,
        on_status=watcher.statuses.append,
        on_event=watcher.on_event,
        **options,
    )
    return RunningFeed(feed, watcher, asyncio.create_task(feed.run()))


async def test_a_lock_reaches_the_feed_within_a_second(
    proctor_api: ConsoleApi, exam: ExamSetup, new_phone: Callable[[], Phone]
) -> None:
    phone = new_phone()
    running = start_feed(proctor_api, exam.session_id)
    watcher = running.watcher
    try:
        await wait_for(lambda: watcher.state == "live", what="the feed to be live")
        assert watcher.batches[0] == (len(exam.candidates), True)
        assert [s.state for s in watcher.statuses[:2]] == ["connecting", "live"]
        await phone.join_and_start()
        await wait_for(
            lambda: watcher.state_of(phone.attempt_id) == "answering", what="the phone answering"
        )
        locked_at = asyncio.get_running_loop().time()
        await phone.lock("screenshot")
        await wait_for(
            lambda: watcher.state_of(phone.attempt_id) == "locked", timeout=5, what="the lock"
        )
        assert asyncio.get_running_loop().time() - locked_at < 1.0
        row = watcher.rows[phone.attempt_id]
        assert (
            row.lock_count == 1
            and row.last_lock_reason == "screenshot"
            and row.locked_since is not None
        )
        assert all(not reset for _, reset in watcher.batches[1:])

        # Escalations come to on_event, not on_rows.
        raised = await proctor_api.raise_escalation(phone.attempt_id, "device_failure", "屏幕失灵")
        await wait_for(
            lambda: any(d.get("id") == raised.id for _, d in watcher.events),
            what="the escalation event",
        )
        kind, data = next((k, d) for k, d in watcher.events if d.get("id") == raised.id)
        assert kind == "escalation" and data["category"] == "device_failure"
    finally:
        await running.stop()
    assert running.feed.snapshots == 1 and running.feed.problems == 0


async def test_a_cursor_the_service_cannot_replay_leads_to_a_new_snapshot(
    proctor_api: ConsoleApi, exam: ExamSetup
) -> None:
    watcher = FeedWatcher()

    def on_rows(rows: list[CandidateRow], reset: bool) -> None:
        watcher.on_rows(rows, reset)
        if reset and feed.snapshots == 1:
            # As after the service's data was reset: a cursor beyond its event log (410).
            feed.cursor = str(10**12)

    feed = LiveFeed(
        proctor_api, exam.session_id, on_rows=on_rows, on_status=watcher.statuses.append
    )
    task = asyncio.create_task(feed.run())
    try:
        await wait_for(
            lambda: feed.snapshots == 2 and watcher.state == "live", what="a second snapshot"
        )
        assert [reset for _, reset in watcher.batches] == [True, True]
        assert int(feed.cursor) < 10**12
        assert "reconnecting" not in [s.state for s in watcher.statuses]  # no backoff for a 410
    finally:
        feed.stop()
        await asyncio.wait_for(task, 10)


# ----- a service of their own: killed, restarted, frozen -----


@pytest.fixture
def own_service(tmp_path: Path) -> Iterator[ServiceProcess]:
    with ServiceProcess.start(tmp_path / "svc") as svc:
        try:
            yield svc
        finally:
            if svc.proc is not None and svc.proc.poll() is None:
                os.kill(svc.proc.pid, signal.SIGCONT)  # never leave it frozen


@pytest_asyncio.fixture
async def own_exam(own_service: ServiceProcess) -> ExamSetup:
    return await seed_exam(own_service, candidates=6)


@pytest_asyncio.fixture
async def phones(own_service: ServiceProcess, own_exam: ExamSetup) -> AsyncIterator[list[Phone]]:
    async with httpx.AsyncClient(timeout=15) as device_http:
        result = [
            Phone(device_http, own_service.base_url, own_exam.exam_code, c.candidate_no)
            for c in own_exam.candidates
        ]
        for phone in result:
            await phone.join_and_start()
        yield result


@pytest.mark.slow
async def test_feed_survives_a_killed_service_and_misses_nothing(
    http: httpx.AsyncClient, own_service: ServiceProcess, own_exam: ExamSetup, phones: list[Phone]
) -> None:
    api = await signed_in(
        http, own_service.base_url, own_exam.proctor.username, own_exam.proctor.password
    )
    running = start_feed(api, own_exam.session_id, backoff_initial=0.2, backoff_max=1.0)
    watcher = running.watcher
    try:
        await wait_for(lambda: watcher.state == "live", what="live")
        await phones[0].lock("call")
        await wait_for(
            lambda: watcher.state_of(phones[0].attempt_id) == "locked", what="the first lock"
        )

        own_service.kill()
        await wait_for(lambda: watcher.state == "reconnecting", what="reconnecting after the kill")
        told = next(
            s for s in watcher.statuses if s.state == "reconnecting" and s.next_try_at is not None
        )
        assert told.next_try_at is not None and told.next_try_at > told.since
        assert told.detail

        own_service.restart()
        assert own_service.base_url == api.base_url, "the service came back on another port"
        # Changes made while the feed may still be away: replayed from Last-Event-ID, or streamed.
        await phones[1].lock("app_switch")
        await phones[2].lock("screenshot")
        await api.unlock(phones[0].attempt_id, "back at the desk", "push")
        await phones[0].heartbeat("locked")
        await phones[0].heartbeat("answering")
        fresh = await api.snapshot(own_exam.session_id)
        expected = {r.attempt_id: (r.version, r.state.value, r.lock_count) for r in fresh.rows}

        def caught_up() -> bool:
            seen = {a: (r.version, r.state.value, r.lock_count) for a, r in watcher.rows.items()}
            return seen == expected

        await wait_for(caught_up, timeout=15, what="the feed to match a fresh snapshot")
        assert watcher.state == "live"
    finally:
        await running.stop()
    assert running.feed.snapshots == 1  # healed by replay, not by a new snapshot


@pytest.mark.slow
async def test_a_silent_stream_is_stale_not_live(
    http: httpx.AsyncClient, own_service: ServiceProcess, own_exam: ExamSetup, phones: list[Phone]
) -> None:
    api = await signed_in(
        http, own_service.base_url, own_exam.proctor.username, own_exam.proctor.password
    )
    running = start_feed(api, own_exam.session_id, stale_after=1.0, read_timeout=4.0)
    watcher = running.watcher
    assert own_service.proc is not None
    try:
        await wait_for(lambda: watcher.state == "live", what="live")
        last_live = datetime.now(UTC)
        os.kill(own_service.proc.pid, signal.SIGSTOP)  # the service hangs: no data, no keep-alive
        await wait_for(lambda: watcher.state == "stale", timeout=5, what="stale")
        stale = watcher.statuses[-1]
        assert stale.since <= datetime.now(UTC) and (stale.since - last_live).total_seconds() < 1.5
        os.kill(own_service.proc.pid, signal.SIGCONT)
        await phones[3].lock("other")
        await wait_for(
            lambda: watcher.state_of(phones[3].attempt_id) == "locked",
            what="the lock after thawing",
        )
        assert watcher.state == "live"
    finally:
        os.kill(own_service.proc.pid, signal.SIGCONT)
        await running.stop()


async def test_a_proctor_of_another_hall_follows_only_that_hall(
    http: httpx.AsyncClient,
    service: ServiceProcess,
    exam: ExamSetup,
    new_phone: Callable[[], Phone],
) -> None:
    other = await signed_in(
        http, service.base_url, exam.other_proctor.username, exam.other_proctor.password
    )
    running = start_feed(other, exam.session_id, hall_id=exam.other_hall_id)
    watcher = running.watcher
    try:
        await wait_for(lambda: watcher.state == "live", what="live")
        assert {r.candidate_no for r in watcher.rows.values()} == {
            c.candidate_no for c in exam.other_candidates
        }
        phone = new_phone()  # a candidate of the main hall
        await phone.join_and_start()
        far_phone = Phone(
            phone.http, phone.base_url, exam.exam_code, exam.other_candidates[0].candidate_no
        )
        await far_phone.join_and_start()
        await wait_for(
            lambda: watcher.state_of(far_phone.attempt_id) == "answering",
            what="the other hall's phone",
        )
        assert phone.attempt_id not in watcher.rows
    finally:
        await running.stop()
