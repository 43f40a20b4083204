"""Faults with the simulator running: the service SIGKILLed in the end rush, a console stream
cut and stalled by a proxy the test controls. What phones saw acknowledged is kept; the
console's rows heal by themselves and equal a fresh snapshot."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from servicekit import ServiceProcess

from proctor_console.client.api import ConsoleApi
from proctor_console.client.connect import make_http_client
from proctor_console.client.feed import FeedStatus, LiveFeed
from proctor_console.domain.rows import CandidateRow
from proctor_console.simulator.hall import Hall
from proctor_console.simulator.hall_setup import ExamSetup, create_exam
from proctor_console.simulator.record import record_mismatches
from proctor_console.simulator.roster import Candidate
from proctor_console.simulator.scenario import load_scenario

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]


async def wait_for(check: Callable[[], bool | Awaitable[bool]], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.05)


@dataclass
class Watcher:
    """What the console's owner of a feed sees: rows by attempt, every status, every batch."""

    rows: dict[str, CandidateRow] = field(default_factory=dict)
    statuses: list[FeedStatus] = field(default_factory=list)
    duplicates: int = 0  # the same version delivered twice outside a snapshot

    def on_rows(self, rows: list[CandidateRow], reset: bool) -> None:
        if reset:
            self.rows = {}
        for row in rows:
            known = self.rows.get(row.attempt_id)
            if known is not None and not reset and row.version == known.version:
                self.duplicates += 1
            if known is None or row.version >= known.version:
                self.rows[row.attempt_id] = row

    @property
    def state(self) -> str:
        return str(self.statuses[-1].state) if self.statuses else "none"

    def view(self) -> dict[str, tuple[int, str, int, str | None]]:
        return {
            a: (r.version, r.state.value, r.lock_count, r.receipt_id) for a, r in self.rows.items()
        }


def snapshot_view(rows: list[CandidateRow]) -> dict[str, tuple[int, str, int, str | None]]:
    return {r.attempt_id: (r.version, r.state.value, r.lock_count, r.receipt_id) for r in rows}


async def seed(base_url: str, admin_user: str, admin_password: str, candidates: int) -> ExamSetup:
    async with httpx.AsyncClient(timeout=30) as client:
        return await create_exam(
            client,
            base_url,
            admin_user,
            admin_password,
            hall_rows=(candidates + 4) // 5,
            hall_cols=5,
            candidates=candidates,
        )


def end_rush(**sections: dict[str, Any]) -> Any:
    s = load_scenario("end-rush")
    return dataclasses.replace(
        s, **{k: dataclasses.replace(getattr(s, k), **v) for k, v in sections.items()}
    )


async def test_sigkill_in_the_end_rush_loses_nothing_acknowledged(tmp_path: Path) -> None:
    with ServiceProcess.start(tmp_path / "svc") as svc:
        exam = await seed(svc.base_url, svc.admin_user, svc.admin_password, 25)
        rush = end_rush(
            locks={"per_hour": 40.0, "walk_seconds_min": 1, "walk_seconds_max": 2},
            network={"mix": {"wifi": 1.0}, "drops_per_hour": 0.0},
            submit={
                "spin_fraction": 0.4,
                "held_fraction": 0.6,
                "spin_seconds_min": 5,
                "spin_seconds_max": 15,
            },
        )
        hall = Hall(
            svc.base_url,
            exam.exam_code,
            [Candidate(c.candidate_no, c.name) for c in exam.candidates],
            rush,
            seed=11,
            speed=12,
            duration_minutes=8,
            request_timeout=5.0,
        )
        async with make_http_client() as http:
            api = ConsoleApi(svc.base_url, http)
            await api.login(exam.proctor.username, exam.proctor.password)
            watcher = Watcher()
            feed = LiveFeed(
                api,
                exam.session_id,
                on_rows=watcher.on_rows,
                on_status=watcher.statuses.append,
                backoff_initial=0.2,
                backoff_max=1.0,
            )
            feed_task = asyncio.create_task(feed.run())
            hall_task = asyncio.create_task(hall.run())
            try:
                await wait_for(
                    lambda: len(hall.record.submissions) >= 5 or hall_task.done(),
                    90,
                    "submissions in the rush",
                )
                assert not hall_task.done(), "the rush was over before the kill"
                acked_before = len(hall.record.submissions)
                svc.kill()  # SIGKILL: no shutdown, no flush
                await wait_for(
                    lambda: watcher.state == "reconnecting",
                    10,
                    "the console to show it is reconnecting",
                )
                await asyncio.sleep(1.5)  # phones keep trying against nothing for a moment
                svc.restart()
                assert svc.base_url == api.base_url, "the service came back on another port"
                record = await asyncio.wait_for(hall_task, 150)
                # Every submission and lock a phone saw acknowledged is in the service.
                fresh = await api.snapshot(exam.session_id)
                rows = [r.to_json() for r in fresh.rows]
                rec = record.to_json()
                assert record_mismatches(rec, rows) == []
                assert len(rec["submissions"]) > acked_before, (
                    "phones went on submitting after the restart"
                )
                assert set(rec["errors"]) <= {"network"}, rec["errors"]  # only the outage, no bug
                # A phone that lost its answer and submitted again got its first receipt.
                retried = [s for s in rec["submissions"] if "same_receipt_as_lost" in s]
                assert all(s["same_receipt_as_lost"] for s in retried)
                # The console reconnected by itself and shows exactly a fresh snapshot.
                await wait_for(lambda: watcher.state == "live", 20, "the console live again")
                fresh = await api.snapshot(exam.session_id)
                await wait_for(
                    lambda: watcher.view() == snapshot_view(fresh.rows),
                    20,
                    "the console's rows to equal a fresh snapshot",
                )
            finally:
                hall.stop()
                feed.stop()
                await asyncio.gather(hall_task, feed_task, return_exceptions=True)


