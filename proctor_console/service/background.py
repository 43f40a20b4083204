"""Work the service does on its own: batched heartbeat telemetry and the time sweeper."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update

from . import exam
from .storage import (
    PRUNED_THROUGH,
    ChangedAttempts,
    Store,
    attempts,
    events,
    idempotency,
    mark_changed,
    service_meta,
    utcnow,
)

log = logging.getLogger("proctor_console.service")

#: A heartbeat that changes only last_seen re-sends the row at most this often.
# 15 s keeps the console's view of last_seen under its 30 s OFFLINE threshold (15 s plus
# one heartbeat interval at most) while a quiet hall of 5,000 phones writes about
# 330 events a second instead of one per heartbeat.
SEEN_RESEND = timedelta(seconds=15)
#: Attempts written per statement batch of a flush; the loop answers heartbeats between batches.
FLUSH_CHUNK = 100
TELEMETRY_FIELDS = ("battery_pct", "charging", "network", "answered")
#: What the flush reads to decide whether a heartbeat re-sends the row.
TELEMETRY_STATE = (attempts.c.id, attempts.c.version, attempts.c.seen_in_event, *(attempts.c[f] for f in TELEMETRY_FIELDS))
#: The keys of a whole attempt row as ``exam.load_attempt`` reads it (attempt and session columns).
ATTEMPT_KEYS = frozenset(column.key for column in exam.ATTEMPT_SELECT.selected_columns)


class TelemetryBuffer:
    """Heartbeat telemetry kept in memory and written about once a second, in one transaction."""

    def __init__(self, store: Store, cache: AttemptCache | None = None) -> None:
        self.store = store
        #: Whole rows for the re-sent events, where the cache holds the stored version.
        self.cache = cache
        self.pending: dict[str, dict[str, Any]] = {}

    def add(self, attempt_id: str, telemetry: dict[str, Any]) -> None:
        self.pending[attempt_id] = telemetry

    def discard(self, attempt_id: str) -> None:
        self.pending.pop(attempt_id, None)

    async def flush(self) -> int:
        if not self.pending:
            return 0
        batch, self.pending = self.pending, {}
        ids = list(batch)
        written = 0
        try:
            async with self.store.write() as conn:
                for start in range(0, len(ids), FLUSH_CHUNK):
                    written += await self._flush_chunk(conn, ids[start : start + FLUSH_CHUNK], batch)
                    # SQLite runs on this thread: let the heartbeats waiting meanwhile be
                    # answered (from memory) between chunks, not after the whole flush.
                    await asyncio.sleep(0)
        except BaseException:  # also when cancelled at shutdown: the last flush writes it
            # Keep what we had unless newer telemetry has arrived meanwhile.
            for aid, tel in batch.items():
                self.pending.setdefault(aid, tel)
            raise
        return written

    async def _flush_chunk(self, conn: Any, ids: list[str], batch: dict[str, dict[str, Any]]) -> int:
        # What decides a re-send, from the database (another process may have written it).
        stored = (await conn.execute(select(*TELEMETRY_STATE).where(attempts.c.id.in_(ids)))).all()
        resend: dict[str, tuple[int, dict[str, Any]]] = {}
        seen_only: list[dict[str, Any]] = []
        for aid, version, seen_in_event, *values in stored:
            tel = batch[aid]
            changed = any(f in tel and tel[f] != v for f, v in zip(TELEMETRY_FIELDS, values, strict=True))
            if changed or seen_in_event is None or tel["last_seen"] - seen_in_event >= SEEN_RESEND:
                resend[aid] = (version, tel)
            else:
                seen_only.append({"b_id": aid, "b_last_seen": tel["last_seen"]})
        if resend:
            # The whole row for the event: from the cache when it holds this very version
            # (the usual case), else read; either way marked so the cache takes it at commit.
            whole: dict[str, dict[str, Any]] = {}
            for aid, (version, _) in resend.items():
                hit = self.cache.rows.get(aid) if self.cache is not None else None
                if hit is not None and hit[0]["version"] == version:
                    whole[aid] = dict(hit[0])
            missing = [aid for aid in resend if aid not in whole]
            if missing:
                for row in (await conn.execute(exam.ATTEMPT_SELECT.where(attempts.c.id.in_(missing)))).mappings():
                    whole[row["id"]] = dict(row)
            now = utcnow()
            full: list[dict[str, Any]] = []
            new_events: list[dict[str, Any]] = []
            for aid, a in whole.items():
                tel = resend[aid][1]
                a.update(tel)
                a["version"] += 1
                a["seen_in_event"] = tel["last_seen"]
                full.append({"b_id": aid, "b_version": a["version"], **{f"b_{k}": a[k] for k in (*TELEMETRY_FIELDS, "last_seen")}})
                new_events.append({
                    "at": now, "session_id": a["session_id"], "hall_id": a["hall_id"], "attempt_id": aid,
                    "type": "candidate", "kind": None, "actor": None, "detail": None, "data": exam.row_json(a),
                })  # fmt: skip
                mark_changed(conn, aid, a)
            await conn.execute(
                update(attempts).where(attempts.c.id == bindparam("b_id")).values(
                    version=bindparam("b_version"),
                    seen_in_event=bindparam("b_last_seen"),
                    **{k: bindparam(f"b_{k}") for k in (*TELEMETRY_FIELDS, "last_seen")},
                ),
                full,
            )
            await conn.execute(insert(events), new_events)
        if seen_only:
            await conn.execute(
                update(attempts).where(attempts.c.id == bindparam("b_id")).values(last_seen=bindparam("b_last_seen")),
                seen_only,
            )
        return len(resend)


async def telemetry_loop(buffer: TelemetryBuffer, interval: float = 1.0) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            await buffer.flush()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("telemetry flush failed; will retry")


async def sweeper_loop(store: Store, interval: float = 1.0) -> None:
    """About once a second: auto-submit attempts whose time is over."""
    states = [s.value for s in exam.TIME_SUBMITTABLE]
    while True:
        await asyncio.sleep(interval)
        try:
            async with store.read() as conn:
                due = (
                    await conn.execute(
                        select(attempts.c.id).where(attempts.c.state.in_(states)).where(attempts.c.deadline <= utcnow()).limit(1)
                    )
                ).first()
            if due is not None:
                async with store.write() as conn:
                    count = await exam.sweep_overdue(conn)
                if count:
                    log.info("auto-submitted %d attempt(s) whose time was over", count)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("time sweeper failed; will retry")


#: Telemetry-only events (heartbeat changes) are kept this long; the timeline is kept for good.
DEFAULT_RETENTION = timedelta(hours=12)


async def prune_events(store: Store, older_than: timedelta = DEFAULT_RETENTION) -> int:
    """Delete old telemetry-only events; a stream cursor before them then answers 410."""
    cutoff = utcnow() - older_than
    async with store.write() as conn:
        last = (
            await conn.execute(
                select(func.max(events.c.id)).where(events.c.kind.is_(None)).where(events.c.at < cutoff)
            )
        ).scalar()
        if last is None:
            return 0
        result = await conn.execute(delete(events).where(events.c.kind.is_(None)).where(events.c.id <= last))
        old = (await conn.execute(select(service_meta.c.value).where(service_meta.c.key == PRUNED_THROUGH))).scalar()
        if old is None:
            await conn.execute(insert(service_meta).values(key=PRUNED_THROUGH, value=str(last)))
        elif int(old) < last:
            await conn.execute(update(service_meta).where(service_meta.c.key == PRUNED_THROUGH).values(value=str(last)))
    return int(result.rowcount or 0)


async def pruned_through(conn: Any) -> int:
    value = (await conn.execute(select(service_meta.c.value).where(service_meta.c.key == PRUNED_THROUGH))).scalar()
    return int(value or 0)


IDEMPOTENCY_KEEP = timedelta(hours=24)


async def prune_loop(store: Store, interval: float = 600.0) -> None:
    hours = os.environ.get("PROCTOR_EVENT_RETENTION_HOURS")
    try:
        retention = timedelta(hours=float(hours)) if hours else DEFAULT_RETENTION
    except ValueError:
        log.warning("PROCTOR_EVENT_RETENTION_HOURS=%r is not a number; keeping events %s", hours, DEFAULT_RETENTION)
        retention = DEFAULT_RETENTION
    while True:
        await asyncio.sleep(interval)
        try:
            count = await prune_events(store, retention)
            if count:
                log.info("pruned %d telemetry events older than %s", count, retention)
            async with store.write() as conn:
                # A retry comes within minutes; a day-old Idempotency-Key is no longer needed.
                await conn.execute(delete(idempotency).where(idempotency.c.created_at < utcnow() - IDEMPOTENCY_KEEP))
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("event pruning failed; will retry")


class AttemptCache:
    """Attempts as heartbeats need them, in memory: a heartbeat that changes nothing costs no query.

    This process's writes hand their rows over at commit (:func:`storage.mark_changed`),
    so the next heartbeat needs no query either. Other processes' writes are seen
    through the event log (:func:`follow_loop`), a few hundred milliseconds later at
    most. Telemetry-only events do not drop entries: they change nothing a heartbeat
    answers. ``max_age`` bounds how long an entry is trusted at all.
    """

    def __init__(self, store: Store, max_age: float = 600.0) -> None:
        self.store = store
        self.max_age = max_age
        self.rows: dict[str, tuple[dict[str, Any], float]] = {}
        self.generation = 0
        store.on_commit.append(self.committed)

    def committed(self, changed: ChangedAttempts) -> None:
        """After a commit of this process: keep the rows as written, forget the others."""
        if not changed:
            return
        self.generation += 1
        now = time.monotonic()
        for aid, row in changed.items():
            if row is not None and row.keys() >= ATTEMPT_KEYS:
                self.rows[aid] = (dict(row), now)
            else:
                self.rows.pop(aid, None)

    def drop(self, attempt_ids: set[str]) -> None:
        if attempt_ids:
            self.generation += 1
            for aid in attempt_ids:
                self.rows.pop(aid, None)

    def version(self, attempt_id: str) -> int | None:
        hit = self.rows.get(attempt_id)
        return None if hit is None else int(hit[0]["version"])

    async def get(self, attempt_id: str) -> dict[str, Any]:
        hit = self.rows.get(attempt_id)
        now = time.monotonic()
        if hit is not None and now - hit[1] < self.max_age:
            return dict(hit[0])
        generation = self.generation
        async with self.store.read() as conn:
            a = await exam.load_attempt(conn, attempt_id)
        if generation == self.generation:  # no write landed meanwhile: safe to keep
            if len(self.rows) > 100_000:
                self.rows.clear()
            self.rows[attempt_id] = (a, now)
        return dict(a)


async def follow_loop(store: Store, cache: AttemptCache, interval: float = 0.25) -> None:
    """Drop cached attempts that another process changed (events with a timeline kind).

    This process's own writes are already in the cache at the version they wrote; an
    entry is dropped when the database holds a newer version than the cached one.
    """
    async with store.read() as conn:
        cursor = await exam.max_cursor(conn)
    while True:
        await asyncio.sleep(interval)
        try:
            async with store.read() as conn:
                rows = (
                    await conn.execute(
                        select(events.c.id, events.c.attempt_id, events.c.kind, attempts.c.version)
                        .outerjoin(attempts, attempts.c.id == events.c.attempt_id)
                        .where(events.c.id > cursor)
                        .order_by(events.c.id)
                        .limit(5000)
                    )
                ).all()
            if rows:
                cursor = rows[-1][0]
                stale: set[str] = set()
                for _, aid, kind, version in rows:
                    if aid and kind:
                        cached = cache.version(aid)
                        if cached is not None and (version is None or cached < version):
                            stale.add(aid)
                cache.drop(stale)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("event follower failed; will retry")
            await asyncio.sleep(1)


class Background:
    def __init__(self, store: Store, buffer: TelemetryBuffer, cache: AttemptCache) -> None:
        self.store = store
        self.buffer = buffer
        self.cache = cache
        self.tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self.tasks = [
            asyncio.create_task(telemetry_loop(self.buffer), name="telemetry-flush"),
            asyncio.create_task(sweeper_loop(self.store), name="time-sweeper"),
            asyncio.create_task(follow_loop(self.store, self.cache), name="event-follower"),
            asyncio.create_task(prune_loop(self.store), name="event-pruner"),
        ]

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self.tasks = []
        with contextlib.suppress(Exception):
            await self.buffer.flush()
