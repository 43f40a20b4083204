"""Faults the real service cannot produce: malformed events on the stream.

httpx.MockTransport plays a broken service here; everything else about the
feed is tested against the real one (test_feed_live.py).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from proctor_console.client.api import ConsoleApi
from proctor_console.client.connect import make_http_client
from proctor_console.client.feed import FeedStatus, LiveFeed
from proctor_console.domain.rows import CandidateRow


def row(attempt_id: str, version: int, state: str = "answering") -> dict[str, object]:
    return CandidateRow(
        attempt_id=attempt_id, version=version, candidate_no=f"N{attempt_id}"
    ).to_json() | {"state": state}


def sse(event: str, data: str, event_id: str) -> bytes:
    return f"id: {event_id}\nevent: {event}\ndata: {data}\n\n".encode()


async def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


class BrokenService:
    """Snapshot of two rows, then one stream with damaged events among good ones."""

    def __init__(self, first_stream: bytes) -> None:
        self.first_stream = first_stream
        self.stream_requests: list[httpx.Request] = []
        self.hold = asyncio.Event()

    async def _held_open(self) -> AsyncIterator[bytes]:
        yield b": keep-alive\n\n"
        await self.hold.wait()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/candidates"):
            body = {
                "cursor": "10",
                "server_time": "2026-11-30T12:00:00Z",
                "candidates": [row("a1", 1), row("a2", 1)],
            }
            return httpx.Response(200, json=body)
        assert request.url.path.endswith("/events")
        self.stream_requests.append(request)
        headers = {"content-type": "text/event-stream"}
        if len(self.stream_requests) == 1:
            return httpx.Response(200, headers=headers, content=self.first_stream)
        return httpx.Response(200, headers=headers, content=self._held_open())


@pytest.mark.asyncio
async def test_malformed_events_are_reported_once_and_the_feed_goes_on() -> None:
    stream = (
        sse("candidate", "{not json", "11")
        + sse("candidate", json.dumps({"name": "no attempt id"}), "12")
        + sse("candidate", json.dumps(row("a1", 2, "locked")), "13")
        + sse("candidate", json.dumps([1, 2]), "14")
        + b": ping\n\n"
        + sse("candidate", json.dumps(row("a2", 2, "locked")), "15")
        + sse("escalation", json.dumps({"id": "e1", "attempt_id": "a1", "status": "open"}), "16")
    )
    service = BrokenService(stream)
    batches: list[tuple[list[CandidateRow], bool]] = []
    statuses: list[FeedStatus] = []
    events: list[tuple[str, dict[str, object]]] = []
    api = ConsoleApi(
        "http://exam.test", make_http_client(transport=httpx.MockTransport(service)), token="t"
    )
    feed = LiveFeed(
        api,
        "s1",
        on_rows=lambda rows, reset: batches.append((rows, reset)),
        on_status=statuses.append,
        on_event=lambda kind, data: events.append((kind, data)),
        backoff_initial=0.01,
    )
    task = asyncio.create_task(feed.run())
    await wait_for(lambda: len(service.stream_requests) == 2 and feed.status.state == "live")
    feed.stop()
    service.hold.set()
    await asyncio.wait_for(task, 5)
    await api.http.aclose()

    assert batches[0][1] is True and [r.attempt_id for r in batches[0][0]] == ["a1", "a2"]
    updates = [r for rows, reset in batches[1:] for r in rows if not reset]
    assert [(r.attempt_id, r.version, r.state.value) for r in updates] == [
        ("a1", 2, "locked"),
        ("a2", 2, "locked"),
    ]
    assert events == [("escalation", {"id": "e1", "attempt_id": "a1", "status": "open"})]
    # Three damaged events, told once in a sentence, then counted.
    assert feed.problems == 3
    told = [s.detail for s in statuses if s.detail and "malformed" in s.detail]
    assert len(told) == 1 and "not valid JSON" in told[0]
    # It reconnected after the stream ended, from the last event seen.
    second = service.stream_requests[1]
    assert second.headers["Last-Event-ID"] == "16" and second.url.params["after"] == "16"


@pytest.mark.asyncio
async def test_rows_arriving_together_are_delivered_in_one_batch() -> None:
    stream = b"".join(sse("candidate", json.dumps(row(f"a{i}", 5)), str(20 + i)) for i in range(30))
    service = BrokenService(stream)
    batches: list[tuple[list[CandidateRow], bool]] = []
    api = ConsoleApi(
        "http://exam.test", make_http_client(transport=httpx.MockTransport(service)), token="t"
    )
    feed = LiveFeed(
        api,
        "s1",
        on_rows=lambda rows, reset: batches.append((rows, reset)),
        on_status=lambda s: None,
    )
    task = asyncio.create_task(feed.run())
    await wait_for(lambda: sum(len(rows) for rows, reset in batches if not reset) == 30)
    feed.stop()
    service.hold.set()
    await asyncio.wait_for(task, 5)
    await api.http.aclose()
    assert len([1 for rows, reset in batches if not reset]) == 1


@pytest.mark.asyncio
async def test_a_service_that_always_answers_410_is_not_hammered() -> None:
    # A broken service: every cursor, even a fresh snapshot's, is "gone".
    snapshots = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal snapshots
        if request.url.path.endswith("/candidates"):
            snapshots += 1
            return httpx.Response(200, json={"cursor": "5", "server_time": None, "candidates": []})
        return httpx.Response(
            410, json={"error": {"code": "cursor_gone", "message": "Take a new snapshot."}}
        )

    statuses: list[FeedStatus] = []
    api = ConsoleApi(
        "http://exam.test", make_http_client(transport=httpx.MockTransport(handler)), token="t"
    )
    feed = LiveFeed(
        api, "s1", on_rows=lambda rows, reset: None, on_status=statuses.append, backoff_initial=0.05
    )
    task = asyncio.create_task(feed.run())
    await wait_for(lambda: any(s.state == "reconnecting" and s.next_try_at for s in statuses))
    feed.stop()
    await asyncio.wait_for(task, 5)
    await api.http.aclose()
    assert 2 <= snapshots <= 4
    assert "new snapshot" in (statuses[-1].detail or "") or "snapshot" in str(
        [s.detail for s in statuses]
    )
