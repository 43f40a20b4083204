"""The live feed of a session: a snapshot, then the event stream, kept alive.

``LiveFeed.run()`` takes a snapshot and follows ``GET /sessions/{sid}/events``
from its cursor. It reconnects after a drop with exponential backoff (0.5 s
doubling to 10 s, with jitter) and ``Last-Event-ID``, takes a new snapshot
when the service answers 410, and tells its owner through ``on_status``
whether what it shows is live, stale or being reconnected: stale data is
never shown as current.

Candidate rows reach ``on_rows`` in small batches (what arrived within
``batch_window``), so a burst of events costs one update of the views.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, cast

import httpx
from httpx_sse import EventSource, ServerSentEvent

from ..domain.rows import CandidateRow, RowError, parse_row
from .api import ConsoleApi
from .errors import (
    ConsoleError,
    CursorExpired,
    Forbidden,
    NotFound,
    NotThisApi,
    TlsError,
    Unauthorized,
)
from .records import Snapshot

log = logging.getLogger("proctor_console.client.feed")

FeedState = Literal["connecting", "live", "reconnecting", "stale"]

# Errors a retry cannot cure: the feed reports them and ends.
_FATAL = (Unauthorized, Forbidden, NotFound, NotThisApi, TlsError)


@dataclass(frozen=True)
class FeedStatus:
    state: FeedState
    since: datetime
    """When this state began; for ``stale``, when data or a keep-alive last arrived."""
    next_try_at: datetime | None = None
    """For ``reconnecting``: when the next try starts (None while it is under way)."""
    detail: str | None = None
    """A sentence for the user: why it is reconnecting, or what was ignored."""
    problems: int = 0
    """How many malformed events were ignored since the feed started."""


class _ActivityResponse:
    """The parts of an httpx response that ``EventSource`` reads, noting every chunk.

    ``EventSource`` hides comment lines (the keep-alives), but a keep-alive
    is exactly what proves the stream is alive: this notes the arrival of
    any bytes at all.
    """

    def __init__(self, response: httpx.Response, on_activity: Callable[[], None]) -> None:
        self._response = response
        self._on_activity = on_activity

    @property
    def headers(self) -> httpx.Headers:
        return self._response.headers

    async def aiter_text(self) -> AsyncIterator[str]:
        async for text in self._response.aiter_text():
            self._on_activity()
            yield text


class LiveFeed:
    """Follow one session (or one hall of it) live. ``await run()`` until ``stop()``.

    ``run()`` returns after ``stop()``. For what a retry cannot cure (the
    sign-in expired, no access, the session is gone, not this API, TLS
    rejected) it reports ``stale`` with the reason and raises that error.
    """

    def __init__(
        self,
        api: ConsoleApi,
        session_id: str,
        hall_id: str | None = None,
        *,
        on_rows: Callable[[list[CandidateRow], bool], None],
        on_status: Callable[[FeedStatus], None],
        on_event: Callable[[str, dict[str, Any]], None] | None = None,
        batch_window: float = 0.05,
        stale_after: float = 20.0,
        read_timeout: float = 25.0,
        backoff_initial: float = 0.5,
        backoff_max: float = 10.0,
        first_snapshot: Awaitable[Snapshot] | None = None,
    ) -> None:
        if read_timeout <= stale_after:
            # A silent stream must be shown stale before the read times out and reconnects;
            # with the defaults both exceed the service's keep-alive interval (15 s).
            raise ValueError("read_timeout must exceed stale_after")
        self.api = api
        self.session_id = session_id
        self.hall_id = hall_id
        self.on_rows = on_rows
        self.on_status = on_status
        self.on_event = on_event
        self.batch_window = batch_window
        self.stale_after = stale_after
        self.read_timeout = read_timeout
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max

        self.cursor = ""
        """The id of the last event applied (or the snapshot's cursor)."""
        self.problems = 0
        self.snapshots = 0
        """How many snapshots were taken (the first, and one after each 410)."""
        self.status = FeedStatus("connecting", datetime.now(UTC))
        self._stopping = asyncio.Event()
        self._pending: list[CandidateRow] = []
        self._flush_handle: asyncio.TimerHandle | None = None
        self._last_activity = datetime.now(UTC)
        self._connected_once = False
        self._went_live = False
        self._first_snapshot = first_snapshot
        """A snapshot already asked for (at start-up), taken instead of asking again."""

    # ----- owner's side -----

    def stop(self) -> None:
        """Ask ``run()`` to end; rows already received are delivered first."""
        self._stopping.set()

    async def run(self) -> None:
        failures = 0
        expired_in_a_row = 0
        need_snapshot = True
        self.status = FeedStatus("connecting", datetime.now(UTC), problems=self.problems)
        self.on_status(self.status)
        try:
            while not self._stopping.is_set():
                self._went_live = False
                try:
                    if need_snapshot:
                        await self._take_snapshot()
                        need_snapshot = False
                    await self._follow()
                    # The service ended the stream (e.g. it is shutting down): reconnect.
                    detail = "The service closed the live stream; reconnecting."
                except CursorExpired as exc:
                    log.info(
                        "session %s: cursor %s cannot be replayed; new snapshot",
                        self.session_id,
                        self.cursor,
                    )
                    need_snapshot = True
                    expired_in_a_row += 1
                    if expired_in_a_row == 1:
                        continue  # at once: the usual case after the service's data was reset
                    detail = str(exc)  # 410 right after a fresh snapshot: back off, do not spin
                except _FATAL as exc:
                    self._flush()
                    self._set_status("stale", since=self._last_activity, detail=str(exc))
                    raise
                except ConsoleError as exc:
                    detail = str(exc)
                except httpx.HTTPError as exc:  # a drop while reading
                    detail = f"The live stream broke ({type(exc).__name__}); reconnecting."
                if self._stopping.is_set():
                    break
                if self._went_live:  # the stream was up: start the backoff afresh
                    failures = 0
                    expired_in_a_row = 0
                self._flush()
                delay = min(self.backoff_max, self.backoff_initial * 2**failures)
                # Jitter: the consoles of many halls must not all retry in the same instant.
                delay *= random.uniform(0.8, 1.2)
                failures += 1
                next_try = datetime.now(UTC) + timedelta(seconds=delay)
                self._set_status("reconnecting", next_try_at=next_try, detail=detail)
                log.info("session %s: reconnecting in %.1f s (%s)", self.session_id, delay, detail)
                if await self._wait_stopping(delay):
                    break
                self._set_status("reconnecting", detail=detail)
        finally:
            self._flush()
            self._drop_first_snapshot()

    # ----- the work -----

    def _drop_first_snapshot(self) -> None:
        """A snapshot asked for but never taken (stopped first): cancel it, and read
        its error, so that asyncio does not report it as never retrieved."""
        first, self._first_snapshot = self._first_snapshot, None
        if first is not None and asyncio.isfuture(first):
            if first.done():
                if not first.cancelled():
                    first.exception()
            else:
                first.cancel()
        elif asyncio.iscoroutine(first):
            first.close()

    async def _wait_stopping(self, seconds: float) -> bool:
        """Sleep ``seconds`` unless stopped first; True when stopped."""
        try:
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
        except TimeoutError:
            return False
        return True

    async def _take_snapshot(self) -> None:
        first, self._first_snapshot = self._first_snapshot, None
        if first is not None:
            snapshot = await first
        else:
            snapshot = await self.api.snapshot(self.session_id, self.hall_id)
        self.snapshots += 1
        self.cursor = snapshot.cursor
        # The snapshot supersedes what was waiting to be delivered.
        self._cancel_flush()
        self._pending.clear()
        self._note_activity()
        self.on_rows(snapshot.rows, True)
        if snapshot.problems:
            self._report_problem(
                f"{len(snapshot.problems)} damaged row(s) in the snapshot; first: {snapshot.problems[0]}"
            )

    async def _follow(self) -> None:
        async with self.api.event_stream(
            self.session_id, self.cursor, self.hall_id, read_timeout=self.read_timeout
        ) as response:
            self._connected_once = True
            self._went_live = True
            self._note_activity()
            self._set_status("live")
            watchdog = asyncio.create_task(
                self._watch_silence(), name=f"feed-watchdog-{self.session_id}"
            )
            stop_wait = asyncio.create_task(
                self._stopping.wait(), name=f"feed-stop-{self.session_id}"
            )
            reader = asyncio.create_task(
                self._read(response), name=f"feed-reader-{self.session_id}"
            )
            try:
                done, _ = await asyncio.wait(
                    {reader, stop_wait}, return_when=asyncio.FIRST_COMPLETED
                )
                if reader in done:
                    reader.result()  # re-raise what ended the stream
            finally:
                for task in (watchdog, stop_wait, reader):
                    task.cancel()
                await asyncio.gather(watchdog, stop_wait, reader, return_exceptions=True)

    async def _read(self, response: httpx.Response) -> None:
        source = EventSource(cast(httpx.Response, _ActivityResponse(response, self._note_activity)))
        async for event in source.aiter_sse():
            self._handle(event)

    async def _watch_silence(self) -> None:
        """Mark the feed stale when neither data nor a keep-alive came for ``stale_after`` s."""
        while True:
            silent_for = (datetime.now(UTC) - self._last_activity).total_seconds()
            if silent_for >= self.stale_after:
                if self.status.state == "live":
                    self._set_status(
                        "stale",
                        since=self._last_activity,
                        detail=f"Nothing from the service for {self.stale_after:.0f} s; the rows shown may be out of date.",
                    )
                await asyncio.sleep(0.5)
            else:
                await asyncio.sleep(max(0.05, self.stale_after - silent_for))

    def _note_activity(self) -> None:
        self._last_activity = datetime.now(UTC)
        if self.status.state == "stale" and self._connected_once and not self._stopping.is_set():
            self._set_status("live")

    def _handle(self, event: ServerSentEvent) -> None:
        if event.id:
            self.cursor = event.id
        if not event.data:  # an empty event (keep-alive after an id): nothing to apply
            return
        kind = event.event
        try:
            data = json.loads(event.data)
        except ValueError:
            self._report_problem(f"an update ({kind}, id {event.id or '?'}) was not valid JSON")
            return
        if kind == "candidate":
            try:
                parsed = parse_row(data)
            except RowError as exc:
                self._report_problem(
                    f"an update (id {event.id or '?'}) was not a candidate row: {exc}"
                )
                return
            if parsed.problems:
                log.info(
                    "row %s: dropped fields: %s", parsed.row.attempt_id, "; ".join(parsed.problems)
                )
            self._pending.append(parsed.row)
            if self._flush_handle is None:
                loop = asyncio.get_running_loop()
                self._flush_handle = loop.call_later(self.batch_window, self._flush)
        elif kind in ("escalation", "session"):
            if not isinstance(data, dict):
                self._report_problem(
                    f"an update ({kind}, id {event.id or '?'}) was not a JSON object"
                )
                return
            self._flush()  # rows that came first are delivered first
            if self.on_event is not None:
                self.on_event(kind, data)
        else:
            log.debug("ignored event %r (id %s)", kind, event.id)

    def _cancel_flush(self) -> None:
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_handle = None

    def _flush(self) -> None:
        self._cancel_flush()
        if self._pending:
            rows, self._pending = self._pending, []
            self.on_rows(rows, False)

    def _report_problem(self, text: str) -> None:
        """Log every malformed event; tell the user once, then only count."""
        self.problems += 1
        log.warning("session %s: ignored %s", self.session_id, text)
        if self.problems == 1:
            self._set_status(
                self.status.state,
                since=self.status.since,
                next_try_at=self.status.next_try_at,
                detail=f"Ignored a malformed update from the service: {text}.",
            )
        else:
            self.status = replace(self.status, problems=self.problems)

    def _set_status(
        self,
        state: FeedState,
        *,
        since: datetime | None = None,
        next_try_at: datetime | None = None,
        detail: str | None = None,
    ) -> None:
        previous = self.status
        if since is None:
            since = previous.since if previous.state == state else datetime.now(UTC)
        status = FeedStatus(state, since, next_try_at, detail, self.problems)
        if status == previous:
            return
        self.status = status
        self.on_status(status)


__all__ = ["FeedState", "FeedStatus", "LiveFeed"]