class StreamProxy:
    """A loopback TCP proxy between the console and the service that the test can cut or stall."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = 0
        self.stalled = asyncio.Event()  # set: bytes are held, nothing flows either way
        self._server: asyncio.Server | None = None
        self._links: list[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = []
        self.connections = 0

    async def start(self) -> StreamProxy:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(Exception):
            while data := await reader.read(65536):
                while self.stalled.is_set():
                    await asyncio.sleep(0.05)
                writer.write(data)
                await writer.drain()
        with contextlib.suppress(Exception):
            writer.close()

    async def _serve(
        self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter
    ) -> None:
        self.connections += 1
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            client_writer.close()
            return
        self._links.append((client_writer, up_writer))
        await asyncio.gather(
            self._pipe(client_reader, up_writer), self._pipe(up_reader, client_writer)
        )

    def cut(self) -> None:
        """Drop every open connection at once (like a cable pulled)."""
        for a, b in self._links:
            for w in (a, b):
                with contextlib.suppress(Exception):
                    w.transport.abort()
        self._links.clear()

    async def close(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()


async def test_a_cut_and_a_stalled_stream_show_stale_then_heal_without_gaps_or_duplicates(
    tmp_path: Path,
) -> None:
    with ServiceProcess.start(tmp_path / "svc") as svc:
        exam = await seed(svc.base_url, svc.admin_user, svc.admin_password, 8)
        proxy = await StreamProxy(svc.port).start()
        async with (
            make_http_client() as http,
            httpx.AsyncClient(base_url=svc.api, timeout=30) as phone_http,
        ):
            phones: list[tuple[str, dict[str, str]]] = []
            for i, cand in enumerate(exam.candidates):
                device = {
                    "device_id": f"px-{i}",
                    "platform": "android",
                    "os_version": "12",
                    "app_version": "3.5.0",
                    "model": "M",
                    "screen": "2340x1080",
                }
                r = await phone_http.post(
                    "/device/join",
                    json={
                        "exam_code": exam.exam_code,
                        "candidate_no": cand.candidate_no,
                        "device": device,
                    },
                )
                headers = {"Authorization": f"Bearer {r.json()['device_token']}"}
                assert (await phone_http.post("/device/start", headers=headers)).status_code == 200
                phones.append((r.json()["attempt_id"], headers))

            api = ConsoleApi(f"http://127.0.0.1:{proxy.port}", http)
            await api.login(exam.proctor.username, exam.proctor.password)
            direct = ConsoleApi(svc.base_url, http)
            await direct.login(exam.proctor.username, exam.proctor.password)
            watcher = Watcher()
            feed = LiveFeed(
                api,
                exam.session_id,
                on_rows=watcher.on_rows,
                on_status=watcher.statuses.append,
                stale_after=1.0,
                read_timeout=3.0,
                backoff_initial=0.2,
                backoff_max=1.0,
            )
            task = asyncio.create_task(feed.run())
            try:
                await wait_for(lambda: watcher.state == "live", 15, "live")
                # Cut: the stream drops, changes go on meanwhile, the feed replays them on reconnect.
                proxy.cut()
                for _aid, headers in phones[:3]:
                    assert (
                        await phone_http.post(
                            "/device/lock", json={"reason": "call"}, headers=headers
                        )
                    ).status_code == 200
                await wait_for(
                    lambda: watcher.state == "live" and proxy.connections >= 2,
                    15,
                    "a new connection through the proxy",
                )
                fresh = await direct.snapshot(exam.session_id)
                await wait_for(
                    lambda: watcher.view() == snapshot_view(fresh.rows),
                    15,
                    "the rows after the cut to equal a snapshot",
                )

                # Stall: the connection stays open but nothing flows; the console must say stale.
                proxy.stalled.set()
                stalled_at = time.monotonic()
                for _aid, headers in phones[3:6]:
                    assert (
                        await phone_http.post(
                            "/device/lock", json={"reason": "app_switch"}, headers=headers
                        )
                    ).status_code == 200
                await wait_for(
                    lambda: watcher.state == "stale", 5, "stale while the stream is stalled"
                )
                assert time.monotonic() - stalled_at < 4.0
                assert all(
                    watcher.rows[aid].state.value == "answering" for aid, _ in phones[3:6]
                ), "nothing arrived while stalled"
                await asyncio.sleep(1.0)
                proxy.stalled.clear()
                for _aid, headers in phones[6:8]:
                    assert (
                        await phone_http.post(
                            "/device/lock", json={"reason": "screenshot"}, headers=headers
                        )
                    ).status_code == 200
                await wait_for(lambda: watcher.state == "live", 15, "live after the stall")
                fresh = await direct.snapshot(exam.session_id)
                await wait_for(
                    lambda: watcher.view() == snapshot_view(fresh.rows),
                    15,
                    "the rows after the stall to equal a snapshot",
                )
                assert watcher.duplicates == 0, "a replayed event was delivered twice"
                states = [s.state for s in watcher.statuses]
                assert "stale" in [str(s) for s in states] and "reconnecting" in [
                    str(s) for s in states
                ]
            finally:
                feed.stop()
                await asyncio.gather(task, return_exceptions=True)
                await proxy.close()
