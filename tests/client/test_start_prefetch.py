"""The console's start asks for the snapshot before it builds the hall window:
the request is on the wire before the window is built, the feed shows that
snapshot without asking again, and the hall followed is the one the window
would choose."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

import httpx
import pytest

from proctor_console.client.api import ConsoleApi
from proctor_console.client.connect import make_http_client
from proctor_console.client.feed import LiveFeed
from proctor_console.client.records import ExamSession, Snapshot, User
from proctor_console.domain.rows import CandidateRow
from proctor_console.domain.states import Role


def row(attempt_id: str) -> dict[str, object]:
    return CandidateRow(attempt_id=attempt_id, version=1, candidate_no=f"N{attempt_id}").to_json() | {
        "state": "answering"
    }


SNAPSHOT = {"cursor": "10", "server_time": "2026-11-30T12:00:00Z", "candidates": [row("a1"), row("a2")]}


async def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


@pytest.mark.asyncio
async def test_the_request_is_on_the_wire_while_the_service_prepares_the_answer() -> None:
    requested = asyncio.Event()
    answer = asyncio.Event()

    async def slow_service(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")  # a GET: the headers are the whole request
        requested.set()
        await answer.wait()
        body = json.dumps(SNAPSHOT).encode()
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(slow_service, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    api = ConsoleApi(f"http://127.0.0.1:{port}", make_http_client(), token="t")
    try:
        sent = asyncio.Event()
        snapshot = asyncio.ensure_future(api.snapshot("s1", sent=sent))
        await asyncio.wait_for(sent.wait(), 5)
        await asyncio.wait_for(requested.wait(), 5)
        assert not snapshot.done()  # told "sent" before the service answered
        answer.set()
        result = await asyncio.wait_for(snapshot, 5)
        assert [r.attempt_id for r in result.rows] == ["a1", "a2"]
    finally:
        await api.http.aclose()
        server.close()
        await server.wait_closed()


@pytest.mark.asyncio
async def test_the_feed_shows_the_snapshot_asked_for_at_start_without_asking_again() -> None:
    asked: list[str] = []
    hold = asyncio.Event()

    async def held_open() -> object:
        yield b": keep-alive\n\n"
        await hold.wait()

    def service(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path.rsplit("/", 1)[-1])
        if request.url.path.endswith("/candidates"):
            return httpx.Response(200, json=SNAPSHOT)
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=held_open())  # type: ignore[arg-type]

    api = ConsoleApi("http://exam.test", make_http_client(transport=httpx.MockTransport(service)), token="t")
    batches: list[tuple[list[CandidateRow], bool]] = []
    first = asyncio.ensure_future(api.snapshot("s1"))
    feed = LiveFeed(
        api, "s1", on_rows=lambda rows, reset: batches.append((rows, reset)), on_status=lambda s: None,
        first_snapshot=first,
    )  # fmt: skip
    task = asyncio.create_task(feed.run())
    await wait_for(lambda: feed.status.state == "live")
    feed.stop()
    hold.set()
    await asyncio.wait_for(task, 5)
    await api.http.aclose()
    assert asked == ["candidates", "events"]  # one snapshot: the one asked for at start
    assert [([r.attempt_id for r in rows], reset) for rows, reset in batches] == [(["a1", "a2"], True)]
    assert feed.cursor == "10"


@pytest.mark.asyncio
async def test_a_feed_stopped_before_its_first_snapshot_drops_it() -> None:
    api = ConsoleApi("http://exam.test", make_http_client(transport=httpx.MockTransport(lambda r: httpx.Response(500))))
    never: asyncio.Future[Snapshot] = asyncio.get_running_loop().create_future()
    feed = LiveFeed(api, "s1", on_rows=lambda rows, reset: None, on_status=lambda s: None, first_snapshot=never)
    feed.stop()
    await asyncio.wait_for(feed.run(), 5)
    await api.http.aclose()
    assert never.cancelled()


def session(*hall_ids: str) -> ExamSession:
    return ExamSession.from_json({"id": "s1", "hall_ids": list(hall_ids)})


def test_the_hall_followed_is_the_proctors_own_or_the_one_asked_for() -> None:
    proctor = User("u1", "wang", "Wang", Role.PROCTOR, ["h1"])
    lead = User("u2", "li", "Li", Role.LEAD, [])
    assert session("h1", "h2").feed_hall(proctor) == "h1"
    assert session("h1", "h2").feed_hall(proctor, "h2") == "h2"
    assert session("h2", "h3").feed_hall(proctor) is None
    assert session("h1", "h2").feed_hall(User("u3", "zhao", "Zhao", Role.PROCTOR, ["h1", "h2"])) is None
    assert session("h1", "h2").feed_hall(lead) is None
